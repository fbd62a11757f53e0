"""Users, roles, sessions and their persistence."""
