"""Interoperability tests against third-party Modbus TCP and OPC UA servers."""
