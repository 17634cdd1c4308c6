"""Sign-in rules (SPEC §9): one generic failure for every reason, five failures lock an account for
fifteen minutes (in a file that outlives the process), a disabled user, the idle expiry, and the
mapping of an OIDC user to roles and departments."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dashboard import accounts
from dashboard.access import Viewer
from dashboard.accounts import User
from dashboard.audit import AuditTrail
from dashboard.lockouts import LockoutPolicy, Lockouts, lockouts_path
from dashboard.signin import GENERIC_FAILURE, authenticate, session_expired, viewer_from_oidc

ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=ZONE)
PASSWORD = "梅花 plum-blossom 9"
POLICY = LockoutPolicy(failures=5, minutes=15)


@pytest.fixture(scope="module")
def password_hash():
    return accounts.hash_password(PASSWORD)


@pytest.fixture
def env(tmp_path, password_hash):
    users = tmp_path / "users.toml"
    accounts.add_user(users, User("li.na", ("department_manager",), ("技术部",), password_hash=password_hash))
    accounts.add_user(users, User("gone", ("quality",), password_hash=password_hash, disabled=True))
    accounts.add_user(users, User("sso", ("quality",), email="sso@example.com"))
    data = tmp_path / "data"
    trail = AuditTrail(data / "audit.jsonl", "Asia/Shanghai")

    def sign_in(name, password, now, policy=POLICY):
        lockouts = Lockouts(lockouts_path(data), policy)
        return authenticate(name, password, now, users_file=users, lockouts=lockouts, audit=trail)

    sign_in.users = users
    sign_in.trail = trail
    sign_in.data = data
    return sign_in


def test_right_password_signs_in_with_roles_and_departments(env):
    result = env("li.na", PASSWORD, T0)
    assert result.ok and result.message == "" and result.reason == "ok"
    assert result.viewer == Viewer("li.na", frozenset({"department_manager"}), frozenset({"技术部"}))


def test_wrong_password_fails(env):
    result = env("li.na", "plum blossom", T0)
    assert (result.ok, result.viewer, result.reason) == (False, None, "wrong_password")


def test_disabled_user_fails_with_the_right_password(env):
    result = env("gone", PASSWORD, T0)
    assert (result.ok, result.reason) == (False, "disabled")


def test_account_without_password_cannot_sign_in_locally(env):
    assert env("sso", "", T0).reason == "no_password"


def test_five_failures_lock_for_fifteen_minutes_and_the_lock_ends_after(env):
    for minute in range(4):
        assert env("li.na", "wrong", T0 + timedelta(minutes=minute)).locked_until is None
    fifth = env("li.na", "wrong", T0 + timedelta(minutes=4))
    assert fifth.locked_until == T0 + timedelta(minutes=19)
    # Locked: the right password fails too, and more tries do not lengthen the lock.
    during = env("li.na", PASSWORD, T0 + timedelta(minutes=18, seconds=59))
    assert (during.ok, during.reason, during.locked_until) == (False, "locked", T0 + timedelta(minutes=19))
    after = env("li.na", PASSWORD, T0 + timedelta(minutes=19))
    assert after.ok


def test_failures_spread_over_more_than_the_window_do_not_lock(env):
    for minute in (0, 4, 8, 12, 16, 20):  # never 5 inside any 15 minutes
        assert env("li.na", "wrong", T0 + timedelta(minutes=minute)).reason == "wrong_password"
    assert env("li.na", PASSWORD, T0 + timedelta(minutes=21)).ok


def test_a_successful_sign_in_clears_earlier_failures(env):
    for minute in range(4):
        env("li.na", "wrong", T0 + timedelta(minutes=minute))
    assert env("li.na", PASSWORD, T0 + timedelta(minutes=5)).ok
    for minute in range(6, 10):
        env("li.na", "wrong", T0 + timedelta(minutes=minute))
    assert env("li.na", PASSWORD, T0 + timedelta(minutes=10)).ok


def test_lockout_threshold_and_length_come_from_the_policy(env):
    policy = LockoutPolicy(failures=2, minutes=3)
    env("li.na", "wrong", T0, policy)
    assert env("li.na", "wrong", T0 + timedelta(seconds=10), policy).locked_until == T0 + timedelta(
        minutes=3, seconds=10
    )
    assert env("li.na", PASSWORD, T0 + timedelta(minutes=3, seconds=10), policy).ok


def test_lock_is_kept_on_disk_for_every_process(env):
    for second in range(5):
        env("li.na", "wrong", T0 + timedelta(seconds=second))
    state = json.loads(lockouts_path(env.data).read_text(encoding="utf-8"))
    assert state == {"li.na": {"failures": [], "locked_until": (T0 + timedelta(minutes=15, seconds=4)).isoformat()}}
    # A fresh store on the same file (another process, or after a restart) sees the lock.
    fresh = Lockouts(lockouts_path(env.data), LockoutPolicy())
    assert fresh.locked_until("li.na", T0 + timedelta(minutes=10)) == T0 + timedelta(minutes=15, seconds=4)


def test_failure_message_is_the_same_for_every_reason(env):
    for _ in range(5):
        env("li.na", "wrong", T0)
    results = {
        "unknown_user": env("nobody", PASSWORD, T0),
        "wrong_password": env("gone", "wrong", T0),
        "disabled": env("gone", PASSWORD, T0),
        "locked": env("li.na", PASSWORD, T0),
        "no_password": env("sso", PASSWORD, T0),
    }
    assert {reason: r.reason for reason, r in results.items()} == {r: r for r in results}
    assert {r.message for r in results.values()} == {GENERIC_FAILURE}
    assert {r.viewer for r in results.values()} == {None}


def test_unknown_names_lock_like_accounts_do(env):
    for _ in range(5):
        env("nobody", "wrong", T0)
    assert env("nobody", "wrong", T0).reason == "locked"


def test_audit_trail_records_the_true_reason_and_never_the_password(env):
    env("li.na", PASSWORD, T0)
    for _ in range(5):
        env("nobody", "guess-" + PASSWORD, T0)
    text = env.trail.path.read_text(encoding="utf-8")
    entries = [json.loads(line) for line in text.splitlines()]
    assert [(e["event"], e["user"], e["detail"].get("reason")) for e in entries] == [
        ("sign_in", "li.na", None),
        *[("sign_in_failed", "nobody", "unknown_user")] * 5,
        ("locked_out", "nobody", "unknown_user"),
    ]
    assert entries[0]["role"] == "department_manager"
    hashes = [u.password_hash for u in accounts.load_users(env.users).values() if u.password_hash]
    for secret in (PASSWORD, *hashes, "$argon2"):
        assert secret not in text


def test_an_outdated_hash_is_replaced_on_sign_in(env):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    accounts.update_user(env.users, "li.na", password_hash=weak)
    assert env("li.na", PASSWORD, T0).ok
    renewed = accounts.load_users(env.users)["li.na"]
    assert renewed.password_hash != weak and not accounts.needs_rehash(renewed)
    assert accounts.verify_password(renewed, PASSWORD)


@pytest.mark.parametrize(
    ("idle", "expired"),
    [
        (timedelta(minutes=29, seconds=59), False),
        (timedelta(minutes=30), True),
        (timedelta(hours=2), True),
        (timedelta(0), False),
    ],
)
def test_session_ends_after_the_idle_time(idle, expired):
    assert session_expired(T0, T0 + idle, 30) is expired


def test_session_without_recorded_activity_is_expired():
    assert session_expired(None, T0, 30) is True


USERS = {
    "li.na": User("li.na", ("department_manager",), ("技术部", "业务部"), "Li.Na@Example.com"),
    "gone": User("gone", ("quality",), (), "gone@example.com", disabled=True),
}


def test_oidc_user_with_verified_email_gets_the_entry_roles_and_departments():
    viewer = viewer_from_oidc({"email": "li.na@example.com", "email_verified": True, "sub": "1"}, USERS)
    assert viewer == Viewer("li.na", frozenset({"department_manager"}), frozenset({"技术部", "业务部"}))


@pytest.mark.parametrize("verified", [False, None, "false", 1])
def test_oidc_user_with_unverified_email_gets_no_access(verified):
    info = {"email": "li.na@example.com", "sub": "1"}
    if verified is not None:
        info["email_verified"] = verified
    assert viewer_from_oidc(info, USERS) is None


def test_oidc_user_without_entry_gets_no_access():
    assert viewer_from_oidc({"email": "stranger@example.com", "email_verified": True}, USERS) is None


def test_oidc_user_whose_entry_is_disabled_gets_no_access_even_with_a_claim():
    info = {"email": "gone@example.com", "email_verified": True, "roles": ["admin"]}
    assert viewer_from_oidc(info, USERS) is None
    assert viewer_from_oidc(info, USERS, roles_claim="roles") is None


def test_oidc_roles_from_the_claim_ignore_names_that_are_not_roles():
    info = {"email": "new@example.com", "email_verified": True, "groups": ["quality", "staff", "root"]}
    assert viewer_from_oidc(info, USERS, roles_claim="groups") == Viewer("new@example.com", frozenset({"quality"}))


def test_oidc_roles_from_a_space_separated_claim_take_departments_from_the_entry():
    info = {"email": "li.na@example.com", "email_verified": "true", "groups": "department_manager management"}
    assert viewer_from_oidc(info, USERS, roles_claim="groups") == Viewer(
        "li.na", frozenset({"department_manager", "management"}), frozenset({"技术部", "业务部"})
    )


def test_oidc_claim_departments_need_a_verified_email():
    info = {"email": "li.na@example.com", "email_verified": False, "groups": ["department_manager"]}
    assert viewer_from_oidc(info, USERS, roles_claim="groups") == Viewer(
        "li.na@example.com", frozenset({"department_manager"})
    )


@pytest.mark.parametrize("claim", [None, [], ["staff"], 7])
def test_oidc_claim_without_a_role_gives_no_access(claim):
    info = {"email": "li.na@example.com", "email_verified": True}
    if claim is not None:
        info["groups"] = claim
    assert viewer_from_oidc(info, USERS, roles_claim="groups") is None
