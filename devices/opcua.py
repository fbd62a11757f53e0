"""OPC UA driver: subscriptions (publishing interval = scan_ms) or batched reads.

Namespace URIs (`nsu=URI;s=...`) are resolved at every connect, since servers place their
namespaces at different indexes. A health read every few seconds detects a dead server even
when no value changes.

A password is never sent where the network can read it unless the plant file says so: asyncua
sends it in plain text when the server's user-token policy for the endpoint does not encrypt it
and the channel is not encrypted either (security_policy None, or Sign only). `GuardedClient`
looks at that policy once the session is created, before the password would go, and refuses
(`InsecurePassword`, so the device fails with that reason) unless the device has
`allow_insecure_password: true`; then it connects, and the driver logs a WARNING and marks the
device's badge. asyncua's own security warnings ("Sending plain-text password", certificate
problems) are left on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import numpy as np
from asyncua import Client, ua
from asyncua.crypto import security_policies, uacrypto

from core.samples import Quality, SampleBatch
from devices.base import Driver, WriteError, register, tick
from devices.trust import TrustStore, check_server_certificate, first_certificate, to_der

for _name in ("asyncua", "asyncua.client", "asyncua.common"):
    logging.getLogger(_name).setLevel(logging.ERROR)  # connection chatter of every reconnect


class _SecurityWarnings(logging.Filter):
    """Lets asyncua's client warnings about security through, not its connection chatter."""

    WORDS = ("password", "certificate", "security", "encrypt", "plaintext", "plain-text")

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or any(w in str(record.msg).lower() for w in self.WORDS)


for _name in ("asyncua.client.client", "asyncua.client.ua_client", "asyncua.crypto"):
    _logger = logging.getLogger(_name)
    _logger.setLevel(logging.WARNING)
    _logger.addFilter(_SecurityWarnings())
log = logging.getLogger(__name__)

PLAIN_PASSWORD = "PLAIN PASSWORD"  # the badge's mark of a device whose password went in plain text


class InsecurePassword(Exception):
    """The password would cross the network unencrypted and the plant file does not allow it."""


def password_in_clear(client: Client) -> bool:
    """Whether asyncua would send `client`'s password in plain text on this session: decided as
    asyncua decides (Client._add_user_auth), from the endpoint's UserName token policy (an empty
    policy URI means the channel's) and the channel's security mode."""
    policy = client.server_policy(ua.UserTokenType.UserName)
    uri = policy.SecurityPolicyUri
    plain_token = not uri or uri == security_policies.SecurityPolicyNone.URI
    return plain_token and client.security_policy.Mode != ua.MessageSecurityMode.SignAndEncrypt


class GuardedClient(Client):
    """An asyncua Client that refuses to send a password in plain text unless allowed
    (`allow_plain_password`); `sent_in_clear` tells whether the last session did."""

    allow_plain_password = False
    sent_in_clear = False

    async def activate_session(self, username=None, password=None, certificate=None):
        self.sent_in_clear = False
        if username and password and certificate is None and password_in_clear(self):
            if not self.allow_plain_password:
                mode = self.security_policy.Mode.name.rstrip("_")
                raise InsecurePassword(
                    "the server would receive the password unencrypted (its user-token policy does "
                    f"not encrypt it and the channel's security mode is {mode}): not sent; use "
                    "security_mode SignAndEncrypt, or allow_insecure_password: true"
                )
            self.sent_in_clear = True
        return await super().activate_session(username=username, password=password, certificate=certificate)


SERVER_STATE = ua.NodeId(2259)  # Server_ServerStatus_State


def parse_node_id(text: str, ns_index: dict[str, int]) -> ua.NodeId:
    """`ns=2;s=X`, `nsu=URI;s=X`, `i=85` ... to a NodeId, resolving URIs via `ns_index`."""
    if text.startswith("nsu="):
        uri, _, rest = text[4:].partition(";")
        if uri not in ns_index:
            raise LookupError(f"namespace {uri!r} not on the server")
        return ua.NodeId.from_string(f"ns={ns_index[uri]};{rest}")
    return ua.NodeId.from_string(text)


