"""Real, public, labelled industrial measurements and the scoring of early warnings on them."""
