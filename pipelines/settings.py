"""The one module that reads configuration: config/settings.toml and the environment (SPEC §4, §6)."""

from __future__ import annotations

import os
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS = ROOT / "config" / "settings.toml"

KPI_IDS = (
    "first_time_fix",
    "quote_timeliness",
    "repair_timeliness",
    "complaint_satisfaction",
    "response_timeliness",
    "onsite_timeliness",
    "complaint_closure_timeliness",
    "capa_timeliness",
)
SURVEY_TYPES = ("post_service", "periodic")
ROLES = ("admin", "management", "department_manager", "quality", "customer_service")
AUTH_MODES = ("none", "local", "oidc")


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Kpi:
    id: str
    name_zh: str
    name_en: str
    owner_department: str
    target: float
    weight: float


@dataclass(frozen=True)
class SurveyItem:
    survey_type: str
    id: str
    zh: str
    en: str
    weight: float


@dataclass(frozen=True)
class AuthSettings:
    """[auth] (SPEC §9): who may sign in and how. `users_file` is resolved against the repository."""

    mode: str = "none"
    default_role: str = "admin"
    users_file: Path = ROOT / "config" / "users.toml"
    idle_minutes: int = 30
    lockout_failures: int = 5
    lockout_minutes: int = 15
    roles_claim: str | None = None

    def get(self, key: str, default=None):
        """Read a key as from the [auth] table itself (callers written against the mapping)."""
        return getattr(self, key, default)


@dataclass(frozen=True)
class Settings:
    path: Path
    time_zone: str
    composite_target: float
    kpis: dict[str, Kpi]
    sla: dict[str, float]
    windows: dict[str, int]
    scale_min: int
    scale_max: int
    satisfied_threshold: int
    items: tuple[SurveyItem, ...]
    key_revenue_threshold: float
    tier_weights: dict[str, float]
    root_causes: dict[str, str]
    significance: float
    small_n: int
    auth: AuthSettings = field(default_factory=AuthSettings)

    def dbt_vars(self, as_of: str) -> dict:
        """Scalar settings handed to dbt as vars; tabular ones go in as settings tables (build.py)."""
        return {
            "as_of": as_of,
            "time_zone": self.time_zone,
            "composite_target": self.composite_target,
            "quote_sla_hours": self.sla["quote_hours"],
            "repair_sla_hours": self.sla["repair_hours"],
            "response_sla_hours": self.sla["response_hours"],
            "onsite_sla_hours": self.sla["onsite_hours"],
            "complaint_sla_days": self.sla["complaint_days"],
            "ftf_window_days": self.windows["first_time_fix_lookback_days"],
            "recurrence_days": self.windows["recurrence_days"],
            "capa_effect_days": self.windows["capa_effect_days"],
            "scale_min": self.scale_min,
            "scale_max": self.scale_max,
            "satisfied_threshold": self.satisfied_threshold,
            "key_revenue_threshold": self.key_revenue_threshold,
            "key_weight": self.tier_weights["key"],
            "general_weight": self.tier_weights["general"],
        }


def _get(table: dict, key: str, where: str, kind, path: Path):
    full = f"{where}.{key}" if where else key
    if key not in table:
        raise SettingsError(f"{path}: missing key '{full}'")
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise SettingsError(f"{path}: key '{full}' must be {kind.__name__}, got {value!r}")
    return value


def _fraction(table: dict, key: str, where: str, path: Path) -> float:
    value = _get(table, key, where, float, path)
    if not 0.0 <= value <= 1.0:
        raise SettingsError(f"{path}: key '{where}.{key}' must lie in [0, 1], got {value}")
    return value


def _positive(table: dict, key: str, where: str, path: Path) -> float:
    value = _get(table, key, where, float, path)
    if value <= 0:
        raise SettingsError(f"{path}: key '{where}.{key}' must be > 0, got {value}")
    return value


