"""`python -m dashboard.users` (SPEC §9): add, passwd, disable, enable, list through a subprocess,
the password on stdin; neither the password nor its hash ever in the output or the audit trail."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time

import pytest

from dashboard import accounts
from pipelines.settings import ROOT

PASSWORD = "长城 great-wall 2026"
NEW_PASSWORD = "黄河 yellow-river 7"


def cli(tmp_path, *args, stdin=""):
    users, data = tmp_path / "users.toml", tmp_path / "data"
    return subprocess.run(
        [sys.executable, "-m", "dashboard.users", "--users", str(users), "--data", str(data), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _everything_shown(tmp_path, results) -> str:
    audit = tmp_path / "data" / "audit.jsonl"
    return "".join(r.stdout + r.stderr for r in results) + (audit.read_text(encoding="utf-8") if audit.exists() else "")


def test_add_passwd_disable_enable_list(tmp_path):
    results = [
        cli(
            tmp_path,
            "add",
            "li.na",
            "--role",
            "department_manager",
            "--department",
            "技术部",
            "--department",
            "业务部",
            "--email",
            "li.na@example.com",
            stdin=PASSWORD + "\n",
        ),
        cli(tmp_path, "add", "sso", "--role", "quality", "--role", "customer_service", "--no-password"),
    ]
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    users = accounts.load_users(tmp_path / "users.toml")
    first_hash = users["li.na"].password_hash
    assert first_hash.startswith("$argon2id$") and accounts.verify_password(users["li.na"], PASSWORD)
    assert users["li.na"].departments == ("技术部", "业务部") and users["sso"].password_hash is None

    results.append(cli(tmp_path, "passwd", "li.na", stdin=NEW_PASSWORD + "\n"))
    users = accounts.load_users(tmp_path / "users.toml")
    assert accounts.verify_password(users["li.na"], NEW_PASSWORD)
    assert not accounts.verify_password(users["li.na"], PASSWORD)

    results.append(cli(tmp_path, "disable", "li.na"))
    assert accounts.load_users(tmp_path / "users.toml")["li.na"].disabled is True
    listed_disabled = cli(tmp_path, "list")
    results.append(listed_disabled)
    results.append(cli(tmp_path, "enable", "li.na"))
    assert accounts.load_users(tmp_path / "users.toml")["li.na"].disabled is False
    assert [r.returncode for r in results] == [0] * 6, [r.stderr for r in results]

    assert listed_disabled.stdout.splitlines() == [
        "NAME   ROLES                     DEPARTMENTS    EMAIL              STATUS    PASSWORD",
        "li.na  department_manager        技术部,业务部  li.na@example.com  disabled  set",
        "sso    quality,customer_service  -              -                  active    none",
    ]
    entries = [json.loads(line) for line in (tmp_path / "data/audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["event"], e["detail"]["target"]) for e in entries] == [
        ("account_added", "li.na"),
        ("account_added", "sso"),
        ("password_changed", "li.na"),
        ("account_disabled", "li.na"),
        ("account_enabled", "li.na"),
    ]
    shown = _everything_shown(tmp_path, results)
    final_hash = accounts.load_users(tmp_path / "users.toml")["li.na"].password_hash
    for secret in (PASSWORD, NEW_PASSWORD, first_hash, final_hash, "$argon2"):
        assert secret not in shown


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("add", "x", "--role", "boss"), "", "invalid choice: 'boss'"),
        (("add", "x"), "", "the following arguments are required: --role"),
        (("add", "dm", "--role", "department_manager"), PASSWORD + "\n", "a department_manager needs at least one"),
        (("add", "x", "--role", "admin"), "short\n", "a password needs at least 8 characters"),
        (("add", "x", "--role", "admin"), "", "a password needs at least 8 characters"),
        (("add", "a b", "--role", "admin"), PASSWORD + "\n", "user name 'a b'"),
        (("passwd", "nobody"), PASSWORD + "\n", "no user 'nobody'"),
        (("disable", "nobody"), "", "no user 'nobody'"),
        (("frobnicate",), "", "invalid choice: 'frobnicate'"),
        ((), "", "the following arguments are required: COMMAND"),
    ],
)
def test_usage_errors_exit_2_with_a_message_and_no_traceback(tmp_path, args, stdin, message):
    result = cli(tmp_path, *args, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "users.toml").exists()
    assert PASSWORD not in result.stderr + result.stdout


def test_adding_a_user_twice_is_refused_and_keeps_the_first(tmp_path):
    assert cli(tmp_path, "add", "li", "--role", "admin", stdin=PASSWORD + "\n").returncode == 0
    again = cli(tmp_path, "add", "li", "--role", "quality", stdin=NEW_PASSWORD + "\n")
    assert (again.returncode, again.stderr.strip()) == (2, "error: user 'li' exists already")
    assert accounts.load_users(tmp_path / "users.toml")["li"].roles == ("admin",)


def test_password_is_never_taken_from_an_argument(tmp_path):
    result = cli(tmp_path, "add", "li", "--role", "admin", "--password", PASSWORD)
    assert result.returncode == 2
    assert "unrecognized arguments: --password …" in result.stderr
    assert "great-wall" not in result.stderr + result.stdout
    assert not (tmp_path / "users.toml").exists()
    inline = cli(tmp_path, "add", "li", "--role", "admin", "--password=" + PASSWORD)
    assert inline.returncode == 2 and "unrecognized arguments: --password=…" in inline.stderr
    assert "great-wall" not in inline.stderr + inline.stdout


def test_list_of_no_users_says_so(tmp_path):
    result = cli(tmp_path, "list")
    assert (result.returncode, result.stdout.strip()) == (0, f"no users in {tmp_path / 'users.toml'}")


def _on_a_terminal(tmp_path, args, answers):
    """Run the CLI with a terminal of its own (getpass reads /dev/tty), typing each answer after
    its prompt; returns the exit code and everything the terminal showed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI on the new terminal
        try:
            os.chdir(ROOT)
            users, data = str(tmp_path / "users.toml"), str(tmp_path / "data")
            os.execv(sys.executable, [sys.executable, "-m", "dashboard.users", "--users", users, "--data", data, *args])
        finally:
            os._exit(127)
    shown = b""
    pending = list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        if pending and shown.endswith(b": "):  # a prompt, written once echo is off
            os.write(fd, pending.pop(0).encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8", errors="replace")


def test_on_a_terminal_the_password_is_asked_twice_and_must_match(tmp_path):
    code, shown = _on_a_terminal(tmp_path, ["add", "li", "--role", "admin"], [PASSWORD, NEW_PASSWORD])
    assert code == 2 and "the two passwords differ; nothing changed" in shown
    assert not (tmp_path / "users.toml").exists()
    code, shown = _on_a_terminal(tmp_path, ["add", "li", "--role", "admin"], [PASSWORD, PASSWORD])
    assert code == 0 and "added li (admin)" in shown
    assert shown.count("password for li:") == 1 and "Repeat it:" in shown
    assert "great-wall" not in shown  # getpass does not echo
    assert accounts.verify_password(accounts.load_users(tmp_path / "users.toml")["li"], PASSWORD)
