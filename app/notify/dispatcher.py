"""Delivers notices: a queue the acquisition thread only puts on, and a thread of its own that
applies quiet hours, the flood digest and the rate limit, sends through the transports, retries
with backoff and writes the delivery log.

Per recipient, in this order:
- quiet hours (the recipient's, else the plant's, and the rule's): a notice that does not go
  through (priority I does; core/schema/notify.py) is held, logged `quiet`, and everything held
  is sent as one digest when the quiet hours end;
- flood: a batch of more than `flood.count` notices arriving together becomes one digest at
  once; past `flood.count` notices within `flood.window_s`, the rest are held and sent as one
  digest `window_s` after the first held one (each logged `digested` when it goes);
- rate: at most `max_per_hour` messages an hour (digests included); over it, notices wait
  (logged `limited`) for the next digest the rate allows -- except priority I, never held back
  by the rate (a red alarm is never late because earlier messages were many).

A delivery that fails is tried again (`retry`: attempts, backoff), each failure logged
`retried`; the last one logs `failed` and reports its channel failing (`on_channel`: the
notifier raises a SYSTEM alarm, cleared by the channel's next success). Nothing is dropped
without a row in the log.

The logic runs in `step(now)`, on the clock given (the engine's): the thread calls it, and a test
drives it directly on a clock of its own.
"""

from __future__ import annotations

import logging
import queue
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from app.notify import messages, smtp, webhooks
from app.notify.rules import Notice
from core.schema.notify import Notifications, QuietHours, Recipient, SmtpChannel
from core.worker import Worker
from storage.notifications import Delivery, DeliveryRow

log = logging.getLogger(__name__)
STEP_S = 0.5  # how often the thread looks at timers when nothing is queued

Secrets = Callable[[str], "str | None"]  # a secret:NAME reference -> its value


@dataclass
class _Job:
    """One message to one address through one channel."""

    channel: str
    recipient: str
    address: str  # e-mail address ('' for a webhook)
    subject: str
    text: str
    notices: list[Notice]
    digest: bool
    attempt: int = 0
    due: float = 0.0


@dataclass
class _Box:
    """A recipient's state."""

    sent: deque = field(default_factory=deque)  # send times within the last hour
    recent: deque = field(default_factory=deque)  # notice times within the flood window
    held: list = field(default_factory=list)  # flood / rate digest
    held_since: float | None = None
    quiet: list = field(default_factory=list)  # held by quiet hours


