"""The locale files (dashboard/locales/*.toml): both languages hold the same keys and placeholders,
the lookup returns their text, and a broken pair or file is reported."""

import pytest

from dashboard import i18n
from dashboard.i18n import LOCALES, LocaleError, load, problems, read_locale, t, using


def test_both_languages_hold_every_key_with_the_same_placeholders():
    zh_name, zh = read_locale(LOCALES / "zh.toml")
    en_name, en = read_locale(LOCALES / "en.toml")
    assert problems({"zh.toml": zh, "en.toml": en}) == []
    assert set(zh) == set(en) == set(i18n.TEXT)
    assert (zh_name, en_name) == ("中文", "English")


def test_lookup_returns_the_text_of_the_current_language():
    with using("zh"):
        assert t("page_costs") == "服务成本"
        assert t("verdict_small_n", n=10, min=30) == "事件过少，不作判断（n = 10 < 30）"
        assert t("trend_laney_note", p="0.003", sigma_z="1.26") == (
            "Laney p′ 控制图：各月过度离散（χ² 离散检验 p = 0.003），控制限放宽 σz = 1.26 倍"
        )
    with using("en"):
        assert t("page_costs") == "Costs"
        assert t("verdict_small_n", n=10, min=30) == "Too few events to judge (n = 10 < 30)"
        assert t("verdict_small_n") == "Too few events to judge (n = {n} < {min})"
        assert t("no_such_key") == "no_such_key"
    assert i18n.LANGUAGES == {"zh": "中文", "en": "English"}


def test_a_missing_key_and_differing_placeholders_are_reported():
    zh = {"same": "{n} 张", "zh_only": "只有中文", "name": "{a}", "spec": "{x:.1f}", "lone": "{ 张", "order": "{a}{b}"}
    en = {
        "same": "{n} tickets",
        "en_only": "only English",
        "name": "{b}",
        "spec": "{x}",
        "lone": "{n}",
        "order": "{b}{a}",
    }
    found = problems({"zh": zh, "en": en})  # "order": the same placeholders in another order are fine
    assert found == [
        "zh_only is missing from en",
        "name has different placeholders: zh {a}; en {b}",
        "spec has different placeholders: zh {x:.1f}; en {x}",
        "zh: lone is not a format string (expected '}' before end of string)",
        "en_only is missing from zh",
    ]


ZH = '[locale]\nname = "中文"\n\n[app]\napp_title = "售后服务质量"\nsmall_n = "n < {n}"\n'
EN = '[locale]\nname = "English"\n\n[app]\napp_title = "After-sales service quality"\nsmall_n = "n < {n}"\n'


def test_well_formed_files_load_as_pairs(tmp_path):
    (tmp_path / "zh.toml").write_text(ZH, encoding="utf-8")
    (tmp_path / "en.toml").write_text(EN, encoding="utf-8")
    languages, text = load(tmp_path)
    assert languages == {"zh": "中文", "en": "English"}
    assert text == {"app_title": ("售后服务质量", "After-sales service quality"), "small_n": ("n < {n}", "n < {n}")}


@pytest.mark.parametrize(
    ("en", "named"),
    [
        (EN.replace('small_n = "n < {n}"\n', ""), ["small_n is missing from", "en.toml"]),
        (EN.replace("{n}", "{count}"), ["small_n has different placeholders", "{n}", "{count}"]),
        (EN.replace('small_n = "n < {n}"', "small_n = 30"), ["en.toml: [app] small_n is not a string but int"]),
        (EN.replace('small_n = "n < {n}"', 'small_n = "n < {n}'), ["en.toml: ", 'small_n = "n < {n}']),
        (EN + '\n[more]\napp_title = "Again"\n', ["en.toml: app_title is in both [app] and [more]"]),
        (EN.replace('[locale]\nname = "English"\n', ""), ["en.toml: [locale] must hold name"]),
    ],
    ids=["missing key", "other placeholder", "not a string", "toml syntax", "key twice", "no language name"],
)
def test_a_broken_file_fails_the_load_naming_file_and_key(tmp_path, en, named):
    (tmp_path / "zh.toml").write_text(ZH, encoding="utf-8")
    (tmp_path / "en.toml").write_text(en, encoding="utf-8")
    with pytest.raises(LocaleError) as raised:
        load(tmp_path)
    for part in named:
        assert part in str(raised.value)
