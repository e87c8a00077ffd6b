"""The delete history: every refused or performed delete, appended as one JSON line in the user's state directory."""
from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import Any, TextIO

LOG_NAME = "deletes.jsonl"
READ_LIMIT = 16 * 1024 * 1024      # `log` reads at most the newest 16 MiB


def state_dir() -> Path:
    """Where Layerscope keeps state ($LAYERSCOPE_STATE, else $XDG_STATE_HOME/layerscope, else ~/.local/state)."""
    base = os.environ.get("LAYERSCOPE_STATE") or os.path.join(
        os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state"), "layerscope")
    return Path(base)


def now() -> str:
    """The current UTC time as RFC 3339 (seconds)."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


class DeleteLog:
    """An append-only JSON-lines file of delete records (one object per line)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else state_dir() / LOG_NAME

    def open(self) -> TextIO:
        """The file opened for appending (raises OSError when it cannot be written)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return open(self.path, "a", encoding="utf-8")

    @staticmethod
    def write(handle: TextIO, record: dict[str, Any]) -> None:
        """Append one record to an open log and flush it to disk."""
        handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        handle.flush()
        os.fsync(handle.fileno())

    def append(self, record: dict[str, Any]) -> str:
        """Append one record; returns "" or why it could not be written."""
        try:
            with self.open() as handle:
                self.write(handle, record)
        except OSError as exc:
            return f"cannot write the delete log {self.path}: {exc.strerror or exc}"
        return ""

    def read(self) -> tuple[list[dict[str, Any]], int]:
        """The records, oldest first (the newest READ_LIMIT bytes), and how many lines were unreadable."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                handle.seek(max(0, size - READ_LIMIT))
                data = handle.read()
        except FileNotFoundError:
            return [], 0
        lines = data.split(b"\n")
        if size > READ_LIMIT:
            lines = lines[1:]          # the first line is cut
        records, bad = [], 0
        for line in lines:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if isinstance(record, dict):
                records.append(record)
            else:
                bad += 1
        return records, bad


def describe_record(record: dict[str, Any]) -> str:
    """Two lines of the delete history: when, from where and what; then how it ended."""
    head = f"{record.get('time', '?')}  {str(record.get('front_end', '?')):6}  {record.get('command', '?')}"
    refused = record.get("refused")
    if isinstance(refused, dict):
        return f"{head}\n    refused ({refused.get('kind')}): {refused.get('reason')}"
    if record.get("failure"):
        return f"{head}\n    sent; failed: {record['failure']}"
    verdict = "answered as predicted" if record.get("agreed") else "answered DIFFERENTLY from the prediction"
    return f"{head}\n    sent {len(record.get('sent') or [])} request(s); the daemon {verdict}"
