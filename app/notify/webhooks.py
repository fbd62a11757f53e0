"""Chat-robot and JSON webhooks: the message bodies of WeCom (企业微信), DingTalk (钉钉) and
Feishu (飞书) group robots, their signing, and the HTTP POST (stdlib `urllib.request`; run by the
dispatcher's thread, never the acquisition thread).

- WeCom: POST the robot URL (its `key` in the query) `{"msgtype": "text", "text": {"content": ...}}`;
  the answer `{"errcode": 0, "errmsg": "ok"}`. No signing (the key is the secret).
- DingTalk: `{"msgtype": "text", "text": {"content": ...}}`; with a signing secret, the query gets
  `timestamp` (ms) and `sign` = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")));
  the answer `{"errcode": 0, ...}`.
- Feishu: `{"msg_type": "text", "content": {"text": ...}}`; with a signing secret the body gets
  `timestamp` (s, as text) and `sign` = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b""));
  the answer `{"code": 0, ...}`.
- json: `{"subject", "text", "notice": {...}}` as given, any 2xx answer is success.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request

TEXT_LIMIT = 2000  # characters: WeCom takes 2,048 bytes of text, the others more


class DeliveryError(Exception):
    """A message that did not get through (the text says why, never a credential)."""


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature, not yet URL-encoded."""
    msg = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), msg, hashlib.sha256).digest()).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def body(kind: str, subject: str, text: str, data: dict | None = None) -> dict:
    """The JSON body a robot of `kind` takes for a text message."""
    content = f"{subject}\n{text}" if subject else text
    if len(content) > TEXT_LIMIT:
        content = content[: TEXT_LIMIT - 1] + "…"
    if kind in ("wecom", "dingtalk"):
        return {"msgtype": "text", "text": {"content": content}}
    if kind == "feishu":
        return {"msg_type": "text", "content": {"text": content}}
    return {"subject": subject, "text": text, "notice": data or {}}


def signed(kind: str, url: str, payload: dict, secret: str | None, now_s: float) -> tuple[str, dict]:
    """The URL and body with the robot's signature added (unchanged without a secret)."""
    if not secret:
        return url, payload
    if kind == "dingtalk":
        ts = int(now_s * 1000)
        query = urllib.parse.urlencode({"timestamp": ts, "sign": dingtalk_sign(secret, ts)})
        return url + ("&" if "?" in url else "?") + query, payload
    if kind == "feishu":
        ts = int(now_s)
        return url, {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **payload}
    return url, payload


def post(kind: str, url: str, payload: dict, secret: str | None, now_s: float, timeout: float) -> None:
    """POST the message; DeliveryError when the server refuses it or cannot be reached."""
    url, payload = signed(kind, url, payload, secret, now_s)
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    where = urllib.parse.urlsplit(url).netloc  # the host only: the query holds the robot's key
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - the plant's own URL
            answer = resp.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"{where} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"{where} unreachable: {reason}") from None
    if kind == "json":
        return
    try:
        got = json.loads(answer or b"{}")
    except ValueError:
        raise DeliveryError(f"{where} answered something other than JSON") from None
    code = got.get("code", got.get("errcode", 0)) if isinstance(got, dict) else 0
    if code not in (0, "0"):
        msg = got.get("msg") or got.get("errmsg") or ""
        raise DeliveryError(f"{where} refused the message: {code} {msg}".strip())
