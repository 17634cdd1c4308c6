"""Lock-out state (SPEC §9): `failures` failed sign-ins within `minutes` lock an account for
`minutes`. Kept in `<data>/auth/lockouts.json`, so a lock outlives a server restart and holds for
every browser and every server process on the same data directory; each change is a locked
read-modify-write, written atomically."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from dashboard.accounts import atomic_write, file_lock


@dataclass(frozen=True)
class LockoutPolicy:
    failures: int = 5
    minutes: int = 15

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.minutes)


def lockouts_path(data: Path) -> Path:
    return Path(data) / "auth" / "lockouts.json"


class Lockouts:
    """Failed sign-ins and locks by user name, in one JSON file. Names that have no account are
    counted too, so that a sign-in takes the same steps whether or not the account exists."""

    def __init__(self, path: Path, policy: LockoutPolicy):
        self.path = Path(path)
        self.policy = policy

    def _read(self) -> dict:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except json.JSONDecodeError:
            # A file that cannot be read forgets earlier failures; it never locks anyone out.
            return {}
        return state if isinstance(state, dict) else {}

    def _write(self, state: dict) -> None:
        atomic_write(self.path, json.dumps(state, ensure_ascii=False, sort_keys=True, indent=1) + "\n")

    def _pruned(self, state: dict, now: datetime) -> dict:
        """Entries that still matter at `now`: a running lock or failures inside the window."""
        kept = {}
        for name, entry in state.items():
            locked = _time(entry.get("locked_until"))
            failures = [f for f in entry.get("failures", []) if (t := _time(f)) and now - t < self.policy.window]
            if locked and locked > now:
                kept[name] = {"locked_until": entry["locked_until"], "failures": []}
            elif failures:
                kept[name] = {"failures": failures}
        return kept

    def locked_until(self, name: str, now: datetime) -> datetime | None:
        """The end of the lock on `name`, or None when it is not locked at `now`."""
        until = _time(self._read().get(name, {}).get("locked_until"))
        return until if until and until > now else None

    def record_failure(self, name: str, now: datetime) -> datetime | None:
        """Count a failed sign-in; returns the end of the lock it starts, if it starts one. A
        failure while locked does not lengthen the lock."""
        with file_lock(self.path):
            state = self._pruned(self._read(), now)
            entry = state.setdefault(name, {"failures": []})
            if entry.get("locked_until"):
                self._write(state)
                return None
            entry["failures"].append(now.isoformat())
            started = None
            if len(entry["failures"]) >= self.policy.failures:
                started = now + self.policy.window
                state[name] = {"locked_until": started.isoformat(), "failures": []}
            self._write(state)
            return started

    def clear(self, name: str, now: datetime) -> None:
        """Forget the failures of `name` (after a successful sign-in)."""
        with file_lock(self.path):
            state = self._pruned(self._read(), now)
            state.pop(name, None)
            self._write(state)


def _time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
