"""ISA-18.2 alarms: the engine's state machine, its limit block, operator actions (acknowledge,
shelve, suppress, out of service) and annunciation."""
