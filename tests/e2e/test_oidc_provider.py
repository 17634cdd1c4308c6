"""The test OpenID provider (tests/e2e/oidc/) answers a real authorization-code flow: discovery,
the login form, the code, the token endpoint, and a signed ID token with the account's e-mail;
its claims map to a viewer as the dashboard maps st.user (SPEC §9)."""

from __future__ import annotations

import html
import re
import secrets
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from dashboard.accounts import User
from dashboard.signin import viewer_from_oidc
from tests.e2e.oidc_provider import oidc_provider

REDIRECT = "http://localhost:8599/oauth2callback"


@pytest.fixture(scope="module")
def provider():
    with oidc_provider(REDIRECT) as running:
        yield running


def _login_form(page: str) -> str:
    match = re.search(r'<form id="login-form" method="post" action="([^"]+)"', page)
    assert match, page
    assert 'name="login"' in page and 'name="password"' in page
    return html.unescape(match[1])


def _sign_in(provider, login: str, password: str, scope="openid email profile", browser=None, **params):
    """Run the flow as a browser would, up to the redirect back to the client; returns the
    OAuth client, the code verifier, the nonce, the state and the last response."""
    meta = provider.metadata()
    client = OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope=scope,
        redirect_uri=provider.redirect_uri,
        code_challenge_method="S256",
    )
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, state = client.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce, **params
    )
    browser = browser or requests.Session()
    page = browser.get(url, timeout=10)
    assert page.status_code == 200 and "/interaction/" in page.url
    response = browser.post(
        urljoin(page.url, _login_form(page.text)),
        data={"login": login, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    while True:
        if response.is_redirect and not response.headers["location"].startswith(provider.redirect_uri):
            response = browser.get(
                urljoin(response.url, response.headers["location"]), allow_redirects=False, timeout=10
            )
        elif "document.forms[0].submit()" in response.text:
            # Signing in as another account than the provider's session ends that session first,
            # through a form a browser submits by script.
            action = re.search(r'<form method="post" action="([^"]+)"', response.text)[1]
            fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text))
            response = browser.post(html.unescape(action), data=fields, allow_redirects=False, timeout=10)
        else:
            return client, verifier, nonce, state, response


def _id_token_claims(provider, login: str, scope="openid email profile", **params) -> dict:
    client, verifier, nonce, state, response = _sign_in(provider, login, provider.password, scope, **params)
    back = response.headers["location"]
    query = parse_qs(urlparse(back).query)
    assert query["state"] == [state] and query["iss"] == [provider.issuer] and query["code"]
    meta = provider.metadata()
    token = client.fetch_token(meta["token_endpoint"], authorization_response=back, code_verifier=verifier)
    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
    decoded = jwt.decode(token["id_token"], keys)
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": provider.client_id},
        nonce={"essential": True, "value": nonce},
    ).validate(decoded.claims)
    assert decoded.header["alg"] == "RS256"
    return decoded.claims


def test_discovery_names_what_st_login_needs(provider):
    meta = provider.metadata()
    assert meta["issuer"] == provider.issuer
    assert meta["authorization_endpoint"] == f"{provider.issuer}/auth"
    assert meta["token_endpoint"] == f"{provider.issuer}/token"
    assert meta["end_session_endpoint"] == f"{provider.issuer}/session/end"
    assert "S256" in meta["code_challenge_methods_supported"]
    assert "client_secret_basic" in meta["token_endpoint_auth_methods_supported"]


def test_code_flow_gives_a_signed_id_token_with_the_verified_email(provider):
    claims = _id_token_claims(provider, "li.na@example.com")
    assert (claims["sub"], claims["email"], claims["email_verified"], claims["name"]) == (
        "li.na",
        "li.na@example.com",
        True,
        "Li Na",
    )


def test_st_login_request_with_pkce_and_select_account_shows_the_form_each_time(provider):
    # st.login sends prompt=select_account and, as discovery offers S256, a PKCE challenge.
    browser = requests.Session()
    *_, first = _sign_in(provider, "li.na@example.com", provider.password, browser=browser, prompt="select_account")
    assert first.headers["location"].startswith(provider.redirect_uri + "?code=")
    *_, second = _sign_in(provider, "chen.jie@example.com", provider.password, browser=browser, prompt="select_account")
    assert second.headers["location"].startswith(provider.redirect_uri + "?code=")
    claims = _id_token_claims(provider, "chen.jie@example.com", prompt="select_account")
    assert (claims["sub"], claims["email"], claims["email_verified"]) == ("chen.jie", "chen.jie@example.com", True)


def test_unverified_account_says_so_in_its_id_token(provider):
    claims = _id_token_claims(provider, "zhao.lei@example.com")
    assert (claims["email"], claims["email_verified"]) == ("zhao.lei@example.com", False)


def test_roles_scope_puts_the_roles_claim_in_the_id_token(provider):
    claims = _id_token_claims(provider, "li.na@example.com", scope="openid email profile roles")
    assert claims["roles"] == ["department_manager"]


def test_wrong_password_shows_the_form_again_and_no_code(provider):
    *_, response = _sign_in(provider, "li.na@example.com", "not-" + provider.password)
    assert response.status_code == 200 and not response.is_redirect
    assert 'id="error"' in response.text and "Invalid e-mail or password." in response.text
    assert provider.password not in response.text


def test_wrong_client_secret_is_refused_at_the_token_endpoint(provider):
    client, verifier, _, _, response = _sign_in(provider, "li.na@example.com", provider.password)
    meta = provider.metadata()
    code = parse_qs(urlparse(response.headers["location"]).query)["code"][0]
    refused = requests.post(
        meta["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": provider.redirect_uri,
            "code_verifier": verifier,
        },
        auth=(provider.client_id, "wrong-secret"),
        timeout=10,
    )
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"


def test_id_token_claims_map_to_viewers_as_st_user_would(provider):
    users = {
        "li.na": User("li.na", ("department_manager",), ("技术部",), "li.na@example.com"),
        "zhao": User("zhao", ("quality",), (), "zhao.lei@example.com"),
    }
    li_na = viewer_from_oidc(_id_token_claims(provider, "li.na@example.com"), users)
    assert (li_na.name, li_na.roles, li_na.departments) == ("li.na", {"department_manager"}, {"技术部"})
    assert viewer_from_oidc(_id_token_claims(provider, "zhao.lei@example.com"), users) is None  # not verified
    assert viewer_from_oidc(_id_token_claims(provider, "chen.jie@example.com"), users) is None  # no entry
