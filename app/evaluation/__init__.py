"""One evaluation pass over samples, live or replayed: the quality stage, the fault registry, the
pipeline and replay."""
