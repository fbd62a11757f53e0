"""Notifications over real servers on 127.0.0.1 ephemeral ports: an aiosmtpd SMTP server receives
the e-mail (in the recipient's language), an `http.server` in a thread receives the WeCom,
DingTalk, Feishu and JSON posts and checks the robots' signatures; a server that keeps failing
gives retries, a logged failure and a SYSTEM alarm; the notifier on a running engine."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.config.secrets import SecretStore
from app.notify.dispatcher import Dispatcher
from app.notify.notifier import Notifier, store_lookup
from app.notify.rules import RuleBook
from app.runtime.engine import Engine
from storage.notifications import Delivery
from tests.conftest import wait_until
from tests.helpers import alarm
from tests.notify_plant import T0, batch, config, smtp_inbox

DING_SECRET = "SECdingdingsecret"
FEISHU_SECRET = "feishusecret"


@pytest.fixture
def smtp_server():
    with smtp_inbox() as got:
        yield got


class Robots(BaseHTTPRequestHandler):
    """Answers as each robot does; /fail answers 500."""

    def do_POST(self):  # noqa: N802 - http.server's hook name
        url = urllib.parse.urlsplit(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.posts.append((url.path, urllib.parse.parse_qs(url.query), body))
        if url.path == "/fail":
            self.send_response(500)
            self.end_headers()
            return
        answer = {"code": 0, "msg": "success"} if url.path == "/feishu" else {"errcode": 0, "errmsg": "ok"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robots)
    server.posts = []
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.posts
    finally:
        server.shutdown()
        server.server_close()
        t.join(5)


@pytest.fixture
def store(tmp_path):
    return SecretStore(tmp_path / "secrets.yaml")


def secrets_for(store, base: str, fail: bool = False) -> None:
    for name in ("wecom", "ding", "feishu", "hook"):
        path = "/fail" if fail else f"/{name}"
        store.set(f"{name}.url", f"{base}{path}?key=k-{name}" if name != "feishu" else f"{base}{path}")
    store.set("ding.sign", DING_SECRET)
    store.set("feishu.sign", FEISHU_SECRET)


EVERYONE = """\
  recipients:
    - {name: Wang, email: wang@plant.test, language: zh}
    - {name: Smith, email: smith@plant.test, language: en}
    - {name: WeCom group, channel: wecom}
    - {name: DingTalk group, channel: ding}
    - {name: Feishu group, channel: feishu}
    - {name: Gateway, channel: hook}
  rules:
    - name: priority I
      match: {priorities: [1]}
      steps: [{to: [Wang, Smith, WeCom group, DingTalk group, Feishu group, Gateway]}]
