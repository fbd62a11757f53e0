"""Protocol drivers and the demo plant simulator; no Qt."""
