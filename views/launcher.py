"""Builds and wires the HMI: plant config (or demo plant + simulator), history, engine, window."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from app.config import ConfigError
from cli.commands import EXIT_CONFIG, demo_or_config
from core.paths import data_dir

log = logging.getLogger(__name__)
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
STARTUP_PROBE = "FOREWARN_STARTUP_PROBE"  # set: the start-up's milestones on stdout (bench/startup.py)


def startup_mark(event: str) -> None:
    """With FOREWARN_STARTUP_PROBE set, one line on stdout, `startup EVENT EPOCH_SECONDS`; else nothing."""
    if os.environ.get(STARTUP_PROBE):
        print(f"startup {event} {time.time():.4f}", flush=True)


def mark_first_value(bridge) -> None:
    """With the probe on: `startup first-value` once the bridge hands the widgets a good value."""
    if not os.environ.get(STARTUP_PROBE):
        return
    from core.samples import Quality

    def seen(arrays) -> None:
        if (arrays[1] == Quality.GOOD).any():
            bridge.latest.disconnect(seen)
            startup_mark("first-value")

    bridge.latest.connect(seen)  # after the window's own slot: the widgets have the value


def freeze_when_live(bridge) -> None:
    """Once the window shows a good value, keep the objects of start-up out of the garbage
    collector's full passes (core.long_lived): a large plant's would cost every full pass
    some 200 ms on the GUI thread."""
    from core.long_lived import freeze_start_up
    from core.samples import Quality

    def seen(arrays) -> None:
        if (arrays[1] == Quality.GOOD).any():
            bridge.latest.disconnect(seen)
            freeze_start_up()

    bridge.latest.connect(seen)


def make_app():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Forewarn")
    app.setApplicationName("Forewarn")
    qss = RESOURCES / "theme.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    from views.i18n import install_language

    install_language(app)  # the saved choice, else FOREWARN_LANG, else the system locale
    from views.collector import collect_on_gui_thread

    collect_on_gui_thread(app)  # Qt objects in a worker's cyclic garbage would hang the window
    return app


def run_hmi(
    config_path: str | None,
    db_url: str | None,
    *,
    screenshot: str | None = None,
    speed: float = 1.0,
    incidents=(),
    new_db: bool = False,
    lock_after_s: float | None = None,
    lockout_s: float | None = None,
) -> int:
    """`lock_after_s` and `lockout_s` (command line) override the plant file's `security:`."""
    from storage.guard import JournalError

    t_start = time.monotonic()
    startup_mark("main")
    made = []

    def prepare() -> None:  # while the demo plant's simulator starts in its own process
        made.append(make_app())
        load_window_modules()
        startup_mark("modules")

    try:
        with demo_or_config(config_path, speed=speed, incidents=incidents, meanwhile=prepare) as (cfg, sim):
            startup_mark("plant")
            security = {"demo": sim is not None, "lock_after_s": lock_after_s, "lockout_s": lockout_s}
            return _run(made[0], cfg, db_url, screenshot, t_start, new_db, security, sim=sim)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIG
    except JournalError as exc:
        print(exc, file=sys.stderr)
        if not screenshot and made:
            _show_refusal(made[0], str(exc))
        return EXIT_CONFIG


def load_window_modules() -> None:
    """Import what the history, the session, the engine and the main window are made of, so that
    a demo plant's start-up loads them while its simulator starts rather than after."""
    import app.accounts.users  # noqa: F401
    import app.runtime.engine  # noqa: F401
    import storage.audit  # noqa: F401
    import storage.history  # noqa: F401
    import views.main_window  # noqa: F401
    import views.session  # noqa: F401


def _show_refusal(app, message: str) -> None:
    """The reason for refusing to start, in a message box when there is a screen to show it on."""
    if app.platformName() in ("offscreen", "minimal"):
        return
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, QCoreApplication.translate("launcher", "Forewarn cannot start"), message)


def idle_lock_s(cfg, security: dict) -> float:
    """Seconds without input before the screen locks (0: never): the command line, else the plant."""
    given = security.get("lock_after_s")
    return float(given) if given is not None else cfg.security.lock_after_min * 60


def apply_session_policy(store, cfg, security: dict) -> None:
    """The plant's lockout policy on the account store (the command line's --lockout wins)."""
    given = security.get("lockout_s")
    store.lockout_s = float(given) if given is not None else cfg.security.lockout_min * 60
    store.max_failures = cfg.security.max_failures


def open_session(cfg, hist, security: dict, screenshot):
    """The session on the history's database: the demo plant (and a screenshot, which exits at
    once) runs as the passwordless "operator"; any other plant asks for a login first, or for its
    first administrator when it has no users. None: the login was cancelled."""
    from app.accounts.users import UserStore
    from storage.audit import AuditLog
    from views.login import ask_login
    from views.session import Session

    audit = AuditLog(hist.engine)
    store = UserStore(hist.engine, audit)
    apply_session_policy(store, cfg, security)
    if security.get("demo", True) or screenshot:
        return Session.demo(store, audit)
    user = ask_login(store, cfg.plant.name)
    return Session(store, audit, user) if user is not None else None


