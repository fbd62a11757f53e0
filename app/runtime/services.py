"""What runs beside an acquiring engine wherever it runs (headless, `serve`, either of an
active/standby pair): notifications off the console (app/notify/), the draft watch of dual
prevention (app/dual_prevention/: drafts from monitoring, permits expired, hidden dangers
overdue, told through the notifier) and the regulator link (app/uplink/). A station runs none of
them: its server does. The single workstation attaches the same three in views/launcher.py,
where the link is rebuilt with a live configuration change."""

from __future__ import annotations


class Services:
    """The three attached to a started engine; `detach` before the engine stops."""

    def __init__(self, cfg, engine, hist, audit=None):
        from app.dual_prevention.draft_watch import attach as attach_watch
        from app.notify.notifier import attach as attach_notifier
        from app.uplink.build import attach_uplink

        self.engine = engine
        audit = audit if audit is not None else engine.audit
        self.notifier = attach_notifier(engine)  # alarms that reach people off the console
        # drafts from monitoring, the deadlines of permits and hidden dangers (audited: a headless
        # engine without a trail gets one on its database)
        self.watch = attach_watch(engine, audit, self.notifier)
        self.link = attach_uplink(cfg, engine, hist, audit=audit)

    def detach(self) -> None:
        from app.uplink.build import detach_uplink

        self.notifier.detach()
        if self.watch is not None:
            self.watch.detach()
        detach_uplink(self.engine, self.link)
