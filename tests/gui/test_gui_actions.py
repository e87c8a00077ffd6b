"""Clean-up by clicking, for real: predict → confirm (scripted Interaction) → perform on a private dockerd → compare."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

import builders
from gui.actions import ConfirmDialog, Interaction
from gui.app import make_window
from gui.mainwindow import MainWindow, WindowOptions
from gui.tablemodel import REF_ROLE
from model.engine.plan import PRUNE, RMI, Request
from model.core.snapshot import Snapshot
from windows import LOAD_TIMEOUT, open_window



@pytest.fixture(autouse=True)
def _isolated(temp_settings):
    """Every test here runs with the shared temp_settings (tests/conftest.py)."""
    return temp_settings


class Scripted(Interaction):
    """A test Interaction: answers confirm() as told, may tick options, records everything."""

    def __init__(self, answer: bool = True, remove_containers: bool = False, force: bool = False) -> None:
        self.answer, self.remove_containers, self.force = answer, remove_containers, force
        self.plans: list = []
        self.informed: list[tuple[str, str, bool]] = []

    def confirm(self, plan) -> bool:
        self.plans.append(plan)
        plan.request.remove_containers = self.remove_containers
        plan.request.force = plan.request.force or self.force
        return self.answer

    def inform(self, title: str, text: str, warning: bool = False) -> None:
        self.informed.append((title, text, warning))


def daemon_images(client) -> set[tuple[str, tuple[str, ...]]]:
    """Every image (intermediates too) with its tags, as the daemon lists them."""
    return {(i["Id"], tuple(sorted(t for t in (i["RepoTags"] or ()) if t != "<none>:<none>")))
            for i in client.api.images(all=True)}


def predicted(snapshot: Snapshot) -> set[tuple[str, tuple[str, ...]]]:
    """The same listing from a predicted snapshot."""
    return {(i.id, tuple(sorted(i.repo_tags))) for i in snapshot.images}


def _window(qtbot, daemon, interaction: Interaction | None = None, **options) -> MainWindow:
    return open_window(qtbot, interaction=interaction, host=daemon.url, **options)


def _select_row(window: MainWindow, ref: str) -> None:
    proxy = window.images_proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(REF_ROLE) == ref)
    window.table.selectRow(row)
    window.table.setFocus()


def _perform(qtbot, window: MainWindow, trigger) -> object:
    """Trigger an action that performs; wait for the daemon's answer and the reload after it."""
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        with qtbot.waitSignal(window.action_finished, timeout=LOAD_TIMEOUT) as done:
            trigger()
    return done.args[0]


def test_actions_tutorial_deletions_match_prediction(qtbot, daemon):
    """Untag ubuntu:18.04, Delete-key iscreamedu_apache, remove ubuntu_apache: each removes exactly the plan."""
    client = daemon.client()
    builders.tutorial(client)
    script = Scripted()
    window = _window(qtbot, daemon, script)
    steps = [("ubuntu:18.04", lambda: window.act_untag.trigger()),
             ("iscreamedu_apache:latest", lambda: qtbot.keyClick(window.table, Qt.Key.Key_Delete)),
             ("ubuntu_apache:latest", lambda: window.act_remove.trigger())]
    for ref, trigger in steps:
        _select_row(window, ref)
        assert window.act_remove.isEnabled()
        result = _perform(qtbot, window, trigger)
        plan = script.plans[-1]
        assert plan.request.refs == (ref,)
        assert result.matched, result.differences
        assert daemon_images(client) == predicted(plan.after)
        assert script.informed[-1][2] is False and "matches the prediction" in script.informed[-1][1]
        assert predicted(window.current_snapshot()) == predicted(plan.after)
    first, second, third = script.plans
    assert not first.deleted_images and first.untagged_refs == ["ubuntu:18.04"]
    assert len(second.deleted_images) == 1 and len(second.deleted_layers) == 1
    assert third.deleted_images and third.freed_bytes > 0
    assert daemon_images(client) == set()


