"""A real OpenID provider for the sign-in tests: tests/e2e/oidc/provider.mjs (the certified npm
package oidc-provider, installed by `make oidc`) started under node on 127.0.0.1 and a free port,
with a client secret and an accounts' password made up for the run."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.browser import free_port

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "aftersales-dashboard"


@dataclass(frozen=True)
class Account:
    login: str
    email: str
    email_verified: bool
    name: str
    roles: tuple[str, ...]


# The accounts provider.mjs holds; every one signs in with OidcProvider.password.
ACCOUNTS = {
    "li.na": Account("li.na@example.com", "li.na@example.com", True, "Li Na", ("department_manager",)),
    "chen.jie": Account("chen.jie@example.com", "chen.jie@example.com", True, "Chen Jie", ()),
    "zhao.lei": Account("zhao.lei@example.com", "zhao.lei@example.com", False, "Zhao Lei", ("quality",)),
}


@dataclass(frozen=True)
class OidcProvider:
    issuer: str
    redirect_uri: str
    client_id: str
    client_secret: str = field(repr=False)
    password: str = field(repr=False)
    accounts: dict[str, Account] = field(default_factory=lambda: dict(ACCOUNTS))

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict:
        with urllib.request.urlopen(self.metadata_url, timeout=5) as response:
            return json.load(response)

    def streamlit_secrets(self, cookie_secret: str) -> str:
        """The [auth] table of .streamlit/secrets.toml for st.login against this provider."""
        values = {
            "redirect_uri": self.redirect_uri,
            "cookie_secret": cookie_secret,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "server_metadata_url": self.metadata_url,
        }
        return "[auth]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items())


def node() -> str | None:
    return shutil.which("node")


def installed() -> bool:
    """Whether node and the provider's packages (`make oidc`) are there."""
    return node() is not None and (HERE / "node_modules" / "oidc-provider" / "package.json").is_file()


@contextmanager
def oidc_provider(redirect_uri: str, port: int | None = None, timeout: float = 30) -> Iterator[OidcProvider]:
    """Start the provider for a client whose redirect (and post-logout redirect) URI is
    `redirect_uri`, wait until its discovery document answers, yield it, stop it."""
    if not installed():
        raise RuntimeError(f"the test OpenID provider is not installed: run `make oidc` ({HERE})")
    port = port or free_port()
    provider = OidcProvider(
        issuer=f"http://127.0.0.1:{port}",
        redirect_uri=redirect_uri,
        client_id=CLIENT_ID,
        client_secret=secrets.token_urlsafe(24),
        password=secrets.token_urlsafe(12),
    )
    env = dict(os.environ, OIDC_CLIENT_SECRET=provider.client_secret, OIDC_ACCOUNT_PASSWORD=provider.password)
    errors = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [node(), str(HERE / "provider.mjs"), "--port", str(port), "--redirect", redirect_uri, "--client-id", CLIENT_ID],
        cwd=HERE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=errors,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                errors.seek(0)
                raise RuntimeError(f"the test OpenID provider exited ({proc.returncode}): {errors.read().decode()}")
            try:
                if provider.metadata()["issuer"] == provider.issuer:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError, KeyError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the test OpenID provider did not answer on {provider.metadata_url}")
            time.sleep(0.1)
        yield provider
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        errors.close()
