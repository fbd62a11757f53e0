"""The main window: assembles the map, trend, alarm list, tag browser, banner and status bar.

It owns no data and no logic of its own: the bridge feeds the widgets, the widgets' signals are
wired to each other and to the operator's actions (views/operator_actions.py, `operator`); the
Settings dialog and live reconfiguration are views/settings/apply.py (`settings_apply`). Nothing
here waits for the engine. The dock layout is saved per user.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar

from app.accounts.users import Permission
from storage.audit import Action
from views import alarm_response, uplink_view
from views.bridge import EngineBridge
from views.dual_prevention_menu import DualPrevention
from views.hazard_panel import HazardPanel
from views.operator_actions import OperatorActions
from views.risk_overview import RiskOverview
from views.settings.apply import SettingsApply
from views.trend_view import TrendView, history_loaders
from views.trust_dialog import TrustPrompter
from views.window_layout import WindowLayout
from views.write_dialog import open_write_dialog, write_permission
from widgets.alarm_table import AlarmTable
from widgets.horn import Horn, HornIndicator
from widgets.plant_map import PlantMap
from widgets.plant_words import WORDS
from widgets.status import AlarmBanner, ClockLabel, DatabaseLabel, DeviceBadges, UserLabel
from widgets.tag_browser import TagBrowser

log = logging.getLogger(__name__)
DEFAULT_PENS = 4


class MainWindow(WindowLayout, QMainWindow):
    """Forewarn's operator screen."""

    configApplied = Signal(object, object)  # (PlantConfig now running, engine.Reconfigured)

    def __init__(
        self,
        engine,
        config,
        settings: QSettings | None = None,
        parent=None,
        *,
        user: str = "",
        sets_dir=None,
        session=None,
        lock_after_s: float | None = 600.0,
    ):
        super().__init__(parent)
        self.engine, self.config = engine, config
        WORDS.use(config)  # the plant's Chinese names, for every screen that draws them
        self.settings = settings if settings is not None else QSettings("Forewarn", "Forewarn")
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Forewarn — {plant}").format(plant=config.plant.name))
        self.session = session  # views.session.Session; None: no accounts (every action allowed)
        self.user = session.name if session is not None else user
        self.tags = config.tags
        self.tag_index = config.tag_index()
        self._alarm_pen: int | None = None  # the pen the picked alarm added (replaced by the next)
        self.horn_filter = None  # a station: alarm -> whether it sounds here (its areas)

        # ---- pieces
        # one clock for every "now" on screen: the engine's (an accelerated demo: the plant's)
        engine_clock = getattr(engine, "clock", None)
        self.now = engine_clock.now if engine_clock is not None else time.time
        self.bridge = EngineBridge(engine, self)
        self.map = PlantMap(config, self)
        history = getattr(engine, "history", None)
        read, events = history_loaders(history) if history is not None else (None, None)
        self.trend = TrendView(config, read, events, sets_dir=sets_dir, parent=self, clock=self.now)
        self.alarm_table = AlarmTable(
            {t.name: t.unit for t in self.tags},
            self,
            tag_areas=[t.area for t in self.tags],
            hazards=[h.name for h in config.hazard_sources],
        )
        self.alarm_table.model.clock = self.now  # countdowns to predicted limits
        self.horn = Horn(parent=self)
        self.horn_indicator = HornIndicator(self)
        self.horn_indicator.set_audible(self.horn.audible, getattr(self.horn.player, "reason", ""))
        self.tag_browser = TagBrowser(self.tags, self)
        self.hazard_panel = HazardPanel(config, self.bridge, self, now=self.now)
        self.risk_overview = RiskOverview(self.bridge, self, now=self.now)
        self.banner = AlarmBanner(self)
        self.device_badges = DeviceBadges([d.name for d in config.devices], self)
        self.database_label = DatabaseLabel(getattr(engine, "history", None), self)
        self.user_label = UserLabel(user, self)
        self.clock = ClockLabel(self, plant_clock=engine_clock)

        # ---- layout
        self.setCentralWidget(self.map)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        banner_bar = QToolBar(self.tr("Alarm banner"), self)
        banner_bar.setObjectName("bannerBar")
        banner_bar.setMovable(False)
        banner_bar.setFloatable(False)
        banner_bar.addWidget(self.banner)
        banner_bar.addWidget(self.horn_indicator)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, banner_bar)
        self.trend_dock = self._dock(
            "trendDock", self.tr("Trends"), self.trend, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.alarm_dock = self._dock(
            "alarmDock", self.tr("Alarms"), self.alarm_table, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.tag_dock = self._dock(
            "tagDock", self.tr("Tags"), self.tag_browser, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.tag_dock.toggleViewAction().setShortcut(QKeySequence("Ctrl+B"))
        self.tag_dock.toggleViewAction().setStatusTip(self.tr("Show or hide the tag browser"))
        self.hazard_dock = self._dock(
            "hazardDock", self.tr("Hazard source"), self.hazard_panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.risk_dock = self._dock(
            "riskDock", self.tr("Plant risk"), self.risk_overview, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self._place_risk_docks()
        status = self.statusBar()
        status.addWidget(self.device_badges, 1)
        status.addPermanentWidget(self.database_label)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.clock)
        self.operator = OperatorActions(self)  # acknowledge, shelve, suppress, out of service
        self.settings_apply = SettingsApply(self)  # the Settings dialog, live reconfiguration

        self._build_menus()
        self.session_controls = None
        if session is not None:
            from views.session import SessionControls

            self.session_controls = SessionControls(self, session, lock_after_s)

        # ---- wiring: engine -> widgets
        b = self.bridge
        b.samples.connect(self.trend.append)
        b.latest.connect(self._on_latest)
        b.alarms.connect(self._on_alarms)
        b.risk.connect(self.map.update_risk)
        self.trend.cone_source = b.forecast_cone
        self.map.update_risk(b.ranked_risk())
        b.devices.connect(self.device_badges.update_devices)
        self.trust_prompter = TrustPrompter(self)  # an unknown server certificate: ask, once each
        b.devices.connect(self.trust_prompter.update_devices)
        # ---- wiring: widgets -> engine and each other
        self.alarm_table.acknowledgeRequested.connect(self.acknowledge)
        self.alarm_table.shelveRequested.connect(self.shelve)
        self.banner.acknowledgeRequested.connect(self.acknowledge)
        self.horn.stateChanged.connect(self.horn_indicator.set_state)
        self.horn_indicator.silenceRequested.connect(self.horn.silence)
        self.alarm_table.alarmSelected.connect(self.show_alarm)
        self.alarm_table.alarmSelected.connect(self._follow_why)
        self.tag_browser.tagActivated.connect(self.show_tag)
        self.tag_browser.write_check = lambda tag: write_permission(self, tag)
        self.tag_browser.model.reasons = getattr(self.engine, "quality_reasons", None)  # quality tooltips
        self.tag_browser.writeRequested.connect(lambda tag: open_write_dialog(self, tag))
        self.trend.tagDropped.connect(self.add_pen)
        self.map.tagClicked.connect(self.show_tag)
        self.map.hazardClicked.connect(self.show_hazard)
        self.risk_overview.hazard_selected.connect(lambda name: self.show_hazard(name, raise_panel=False))
        self.risk_overview.hazard_activated.connect(self.show_hazard)
        self.hazard_panel.explainRequested.connect(self.explain_risk)
        self.hazard_panel.tagActivated.connect(self.show_tag)
        self.alarm_table.explainRequested.connect(self.explain_warning)
        self.alarm_table.respondRequested.connect(
            lambda a: alarm_response.respond_to_alarm(
                self, getattr(self.engine, "uplink", None), a, self.user
            )
        )

        for tag in self.default_pens():
            self.add_pen(tag)
        self._restore_layout()

    # ------------------------------------------------------------ assembly helpers
    def _dock(self, name: str, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def new_action(self, text: str, slot, shortcuts=(), tip: str = "") -> QAction:
        """A window action (its shortcuts work anywhere in the window)."""
        act = QAction(text, self)
        if shortcuts:
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            act.setStatusTip(tip)
        act.triggered.connect(slot)
        self.addAction(act)
        return act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        alarms = bar.addMenu(self.tr("&Alarms"))
        self.ack_action = self.new_action(
            self.tr("Acknowledge selected"), self.alarm_table.acknowledge_selected, ("Ctrl+K", "F8")
        )
        self.ack_all_action = self.new_action(
            self.tr("Acknowledge all visible"), self.alarm_table.acknowledge_all, ("Ctrl+Shift+K",)
        )
        self.jump_action = self.new_action(
            self.tr("Go to banner alarm"),
            self.jump_to_banner_alarm,
            ("Ctrl+J",),
            self.tr("Show the banner alarm's place and trend"),
        )
        self.silence_action = self.new_action(
            self.tr("Silence horn"),
            self.horn.silence,
            ("F9",),
            self.tr("Stop the horn until a new alarm; acknowledges nothing"),
        )
        self.why_action = self.new_action(
            self.tr("Why? (selected alarm)"),
            self.alarm_table.explain_selected,
            ("F1",),
            self.tr(
                "The limit and trend behind the selected alarm, or the data and reasoning behind an early warning"
            ),
        )
        for act in (
            self.ack_action,
            self.ack_all_action,
            self.silence_action,
            self.jump_action,
            self.why_action,
        ):
            alarms.addAction(act)
        alarms.addSeparator()
        self.history_action = self.new_action(
            self.tr("Alarm history…"),
            self.open_alarm_history,
            ("Ctrl+H",),
            self.tr("Journal and KPIs of a shift or period"),
        )
        self.shift_report_action = self.new_action(
            self.tr("Shift report…"),
            self.open_shift_report,
            (),
            self.tr("Print the shift handover report as PDF"),
        )
        alarms.addAction(self.history_action)
        alarms.addAction(self.shift_report_action)
        self.responses_action = self.new_action(  # the regulator link's responses (views/alarm_response.py)
            self.tr("Alarm responses…"), lambda: alarm_response.open_responses(self)
        )
        alarms.addAction(self.responses_action)
        alarms.addSeparator()
        (
            self.unshelve_action,
            self.suppress_action,
            self.unsuppress_action,
            self.oos_action,
            self.return_action,
        ) = self.operator.build_off_list_actions(alarms)
        alarms.setToolTipsVisible(True)
        plant = bar.addMenu(self.tr("&Plant"))
        plant.setToolTipsVisible(True)
        self.settings_action = self.new_action(
            self.tr("Settings…"),
            self.open_settings,
            ("Ctrl+,",),
            self.tr("Devices, tags, alarms, hazard sources, rules and map of this plant"),
        )
        plant.addAction(self.settings_action)
        self.uplink_action = self.new_action(
            self.tr("Regulator link…"), lambda: uplink_view.open_uplink_view(self)
        )
        plant.addAction(self.uplink_action)
        self.state_action = self.operator.build_state_action(plant)
        self.dual_prevention = DualPrevention(self, plant)  # permits, hidden dangers, inventory, rounds
        for panel in (self.hazard_panel, self.risk_overview):  # right-click: the same action
            panel.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            panel.addAction(self.state_action)
        view = bar.addMenu(self.tr("&View"))
        for dock in (self.trend_dock, self.alarm_dock, self.tag_dock, self.hazard_dock, self.risk_dock):
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        self.fit_action = self.new_action(self.tr("Fit map"), self.map.fit, ("Ctrl+0",))
        view.addAction(self.fit_action)
        self.trend_10m_action = self.new_action(
            self.tr("Trend: last 10 min"), lambda: self.trend.set_window(600)
        )
        self.trend_1h_action = self.new_action(
            self.tr("Trend: last hour"), lambda: self.trend.set_window(3600)
        )
        view.addAction(self.trend_10m_action)
        view.addAction(self.trend_1h_action)
        view.addSeparator()
        view.addAction(self.new_action(self.tr("Reset layout"), self.reset_layout))
        language = view.addMenu("Language / 语言")
        for lang, label in (("en", "English"), ("zh_CN", "简体中文")):
            language.addAction(self.new_action(label, lambda _=False, lang=lang: self.set_language(lang)))
        user = bar.addMenu(self.tr("&User"))
        user.setToolTipsVisible(True)
        self.switch_user_action = self.new_action(
            self.tr("Switch user…"),
            self._session_call("switch_user"),
            ("Ctrl+Shift+U",),
            self.tr("Log in as another user"),
        )
        self.lock_action = self.new_action(
            self.tr("Lock screen"),
            self._session_call("lock"),
            ("Ctrl+Alt+L",),
            self.tr("Cover the plant until a password is given"),
        )
        self.logout_action = self.new_action(
            self.tr("Log out"), self._session_call("logout"), (), self.tr("End this user's session")
        )
        self.users_action = self.new_action(
            self.tr("Users…"), self.open_users, (), self.tr("Add and remove users, set roles and passwords")
        )
        for act in (self.switch_user_action, self.lock_action, self.logout_action):
            user.addAction(act)
        user.addSeparator()
        user.addAction(self.users_action)
        for act in (self.switch_user_action, self.lock_action, self.logout_action, self.users_action):
            act.setEnabled(self.session is not None)
        for menu in bar.findChildren(QMenu):  # a disabled item says why (the role it needs)
            menu.setToolTipsVisible(True)

    def _session_call(self, name: str):
        return lambda *_: self.session_controls is not None and getattr(self.session_controls, name)()

    def gated_actions(self) -> list:
        """(action, permission) pairs the current user's role enables or disables."""
        pairs = [
            (self.ack_action, Permission.ACKNOWLEDGE),
            (self.ack_all_action, Permission.ACKNOWLEDGE),
            (self.unshelve_action, Permission.UNSHELVE),
            (self.suppress_action, Permission.SUPPRESS),
            (self.unsuppress_action, Permission.SUPPRESS),
            (self.oos_action, Permission.OUT_OF_SERVICE),
            (self.return_action, Permission.OUT_OF_SERVICE),
            (self.state_action, Permission.SUPPRESS),
            *self.dual_prevention.gated(),
            (self.users_action, Permission.MANAGE_USERS),
        ]
        settings_action = getattr(self, "settings_action", None)
        if settings_action is not None:
            # an engineer's; a safety manager opens it for the risk inventory alone
            pairs.append((settings_action, Permission.DUAL_PREVENTION))
        return pairs

    def session_actions(self) -> list:
        """(action, needs a logged-in user with a password)."""
        return [(self.switch_user_action, False), (self.lock_action, True), (self.logout_action, True)]

    def allowed(self, permission: Permission) -> bool:
        """Whether the current user may do it now (no session: yes; locked: no)."""
        if self.session is None:
            return True
        if self.session_controls is not None and self.session_controls.locked:
            return False
        if not self.session.can(permission):
            self.statusBar().showMessage(self.session.needs(permission), 8000)
            return False
        return True

    def audit(self, action: Action, target: str = "", detail=None) -> None:
        if self.session is None or self.session.audit is None:
            return
        if not self.session.record(action, target, detail):
            self.statusBar().showMessage(self.tr("The audit trail could not be written (see the log)"), 15000)

    # ------------------------------------------------------------ the operator's actions (operator)
    def acknowledge(self, keys: list[str] | None) -> None:
        self.operator.acknowledge(keys)

    def shelve(self, keys: list[str], duration_s, reason: str) -> None:
        self.operator.shelve(keys, duration_s, reason)

    def suppress(self, keys: list[str], on: bool, reason: str = "") -> None:
        self.operator.suppress(keys, on, reason)

    def set_out_of_service(self, keys: list[str], on: bool, reason: str = "") -> None:
        self.operator.set_out_of_service(keys, on, reason)

    # ------------------------------------------------------------ behaviour
    def _on_latest(self, arrays) -> None:
        value, quality = arrays
        self.map.update_values(value, quality)
        self.tag_browser.update_values(value, quality)

    def _on_alarms(self, transitions) -> None:
        self.alarm_table.update_alarms(transitions)
        self.horn.update_alarms(
            transitions if self.horn_filter is None else filter(self.horn_filter, transitions)
        )
        standing = self.bridge.standing
        self.map.update_alarms(standing)
        self.banner.update_alarms(standing)  # it leaves out the shelved, suppressed, out of service

    def open_users(self) -> None:
        """The administrator's user list."""
        from views.users_dialog import UsersDialog

        if self.session is None or self.session.store is None or not self.allowed(Permission.MANAGE_USERS):
            return
        dlg = UsersDialog(self.session, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()

    def default_pens(self) -> list[int]:
        """A few useful pens for a new user: the first analog tags of the first hazard source."""
        names: list[str] = []
        for hs in self.config.hazard_sources:
            names = [n for n in hs.tags if n in self.tag_index and not self.tags[self.tag_index[n]].is_bool]
            if names:
                break
        if not names:
            names = [t.name for t in self.tags if not t.is_bool]
        return [self.tag_index[n] for n in names[:DEFAULT_PENS]]

    def show_tag(self, tag: int, *, pin: bool = True) -> None:
        """Trend a tag (added if needed, drawn thicker) and show it on the map; `pin`: a pen the
        operator asked for, which stays when other alarms are picked."""
        if tag < 0:
            self.map.clear_focus()
            return
        if pin:
            self.add_pen(tag)
        else:
            self.trend.add_tag(tag)
        self.trend.highlight(tag)
        self.map.focus_tag(tag)

    def show_alarm(self, alarm) -> None:
        """Trend the picked alarm's tag beside the operator's own pens: picking another alarm
        replaces that pen (one the operator added stays), so clicking down the list never piles
        up pens and axes."""
        previous, self._alarm_pen = self._alarm_pen, None
        if previous is not None and previous != alarm.tag:
            self.trend.remove_pen(previous)
        if alarm.tag >= 0 and not self.trend.has_pen(alarm.tag):
            self._alarm_pen = alarm.tag
        elif previous == alarm.tag:
            self._alarm_pen = previous
        self.show_tag(alarm.tag, pin=False)

    def add_pen(self, tag: int) -> bool:
        """A pen the operator asked for (tag browser, drop): kept when other alarms are picked."""
        if tag == self._alarm_pen:
            self._alarm_pen = None
        return self.trend.add_tag(tag)

    def show_hazard(self, name: str, raise_panel: bool = True) -> None:
        """Trend a hazard source's analog indicators, outline it on the map and show it in the
        hazard-source panel (brought to the front unless `raise_panel` is false)."""
        hs = next((h for h in self.config.hazard_sources if h.name == name), None)
        if hs is None:
            return
        tags = [self.tag_index[n] for n in hs.tags if n in self.tag_index]
        analog = [i for i in tags if not self.tags[i].is_bool]
        if analog:
            self.trend.clear()
            self._alarm_pen = None
            for i in analog[:8]:
                self.add_pen(i)
        self.map.clear_focus()
        self.map.select_hazard(name)
        if self.hazard_panel.show_hazard(name):
            self.risk_overview.select(name)
            if raise_panel:
                self.hazard_dock.show()
                self.hazard_dock.raise_()

    def explain_warning(self, alarm) -> None:
        """Why? for the picked row: an early warning's evidence, an alarm's limit and trend; one
        window, which then follows the selection."""
        from views.warning_explain import open_warning_explanation

        tag = self.tags[alarm.tag] if 0 <= alarm.tag < len(self.tags) else None
        self.why_dialog = open_warning_explanation(
            self.bridge,
            alarm,
            self,
            tag=tag,
            history_loader=self.trend.history_loader,
            replace=getattr(self, "why_dialog", None),
            now=self.now,
        )
        self.why_dialog.destroyed.connect(self._why_closed)

    def _why_closed(self, *_args) -> None:
        if self.sender() is self.__dict__.get("why_dialog"):
            self.why_dialog = None

    def _follow_why(self, alarm) -> None:
        why = getattr(self, "why_dialog", None)
        if why is not None and why.isVisible() and (why.alarm is None or why.alarm.key != alarm.key):
            self.explain_warning(alarm)

    def explain_risk(self, state) -> None:
        """Why? for a hazard source: its level, inherent grade and every indicator."""
        from views.warning_explain import open_risk_explanation

        open_risk_explanation(state, self, now=self.now)

    def jump_to_banner_alarm(self) -> None:
        a = self.banner.current
        if a is not None and not self.alarm_table.select_key(a.key):
            self.show_alarm(a)

    def open_alarm_history(self) -> None:
        """The supervisor's alarm history window (one per main window, kept when closed)."""
        from views.alarm_history import open_alarm_history

        if getattr(self, "history_view", None) is None:
            history = getattr(self.engine, "history", None)
            self.history_view = open_alarm_history(
                self, history, self.config.plant.name, self.settings, now=self.now
            )
        self.history_view.show()
        self.history_view.raise_()
        self.history_view.activateWindow()

    # ------------------------------------------------------------ settings (settings_apply)
    def open_settings(self) -> None:
        self.settings_apply.open()

    @property
    def settings_dialog(self):
        """The open Settings dialog, if any."""
        return self.settings_apply.dialog

    def adopt_settings_dialog(self, old: MainWindow) -> None:
        """Take over the Settings dialog of the window this one replaces (after Apply)."""
        self.settings_apply.adopt(old.settings_apply)

    def apply_config(self, new, diff=()):
        """Run a new plant configuration without stopping and without waiting (SettingsApply.apply);
        `configApplied` once it runs. Returns its future (None while another is applied)."""
        return self.settings_apply.apply(new, diff)

    def open_shift_report(self) -> None:
        from views.shift_report import ShiftReportDialog

        history = getattr(self.engine, "history", None)
        dlg = ShiftReportDialog(
            getattr(history, "engine", None),
            self.config.plant.name,
            self,
            settings=self.settings,
            config=self.config,
        )
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()

    def set_language(self, lang: str) -> None:
        """Switch the language now (and remember it): the window reopens in it on the running
        engine, as after a configuration change."""
        from PySide6.QtWidgets import QApplication

        from views.i18n import install_language, save_language

        save_language(lang)
        install_language(QApplication.instance(), lang)
        self.configApplied.emit(self.config, None)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.fit_to_screen)  # once the window system has placed the frame

    def closeEvent(self, event) -> None:
        # an exception escaping a Qt virtual during close can take the process down: log it
        try:
            self.bridge.stop()
            self.horn.close()
            self.save_layout()
        except Exception:
            log.exception("closing the main window")
        super().closeEvent(event)
