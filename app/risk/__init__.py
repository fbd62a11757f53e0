"""Hazard-source risk: the inherent grade and the dynamic level with its trace."""
