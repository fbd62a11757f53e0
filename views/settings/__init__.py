"""The engineer's settings dialog: devices, tags, alarms and warnings, hazard sources, rules and
the map, edited on a copy of the plant configuration and applied all at once."""

from views.settings.dialog import SettingsDialog

__all__ = ["SettingsDialog"]
