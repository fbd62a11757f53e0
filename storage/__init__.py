"""History, alarm journal and schema (SQLAlchemy); no Qt."""
