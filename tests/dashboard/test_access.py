"""Viewer scope and the masking of personal data in free text (SPEC §9), on hand-written samples."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import access
from dashboard.access import Viewer, mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("请拨13812345678联系", "请拨138****5678联系"),
        ("电话 138-1234-5678，谢谢", "电话 138****5678，谢谢"),
        ("call 139 1234 5678 today", "call 139****5678 today"),
        ("+86 13912345678", "+86 139****5678"),
        ("+8613912345678", "+86 139****5678"),
        ("0086-13912345678", "+86 139****5678"),
        ("客户8613912345678回电", "客户+86 139****5678回电"),
        ("座机010-12345678", "座机010****5678"),
        ("(0755)1234567 转 8", "075****4567 转 8"),
        ("（021）87654321", "021****4321"),
        ("021 6123 4567", "021****4567"),
        ("+86-21-12345678", "+86 211***5678"),
        ("+86 (0) 21 6123 4567", "+86 216***4567"),
        ("邮箱 zhang.san@example.com。", "邮箱 z***@example.com。"),
        ("13812345678@qq.com 是QQ邮箱", "1***@qq.com 是QQ邮箱"),
        ("a: li_na+svc@mail.example.com.cn; b: 13800001111", "a: l***@mail.example.com.cn; b: 138****1111"),
    ],
)
def test_phone_numbers_and_emails_in_free_text_are_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "工单T2026110112345 退回",  # a 13-digit run holds no mobile of its own
        "日期 2026-11-01，金额 1380000 元，数量 12",
        "序列号 213812345678",  # a mobile inside a longer run of digits is not one
        "客服热线 400-820-8820",
        "",
    ],
)
def test_text_without_a_phone_number_or_email_is_unchanged(text):
    assert mask_text(text) == text


def test_mask_text_passes_missing_values_through():
    assert mask_text(None) is None


def test_free_text_is_masked_for_management_but_not_customer_service():
    df = pd.DataFrame({"description": ["回电 13812345678"], "amount": [3]})
    masked = access.free_text(df, ["description", "missing"], Viewer("m", {"management"}))
    assert masked["description"].tolist() == ["回电 138****5678"]
    assert df["description"].tolist() == ["回电 13812345678"]
    shown = access.free_text(df, ["description"], Viewer("c", {"customer_service"}))
    assert shown["description"].tolist() == ["回电 13812345678"]


def test_contacts_follow_the_viewer_given():
    df = pd.DataFrame(
        {"contact_name": ["张三丰"], "contact_phone": ["13812345678"], "contact_email": ["zs@example.com"]}
    )
    masked = access.contacts(df, viewer=Viewer("q", {"quality"}))
    assert masked.iloc[0].tolist() == ["张**", "138****5678", "z***@example.com"]
    assert access.contacts(df, viewer=Viewer("a", {"admin"})).iloc[0].tolist() == df.iloc[0].tolist()


@pytest.mark.parametrize(
    ("roles", "may_see"),
    [
        ({"admin"}, True),
        ({"customer_service"}, True),
        ({"quality", "customer_service"}, True),
        ({"management"}, False),
        ({"department_manager"}, False),
        ({"quality"}, False),
    ],
)
def test_only_admin_and_customer_service_see_contacts(roles, may_see):
    assert Viewer("u", roles, {"技术部"}).may_see_contacts is may_see


def test_department_manager_is_scoped_to_their_departments():
    assert Viewer("u", {"department_manager"}, {"技术部", "业务部"}).scope == frozenset({"技术部", "业务部"})


def test_department_manager_without_departments_sees_none_not_all():
    assert Viewer("u", {"department_manager"}).scope == frozenset()


@pytest.mark.parametrize("role", ["admin", "management", "quality", "customer_service"])
def test_other_roles_see_every_department(role):
    assert Viewer("u", {role, "department_manager"}, {"技术部"}).scope is None


def test_unknown_role_is_refused():
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        Viewer("u", {"boss"})


def test_local_viewer_has_the_default_role():
    viewer = Viewer.local("management")
    assert (viewer.name, viewer.roles, viewer.scope) == ("local", frozenset({"management"}), None)
