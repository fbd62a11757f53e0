"""The control room: one server owns acquisition and alarm state and publishes it as Sparkplug B
over MQTT; stations show it and send signed commands (server.py, station.py, commands.py, areas.py)."""
