"""The last interaction of each user signed in through OIDC (SPEC §9: sessions end after the
configured idle time), in `<data>/auth/activity.json`. Streamlit's identity cookie outlives the
browser tab for days; the idle rule must hold for the next tab too, so the time of the last
interaction is kept beside the lock-outs rather than in the tab's state."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from dashboard.accounts import atomic_write, file_lock


def activity_path(data: Path) -> Path:
    return Path(data) / "auth" / "activity.json"


class Activity:
    def __init__(self, path: Path):
        self.path = Path(path)

    def _read(self) -> dict:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return state if isinstance(state, dict) else {}

    def last_seen(self, name: str) -> datetime | None:
        value = self._read().get(name)
        try:
            return datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def touch(self, name: str, now: datetime) -> None:
        with file_lock(self.path):
            state = self._read()
            state[name] = now.isoformat()
            atomic_write(self.path, json.dumps(state, ensure_ascii=False, sort_keys=True, indent=1) + "\n")

    def forget(self, name: str) -> None:
        with file_lock(self.path):
            state = self._read()
            if state.pop(name, None) is not None:
                atomic_write(self.path, json.dumps(state, ensure_ascii=False, sort_keys=True, indent=1) + "\n")