def _auth(raw: dict, path: Path) -> AuthSettings:
    table = raw.get("auth", {})
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: key 'auth' must be a table")
    if "enabled" in table:
        raise SettingsError(f"{path}: key 'auth.enabled' is replaced by auth.mode ({', '.join(AUTH_MODES)})")
    known = set(AuthSettings.__dataclass_fields__)
    unknown = sorted(set(table) - known)
    if unknown:
        raise SettingsError(f"{path}: key 'auth.{unknown[0]}' is not a known key ({', '.join(sorted(known))})")
    defaults = AuthSettings()
    values = {}
    for key in ("mode", "default_role", "users_file", "roles_claim"):
        if key in table:
            values[key] = _get(table, key, "auth", str, path)
    for key in ("idle_minutes", "lockout_failures", "lockout_minutes"):
        if key in table:
            values[key] = _get(table, key, "auth", int, path)
            if values[key] <= 0:
                raise SettingsError(f"{path}: key 'auth.{key}' must be > 0, got {values[key]}")
    mode = values.get("mode", defaults.mode)
    if mode not in AUTH_MODES:
        raise SettingsError(f"{path}: key 'auth.mode' must be one of {', '.join(AUTH_MODES)}, got {mode!r}")
    role = values.get("default_role", defaults.default_role)
    if role not in ROLES:
        raise SettingsError(f"{path}: key 'auth.default_role' must be one of {', '.join(ROLES)}, got {role!r}")
    if "users_file" in values:
        if not values["users_file"].strip():
            raise SettingsError(f"{path}: key 'auth.users_file' must name a file")
        values["users_file"] = ROOT / Path(values["users_file"]).expanduser()
    if "roles_claim" in values and not values["roles_claim"].strip():
        raise SettingsError(f"{path}: key 'auth.roles_claim' must name an ID-token claim, or be left out")
    return AuthSettings(**values)


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate a settings file (default config/settings.toml)."""
    path = Path(path or os.environ.get("AFTERSALES_SETTINGS") or DEFAULT_SETTINGS)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None

    tz = _get(raw, "time_zone", "", str, path)
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"{path}: key 'time_zone' is not a known time zone: {tz!r}") from None

    composite = _get(raw, "composite", "", dict, path)
    kpi_table = _get(raw, "kpi", "", dict, path)
    kpis = {}
    for kid in KPI_IDS:
        t = _get(kpi_table, kid, "kpi", dict, path)
        where = f"kpi.{kid}"
        kpis[kid] = Kpi(
            id=kid,
            name_zh=_get(t, "name_zh", where, str, path),
            name_en=_get(t, "name_en", where, str, path),
            owner_department=_get(t, "owner_department", where, str, path),
            target=_fraction(t, "target", where, path),
            weight=_fraction(t, "weight", where, path),
        )
    unknown = sorted(set(kpi_table) - set(KPI_IDS))
    if unknown:
        raise SettingsError(f"{path}: key 'kpi.{unknown[0]}' is not a known KPI ({', '.join(KPI_IDS)})")
    total = sum(k.weight for k in kpis.values())
    if abs(total - 1.0) > 1e-9:
        raise SettingsError(f"{path}: keys 'kpi.*.weight' must sum to 1, they sum to {total:g}")

    sla_t = _get(raw, "sla", "", dict, path)
    sla = {
        k: _positive(sla_t, k, "sla", path)
        for k in ("quote_hours", "repair_hours", "response_hours", "onsite_hours", "complaint_days")
    }
    win_t = _get(raw, "windows", "", dict, path)
    windows = {}
    for k in ("first_time_fix_lookback_days", "recurrence_days", "capa_effect_days"):
        windows[k] = _get(win_t, k, "windows", int, path)
        if windows[k] <= 0:
            raise SettingsError(f"{path}: key 'windows.{k}' must be > 0")

    survey = _get(raw, "survey", "", dict, path)
    smin = _get(survey, "scale_min", "survey", int, path)
    smax = _get(survey, "scale_max", "survey", int, path)
    if smax <= smin:
        raise SettingsError(f"{path}: key 'survey.scale_max' must exceed survey.scale_min")
    threshold = _get(survey, "satisfied_threshold", "survey", int, path)
    if not smin <= threshold <= smax:
        raise SettingsError(f"{path}: key 'survey.satisfied_threshold' must lie on the scale")
    items_t = _get(survey, "items", "survey", dict, path)
    items = []
    for st in SURVEY_TYPES:
        type_items = _get(items_t, st, "survey.items", dict, path)
        for item_id, spec in type_items.items():
            where = f"survey.items.{st}.{item_id}"
            if not isinstance(spec, dict):
                raise SettingsError(f"{path}: key '{where}' must be a table with zh, en, weight")
            items.append(
                SurveyItem(
                    st,
                    item_id,
                    _get(spec, "zh", where, str, path),
                    _get(spec, "en", where, str, path),
                    _fraction(spec, "weight", where, path),
                )
            )
        wsum = sum(i.weight for i in items if i.survey_type == st)
        if abs(wsum - 1.0) > 1e-9:
            raise SettingsError(f"{path}: keys 'survey.items.{st}.*.weight' must sum to 1, they sum to {wsum:g}")

    tiers = _get(raw, "tiers", "", dict, path)
    roots = _get(raw, "root_causes", "", dict, path)
    if not roots:
        raise SettingsError(f"{path}: key 'root_causes' must list at least one category")
    for k, v in roots.items():
        if not isinstance(v, str):
            raise SettingsError(f"{path}: key 'root_causes.{k}' must be the Chinese label (str)")
    stats = _get(raw, "statistics", "", dict, path)
    return Settings(
        path=path,
        time_zone=tz,
        composite_target=_fraction(composite, "target", "composite", path),
        kpis=kpis,
        sla=sla,
        windows=windows,
        scale_min=smin,
        scale_max=smax,
        satisfied_threshold=threshold,
        items=tuple(items),
        key_revenue_threshold=_get(tiers, "key_revenue_threshold", "tiers", float, path),
        tier_weights={
            "key": _positive(tiers, "key_weight", "tiers", path),
            "general": _positive(tiers, "general_weight", "tiers", path),
        },
        root_causes=dict(roots),
        significance=_fraction(stats, "significance", "statistics", path),
        small_n=_get(stats, "small_n", "statistics", int, path),
        auth=_auth(raw, path),
    )


def data_dir(cli_value: str | None = None) -> Path:
    """The data directory: --data, else $AFTERSALES_DATA, else data/ (SPEC §6)."""
    return Path(cli_value or os.environ.get("AFTERSALES_DATA") or ROOT / "data")
