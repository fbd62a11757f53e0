"""The plant file's devices and their addresses: Modbus TCP and OPC UA device records, Modbus
address parsing, OPC UA node id checks and the register width of each data type."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from core.schema.base import Strict, WordOrder

REGISTER_WORDS = {"int16": 1, "uint16": 1, "int32": 2, "uint32": 2, "float32": 2, "float64": 4, "bool": 1}

_MODBUS_RE = re.compile(r"^(hr|ir|co|di):(\d{1,5})(?:\.(\d{1,2}))?$")
_OPCUA_RE = re.compile(r"^(?:(ns=\d+|nsu=[^;]+);)?(i=\d+|s=.+|g=[0-9a-fA-F-]{36}|b=.+)$")


# ---------------------------------------------------------------- addresses


class ModbusAddress(BaseModel):
    """A parsed Modbus address: table, 0-based offset, optional bit in a register."""

    model_config = ConfigDict(frozen=True)
    table: Literal["hr", "ir", "co", "di"]
    offset: int
    bit: int | None = None

    @property
    def is_bit_table(self) -> bool:
        return self.table in ("co", "di")

    @property
    def is_single_bit(self) -> bool:
        """A coil, a discrete input or one bit of a register."""
        return self.is_bit_table or self.bit is not None

    @property
    def default_type(self) -> str:
        """The type read when the tag names none: a single bit is bool, a register uint16."""
        return "bool" if self.is_single_bit else "uint16"

    def __str__(self) -> str:
        return f"{self.table}:{self.offset}" + (f".{self.bit}" if self.bit is not None else "")


def read_type(type_: str | None, address: str, device) -> str | None:
    """The data type a tag is read as: its own, or the default for its Modbus address (None for
    OPC UA without a type: the server's own, or an address that does not parse)."""
    if type_ is not None:
        return type_
    if isinstance(device, ModbusDevice):
        try:
            return parse_modbus_address(address).default_type
        except ValueError:
            return None
    return None


def parse_modbus_address(text: str) -> ModbusAddress:
    m = _MODBUS_RE.match(text.strip())
    if not m:
        raise ValueError(f"bad Modbus address {text!r}: expected hr:N, ir:N, co:N, di:N or hr:N.B (bit 0-15)")
    table, offset, bit = m.group(1), int(m.group(2)), m.group(3)
    if offset > 65535:
        raise ValueError(f"Modbus offset {offset} is above 65535")
    if bit is not None:
        if table in ("co", "di"):
            raise ValueError(f"{table}: addresses are single bits already; drop the .{bit}")
        if int(bit) > 15:
            raise ValueError(f"bit {bit} is outside 0-15")
        return ModbusAddress(table=table, offset=offset, bit=int(bit))
    return ModbusAddress(table=table, offset=offset)


def check_opcua_node_id(text: str) -> str:
    if not _OPCUA_RE.match(text.strip()):
        raise ValueError(f"bad OPC UA node id {text!r}: expected e.g. ns=2;s=Name, nsu=URI;s=Name or i=2258")
    return text.strip()


# ---------------------------------------------------------------- devices


class ModbusDevice(Strict):
    """A Modbus TCP device (PLC, gateway, transmitter)."""

    name: str = Field(min_length=1)
    protocol: Literal["modbus-tcp"]
    host: str = "127.0.0.1"
    port: int = Field(502, ge=1, le=65535)
    unit: int = Field(1, ge=0, le=255)
    scan_ms: int = Field(1000, ge=50, le=3_600_000)
    timeout_ms: int = Field(1000, ge=50, le=60_000)
    word_order: WordOrder = "big"
    max_block: int = Field(125, ge=1, le=125)
    max_gap: int = Field(16, ge=0, le=125)
    enabled: bool = True


SecurityPolicy = Literal["None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"]
SecurityMode = Literal["None", "Sign", "SignAndEncrypt"]


class OpcUaDevice(Strict):
    """An OPC UA server.

    Security: `security_policy` and `security_mode` with the client's `certificate` and
    `private_key` files (PEM or DER; relative paths are relative to the plant file), optionally
    the `server_certificate` to expect, and an optional `username`/`password`. The defaults
    connect without security, anonymously. A password over security_policy None is refused unless
    `allow_insecure_password` is true (see app.config.checks.password_checks). The YAML names the password (`secret:NAME`, kept in
    the data directory's secret store); it is a SecretStr here, so no repr or log shows it."""

    name: str = Field(min_length=1)
    protocol: Literal["opcua"]
    endpoint: str = Field(pattern=r"^opc\.tcp://")
    scan_ms: int = Field(1000, ge=50, le=3_600_000)
    timeout_ms: int = Field(4000, ge=100, le=60_000)
    mode: Literal["subscription", "poll"] = "subscription"
    enabled: bool = True
    security_policy: SecurityPolicy = "None"
    security_mode: SecurityMode = "None"
    certificate: str | None = None
    private_key: str | None = None
    server_certificate: str | None = (
        None  # pin the server's certificate instead of taking it from its endpoints
    )
    username: str | None = None
    password: SecretStr | None = None
    # accept a password that may cross the network unencrypted (security_mode None or Sign and a
    # server whose user-token policy does not encrypt it): refused unless this says so
    allow_insecure_password: bool = False

    @model_validator(mode="after")
    def _security(self) -> OpcUaDevice:
        if (self.security_policy == "None") != (self.security_mode == "None"):
            raise ValueError("security_policy and security_mode are both None or both set")
        if self.security_policy != "None" and not (self.certificate and self.private_key):
            raise ValueError(
                f"security policy {self.security_policy} needs certificate and private_key files"
            )
        if self.password is not None and not self.username:
            raise ValueError("a password needs a username")
        return self


Device = Annotated[ModbusDevice | OpcUaDevice, Field(discriminator="protocol")]
