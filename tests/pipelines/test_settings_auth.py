"""[auth] of the settings (SPEC §9): the modes, the users file, idle time and lock-out, each bad
value refused with a message naming the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.settings import ROOT, SettingsError, load_settings


def _with_auth(tmp_path: Path, auth: str) -> Path:
    text = (ROOT / "config/settings.toml").read_text(encoding="utf-8")
    text = re.sub(r"^\[auth\]\n(?:(?!\[).*\n?)*", "[auth]\n" + auth + "\n", text, flags=re.M)
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_committed_settings_serve_without_login_as_admin():
    auth = load_settings().auth
    assert (auth.mode, auth.default_role, auth.idle_minutes) == ("none", "admin", 30)
    assert (auth.lockout_failures, auth.lockout_minutes, auth.roles_claim) == (5, 15, None)
    assert auth.users_file == ROOT / "config" / "users.toml"


def test_empty_auth_table_takes_the_defaults(tmp_path):
    auth = load_settings(_with_auth(tmp_path, "")).auth
    assert (auth.mode, auth.default_role, auth.idle_minutes, auth.lockout_failures, auth.lockout_minutes) == (
        "none",
        "admin",
        30,
        5,
        15,
    )


def test_oidc_mode_with_claim_and_absolute_users_file(tmp_path):
    auth = load_settings(
        _with_auth(
            tmp_path, f'mode = "oidc"\nusers_file = "{tmp_path}/u.toml"\nroles_claim = "groups"\nidle_minutes = 5'
        )
    ).auth
    assert (auth.mode, auth.users_file, auth.roles_claim, auth.idle_minutes) == (
        "oidc",
        tmp_path / "u.toml",
        "groups",
        5,
    )


def test_relative_users_file_is_relative_to_the_repository(tmp_path):
    auth = load_settings(_with_auth(tmp_path, 'mode = "local"\nusers_file = "elsewhere/people.toml"')).auth
    assert auth.users_file == ROOT / "elsewhere" / "people.toml"


def test_mapping_reads_of_auth_still_work():
    assert load_settings().auth.get("default_role", "x") == "admin"
    assert load_settings().auth.get("no_such_key", "fallback") == "fallback"


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        ('mode = "ldap"', "key 'auth.mode' must be one of none, local, oidc, got 'ldap'"),
        ("enabled = false", "key 'auth.enabled' is replaced by auth.mode"),
        ('default_role = "boss"', "key 'auth.default_role' must be one of admin, management"),
        ("idle_minutes = 0", "key 'auth.idle_minutes' must be > 0, got 0"),
        ('idle_minutes = "30"', "key 'auth.idle_minutes' must be int"),
        ("lockout_failures = -1", "key 'auth.lockout_failures' must be > 0"),
        ("lockout_minutes = 1.5", "key 'auth.lockout_minutes' must be int"),
        ("lockout_minute = 15", "key 'auth.lockout_minute' is not a known key"),
        ('users_file = " "', "key 'auth.users_file' must name a file"),
        ('roles_claim = ""', "key 'auth.roles_claim' must name an ID-token claim"),
    ],
)
def test_bad_auth_value_is_refused_naming_the_key(tmp_path, auth, message):
    with pytest.raises(SettingsError) as caught:
        load_settings(_with_auth(tmp_path, auth))
    assert message in str(caught.value)