def _run(app, cfg, db_url, screenshot, t_start, new_db=False, security=None, sim=None) -> int:
    """`sim`: the demo plant's simulator; accelerated, the engine runs on its plant clock."""
    from cli.commands import demo_history, plant_clock

    clock = plant_clock(sim)
    with demo_history(cfg, db_url, clock, new_db=new_db) as (hist, _url):
        return _run_on(app, cfg, hist, screenshot, t_start, security or {"demo": True}, sim, clock)


def _run_on(app, cfg, hist, screenshot, t_start, security, sim, clock) -> int:
    from PySide6.QtCore import QTimer

    from app.dual_prevention.draft_watch import attach as attach_watch
    from app.notify.notifier import attach as attach_notifier
    from cli.commands import demo_engine
    from views.main_window import MainWindow

    session = open_session(cfg, hist, security, screenshot)
    if session is None:
        hist.stop()
        return 0
    engine = demo_engine(cfg, hist, sim, clock, audit=session.audit)  # device writes are audited
    notifier = attach_notifier(engine)  # alarms that reach people off the console (app/notify/)
    # monitoring opens draft hidden dangers, the deadlines are kept (app/dual_prevention/)
    watch = attach_watch(engine, session.audit, notifier)
    shown = {}

    def open_window(config, old=None):
        """The main window on `config`; after a live configuration change it replaces the old one
        (same engine, acquisition and history never stop; the layout is restored)."""
        if old is not None and session.store is not None:  # the policy may have changed
            apply_session_policy(session.store, config, security)
        if old is not None and hasattr(engine, "uplink"):  # the link follows the new tags and its section
            from app.uplink.build import attach_uplink, detach_uplink

            detach_uplink(engine, engine.uplink)
            engine.uplink = attach_uplink(config, engine, hist, audit=session.audit)
        w = MainWindow(
            engine,
            config,
            sets_dir=data_dir() / "trend_sets",
            session=session,
            lock_after_s=idle_lock_s(config, security),
        )
        if old is None:
            w.resize(1600, 960)
        else:
            w.setGeometry(old.geometry())
        w.configApplied.connect(lambda new, _result: open_window(new, shown["win"]))
        shown["win"] = w
        w.show()
        if old is not None:
            w.adopt_settings_dialog(old)
            old.close()
            old.deleteLater()
        return w

    win = open_window(cfg)
    startup_mark("window")
    mark_first_value(win.bridge)
    freeze_when_live(win.bridge)
    engine.start()
    from app.uplink.build import attach_uplink, detach_uplink

    engine.uplink = attach_uplink(cfg, engine, hist, audit=session.audit)  # the regulator link, if enabled
    result = {"rc": 0}
    quit_on_signals(app)
    if screenshot:
        shooter = Screenshot(app, win, engine, screenshot, t_start, result)
        QTimer.singleShot(200, shooter.poll)
    try:
        app.exec()
    finally:
        shown["win"].close()
        notifier.detach()
        if watch is not None:
            watch.detach()
        detach_uplink(engine, engine.uplink)
        engine.stop()
        if session.has_password:
            session.logout()
    return result["rc"]


class Screenshot:
    """Saves the window once most tags have live values and the screen has settled."""

    def __init__(self, app, win, engine, path, t_start, result, timeout=40.0):
        self.app, self.win, self.engine, self.path = app, win, engine, path
        self.t_start, self.result, self.deadline = t_start, result, time.monotonic() + timeout
        self.live_at: float | None = None

    def poll(self):
        from PySide6.QtCore import QTimer

        snap = self.engine.latest()
        live = (snap.quality > 0).mean() if len(snap) else 0.0
        now = time.monotonic()
        if self.live_at is None and live >= 0.9:
            self.live_at = now
            print(f"live data on screen {now - self.t_start:.2f} s after start", file=sys.stderr)
        settled = self.live_at is not None and now - self.live_at >= 3.0
        if settled or now > self.deadline:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.win.grab().save(str(self.path))
            if not settled:
                print("no live data before the time limit; saved what was shown", file=sys.stderr)
                self.result["rc"] = 1
            self.app.quit()
            return
        QTimer.singleShot(200, self.poll)


def quit_on_signals(app) -> None:
    """Ctrl-C or SIGTERM closes the HMI cleanly (engine stopped, history flushed, simulator ended)."""
    import signal

    from PySide6.QtCore import QTimer

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    # let the interpreter run now and then so Python signal handlers fire during app.exec()
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
