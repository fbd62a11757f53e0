"""A station: the operator screen on a control-room server's live state (app/control_room/station.py).

The main window is the one the workstation uses, on a `RemoteEngine` instead of an `Engine`; the
station adds the banner that says when the server's state does not arrive
(widgets/server_link.py), a status-bar message on each change of the link, and its areas of
responsibility: the horn sounds only for its own alarms (and those no connected station
covers), and the alarm list puts them first. History, trends and the alarm journal come from
the shared database given with --db, read only.
"""

from __future__ import annotations

import sys
import threading
import time

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QToolBar

LINK_WAIT_S = 10.0  # for the server's births before the login asks it


def open_station_session(cfg, engine, history, demo: bool):
    """The station's session: the demo plant runs as its passwordless operator; any other plant
    asks for a login, checked by the server (app/control_room/station_login.py). None: cancelled."""
    from app.control_room.station_login import RemoteAccounts
    from views.login import ask_login
    from views.session import Session

    store = RemoteAccounts(engine, history.engine)
    if demo:
        return Session.demo(store, None)
    user = ask_login(store, cfg.plant.name)
    return Session(store, None, user) if user is not None else None


def attach_station(window, engine):
    """Add the station's pieces to a main window on `engine` (a RemoteEngine); the banner."""
    from widgets.server_link import ServerLinkBanner

    banner = ServerLinkBanner(window)
    bar = QToolBar(QCoreApplication.translate("MainWindow", "Server link"), window)
    bar.setObjectName("serverLinkBar")
    bar.setMovable(False)
    bar.setFloatable(False)
    shown = bar.addWidget(banner)  # in a tool bar, the action shows and hides the widget
    window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    banner.set_link(engine.connected)
    shown.setVisible(not engine.connected)
    engine.link_listeners.append(banner.linkChanged.emit)
    banner.linkChanged.connect(lambda up: shown.setVisible(not up), Qt.ConnectionType.QueuedConnection)
    banner.linkChanged.connect(lambda up: _say_link(window, up), Qt.ConnectionType.QueuedConnection)
    from views.station_settings import StationSettings

    window.settings_apply.station = StationSettings(window, engine)  # read-only, limits sent
    window.horn_filter = engine.areas.mine
    window.alarm_table.proxy.first = engine.areas.mine
    window.station_banner = banner
    return banner


def _say_link(window, up: bool) -> None:
    text = (
        QCoreApplication.translate("MainWindow", "Connected to the server")
        if up
        else QCoreApplication.translate("MainWindow", "No connection to the server: values are not live")
    )
    window.statusBar().showMessage(text, 0 if not up else 8000)


def run_station(args, url, credentials, station: str, key: bytes) -> int:
    """The HMI of a station until its window closes (`main.py --server URL`)."""
    from app.config import ConfigError, demo_config_path, load_config
    from app.control_room.areas import parse_areas
    from app.control_room.station import RemoteEngine
    from core.paths import data_dir, plant_slug
    from views.launcher import Screenshot, idle_lock_s, make_app, quit_on_signals
    from views.main_window import MainWindow

    try:
        cfg = load_config(args.config or demo_config_path())
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    app = make_app()
    history = None
    if args.db:
        from storage.history import History
        from storage.station_role import DatabaseUnreadable

        # trends and the journal, read: no schema change, a SQLite file opened read-only; a
        # PostgreSQL URL is the station role's (main.py db create-station-role)
        try:
            history = History(args.db, cfg.tags, read_only=True)
        except DatabaseUnreadable as exc:  # no such file, a role that may not read: said in one line
            print(f"error: cannot read the server's database: {exc}", file=sys.stderr)
            return 2
    engine = RemoteEngine(
        cfg,
        url,
        args.node or plant_slug(cfg.plant.name),
        station=station,
        key=key,
        user=args.user,
        group=args.group,
        credentials=credentials,
        history=history,
        areas=parse_areas(args.areas),
    )
    # who acts: a login against the shared user table, checked by the server (the demo plant, like
    # a workstation's, runs as its passwordless operator); without the database, the --user the
    # server checks
    session = None
    if history is not None:
        demo = not args.config or bool(args.screenshot)
        if not demo:  # a login is a command to the server: the link first
            up = threading.Event()
            engine.link_listeners.append(lambda link: link and up.set())
            engine.start()
            up.wait(LINK_WAIT_S)
        session = open_station_session(cfg, engine, history, demo)
        if session is None:  # the login was cancelled
            engine.stop()
            history.engine.dispose()
            return 0
        engine.user = session.name
    user = engine.user
    win = MainWindow(
        engine,
        cfg,
        user=user,
        session=session,
        sets_dir=data_dir() / "trend_sets",
        lock_after_s=None if session is None else idle_lock_s(cfg, {}),
    )
    attach_station(win, engine)
    win.resize(1600, 960)
    win.show()
    engine.start()  # when no login started it
    quit_on_signals(app)
    result = {"rc": 0}
    if args.screenshot:  # saved once the server's live values show, then exit
        from PySide6.QtCore import QTimer

        shooter = Screenshot(app, win, engine, args.screenshot, time.monotonic(), result)
        QTimer.singleShot(200, shooter.poll)
    try:
        app.exec()
    finally:
        win.close()
        engine.stop()
        if history is not None:
            history.engine.dispose()
        # the window goes now, before the application: not at the interpreter's exit
        win.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return result["rc"]
