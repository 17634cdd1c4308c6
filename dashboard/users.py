"""Manage the dashboard's accounts (SPEC §9): `python -m dashboard.users add NAME --role R
[--role R2] [--department D]... [--email E] [--no-password]`, `passwd NAME`, `disable NAME`,
`enable NAME`, `list`. Passwords are read with getpass (twice, they must match) or, when stdin is
not a terminal, as one line from stdin; never from an argument. Every change goes into the audit
trail. Exit codes: 0 done, 1 the users file or the audit trail could not be written, 2 wrong usage
or a change refused (the message says why)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import unicodedata
from pathlib import Path

from dashboard import accounts
from dashboard.audit import AuditTrail, audit_path
from pipelines.settings import ROLES, SettingsError, data_dir, load_settings

MIN_PASSWORD_LENGTH = 8


class UsageError(Exception):
    """Wrong usage or a refused change: printed, exit 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard.users", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", help="the users file (default: auth.users_file of the settings)")
    parser.add_argument(
        "--data", help="the data directory holding the audit trail (default: $AFTERSALES_DATA or data/)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = commands.add_parser("add", help="add a user (asks for the password)")
    add.add_argument("name")
    add.add_argument("--role", action="append", required=True, choices=ROLES, help="a role (repeat for more)")
    add.add_argument("--department", action="append", default=[], help="a department in scope (repeat for more)")
    add.add_argument("--email", help="the e-mail an OIDC sign-in is matched on")
    add.add_argument("--no-password", action="store_true", help="an account that signs in through OIDC only")
    for name, text in (
        ("passwd", "set a user's password"),
        ("disable", "stop a user from signing in"),
        ("enable", "let a disabled user sign in again"),
    ):
        commands.add_parser(name, help=text).add_argument("name")
    commands.add_parser("list", help="list the users (never their hashes)")
    return parser


def read_password(name: str) -> str:
    """A new password: from the terminal twice, or one line from stdin when it is not one."""
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            first = getpass.getpass(f"New password for {name}: ")
            second = getpass.getpass("Repeat it: ")
        except EOFError:
            raise UsageError("no password given") from None
        if first != second:
            raise UsageError("the two passwords differ; nothing changed")
        password = first
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        password = line.removesuffix("\n").removesuffix("\r")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters; nothing changed")
    return password


def _table(users: dict[str, accounts.User]) -> str:
    header = ("NAME", "ROLES", "DEPARTMENTS", "EMAIL", "STATUS", "PASSWORD")
    rows = [
        (
            u.name,
            ",".join(u.roles),
            ",".join(u.departments) or "-",
            u.email or "-",
            "disabled" if u.disabled else "active",
            "set" if u.password_hash else "none",
        )
        for u in sorted(users.values(), key=lambda u: u.name)
    ]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]
    )


def _width(text: str) -> int:
    """Columns `text` takes on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _operator() -> str:
    """Who ran the command, for the audit trail: the login name, else the user id."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    users_file = Path(args.users) if args.users else settings.auth.users_file
    trail = AuditTrail(audit_path(data_dir(args.data)), settings.time_zone)
    operator = _operator()

    if args.command == "list":
        users = accounts.load_users(users_file)
        print(_table(users) if users else f"no users in {users_file}")
        return 0
    if args.command == "add":
        user = accounts.User(
            args.name,
            tuple(args.role),
            tuple(dict.fromkeys(args.department)),
            args.email,
            password_hash=None if args.no_password else accounts.hash_password(read_password(args.name)),
        )
        accounts.add_user(users_file, user)
        trail.record("account_added", operator, None, "users file", target=args.name, roles=list(user.roles))
        print(f"added {args.name} ({', '.join(user.roles)}) to {users_file}")
        return 0
    accounts.check_name(args.name)
    if args.name not in accounts.load_users(users_file):
        raise UsageError(f"no user {args.name!r} in {users_file}")
    if args.command == "passwd":
        accounts.set_password(users_file, args.name, read_password(args.name))
        trail.record("password_changed", operator, None, "users file", target=args.name)
        print(f"password of {args.name} changed")
    else:
        disabled = args.command == "disable"
        accounts.update_user(users_file, args.name, disabled=disabled)
        trail.record(
            "account_disabled" if disabled else "account_enabled", operator, None, "users file", target=args.name
        )
        print(f"{args.name} {'disabled' if disabled else 'enabled'}")
    return 0


def _shown(arg: str) -> str:
    # An argument the parser does not know may be a password typed where it does not belong.
    return arg.split("=", 1)[0] + ("=…" if "=" in arg else "") if arg.startswith("-") else "…"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        parser.error(
            f"unrecognized arguments: {' '.join(_shown(a) for a in extra)} "
            "(a password is read from the terminal or stdin, never from an argument)"
        )
    try:
        return run(args)
    except (UsageError, accounts.AccountsError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing changed", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: {exc.strerror or exc} ({exc.filename or 'users file'})", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
