"""The plant file's `notifications:` section: alarms and early warnings that reach people off the
console, by e-mail (SMTP) and by chat-robot webhooks (WeCom, DingTalk, Feishu, plain JSON).

    notifications:
      enabled: true
      utc_offset_h: 8                   # quiet hours are read on this clock (China: UTC+8)
      channels:
        - {name: mail, kind: smtp, host: smtp.plant.local, port: 587, security: starttls,
           user: forewarn, password: "secret:notify.mail.password", sender: forewarn@plant.local}
        - {name: bf_group, kind: dingtalk, url: "secret:notify.bf_group.url",
           sign_secret: "secret:notify.bf_group.sign"}
      recipients:
        - {name: Wang, role: shift supervisor, email: wang@plant.local, language: zh}
        - {name: Li, role: safety manager, email: li@plant.local, quiet: {start: "22:00", end: "07:00"}}
        - {name: BF group, channel: bf_group}
      rules:
        - name: priority I unacknowledged
          match: {priorities: [1]}
          steps: [{after_min: 5, to: [Wang]}, {after_min: 15, to: [Li]}]
        - name: level I early warnings of ironmaking
          match: {what: [warnings], priorities: [1], areas: [Ironmaking]}
          steps: [{to: [BF group]}]
        - name: major and overdue hidden dangers
          match: {what: [dual_prevention], priorities: [1, 2]}
          steps: [{to: [Li]}, {after_min: 240, to: [Wang]}]

Credentials (SMTP password, a robot's URL -- its key is in it -- and a signing secret) are
always secret references (`secret:NAME`), resolved from the secret store when a message is
sent, never written in the plant file.

Quiet hours and priority I: during a recipient's (or a rule's) quiet hours, notices are held
and sent as one digest when the quiet hours end -- except a priority-I alarm or a level-I early
warning, which goes through at once: a safety manager who asked to be woken for a possible
fatality expects exactly that, and a quiet phone at night must never be why a red alarm went
unanswered. A rule that must respect quiet hours even then says `through_quiet: false`; one
that must always go through says `through_quiet: true`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from core.schema.base import Strict

SECRET_PREFIX = "secret:"  # app.config.secrets.REF_PREFIX: the core cannot import it
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _secret_ref(v: str | None) -> str | None:
    if v is not None and not (v.startswith(SECRET_PREFIX) and v[len(SECRET_PREFIX) :].strip()):
        raise ValueError(
            "credentials are kept in the secret store: write secret:NAME "
            "(the settings dialog's Notifications page stores them)"
        )
    return v


class SmtpChannel(Strict):
    """An SMTP server the e-mails go through."""

    name: str = Field(min_length=1)
    kind: Literal["smtp"]
    host: str = Field(min_length=1)
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str = ""
    password: str | None = None  # secret:NAME
    sender: str = Field(min_length=3)  # the From address
    timeout_s: float = Field(10.0, gt=0, le=120)

    @field_validator("password")
    @classmethod
    def _ref(cls, v):
        return _secret_ref(v)


WebhookKind = Literal["wecom", "dingtalk", "feishu", "json"]
WEBHOOK_KINDS: tuple[str, ...] = ("wecom", "dingtalk", "feishu", "json")


class WebhookChannel(Strict):
    """A chat robot (WeCom, DingTalk, Feishu) or a generic JSON endpoint."""

    name: str = Field(min_length=1)
    kind: WebhookKind
    url: str  # secret:NAME (a robot's URL holds its key)
    sign_secret: str | None = None  # secret:NAME; DingTalk's and Feishu's signing secret
    timeout_s: float = Field(10.0, gt=0, le=120)

    @field_validator("url", "sign_secret")
    @classmethod
    def _ref(cls, v):
        return _secret_ref(v)

    @model_validator(mode="after")
    def _signing(self):
        if self.sign_secret is not None and self.kind not in ("dingtalk", "feishu"):
            raise ValueError(f"sign_secret is for dingtalk and feishu robots, not {self.kind}")
        return self


Channel = Annotated[SmtpChannel | WebhookChannel, Field(discriminator="kind")]


class QuietHours(Strict):
    """A daily quiet period on the plant's clock (`utc_offset_h`); `end` before `start` spans
    midnight."""

    start: str
    end: str

    @field_validator("start", "end", mode="before")
    @classmethod
    def _sexagesimal(cls, v):
        # YAML 1.1 reads an unquoted 22:00 as the base-60 number 1320: take it as the time it was
        if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 24 * 60:
            return f"{v // 60:02d}:{v % 60:02d}"
        return v

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        if not _HHMM.match(v):
            raise ValueError(f"{v!r} is not a time of day HH:MM (00:00 to 23:59)")
        return v

    def minutes(self) -> tuple[int, int]:
        (h0, m0), (h1, m1) = (map(int, x.split(":")) for x in (self.start, self.end))
        return h0 * 60 + m0, h1 * 60 + m1

    def holds(self, minute_of_day: float) -> bool:
        """Whether the minute of the day falls within the quiet period."""
        a, b = self.minutes()
        if a == b:
            return False
        return a <= minute_of_day < b if a < b else minute_of_day >= a or minute_of_day < b


class Recipient(Strict):
    """A person or a chat group: an e-mail address and/or a webhook channel."""

    name: str = Field(min_length=1)
    role: str = ""  # shift supervisor, safety manager, area engineer, ...
    email: str = ""
    smtp: str | None = None  # the SMTP channel for `email` (None: the first one)
    channel: str | None = None  # a webhook channel
    language: Literal["zh", "en"] = "zh"
    quiet: QuietHours | None = None
    max_per_hour: int | None = Field(None, ge=1)  # None: the plant's rate limit

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        if v and not re.match(r"^[^@\s]+@[^@\s]+$", v):
            raise ValueError(f"{v!r} is not an e-mail address")
        return v

    @model_validator(mode="after")
    def _reachable(self):
        if not self.email and self.channel is None:
            raise ValueError("give an e-mail address or a channel")
        return self


NoticeWhat = Literal["alarms", "warnings", "system", "dual_prevention"]


class NotifyMatch(Strict):
    """Which transitions a rule takes: by priority (alarms) or level (early warnings), 1 = I;
    by tag area and hazard source (empty: any); alarms, early warnings, SYSTEM alarms and/or
    dual-prevention events (a hidden danger overdue, I for a major one, III for a general one;
    a major one registered, II)."""

    priorities: list[Annotated[int, Field(ge=1, le=4)]] = []
    areas: list[str] = []
    hazards: list[str] = []
    what: list[NoticeWhat] = ["alarms"]


class Step(Strict):
    """Notify `to` once the alarm has stood unacknowledged `after_min` minutes (0: when raised)."""

    after_min: float = Field(0.0, ge=0, le=7 * 24 * 60)
    to: list[str] = Field(min_length=1)


class NotifyRule(Strict):
    name: str = Field(min_length=1)
    match: NotifyMatch = NotifyMatch()
    steps: list[Step] = Field(min_length=1)
    quiet: QuietHours | None = None  # the rule's own quiet hours, beside its recipients'
    through_quiet: bool | None = None  # None: priority I / level I goes through quiet hours

    @field_validator("steps")
    @classmethod
    def _rising(cls, v: list[Step]) -> list[Step]:
        times = [s.after_min for s in v]
        if times != sorted(times):
            raise ValueError("escalation steps must come in order of after_min")
        return v


class RateLimit(Strict):
    """At most `max_per_hour` messages a recipient in any hour (digests included); more wait
    for the next digest. Priority I is never held back by it."""

    max_per_hour: int = Field(30, ge=1)


class Flood(Strict):
    """More than `count` notices for one recipient within `window_s`: the rest of the flood is
    held and sent as one digest `window_s` after the first held one."""

    count: int = Field(5, ge=1)
    window_s: float = Field(60.0, gt=0, le=3600)
    max_lines: int = Field(30, ge=1)  # a digest lists this many, then "and N more"


class Retry(Strict):
    """A failed delivery is tried again after `first_s`, then each wait `factor` times longer (at
    most `max_s`), `attempts` times in all; then it is logged failed and its channel raises a
    SYSTEM alarm."""

    attempts: int = Field(4, ge=1, le=20)
    first_s: float = Field(5.0, gt=0)
    factor: float = Field(2.0, ge=1)
    max_s: float = Field(300.0, gt=0)


class Notifications(Strict):
    enabled: bool = False
    utc_offset_h: float = Field(8.0, ge=-12, le=14)
    channels: list[Channel] = []
    recipients: list[Recipient] = []
    rules: list[NotifyRule] = []
    quiet: QuietHours | None = None  # everyone's, unless a recipient has their own
    rate: RateLimit = RateLimit()
    flood: Flood = Flood()
    retry: Retry = Retry()

    def channel(self, name: str):
        for c in self.channels:
            if c.name == name:
                return c
        raise KeyError(name)

    def recipient(self, name: str) -> Recipient:
        for r in self.recipients:
            if r.name == name:
                return r
        raise KeyError(name)


def notification_checks(n: Notifications, hazards: set[str], areas: set[str]) -> list[tuple[tuple, str]]:
    """References inside `notifications:`: unique names, recipients' channels, rules' recipients,
    hazard sources and areas. Locations relative to the plant file."""
    out: list[tuple[tuple, str]] = []
    root = ("notifications",)
    kinds: dict[str, str] = {}
    for i, c in enumerate(n.channels):
        if c.name in kinds:
            out.append(((*root, "channels", i, "name"), f"duplicate channel {c.name!r}"))
        kinds[c.name] = c.kind
    smtp = [name for name, k in kinds.items() if k == "smtp"]
    people: set[str] = set()
    for i, r in enumerate(n.recipients):
        at = (*root, "recipients", i)
        if r.name in people:
            out.append(((*at, "name"), f"duplicate recipient {r.name!r}"))
        people.add(r.name)
        if r.channel is not None and kinds.get(r.channel, "smtp") == "smtp":
            out.append(((*at, "channel"), f"no webhook channel {r.channel!r}"))
        if r.smtp is not None and kinds.get(r.smtp) != "smtp":
            out.append(((*at, "smtp"), f"no smtp channel {r.smtp!r}"))
        if r.email and not smtp:
            out.append(((*at, "email"), "an e-mail address needs an smtp channel"))
    for i, rule in enumerate(n.rules):
        at = (*root, "rules", i)
        for j, h in enumerate(rule.match.hazards):
            if h not in hazards:
                out.append(((*at, "match", "hazards", j), f"unknown hazard source {h!r}"))
        for j, a in enumerate(rule.match.areas):
            if a not in areas:
                known = ", ".join(sorted(areas)) or "none"
                out.append(((*at, "match", "areas", j), f"no tag is in area {a!r} (areas: {known})"))
        for k, step in enumerate(rule.steps):
            for j, who in enumerate(step.to):
                if who not in people:
                    out.append(((*at, "steps", k, "to", j), f"unknown recipient {who!r}"))
    return out