def test_actions_decline_changes_nothing(qtbot, daemon):
    """Cancelling the confirmation changes nothing on the daemon and performs nothing."""
    client = daemon.client()
    builders.tutorial(client)
    before = daemon_images(client)
    script = Scripted(answer=False)
    window = _window(qtbot, daemon, script)
    finished = []
    window.action_finished.connect(finished.append)
    _select_row(window, "iscreamedu_apache:latest")
    window.act_remove.trigger()
    window.act_prune_all.trigger()
    qtbot.wait(300)
    assert len(script.plans) == 2 and script.plans[0].can_perform
    assert not finished and not window.busy and window.preview is None
    assert daemon_images(client) == before


@pytest.mark.parametrize("how", ["option", "setting", "env"])
def test_actions_read_only_offers_nothing(qtbot, daemon, monkeypatch, how):
    """--read-only, the setting, or LAYERSCOPE_READ_ONLY=1: every destructive action disabled, Delete does nothing."""
    client = daemon.client()
    builders.tutorial(client)
    before = daemon_images(client)
    if how == "setting":
        settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Layerscope", "Layerscope")
        settings.setValue("safety/read_only", True)
        settings.sync()
    if how == "env":
        monkeypatch.setenv("LAYERSCOPE_READ_ONLY", "1")
    script = Scripted()
    window = _window(qtbot, daemon, script, read_only=how == "option")
    assert window.read_only and window.read_only_badge.isVisible()
    assert "read-only" in window.windowTitle()
    _select_row(window, "iscreamedu_apache:latest")
    for act in window.destructive_actions:
        assert not act.isEnabled()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    window.request_action(Request(PRUNE, prune_all=True))
    image = window.current_snapshot().by_id[window.targets[0][0]]
    menu = window._context_menu(image.id, window.pos())
    destructive = [a for a in menu.actions() if a in window.destructive_actions or a.text().startswith("Untag")]
    assert destructive and not any(a.isEnabled() for a in destructive)
    assert not script.plans and daemon_images(client) == before
    if how != "setting":
        assert not window.act_read_only.isEnabled()     # forced on: the setting cannot turn it off


def test_actions_conflicts_shown_not_raised(qtbot, daemon):
    """A running container and a dependent child: the dialog shows the conflict, Remove is disabled, nothing runs."""
    client = daemon.client()
    ids = builders.tutorial(client)
    builders.run_container(client, "iscreamedu_apache:latest", name="web", running=True)
    before = daemon_images(client)
    script = Scripted()
    window = _window(qtbot, daemon, script)
    for ref in ("iscreamedu_apache:latest", ids["ubuntu_apache:latest"]):
        plan = window.request_action(Request(RMI, (ref,)))
        assert plan is not None and not plan.ok and not plan.can_perform
        dialog = ConfirmDialog(plan, window._replan, window)
        qtbot.addWidget(dialog)
        assert not dialog.ok_button.isEnabled()
        assert "Would fail" in dialog.head.text()
        assert script.informed[-1][0] == "Not performed"
    running = script.plans[0]
    assert [c.name for c in running.running_blockers] == ["web"] and not running.removable_blockers
    assert "child" in script.plans[1].errors[0]
    assert daemon_images(client) == before
    assert client.containers.get("web").status == "running"