async def apply_security(
    client: Client, device, base: Path | None = None, trust: TrustStore | None = None
) -> None:
    """Set the device's security policy and mode, client certificate and user on `client`.

    The client's application URI is taken from its certificate: servers (node-opcua among
    them) refuse a session whose URI differs from the certificate's. Files are read as PEM or
    DER by their content (asyncua goes by the name: a PEM key named `.key` would be read as
    DER). Without a pinned `server_certificate`, the server's certificate is taken from its
    endpoint list and must be on the trust list (`trust`, default the data directory's): an
    unknown one raises UntrustedCertificate before any credential is sent."""
    if device.security_policy != "None":
        cert = _key_file(device.certificate, base)
        uri = certificate_uri(cert)
        if uri:
            client.application_uri = uri
        policy = getattr(security_policies, "SecurityPolicy" + device.security_policy.replace("_", ""))
        mode = getattr(ua.MessageSecurityMode, device.security_mode)
        if device.server_certificate:  # pinned: trusted by the plant file
            server_der = to_der(_key_file(device.server_certificate, base).path_or_content)
        else:
            server_der = await _endpoint_certificate(client, policy, mode)
        check_server_certificate(
            trust or TrustStore.default(), server_der, pinned=bool(device.server_certificate)
        )
        await client.set_security(
            policy,
            cert,
            _key_file(device.private_key, base),
            server_certificate=uacrypto.CertProperties(server_der, extension="der"),
            mode=mode,
        )
    if device.username:
        client.set_user(device.username)
        if device.password is not None:
            client.set_password(device.password.get_secret_value())
    if isinstance(client, GuardedClient):
        client.allow_plain_password = bool(getattr(device, "allow_insecure_password", False))


async def _endpoint_certificate(client: Client, policy, mode) -> bytes:
    """The certificate the server offers for `policy` and `mode`, from its endpoint list (read
    over an unsecured channel, as asyncua does before a secured connect)."""
    none = security_policies.SecurityPolicyNone()
    client.security_policy = none
    client.uaclient.security_policy = none
    endpoints = await client.connect_and_get_server_endpoints()
    endpoint = Client.find_endpoint(endpoints, mode, policy.URI)
    return first_certificate(endpoint.ServerCertificate)


def _key_file(path: str | None, base: Path | None) -> uacrypto.CertProperties:
    p = Path(path or "")
    if not p.is_absolute() and base is not None:
        p = base / p
    data = p.read_bytes()
    return uacrypto.CertProperties(data, extension="pem" if b"-----BEGIN" in data else "der")


def certificate_uri(cert: uacrypto.CertProperties) -> str | None:
    """The application URI (subjectAltName URI) of a certificate, if it has one."""
    from cryptography import x509

    data = cert.path_or_content
    c = (
        x509.load_pem_x509_certificate(data)
        if cert.extension == "pem"
        else x509.load_der_x509_certificate(data)
    )
    try:
        san = c.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    uris = san.get_values_for_type(x509.UniformResourceIdentifier)
    return uris[0] if uris else None


def quality_of(status: ua.StatusCode | None) -> int:
    if status is None:
        return Quality.GOOD
    v = status.value
    if v >> 30 == 0:
        return Quality.GOOD
    if v >> 30 == 1:
        return Quality.UNCERTAIN
    return Quality.BAD


def to_float(value) -> float:
    if value is None:
        return np.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return np.nan