"""


def dispatch(cfg, store, alarms, now=T0):
    d = Dispatcher(cfg.notifications, cfg.plant.name, store_lookup(store))
    book = RuleBook(cfg)
    for a in alarms:
        d.submit(book.on_alarm(a))
    d.step(now)
    return d


def test_email_arrives_at_a_real_smtp_server_in_each_language(smtp_server, store):
    port, inbox = smtp_server
    cfg = config(EVERYONE.replace(", WeCom group, DingTalk group, Feishu group, Gateway", ""), port=port)
    a = alarm("TC1:HH", tag=0, priority=1, ts=T0, value=612.5, limit=560.0, hazard="BF1", message="TC1 HH")
    d = dispatch(cfg, store, [a])
    assert [r.status for r in d.log_rows] == [Delivery.SENT, Delivery.SENT]
    by_to = {tuple(rcpt): msg for rcpt, msg in inbox.got}
    en = by_to[("smith@plant.test",)]
    assert en["Subject"] == "[Test Steel] Priority I alarm: TC1"
    assert en["From"] == "forewarn@plant.test"
    body = en.get_content()
    assert "Value: 612.5  Limit: 560" in body and "Hazard source: BF1" in body
    zh = by_to[("wang@plant.test",)]
    assert zh["Subject"] == "[Test Steel] I 级报警：TC1"
    assert "位号：TC1  数值：612.5  限值：560" in zh.get_content() and "危险源：BF1" in zh.get_content()


def test_robots_receive_their_formats_with_valid_signatures(http_server, store):
    base, posts = http_server
    secrets_for(store, base)
    cfg = config(EVERYONE.replace("Wang, Smith, ", ""))
    d = dispatch(cfg, store, [alarm("TC1:HH", tag=0, priority=1, ts=T0, hazard="BF1", message="TC1 HH")])
    assert [r.status for r in d.log_rows] == [Delivery.SENT] * 4
    got = {path: (query, body) for path, query, body in posts}
    query, body = got["/wecom"]
    assert query["key"] == ["k-wecom"] and body["msgtype"] == "text"
    assert "TC1" in body["text"]["content"]
    query, body = got["/ding"]
    ts = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(DING_SECRET.encode(), f"{ts}\n{DING_SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected] and body["msgtype"] == "text"
    _, body = got["/feishu"]
    key = f"{body['timestamp']}\n{FEISHU_SECRET}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "text" and "TC1" in body["content"]["text"]
    _, body = got["/hook"]
    assert body["notice"]["alarms"][0]["key"] == "TC1:HH" and body["notice"]["plant"] == "Test Steel"


def test_a_server_that_keeps_failing_retries_then_fails_with_a_system_alarm(http_server, store):
    base, posts = http_server
    secrets_for(store, base, fail=True)
    body = EVERYONE.replace("Wang, Smith, WeCom group, DingTalk group, Feishu group, ", "")
    cfg = config(body + "  retry: {attempts: 2, first_s: 5}\n")
    engine = Engine(cfg, warnings=False)
    notifier = Notifier(engine, store, start=False)
    d = notifier.dispatcher
    engine.process(batch(T0, TC1=600.0))
    d.step(T0)
    d.step(T0 + 5)
    assert [r.status for r in d.log_rows] == [Delivery.RETRIED, Delivery.FAILED]
    assert "HTTP 500" in d.log_rows[-1].detail and "k-hook" not in d.log_rows[-1].detail
    assert len(posts) == 2
    system = [a for a in engine.active_alarms() if a.key == "notify:hook"]
    assert system and system[0].kind == "SYSTEM" and "HTTP 500" in system[0].message


def test_missing_secret_is_a_logged_failure_not_silence(store):
    cfg = config(
        EVERYONE.replace("Wang, Smith, WeCom group, DingTalk group, Feishu group, ", "")
        + "  retry: {attempts: 1}\n"
    )
    d = dispatch(cfg, store, [alarm("TC1:HH", tag=0, priority=1, ts=T0)])
    assert d.log_rows[0].status == Delivery.FAILED and "hook.url" in d.log_rows[0].detail


def test_send_test_message(smtp_server, store):
    port, inbox = smtp_server
    cfg = config(EVERYONE.replace(", WeCom group, DingTalk group, Feishu group, Gateway", ""), port=port)
    d = Dispatcher(cfg.notifications, cfg.plant.name, store_lookup(store))
    rows = d.send_test("Smith")
    assert [r.status for r in rows] == [Delivery.SENT]
    assert inbox.got[0][1]["Subject"] == "[Test Steel] Test message"


def test_notifier_on_a_running_engine_writes_the_delivery_log(smtp_server, store, tmp_path):
    from storage.history import History
    from storage.notifications import read_deliveries

    port, inbox = smtp_server
    cfg = config(EVERYONE.replace(", WeCom group, DingTalk group, Feishu group, Gateway", ""), port=port)
    hist = History(f"sqlite:///{tmp_path / 'h.db'}", cfg.tags)
    engine = Engine(cfg, hist, warnings=False)
    engine.start()
    notifier = Notifier(engine, store)
    try:
        engine.process(batch(engine.clock.now(), TC1=600.0))
        wait_until(lambda: len(inbox.got) == 2)
        wait_until(lambda: len(read_deliveries(hist.engine)) == 2)
    finally:
        notifier.detach()
        engine.stop()
    rows = read_deliveries(hist.engine)
    assert {r.recipient for r in rows} == {"Wang", "Smith"} and {r.status for r in rows} == {Delivery.SENT}


@pytest.fixture
def tls(tmp_path):
    """A self-signed certificate for 127.0.0.1: (server context, client context trusting it)."""
    import ssl

    from tests.interop.certs import make_certificate

    cert, key = make_certificate(tmp_path, "smtp", "urn:forewarn:test:smtp")
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")  # implicit TLS
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_email_over_tls_with_a_login(tls, store, security):
    """STARTTLS (TLS required before the login) and implicit TLS, the password from the store."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.notify_plant import Inbox, free_port

    server_ctx, client_ctx = tls
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"mail-password")

    inbox = Inbox()
    kw = {"tls_context": server_ctx, "require_starttls": True} if security == "starttls" else {}
    if security == "ssl":  # aiosmtpd does not count implicit TLS as TLS for AUTH: the socket is TLS
        kw.update(ssl_context=server_ctx, auth_require_tls=False)
    ctl = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, auth_required=True, **kw
    )
    ctl.start()
    try:
        store.set("mail.password", "mail-password")
        body = EVERYONE.replace(", WeCom group, DingTalk group, Feishu group, Gateway", "")
        cfg = config(body, port=ctl.port)
        text = cfg.notifications.channels[0].model_copy(
            update={"security": security, "user": "forewarn", "password": "secret:mail.password"}
        )
        n = cfg.notifications.model_copy(update={"channels": [text, *cfg.notifications.channels[1:]]})
        d = Dispatcher(n, cfg.plant.name, store_lookup(store))
        d.tls_context = client_ctx
        rows = d.send_test("Smith")
    finally:
        ctl.stop()
    assert [r.status for r in rows] == [Delivery.SENT], rows
    assert logins == [(b"forewarn", b"mail-password")]
    assert inbox.got[0][1]["Subject"] == "[Test Steel] Test message"


def test_a_flood_of_1000_alarms_is_one_mail(smtp_server, store):
    port, inbox = smtp_server
    cfg = config(
        EVERYONE.replace(", Smith, WeCom group, DingTalk group, Feishu group, Gateway", ""), port=port
    )
    flood = [alarm(f"CO{k}:HH", tag=2, priority=1, ts=T0) for k in range(1000)]
    d = dispatch(cfg, store, flood)
    assert len(inbox.got) == 1
    msg = inbox.got[0][1]
    assert msg["Subject"] == "[Test Steel] 报警泛滥：1000 条通知"
    assert "另有 970 条" in msg.get_content()
    assert len(d.log_rows) == 1000 and {r.status for r in d.log_rows} == {Delivery.DIGESTED}
