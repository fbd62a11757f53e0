"""Dual prevention (双重预防机制): work permits, hidden dangers, the risk inventory, inspections and
the plant risk index. Pure Python, no Qt; the tables are in storage.dual_prevention."""