@register("opcua")
class OpcUaDriver(Driver):
    """Subscribes to (or polls) an OPC UA server's variables."""

    health_period = 2.0

    def __init__(self, device, tags, sink, status, **kw):
        super().__init__(device, tags, sink, status, **kw)
        self.client: Client | None = None
        self.nodes: list = []  # (tag indexes, node): one entry per distinct node
        self.node_tags: dict = {}  # node id -> indexes of every tag on that node
        self.base: Path | None = None  # the plant file's folder: certificate paths are relative to it
        self.trust: TrustStore | None = None  # server certificates trusted; None: the data directory's

    async def connect(self) -> None:
        d = self.device
        self.client = GuardedClient(d.endpoint, timeout=d.timeout_ms / 1000)
        await asyncio.wait_for(apply_security(self.client, d, self.base, self.trust), d.timeout_ms / 1000 + 1)
        await asyncio.wait_for(self.client.connect(), d.timeout_ms / 1000 + 1)
        if self.client.sent_in_clear:
            self.set_warning(
                PLAIN_PASSWORD,
                f"the password of {d.username!r} crossed the network unencrypted "
                f"(security_mode {d.security_mode}, allowed by allow_insecure_password: true)",
            )
        ns = await self.client.get_namespace_array()
        ns_index = {uri: i for i, uri in enumerate(ns)}
        self.ns_index, self.variant_types = ns_index, {}  # for writes
        # several tags may read one node (a value shown under two names, or scaled two ways):
        # the node is read or subscribed once and every sample goes to all of its tags
        self.node_tags, bad = {}, []
        nodes = {}
        for index, tag in self.tags:
            try:
                node = self.client.get_node(parse_node_id(tag.address, ns_index))
            except (LookupError, ValueError) as exc:
                log.warning("%s: tag %s: %s", d.name, tag.name, exc)
                bad.append(index)
                continue
            nodes.setdefault(node.nodeid, node)
            self.node_tags.setdefault(node.nodeid, []).append(index)
        self.nodes = [(np.array(self.node_tags[nid], dtype=np.int32), node) for nid, node in nodes.items()]
        if bad:
            self.emit_bad(np.array(bad, dtype=np.int32))

    async def close(self) -> None:
        if self.client is not None:
            client, self.client = self.client, None
            await client.disconnect()

    async def scan_forever(self) -> None:
        self.reply_good()  # a session is up and the namespace array was read
        if not self.nodes:
            await self._health_loop()
        elif self.device.mode == "poll":
            await self._poll_loop()
        else:
            await self._subscription_loop()

    async def _health_loop(self) -> None:
        while True:
            await asyncio.sleep(self.health_period)
            await self.client.read_values([self.client.get_node(SERVER_STATE)])
            self.reply_good()

    async def _poll_loop(self) -> None:
        period = self.device.scan_ms / 1000
        groups = [i for i, _ in self.nodes]
        nodes = [n for _, n in self.nodes]
        next_t = time.monotonic()
        while True:
            next_t = await tick(period, next_t)
            dvs = await self.client.read_attributes(nodes)
            self.sink(self._batch(groups, dvs))
            self.reply_good()

    def _batch(self, groups: list[np.ndarray], dvs) -> SampleBatch:
        """One sample per tag: the data value of each node repeated for every tag on it."""
        counts = [len(g) for g in groups]
        idx = np.concatenate(groups) if groups else np.empty(0, dtype=np.int32)
        dvs = [dv for dv, n in zip(dvs, counts, strict=True) for _ in range(n)]
        now = time.time()
        ts = np.array([_ts(dv, now) for dv in dvs])
        vals = np.array([to_float(dv.Value.Value if dv.Value is not None else None) for dv in dvs])
        q = np.array([quality_of(dv.StatusCode) for dv in dvs], dtype=np.uint8)
        q[np.isnan(vals) & (q == Quality.GOOD)] = Quality.BAD
        return SampleBatch.build(idx, ts, vals, q)

    async def _subscription_loop(self) -> None:
        period = self.device.scan_ms
        nodes = [n for _, n in self.nodes]
        sub = await self.client.create_subscription(period, None, queue_maxsize=max(1000, 8 * len(nodes)))
        health = asyncio.create_task(self._health_loop())
        try:
            # one request for all items; the queue is sized for a full burst of them
            for i in range(0, len(nodes), 500):
                await sub.subscribe_data_change(
                    nodes[i : i + 500], queuesize=1, sampling_interval=float(period)
                )
            await self._drain(sub, health)
        finally:
            health.cancel()
            try:
                await health
            except (asyncio.CancelledError, Exception):
                pass
            # a server that is gone would hold the deletion for the whole request timeout; the
            # session's close deletes its subscriptions anyway
            try:
                await asyncio.wait_for(sub.delete(), min(1.0, self.device.timeout_ms / 1000))
            except (asyncio.CancelledError, Exception) as exc:
                log.debug("device %s: subscription not deleted: %s", self.device.name, exc)

    async def _drain(self, sub, health: asyncio.Task) -> None:
        """Collect data changes and hand them on as one batch at most every `flush_s`."""
        flush_s = min(0.2, self.device.scan_ms / 4000)
        tags, dvs = [], []
        first = 0.0
        while True:
            if health.done():
                health.result()  # raises the health read's error
                raise ConnectionError("health check ended")
            ev = await sub.next_event(timeout=flush_s)
            if ev is not None and hasattr(ev, "node"):
                indexes = self.node_tags.get(ev.node.nodeid)
                if indexes is not None:
                    if not tags:
                        first = time.monotonic()
                    tags.append(indexes)
                    dvs.append(ev.data.monitored_item.Value)
            elif ev is not None:
                status = getattr(getattr(ev, "notification", None), "Status", None)
                if status is not None and not status.is_good():
                    raise ConnectionError(f"subscription status {status}")
            if tags and (ev is None or time.monotonic() - first >= flush_s):
                self.sink(self._batch(tags, dvs))
                tags, dvs = [], []
                self.reply_good()

    async def write(self, tag, raw: float) -> float:
        """Write with the variable's own data type: read its DataType once per connection and
        send a Variant of that type (servers refuse a Double for an Int16 with BadTypeMismatch).
        A bad status code is raised as WriteError naming it."""
        self.check_connected(self.client is not None)
        try:
            node = self.client.get_node(parse_node_id(tag.address, getattr(self, "ns_index", {})))
        except (LookupError, ValueError) as exc:
            raise WriteError(f"{tag.address}: {exc}") from None
        try:
            vt = self.variant_types.get(node.nodeid)
            if vt is None:
                vt = await node.read_data_type_as_variant_type()
                self.variant_types[node.nodeid] = vt
            value, written = to_variant_value(raw, vt)
            await node.write_value(ua.DataValue(ua.Variant(value, vt)))
        except ua.UaStatusCodeError as exc:  # str: the description and the code's name
            raise WriteError(f"{self.device.name} refused the write to {tag.address}: {exc}") from None
        return written


