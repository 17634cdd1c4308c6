"""The hardening dashboard.serve puts on Streamlit's command line from the auth mode (SPEC §9)."""

from dashboard.serve import options

PORT = ["--server.port", "8501"]


def test_mode_none_serves_on_localhost_with_xsrf_protection():
    assert options("none", PORT) == [
        "--server.enableXsrfProtection",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        "8501",
    ]


def test_mode_none_keeps_an_address_given_on_the_command_line():
    for given in (["--server.address", "0.0.0.0"], ["--server.address=0.0.0.0"]):
        assert options("none", given) == ["--server.enableXsrfProtection", "true", *given]


def test_a_sign_in_mode_shows_no_error_details_and_keeps_the_address_to_the_deployer():
    for mode in ("local", "oidc"):
        assert options(mode, PORT) == [
            "--server.enableXsrfProtection",
            "true",
            "--client.showErrorDetails",
            "none",
            "--server.port",
            "8501",
        ]
