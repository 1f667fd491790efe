"""E-mailed links: whose origin they may carry (utils layer, no server needed)."""

from pathlib import Path

from config.context import request_origin_var
from config.settings import activated
from tests.conftest import make_settings
from utils.flows.email import api_link

SERVER = "mongodb://db.example.net/"


def _link_while_serving(origin: str, tmp_path: Path, **settings: object) -> str | None:
    token = request_origin_var.set(origin)
    try:
        with activated(make_settings(tmp_path, **settings)):
            return api_link("/api/auth/confirm-invite", email="a+b@example.com", code="123456")
    finally:
        request_origin_var.reset(token)


def test_on_a_real_database_a_request_host_never_becomes_the_base_of_an_emailed_link(
    tmp_path: Path,
) -> None:
    # Host: is the client's to choose; a link to it would hand a code to the attacker's site.
    assert _link_while_serving("http://evil.example", tmp_path, MONGO_DB_URI=SERVER) is None


def test_frontend_url_is_the_base_of_emailed_links_with_every_value_encoded(
    tmp_path: Path,
) -> None:
    link = _link_while_serving(
        "http://evil.example",
        tmp_path,
        MONGO_DB_URI=SERVER,
        FRONTEND_URL="https://app.example.org/",
    )
    assert link == (
        "https://app.example.org/api/auth/confirm-invite?email=a%2Bb%40example.com&code=123456"
    )


def test_on_the_embedded_store_links_use_the_origin_being_served(tmp_path: Path) -> None:
    link = _link_while_serving("http://localhost:8000", tmp_path, MONGO_DB_URI=None)
    assert link is not None and link.startswith("http://localhost:8000/api/auth/confirm-invite?")