def test_actions_remove_blocking_stopped_container_first(qtbot, daemon):
    """A stopped container blocks; ticking its removal lists it, removes it first, then the delete matches."""
    client = daemon.client()
    builders.tutorial(client)
    ctr = builders.run_container(client, "iscreamedu_apache:latest", name="old-web", running=False)
    window = _window(qtbot, daemon, Scripted(answer=False))
    # the real dialog: the choice is explicit, lists the container, and re-plans without it
    plan = window._replan(Request(RMI, ("iscreamedu_apache",)))
    dialog = ConfirmDialog(plan, window._replan, window)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled() and dialog.containers.isVisibleTo(dialog)
    assert "old-web" in dialog.containers.text() and not dialog.containers.isChecked()
    dialog.containers.setChecked(True)
    assert dialog.ok_button.isEnabled() and [c.id for c in dialog.plan.containers_to_remove] == [ctr]
    # performed through the window
    script = Scripted(remove_containers=True)
    window.interaction = script
    _select_row(window, "iscreamedu_apache:latest")
    result = _perform(qtbot, window, window.act_remove.trigger)
    assert result.matched, result.differences
    assert [c.id for c in result.plan.containers_to_remove] == [ctr]
    assert ctr not in {c.id for c in client.containers.list(all=True)}
    assert daemon_images(client) == predicted(result.plan.after)


def test_actions_prune_dangling_and_all_match_daemon(qtbot, daemon):
    """Prune dangling, then prune -a (one image kept by a container): the daemon's answers match as multisets."""
    client = daemon.client()
    builders.tutorial(client)
    builders.commit(client, "ubuntu_apache:latest", "echo v2 > /v2", "iscreamedu_apache:latest")  # old one dangles
    builders.run_container(client, "ubuntu:18.04", name="keep", running=False)
    script = Scripted()
    window = _window(qtbot, daemon, script)
    assert "1 dangling" in window.counts_label.text()
    result = _perform(qtbot, window, window.act_prune.trigger)
    assert result.matched, result.differences
    assert len(result.plan.deleted_images) == 1 and result.plan.deleted_layers
    assert daemon_images(client) == predicted(result.plan.after)
    result = _perform(qtbot, window, window.act_prune_all.trigger)
    assert result.matched, result.differences
    assert result.plan.request.prune_all and result.plan.deleted_images
    assert daemon_images(client) == predicted(result.plan.after)
    assert {tags for _, tags in daemon_images(client)} == {("ubuntu:18.04",)}     # kept by the container


def test_actions_disabled_on_demo_and_file(qtbot, tmp_path, daemon):
    """No daemon behind the snapshot: destructive actions disabled, the context menu offers What-if instead."""
    client = daemon.client()
    builders.tutorial(client)
    from model.daemon.source import connect, read_snapshot
    path = tmp_path / "t.json"
    read_snapshot(connect(daemon.url)).save(path)
    window = make_window(None)
    window.options = WindowOptions(snapshot=str(path))
    window.interaction = Scripted()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.loaded, timeout=LOAD_TIMEOUT):
        window.start()
    _select_row(window, "iscreamedu_apache:latest")
    assert not any(a.isEnabled() for a in window.destructive_actions)
    image_id = window.targets[0][0]
    texts = [a.text() for a in window._context_menu(image_id, window.pos()).actions()]
    assert any(t.startswith("What-if: docker rmi") for t in texts)
    assert window.request_action(Request(RMI, ("iscreamedu_apache",))) is None
    assert window.interaction.plans == []
    assert image_id in {i for i, _ in daemon_images(client)}


class ChangingDaemon(Scripted):
    """Confirms, but the daemon changes between the confirmation and the delete (another client commits)."""

    def __init__(self, client) -> None:
        super().__init__()
        self.client, self.made = client, []

    def confirm(self, plan) -> bool:
        self.made.append(builders.commit(self.client, "ubuntu_apache:latest", "echo late > /late", None))
        return super().confirm(plan)


def test_actions_refused_when_the_daemon_changed_after_confirmation(qtbot, daemon, private_state):
    """The window re-reads before it deletes: a new dangling image changes prune's prediction → nothing is sent."""
    from model.commands.deletelog import DeleteLog
    client = daemon.client()
    builders.tutorial(client)
    old = builders.commit(client, "ubuntu_apache:latest", "echo v2 > /v2", None)       # dangling
    script = ChangingDaemon(client)
    window = _window(qtbot, daemon, script)
    result = _perform(qtbot, window, window.act_prune.trigger)
    assert result.refused is not None and result.refused.kind == "changed" and result.sent == []
    assert {old, script.made[0]} <= {i for i, _ in daemon_images(client)}
    assert script.informed[-1][0] == "Not performed" and "changed since" in script.informed[-1][1]
    [record] = DeleteLog(private_state / "deletes.jsonl").read()[0]
    assert record["front_end"] == "window" and record["refused"]["kind"] == "changed"