class Dispatcher:
    """Queue, policies, transports and log of a plant's notifications (see the module docstring)."""

    def __init__(
        self,
        settings: Notifications,
        plant: str,
        secrets: Secrets,
        *,
        log_sink: Callable[[list[DeliveryRow]], None] | None = None,
        on_channel: Callable[[str, str | None], None] | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.settings, self.plant = settings, plant
        self.secrets = secrets
        self.log_sink = log_sink
        self.on_channel = on_channel  # (channel, error or None when it works again)
        self.clock = clock
        self.tls_context = None  # ssl.SSLContext for SMTP (None: the system's)
        self._queue: queue.SimpleQueue[list[Notice]] = queue.SimpleQueue()
        self._boxes: dict[str, _Box] = {}
        self._retry: list[_Job] = []
        self._failing: set[str] = set()
        self._worker = Worker("notify")
        self.log_rows: list[DeliveryRow] = []  # kept when there is no sink (tests, no history)

    # ------------------------------------------------------------ any thread
    def submit(self, notices: list[Notice]) -> None:
        """Queue notices; never blocks."""
        if notices:
            self._queue.put(notices)
            self._worker.wake()

    def configure(self, settings: Notifications, plant: str) -> None:
        """Take new settings (the next step uses them)."""
        self.settings, self.plant = settings, plant

    def start(self) -> None:
        self._worker.start(self._run)

    def stop(self, timeout: float = 10.0) -> None:
        self._worker.stop(timeout)

    def _run(self) -> None:
        while not self._worker.stopping:
            self._worker.wait(STEP_S)
            try:
                self.step(self.clock())
            except Exception:  # the dispatcher must outlive a bug in one step
                log.exception("a notification step failed")

    # ------------------------------------------------------------ the dispatcher's thread
    def step(self, now: float) -> None:
        """Route what is queued, then send what timers make due."""
        batches: dict[str, list[Notice]] = {}
        while True:
            try:
                got = self._queue.get_nowait()
            except queue.Empty:
                break
            for n in got:
                batches.setdefault(n.recipient, []).append(n)
        rows: list[DeliveryRow] = []
        for who, notices in batches.items():
            rows += self._route(who, notices, now)
        rows += self._timers(now)
        rows += self._retries(now)
        self._log(rows)

    def _route(self, who: str, notices: list[Notice], now: float) -> list[DeliveryRow]:
        try:
            r = self.settings.recipient(who)
        except KeyError:
            return [
                DeliveryRow(now, Delivery.FAILED, n.rule, who, "", n.key, 0, "no such recipient")
                for n in notices
            ]
        box = self._boxes.setdefault(who, _Box())
        rows: list[DeliveryRow] = []
        flood = self.settings.flood
        while box.recent and box.recent[0] <= now - flood.window_s:
            box.recent.popleft()
        loud = []
        for n in notices:
            if self.quiet_now(r, n, now):
                box.quiet.append(n)
                rows.append(DeliveryRow(now, Delivery.QUIET, n.rule, who, "", n.key))
            else:
                loud.append(n)
        if len(loud) > flood.count:  # a flood starts in one pass: one digest of it, at once
            box.recent.extend([now] * len(loud))
            return rows + self._digest(r, box, loud, now, quiet=False, force=True)
        for n in loud:
            box.recent.append(now)
            flooding = len(box.recent) > flood.count
            # priority I is never held back by the rate limit (it still counts against it)
            urgent = n.alarm.priority == 1
            limited = not flooding and not urgent and not self._rate_allows(r, box, now)
            if flooding or limited or (box.held and not urgent):  # behind what is held: in its digest
                box.held.append(n)
                box.held_since = box.held_since if box.held_since is not None else now
                if limited:
                    rows.append(DeliveryRow(now, Delivery.LIMITED, n.rule, who, "", n.key))
            else:
                rows += self._deliver(r, box, [n], now, digest=False)
        return rows

    def _timers(self, now: float) -> list[DeliveryRow]:
        rows: list[DeliveryRow] = []
        for who, box in self._boxes.items():
            try:
                r = self.settings.recipient(who)
            except KeyError:
                continue
            if box.quiet:  # those whose quiet hours (the recipient's or their rule's) have ended
                keep: list[Notice] = []
                ended: list[Notice] = []
                for n in box.quiet:
                    (keep if self.quiet_now(r, n, now) else ended).append(n)
                if ended:
                    box.quiet = keep
                    rows += self._digest(r, box, ended, now, quiet=True, force=True)
            if box.held and now >= (box.held_since or now) + self.settings.flood.window_s:
                rows += self._digest(r, box, box.held, now, quiet=False, force=False)
        return rows

    def _digest(
        self, r: Recipient, box: _Box, notices: list[Notice], now: float, *, quiet: bool, force: bool
    ):
        """Send `notices` as one digest (a single notice as itself); unless `force`, only when the
        rate allows (else they stay held)."""
        if not force and not self._rate_allows(r, box, now):
            return []
        if notices is box.held:
            box.held, box.held_since = [], None
        if len(notices) == 1:
            return self._deliver(r, box, notices, now, digest=False)
        return self._deliver(r, box, notices, now, digest=True, quiet=quiet)

    def _rate_allows(self, r: Recipient, box: _Box, now: float) -> bool:
        while box.sent and box.sent[0] <= now - 3600:
            box.sent.popleft()
        cap = r.max_per_hour or self.settings.rate.max_per_hour
        return len(box.sent) < cap

    def _in_quiet(self, r: Recipient, rule_quiet: QuietHours | None, now: float) -> bool:
        minute = ((now + self.settings.utc_offset_h * 3600) % 86400) / 60
        own = r.quiet or self.settings.quiet
        return any(q is not None and q.holds(minute) for q in (own, rule_quiet))

    def quiet_now(self, r: Recipient, n: Notice, now: float) -> bool:
        """Whether `n` is held by quiet hours now (its recipient's, the plant's or its rule's)."""
        if n.through_quiet:
            return False
        rule = next((x for x in self.settings.rules if x.name == n.rule), None)
        return self._in_quiet(r, rule.quiet if rule is not None else None, now)

    # ------------------------------------------------------------ sending
    def _deliver(
        self, r: Recipient, box: _Box, notices: list[Notice], now: float, *, digest: bool, quiet=False
    ):
        box.sent.append(now)
        lang = r.language
        s = self.settings
        if digest:
            subject = messages.digest_subject(self.plant, len(notices), quiet)
            text = messages.digest_body(notices, s.flood.max_lines, s.utc_offset_h)
        else:
            n = notices[0]
            subject = messages.subject(self.plant, n.alarm, n.unacked_s)
            text = messages.body(self.plant, n.alarm, n.unacked_s, n.rule, s.utc_offset_h)
        subject, text = messages.as_text(subject, lang), messages.as_text(text, lang)
        rows = []
        for channel, address in self.addresses(r):
            rows += self._attempt(_Job(channel, r.name, address, subject, text, notices, digest), now)
        if not rows:
            rows = [
                DeliveryRow(now, Delivery.FAILED, n.rule, r.name, "", n.key, 0, "no channel") for n in notices
            ]
        return rows

    def addresses(self, r: Recipient) -> list[tuple[str, str]]:
        """(channel, e-mail address or '') for each way the recipient is reached."""
        out = []
        if r.email:
            name = r.smtp or next((c.name for c in self.settings.channels if c.kind == "smtp"), None)
            if name is not None:
                out.append((name, r.email))
        if r.channel is not None:
            out.append((r.channel, ""))
        return out

    def _attempt(self, job: _Job, now: float) -> list[DeliveryRow]:
        job.attempt += 1
        try:
            self.send(job.channel, job.address, job.subject, job.text, now, job.notices)
        except (webhooks.DeliveryError, LookupError) as exc:
            error = str(exc)
            retry = self.settings.retry
            if job.attempt < retry.attempts:
                job.due = now + min(retry.first_s * retry.factor ** (job.attempt - 1), retry.max_s)
                self._retry.append(job)
                return self._rows(job, now, Delivery.RETRIED, error)
            log.warning("notification to %s through %s failed: %s", job.recipient, job.channel, error)
            self._failing.add(job.channel)
            if self.on_channel is not None:
                self.on_channel(job.channel, error)
            return self._rows(job, now, Delivery.FAILED, error)
        if job.channel in self._failing:
            self._failing.discard(job.channel)
            if self.on_channel is not None:
                self.on_channel(job.channel, None)
        return self._rows(job, now, Delivery.DIGESTED if job.digest else Delivery.SENT, "")

    def _retries(self, now: float) -> list[DeliveryRow]:
        due = [j for j in self._retry if j.due <= now]
        self._retry = [j for j in self._retry if j.due > now]
        rows = []
        for job in due:
            rows += self._attempt(job, now)
        return rows

    def _rows(self, job: _Job, now: float, status: Delivery, detail: str) -> list[DeliveryRow]:
        return [
            DeliveryRow(now, status, n.rule, job.recipient, job.channel, n.key, job.attempt, detail)
            for n in job.notices
        ]

    def send(self, channel_name: str, address: str, subject: str, text: str, now: float, notices=()) -> None:
        """Send one message now through a channel (the caller's thread); DeliveryError or
        LookupError (no such channel, a secret missing) when it does not get through."""
        ch = self.settings.channel(channel_name)
        if isinstance(ch, SmtpChannel):
            password = self._secret(ch.password)
            smtp.send_mail(ch, password, address, subject, text, context=self.tls_context)
            return
        data = {
            "plant": self.plant,
            "alarms": [
                {
                    "key": n.alarm.key,
                    "source": n.alarm.source,
                    "priority": n.alarm.priority,
                    "kind": str(n.alarm.kind),
                    "value": n.alarm.value,
                    "limit": n.alarm.limit,
                    "since": n.alarm.since,
                    "hazard": n.alarm.hazard,
                    "rule": n.rule,
                    "unacknowledged_s": n.unacked_s,
                }
                for n in notices
            ],
        }
        payload = webhooks.body(ch.kind, subject, text, data)
        webhooks.post(
            ch.kind, self._secret(ch.url), payload, self._secret(ch.sign_secret), time.time(), ch.timeout_s
        )

    def _secret(self, ref: str | None) -> str | None:
        if ref is None:
            return None
        value = self.secrets(ref)
        if value is None:
            raise LookupError(f"secret {ref.removeprefix('secret:')!r} is not in the secret store")
        return value

    def send_test(self, recipient: str) -> list[DeliveryRow]:
        """Send the test message to a recipient now, in the caller's thread, without retries,
        quiet hours or limits; the rows say how each channel fared (also logged)."""
        r = self.settings.recipient(recipient)
        subject, text = (messages.as_text(m, r.language) for m in messages.trial_texts(self.plant))
        now = self.clock()
        rows = []
        for channel, address in self.addresses(r):
            try:
                self.send(channel, address, subject, text, now)
                rows.append(DeliveryRow(now, Delivery.SENT, "test", r.name, channel, "", 1))
            except (webhooks.DeliveryError, LookupError) as exc:
                rows.append(DeliveryRow(now, Delivery.FAILED, "test", r.name, channel, "", 1, str(exc)))
        self._log(rows)
        return rows

    def _log(self, rows: list[DeliveryRow]) -> None:
        if not rows:
            return
        if self.log_sink is None:
            self.log_rows.extend(rows)
            return
        try:
            self.log_sink(rows)
        except Exception:  # the journal down: the rows are kept here, and said so
            log.exception("the notification log could not be written; %d rows kept in memory", len(rows))
            self.log_rows.extend(rows)
