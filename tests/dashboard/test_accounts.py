"""The users file and its hashes (SPEC §9): Argon2id with argon2-cffi's recommended parameters,
an atomic write with mode 0600, entries refused with a message naming them."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from dashboard import accounts
from dashboard.accounts import AccountsError, User
from pipelines.settings import ROOT


def test_hash_is_argon2id_with_the_recommended_parameters_and_verifies():
    digest = accounts.hash_password("correct horse 马")
    assert digest.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    user = User("li", ("quality",), password_hash=digest)
    assert accounts.verify_password(user, "correct horse 马")
    assert not accounts.needs_rehash(user)


def test_two_hashes_of_one_password_differ_by_their_salt():
    assert accounts.hash_password("same password") != accounts.hash_password("same password")


def test_wrong_password_does_not_verify():
    user = User("li", ("quality",), password_hash=accounts.hash_password("right password"))
    assert not accounts.verify_password(user, "wrong password")
    assert not accounts.verify_password(user, "")


def test_no_user_and_no_hash_never_verify():
    assert not accounts.verify_password(None, "anything at all")
    assert not accounts.verify_password(User("oidc", ("quality",)), "")


def test_weaker_hash_needs_rehash():
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("pw")
    assert accounts.needs_rehash(User("li", ("quality",), password_hash=weak))


def _users(tmp_path: Path) -> Path:
    path = tmp_path / "users.toml"
    accounts.add_user(path, User("li.na", ("department_manager",), ("技术部",), "li.na@example.com"))
    accounts.add_user(path, User("wang", ("quality", "customer_service"), password_hash=accounts.hash_password("pw")))
    return path


def test_users_round_trip_through_the_file(tmp_path):
    path = _users(tmp_path)
    users = accounts.load_users(path)
    assert users["li.na"] == User("li.na", ("department_manager",), ("技术部",), "li.na@example.com", False, None)
    assert users["wang"].roles == ("quality", "customer_service")
    assert accounts.verify_password(users["wang"], "pw")


def test_users_file_is_private_and_no_temporary_file_is_left(tmp_path):
    path = _users(tmp_path)
    accounts.update_user(path, "li.na", disabled=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["users.toml", "users.toml.lock"]
    assert accounts.load_users(path)["li.na"].disabled is True


def test_missing_users_file_holds_no_users(tmp_path):
    assert accounts.load_users(tmp_path / "absent.toml") == {}


def test_adding_an_existing_name_or_email_is_refused(tmp_path):
    path = _users(tmp_path)
    with pytest.raises(AccountsError, match="user 'wang' exists already"):
        accounts.add_user(path, User("wang", ("admin",)))
    with pytest.raises(AccountsError, match="e-mail 'Li.Na@example.com' belongs to another user"):
        accounts.add_user(path, User("li2", ("admin",), email="Li.Na@example.com"))


def test_department_manager_needs_a_department(tmp_path):
    with pytest.raises(AccountsError, match="department_manager needs at least one --department"):
        accounts.add_user(tmp_path / "u.toml", User("dm", ("department_manager",)))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('[users.x]\nroles = ["boss"]', "users.x: unknown role 'boss'"),
        ("[users.x]\nroles = []", "users.x: a user needs at least one role"),
        ('[users.x]\nroles = ["admin"]\npassword = "secret"', "users.x.password is not a known key"),
        ('[users.x]\nroles = ["admin"]\npassword_hash = "plain"', "users.x.password_hash must be an Argon2id hash"),
        ('[users.x]\nroles = ["admin"]\ndisabled = "no"', "users.x.disabled must be true or false"),
        ('[users."a b"]\nroles = ["admin"]', "users.a b: user name 'a b'"),
        (
            '[users.x]\nroles = ["admin"]\nemail = "s@e.com"\n[users.y]\nroles = ["admin"]\nemail = "S@E.com"',
            "users.x and users.y have the same e-mail",
        ),
    ],
)
def test_bad_entry_is_refused_naming_it(tmp_path, entry, message):
    path = tmp_path / "users.toml"
    path.write_text(entry + "\n", encoding="utf-8")
    with pytest.raises(AccountsError) as caught:
        accounts.load_users(path)
    assert message in str(caught.value)


def test_the_example_users_file_reads_and_its_hash_is_a_dummy():
    users = accounts.load_users(ROOT / "config/users.example.toml")
    assert sorted(users) == ["li.na", "wang.qiang"]
    assert users["wang.qiang"].disabled is True and users["wang.qiang"].password_hash is None
    for guess in ("", "password", "li.na", "dummy hash: not any password!!!!"):
        assert not accounts.verify_password(users["li.na"], guess)


def test_the_real_users_file_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "config/users.toml" in ignored
