"""Access: open on loopback, sign-in beyond it, roles that limit pages, audit."""

from __future__ import annotations

import pytest

from store import AuditEvent, audit_log, open_store
from ui import state
from ui.auth import (
    ROLE_PAGES,
    audit_user_id,
    is_loopback,
    parse_roles,
    roles_for,
    sign_in_required,
)

AUTH = {
    "redirect_uri": "https://planner.example/oauth2callback",
    "cookie_secret": "not-a-real-secret",
    "client_id": "client",
    "client_secret": "secret",
    "server_metadata_url": (
        "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration"
    ),
}


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.1.1", True),
        ("0.0.0.0", False),
        ("", False),  # Streamlit then listens on every interface
        (None, False),
        ("10.1.2.3", False),
    ],
)
def test_loopback_addresses(address, loopback):
    """Only addresses this computer alone can reach count as loopback."""
    assert is_loopback(address) is loopback


def test_sign_in_can_be_forced_on_loopback():
    """Behind a reverse proxy on loopback, CMET_REQUIRE_SIGN_IN=1 still asks."""
    assert not sign_in_required("127.0.0.1", {})
    assert sign_in_required("127.0.0.1", {"CMET_REQUIRE_SIGN_IN": "1"})
    assert sign_in_required("0.0.0.0", {})


def test_roles_from_environment_and_membership():
    """Roles map e-mails or group ids; nobody listed gets no role."""
    mapping = parse_roles("panel=rhian@swansea.gov.uk; outreach=grp-outreach,sam@x.org")
    assert roles_for("Rhian@Swansea.gov.uk", (), mapping) == {"panel"}
    assert roles_for("dafydd@x.org", ("GRP-OUTREACH",), mapping) == {"outreach"}
    assert roles_for("stranger@x.org", (), mapping) == frozenset()
    assert roles_for("anyone@x.org", (), {}) == frozenset(ROLE_PAGES)


def test_unknown_role_is_refused():
    """A typo in CMET_ROLES is an error naming the roles, not a silent grant."""
    with pytest.raises(ValueError, match="roles are panel, outreach, commissioner"):
        parse_roles("admins=rhian@swansea.gov.uk")


def test_audit_user_id_never_carries_odd_text():
    """An e-mail is the id; anything else becomes a hash of the subject."""
    assert audit_user_id("Nia@WG.gov.wales", "sub") == "nia@wg.gov.wales"
    odd = audit_user_id("Nia Jones <nia@x>", "subject-123")
    assert odd.startswith("user-")
    assert "Nia" not in odd


def _beyond_loopback(fresh, served_on, **secrets):
    served_on("0.0.0.0")
    app = fresh()
    for key, value in secrets.items():
        app.secrets[key] = value
    return app


def test_beyond_loopback_without_sign_in_configured_serves_nothing(fresh, served_on):
    """Bound to 0.0.0.0 with no [auth], the app says why and shows no data."""
    app = _beyond_loopback(fresh, served_on)
    app.run()
    assert not app.exception
    assert len(app.error) == 1
    assert "sign-in is not configured" in app.error[0].value
    assert "0.0.0.0" in app.error[0].value
    assert not app.dataframe
    assert not app.header


def test_beyond_loopback_asks_to_sign_in(fresh, served_on):
    """With [auth] set but nobody signed in, only a sign-in button is shown."""
    app = _beyond_loopback(fresh, served_on, auth=AUTH)
    app.run()
    assert not app.exception
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.dataframe
    assert not app.header


def test_signed_in_panel_member_gets_everything_and_is_audited(
    fresh, served_on, database
):
    """A signed-in panel member sees every page and the decision form."""
    app = _beyond_loopback(
        fresh, served_on, auth=AUTH, roles={"panel": ["rhian@swansea.gov.uk"]}
    )
    app.user["is_logged_in"] = True
    app.user["email"] = "rhian@swansea.gov.uk"
    app.run()
    assert not app.exception
    assert app.title[0].value == "Panel meeting"
    assert "Record the panel's decision" in [h.value for h in app.header]
    for page in ("ui/views/gaps.py", "ui/views/rota.py", "ui/views/data.py"):
        app.switch_page(page).run()
        assert not app.exception
    log = audit_log(open_store(database), event=AuditEvent.SIGN_IN)
    assert log["user_id"].tolist() == ["rhian@swansea.gov.uk"]


def test_outreach_role_sees_only_its_pages(fresh, served_on):
    """An outreach worker gets the meeting and rota pages, without the decision form."""
    app = _beyond_loopback(
        fresh, served_on, auth=AUTH, roles={"outreach": ["sam@swansea.gov.uk"]}
    )
    app.user["is_logged_in"] = True
    app.user["email"] = "sam@swansea.gov.uk"
    app.run()
    assert "Record the panel's decision" not in [h.value for h in app.header]
    app.switch_page("ui/views/rota.py").run()
    assert app.title[0].value == "Outreach rota"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("ui/views/data.py")


def test_signed_in_without_a_role_is_refused(fresh, served_on, database):
    """Someone signed in but listed in no role sees no data; the refusal is logged."""
    app = _beyond_loopback(
        fresh, served_on, auth=AUTH, roles={"panel": ["rhian@swansea.gov.uk"]}
    )
    app.user["is_logged_in"] = True
    app.user["email"] = "stranger@example.org"
    app.run()
    assert len(app.error) == 1
    assert "has no role" in app.error[0].value
    assert not app.dataframe
    assert state.USER not in app.session_state
    refused = audit_log(open_store(database), event=AuditEvent.SIGN_IN_REFUSED)
    assert len(refused) == 1
