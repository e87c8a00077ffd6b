"""Show a model.engine.plan.Plan: the translated summary line, an HTML head, the item tree, the preview tab."""
from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from model.core.analysis import Analysis
from model.core.chain import short_id
from model.engine.plan import RMI, Plan, Predictor, Request
from model.core.sizes import human

from . import theme

CTX = "Preview"
ITEM_ROLE = Qt.ItemDataRole.UserRole      # ("image" | "layer", id) on tree items


def tr(text: str) -> str:
    """Translate ``text`` in the Preview context."""
    return QCoreApplication.translate(CTX, text)


def preview_rmi(predictor: Predictor, analysis: Analysis, refs: list[str]) -> Plan:
    """The plan of `docker rmi REF...` on the shown snapshot (its predictor's working copy, the analysis' sizes)."""
    return predictor.plan(Request(RMI, tuple(refs)), analysis.layer_sizes)


def freed_text(plan: Plan) -> str:
    """Bytes freed, or "unknown"."""
    return tr("unknown") if plan.freed_bytes is None else human(plan.freed_bytes)


def summary_text(plan: Plan) -> str:
    """One translated line for the status bar and the list head."""
    if plan.unpredictable:
        return tr("cannot be predicted exactly — refused: {why}").format(why=plan.unpredictable[0])
    if plan.errors:
        return tr("would fail: {error}").format(error=plan.errors[0].split(" - ")[0])
    if not plan.deleted_images and not plan.deleted_layers:
        return tr("only untags {n} tag(s): nothing is deleted, 0B freed").format(n=len(plan.untagged_refs))
    return tr("untags {u}, deletes {i} image(s) and {l} layer(s), frees {bytes}").format(
        u=len(plan.untagged_refs), i=len(plan.deleted_images), l=len(plan.deleted_layers), bytes=freed_text(plan))


def plan_html(plan: Plan, note: str = "") -> str:
    """The head above the list: the command, the summary, or the conflict and its containers."""
    cmd = html.escape(plan.request.command)
    if plan.unpredictable:
        body = (f"<span style='color:#d64545'><b>{html.escape(tr('Cannot be predicted exactly — refused.'))}"
                f"</b></span><br>" + "<br>".join(html.escape(u) for u in plan.unpredictable))
    elif plan.errors:
        errs = "<br>".join(html.escape(e) for e in plan.errors)
        body = (f"<span style='color:#d64545'><b>{html.escape(tr('Would fail — nothing would change.'))}</b></span>"
                f"<br><code>{html.escape(tr('Error response from daemon:'))} {errs}</code>")
        if plan.blocking_containers:
            ctrs = ", ".join(f"<b>{html.escape(c.name)}</b> ({html.escape(c.state)})"
                             for c in plan.blocking_containers)
            body += "<br>" + html.escape(tr("Blocking container(s):")) + " " + ctrs
    else:
        body = (f"<span style='color:#2f8a5b'><b>{html.escape(summary_text(plan))}</b></span><br>"
                f"<span style='color:#e08a00'>■</span> "
                + html.escape(tr("{n} tag(s) untagged").format(n=len(plan.untagged_refs)))
                + " &nbsp; <span style='color:#d64545'>■</span> "
                + html.escape(tr("{i} image(s), {l} layer(s) deleted").format(
                    i=len(plan.deleted_images), l=len(plan.deleted_layers))))
    if plan.containers_to_remove:
        names = ", ".join(html.escape(c.name) for c in plan.containers_to_remove)
        body = html.escape(tr("First removes the stopped container(s):")) + f" <b>{names}</b><br>" + body
    extra = f" &nbsp;({html.escape(note)})" if note else ""
    return f"<b style='font-size:11pt'>$ {cmd}</b>{extra}<br>{body}"


