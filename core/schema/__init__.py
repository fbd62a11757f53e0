"""The plant file's schema (pydantic): devices and addresses, tags with their alarms, history
and early-warning settings, hazard sources, rules, the risk model and `PlantConfig`."""