_INT_VARIANTS = {
    ua.VariantType.SByte: (-(2**7), 2**7 - 1),
    ua.VariantType.Byte: (0, 2**8 - 1),
    ua.VariantType.Int16: (-(2**15), 2**15 - 1),
    ua.VariantType.UInt16: (0, 2**16 - 1),
    ua.VariantType.Int32: (-(2**31), 2**31 - 1),
    ua.VariantType.UInt32: (0, 2**32 - 1),
    ua.VariantType.Int64: (-(2**63), 2**63 - 1),
    ua.VariantType.UInt64: (0, 2**64 - 1),
}


def to_variant_value(raw: float, vt: ua.VariantType) -> tuple[object, float]:
    """The Python value to send as `vt` for `raw`, and that value as a float; WriteError when the
    type cannot hold it (nothing is clipped) or is not a number."""
    raw = float(raw)
    if not np.isfinite(raw):
        raise WriteError(f"{raw} is not a finite number")
    if vt == ua.VariantType.Boolean:
        return raw != 0, float(raw != 0)
    if vt in _INT_VARIANTS:
        lo, hi = _INT_VARIANTS[vt]
        v = round(raw)
        if not lo <= v <= hi:
            raise WriteError(f"{v} does not fit the variable's type {vt.name} ({lo} to {hi})")
        return v, float(v)
    if vt == ua.VariantType.Float:
        if abs(raw) > float(np.finfo(np.float32).max):
            raise WriteError(f"{raw:g} does not fit the variable's type Float")
        return raw, float(np.float32(raw))
    if vt == ua.VariantType.Double:
        return raw, raw
    raise WriteError(f"a variable of type {vt.name} cannot be written with a number")


def _ts(dv, now: float) -> float:
    t = dv.SourceTimestamp or dv.ServerTimestamp
    return t.timestamp() if t is not None else now
