"""Device writes, a part of the engine: checked (writable tag, the user's role, a finite value
inside the tag's range, an audit trail to record it), sent through the device's driver in the
acquisition loop, answered with a future, and audited whatever the outcome.

`DeviceWrites` is owned by app.runtime.engine.Engine (`engine.writes`, with `engine.write`
delegating to it); it asks the engine for a tag's configuration, value and scaling as they
stand (`Engine.tag_now`) and uses its public drivers, loop, audit log and write timeout.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from dataclasses import dataclass, replace

import numpy as np

from app.config import tag_type
from core.messages import QT_TRANSLATE_NOOP, Message
from devices.base import WriteError, raise_if_cancelling

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WriteResult:
    """The outcome of one write request. Values are engineering values; `written` is what the
    device holds after the type's rounding. `refused`: stopped before the device (not
    writable, role too low, value out of range); `ok` false otherwise: the device did not take it."""

    tag: str
    ok: bool
    requested: float
    old: float | None = None
    written: float | None = None
    message: str = ""
    refused: bool = False
    audited: bool = False


class DeviceWrites:
    """The engine's write path (see the module docstring)."""

    def __init__(self, engine):
        self.engine = engine

    def write(self, tag_name: str, value: float, user, timeout: float | None = None):
        """Write an engineering value to a tag's device, as `user` (name and role); returns a
        concurrent.futures.Future of a WriteResult and never blocks on the device. Refused at
        once (and audited) unless the tag is writable, the user's role allows it, the value is
        finite and inside the tag's range, and there is an audit trail to record it."""
        from app.accounts.users import may_write

        engine = self.engine
        name = getattr(user, "name", "") or str(user or "")
        role = getattr(user, "role", None)
        config, tag, old, scale, offset = engine.tag_now(tag_name)
        value = float(value)
        refusal = ""
        if tag is None:
            refusal = _w(QT_TRANSLATE_NOOP("engine", "unknown tag {tag}"), tag=repr(tag_name))
        elif engine.audit is None:
            refusal = _w(
                QT_TRANSLATE_NOOP("engine", "writes are disabled: there is no audit trail to record them")
            )
        else:
            allowed, why = may_write(role, tag)
            if not allowed:
                refusal = why
            elif not np.isfinite(value):
                refusal = _w(QT_TRANSLATE_NOOP("engine", "{value} is not a number"), value=f"{value}")
            elif tag_type(config, tag) == "bool" and value not in (0.0, 1.0):
                refusal = _w(
                    QT_TRANSLATE_NOOP("engine", "{value}: a bool tag takes 0 or 1"), value=f"{value:g}"
                )
            elif tag.range is not None and not tag.range[0] <= value <= tag.range[1]:
                refusal = _w(
                    QT_TRANSLATE_NOOP("engine", "{value} is outside the tag's range {lo} to {hi}"),
                    value=f"{value:g}",
                    lo=f"{tag.range[0]:g}",
                    hi=f"{tag.range[1]:g}",
                )
            elif scale == 0:
                refusal = _w(
                    QT_TRANSLATE_NOOP("engine", "the tag's scale is 0: no raw value gives this value")
                )
        if refusal:
            res = WriteResult(tag_name, False, value, old, message=refusal, refused=True)
            return _done(self._audit_write(res, name, role))
        loop = engine.loop
        if loop is None:
            res = WriteResult(
                tag_name,
                False,
                value,
                old,
                message=_w(QT_TRANSLATE_NOOP("engine", "acquisition is not running")),
            )
            return _done(self._audit_write(res, name, role))
        if timeout is None:
            dev = config.device(tag.device)
            timeout = engine.write_timeout or 2 * dev.timeout_ms / 1000 + 1.0
        raw = (value - offset) / scale
        coro = self._write(tag, raw, value, old, scale, offset, name, role, timeout)
        return asyncio.run_coroutine_threadsafe(coro, loop)

    async def _write(self, tag, raw, value, old, scale, offset, user, role, timeout) -> WriteResult:
        drv = next((d for d in self.engine.drivers if d.device.name == tag.device), None)
        try:
            if drv is None:
                raise WriteError(
                    _w(QT_TRANSLATE_NOOP("engine", "device {device} is not running"), device=tag.device)
                )
            got = await asyncio.wait_for(drv.write(tag, raw), timeout)
            res = WriteResult(tag.name, True, value, old, written=got * scale + offset)
        except TimeoutError:
            msg = _w(
                QT_TRANSLATE_NOOP("engine", "no answer from {device} within {s} s"),
                device=tag.device,
                s=f"{timeout:g}",
            )
            res = WriteResult(tag.name, False, value, old, message=msg)
        except WriteError as exc:  # the driver's words (a Message is translated on screen)
            why = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
            res = WriteResult(tag.name, False, value, old, message=why)
        except Exception as exc:  # a lost link, a library error: the operator gets the reason
            raise_if_cancelling()
            msg = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            res = WriteResult(tag.name, False, value, old, message=msg)
        log.info("write %s = %g by %s: %s", tag.name, value, user, "ok" if res.ok else res.message)
        return await asyncio.get_running_loop().run_in_executor(None, self._audit_write, res, user, role)

    def _audit_write(self, res: WriteResult, user: str, role) -> WriteResult:
        """Record a write attempt; the result says whether the row could be written."""
        from storage.audit import Action

        audit = self.engine.audit
        if audit is None:
            return res
        detail = {
            "old": res.old,
            "new": res.requested,
            "written": res.written,
            "result": "ok" if res.ok else ("refused" if res.refused else "failed"),
            "error": res.message or None,
            "role": getattr(role, "label", role),
        }
        try:
            audit.append(user, Action.WRITE, res.tag, detail)
        except Exception:  # the write happened (or not) all the same: say it is not on record
            log.exception("could not audit the write to %s", res.tag)
            return res
        return replace(res, audited=True)


def _w(template: str, **args) -> Message:
    """Why a write was refused or failed (shown in the write dialog, English in the audit trail)."""
    return Message("engine", template, **args)


def _done(result) -> concurrent.futures.Future:
    f: concurrent.futures.Future = concurrent.futures.Future()
    f.set_result(result)
    return f
