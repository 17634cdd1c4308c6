"""The users file (SPEC §9): for each user the roles, departments, the e-mail an OIDC sign-in is
matched on, a disabled flag and an Argon2id hash (argon2-cffi's recommended parameters). Read on
every sign-in, so a change made with `python -m dashboard.users` holds at once; written atomically
(temporary file, then rename) with mode 0600, under a lock so two writers do not lose an update."""

from __future__ import annotations

import fcntl
import functools
import json
import os
import re
import secrets
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipelines.settings import ROLES

NAME_PATTERN = re.compile(r"^[\w.@-]{1,64}$")
_HASHER = PasswordHasher()


class AccountsError(ValueError):
    """A users file or an account change that cannot be used; the message says which entry."""


@dataclass(frozen=True)
class User:
    name: str
    roles: tuple[str, ...]
    departments: tuple[str, ...] = ()
    email: str | None = None
    disabled: bool = False
    password_hash: str | None = field(default=None, repr=False)


def hash_password(password: str) -> str:
    """An Argon2id hash ($argon2id$…) with argon2-cffi's recommended parameters."""
    return _HASHER.hash(password)


@functools.cache
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(24))


def verify_password(user: User | None, password: str) -> bool:
    """Whether `password` is the user's. Without a user or hash a dummy hash is checked all the
    same, so the time taken does not tell whether the account exists."""
    stored = user.password_hash if user is not None else None
    try:
        return _HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(user: User) -> bool:
    """Whether the user's hash was made with other parameters than today's recommended ones."""
    return user.password_hash is not None and _HASHER.check_needs_rehash(user.password_hash)


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise AccountsError(f"user name {name!r}: use 1–64 letters, digits, '.', '_', '-' or '@'")
    return name


def check_roles(roles) -> tuple[str, ...]:
    if not roles:
        raise AccountsError(f"a user needs at least one role ({', '.join(ROLES)})")
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountsError(f"unknown role {unknown[0]!r} (roles: {', '.join(ROLES)})")
    return tuple(dict.fromkeys(roles))


def _entry(name: str, raw, path: Path) -> User:
    where = f"{path}: users.{name}"
    if not isinstance(raw, dict):
        raise AccountsError(f"{where} must be a table")
    unknown = sorted(set(raw) - {"roles", "departments", "email", "disabled", "password_hash"})
    if unknown:
        raise AccountsError(f"{where}.{unknown[0]} is not a known key")
    try:
        check_name(name)
        roles = check_roles(raw.get("roles"))
    except AccountsError as exc:
        raise AccountsError(f"{where}: {exc}") from None
    departments = raw.get("departments", [])
    if not isinstance(departments, list) or not all(isinstance(d, str) and d for d in departments):
        raise AccountsError(f"{where}.departments must be a list of department names")
    email = raw.get("email")
    if email is not None and (not isinstance(email, str) or "@" not in email):
        raise AccountsError(f"{where}.email must be an e-mail address")
    disabled = raw.get("disabled", False)
    if not isinstance(disabled, bool):
        raise AccountsError(f"{where}.disabled must be true or false")
    password_hash = raw.get("password_hash")
    if password_hash is not None and not (isinstance(password_hash, str) and password_hash.startswith("$argon2id$")):
        raise AccountsError(f"{where}.password_hash must be an Argon2id hash (set it with passwd)")
    return User(name, roles, tuple(departments), email, disabled, password_hash)


def load_users(path: Path) -> dict[str, User]:
    """The users of a users file by name; a missing file holds none."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise AccountsError(f"{path}: not valid TOML: {exc}") from None
    table = raw.get("users", {})
    if not isinstance(table, dict) or set(raw) - {"users"}:
        raise AccountsError(f"{path}: holds one table, [users.NAME] per user")
    users = {name: _entry(name, entry, path) for name, entry in table.items()}
    seen: dict[str, str] = {}
    for user in users.values():
        if user.email:
            key = user.email.casefold()
            if key in seen:
                raise AccountsError(f"{path}: users.{seen[key]} and users.{user.name} have the same e-mail")
            seen[key] = user.name
    return users


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string (the same escapes).
    return json.dumps(value, ensure_ascii=False)


def dump_users(users: dict[str, User]) -> str:
    lines = [
        "# Dashboard accounts (SPEC §9), managed with `python -m dashboard.users`. Never commit this file.",
        "",
    ]
    for user in sorted(users.values(), key=lambda u: u.name):
        lines.append(f"[users.{_toml_string(user.name)}]")
        lines.append(f"roles = [{', '.join(_toml_string(r) for r in user.roles)}]")
        lines.append(f"departments = [{', '.join(_toml_string(d) for d in user.departments)}]")
        if user.email:
            lines.append(f"email = {_toml_string(user.email)}")
        lines.append(f"disabled = {'true' if user.disabled else 'false'}")
        if user.password_hash:
            lines.append(f"password_hash = {_toml_string(user.password_hash)}")
        lines.append("")
    return "\n".join(lines)


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path` (mode 0600), flush it to disk and rename it
    over `path`: a reader sees the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `<path>.lock`, held across a read-modify-write of `path`."""
    lock = Path(f"{path}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextmanager
def editing(path: Path) -> Iterator[dict[str, User]]:
    """The users of `path`, locked for a change: the dict as left by the block is written back."""
    with file_lock(path):
        users = load_users(path)
        before = dict(users)
        yield users
        if users != before:
            atomic_write(path, dump_users(users))


def add_user(path: Path, user: User) -> None:
    check_name(user.name)
    check_roles(user.roles)
    if "department_manager" in user.roles and not user.departments:
        raise AccountsError(f"user {user.name!r}: a department_manager needs at least one --department")
    with editing(path) as users:
        if user.name in users:
            raise AccountsError(f"user {user.name!r} exists already")
        if user.email and any(u.email and u.email.casefold() == user.email.casefold() for u in users.values()):
            raise AccountsError(f"e-mail {user.email!r} belongs to another user")
        users[user.name] = user


def update_user(path: Path, name: str, **changes) -> User:
    """Change fields of an existing user (password_hash, disabled, …); returns the new entry."""
    with editing(path) as users:
        if name not in users:
            raise AccountsError(f"no user {name!r}")
        users[name] = replace(users[name], **changes)
        return users[name]


def set_password(path: Path, name: str, password: str) -> None:
    update_user(path, name, password_hash=hash_password(password))
