"""Transport to other processes: Sparkplug B over MQTT (topics, payloads, an MQTT session). No Qt."""
