"""Shift reports and alarm-system KPIs (EEMUA 191 / ISA-18.2) from the journal."""