def fill_tree(tree: QTreeWidget, plan: Plan, footer: str = "") -> None:
    """List the plan: errors with their containers, then each Untagged / Deleted line with sizes."""
    pal = theme.palette()
    tree.clear()
    font = theme.font(9.5)
    for ctr in plan.containers_to_remove:
        item = QTreeWidgetItem([tr("Remove stopped container: {name} ({id})").format(
            name=ctr.name, id=short_id(ctr.id)), ""])
        item.setForeground(0, QBrush(pal.deleted))
        tree.addTopLevelItem(item)
    problems = plan.unpredictable + plan.errors
    if problems:
        head = QTreeWidgetItem([tr("Cannot be predicted exactly") if plan.unpredictable
                                else tr("Error response from daemon"), ""])
        head.setForeground(0, QBrush(pal.deleted))
        for msg in problems:
            line = QTreeWidgetItem([msg, ""])
            line.setToolTip(0, msg)
            head.addChild(line)
        for ctr in plan.blocking_containers:
            state = tr("running — never removed by Layerscope") if ctr.running else ctr.state
            c = QTreeWidgetItem([tr("blocking container {name} ({id}, {state})").format(
                name=ctr.name, id=short_id(ctr.id), state=state), ""])
            c.setForeground(0, QBrush(pal.deleted))
            head.addChild(c)
        tree.addTopLevelItem(head)
        head.setExpanded(True)
    for kind, ident in plan.lines:
        if kind == "Untagged":
            item = QTreeWidgetItem([tr("Untagged: {ref}").format(ref=ident), ""])
            item.setForeground(0, QBrush(pal.untagged_mark))
        else:
            is_layer = ident in plan.layer_bytes
            what = "layer" if is_layer else "image"
            label = tr("Deleted: {id}   (layer)") if is_layer else tr("Deleted: {id}   (image)")
            item = QTreeWidgetItem([label.format(id=ident), human(plan.layer_bytes[ident]) if is_layer else ""])
            item.setData(0, ITEM_ROLE, (what, ident))
            item.setForeground(0, QBrush(pal.deleted))
        item.setFont(0, font)
        tree.addTopLevelItem(item)
    if plan.lines and not problems:
        total = QTreeWidgetItem([tr("Total freed"), freed_text(plan)])
        bold = theme.font(9.5, bold=True)
        total.setFont(0, bold)
        total.setFont(1, bold)
        tree.addTopLevelItem(total)
    if footer:
        note = QTreeWidgetItem([footer, ""])
        note.setForeground(0, QBrush(pal.text_dim))
        tree.addTopLevelItem(note)


class PreviewPanel(QWidget):
    """The "rmi preview" tab: the plan's head and its list; clicking a listed image or layer selects it."""

    item_clicked = Signal(str, str)       # "image" | "layer", its ID

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setObjectName("previewTree")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemClicked.connect(self._on_item_clicked)
        self.label = QLabel()
        self.label.setObjectName("previewLabel")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.label)
        lay.addWidget(self.tree, 1)

    def retranslate(self, showing_plan: bool) -> None:
        """Set the fixed texts in the current language (the hint too, unless a plan is shown)."""
        self.tree.setHeaderLabels([self.tr("docker rmi (preview — nothing is deleted)"), self.tr("SIZE")])
        if not showing_plan:
            self.label.setText(self.tr(
                "Select a tag or an image and choose <b>Preview rmi</b> (Ctrl+R, toolbar or right-click in the "
                "graph) to see what <code>docker rmi</code> would do. Nothing is deleted."))

    def show_plan(self, plan: Plan, note: str = "") -> None:
        """The plan's head (with ``note``, "preview" by default) and its list."""
        self.label.setText(plan_html(plan, note or self.tr("preview")))
        fill_tree(self.tree, plan, footer=self.tr("Esc clears the preview. Nothing was deleted."))

    def show_cleared(self) -> None:
        """Empty the list and say that nothing was deleted."""
        self.tree.clear()
        self.label.setText(self.tr("Preview cleared. Nothing was deleted."))

    def _on_item_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        data = item.data(0, ITEM_ROLE)
        if data:
            self.item_clicked.emit(*data)
