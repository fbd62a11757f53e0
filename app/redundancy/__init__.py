"""Redundancy: two servers for one plant, one active (active_standby.py)."""