def test_actions_unpredictable_request_is_refused_and_recorded(qtbot, daemon, private_state):
    """A reference the API router would rewrite: the window refuses it, says why, and records the refusal."""
    from model.commands.deletelog import DeleteLog
    client = daemon.client()
    builders.tutorial(client)
    before = daemon_images(client)
    script = Scripted()
    window = _window(qtbot, daemon, script)
    plan = window.request_action(Request(RMI, ("x/../iscreamedu_apache",)))
    assert plan is not None and plan.unpredictable and not plan.can_perform
    assert script.informed[-1][0] == "Not performed" and "cannot be predicted exactly" in script.informed[-1][1]
    assert not window.busy and daemon_images(client) == before
    [record] = DeleteLog(private_state / "deletes.jsonl").read()[0]
    assert record["front_end"] == "window" and record["refused"]["kind"] == "unpredictable"


def test_help_delete_history_lists_the_log_newest_first(qtbot, private_state):
    """Help → Delete history: one row per record, newest first, the outcome in words, the record in full."""
    from model.commands.deletelog import DeleteLog
    log = DeleteLog(private_state / "deletes.jsonl")
    log.append({"time": "2026-11-29T10:00:00+00:00", "front_end": "cli", "command": "docker rmi a:1",
                "predicted": [], "sent": ["DELETE /images/a:1"], "answer": [], "agreed": True, "failure": ""})
    log.append({"time": "2026-11-29T11:00:00+00:00", "front_end": "window", "command": "docker image prune -f",
                "predicted": {}, "refused": {"kind": "unpredictable", "reason": "cannot be predicted exactly: x"}})
    with open(log.path, "a") as handle:
        handle.write("{not json\n")
    window = make_window(None)
    window.options = WindowOptions(demo=True)
    qtbot.addWidget(window)
    assert window.act_delete_history in window.menu("Help").actions()
    dialog = window.show_delete_history()
    qtbot.addWidget(dialog)
    rows = [[dialog.tree.topLevelItem(r).text(c) for c in range(4)] for r in range(dialog.tree.topLevelItemCount())]
    assert rows == [["2026-11-29T11:00:00+00:00", "window", "docker image prune -f",
                     "refused: cannot be predicted exactly: x"],
                    ["2026-11-29T10:00:00+00:00", "cli", "docker rmi a:1", "performed, as predicted"]]
    assert "1 unreadable line(s) skipped" in dialog.path_label.text() and str(log.path) in dialog.path_label.text()
    assert '"unpredictable"' in dialog.detail.toPlainText()


def test_cli_and_window_delete_through_the_same_command(qtbot, daemon, monkeypatch):
    """`main.py rmi` and the window's Remove both reach the daemon through DeleteCommand.perform, nothing else."""
    from main import main
    from model.commands import command, perform
    calls: list[str] = []
    original = command.DeleteCommand.perform

    def spy(self, client, fresh=None):
        calls.append(self.front_end)
        return original(self, client, fresh)

    monkeypatch.setattr(command.DeleteCommand, "perform", spy)
    client = daemon.client()
    builders.import_image(client, "by-cli:1")
    builders.import_image(client, "by-window:1", {"w": b"1"})
    assert main(["rmi", "--host", daemon.url, "by-cli:1"]) == 0
    window = _window(qtbot, daemon, Scripted())
    _select_row(window, "by-window:1")
    result = _perform(qtbot, window, window.act_remove.trigger)
    assert result.matched, result.differences
    assert calls == [perform.CLI, perform.WINDOW]
    assert daemon_images(client) == set()
