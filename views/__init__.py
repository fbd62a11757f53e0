"""Windows and dialogs, and the Qt bridge to the engine."""
