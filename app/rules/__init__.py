"""The rule language: expressions, the rule compiler and its functions, rule words, and the
rule engine."""
