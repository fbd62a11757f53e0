"""Forewarn core: plain Python, never imports Qt."""
