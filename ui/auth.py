"""Who may use the app: open on this computer, sign-in beyond it, optional roles.

Served on 127.0.0.1 (the default in ``.streamlit/config.toml``) the app is for
the person at this computer and asks nothing. Bound to any other address (or
with ``CMET_REQUIRE_SIGN_IN=1``, e.g. behind a reverse proxy on loopback) it
serves nothing until the user has signed in through Streamlit's OpenID Connect
support (``st.login``; ``[auth]`` in ``.streamlit/secrets.toml``, e.g. Microsoft
Entra ID). Roles, when configured, limit the pages each person sees.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from store import AuditEvent
from ui import memory, state
from ui.lang import tr

log = logging.getLogger(__name__)

PAGES = ("meeting", "gaps", "rota", "data")
ROLE_PAGES: dict[str, frozenset[str]] = {
    "panel": frozenset(PAGES),
    "outreach": frozenset({"meeting", "rota"}),
    "commissioner": frozenset({"meeting", "gaps"}),
}
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
ENV_REQUIRE = "CMET_REQUIRE_SIGN_IN"
ENV_ROLES = "CMET_ROLES"
ENV_PROVIDER = "CMET_AUTH_PROVIDER"
LOCAL_USER = "local"
_USER_ID = re.compile(r"[A-Za-z0-9._@+\-]{1,120}")


@dataclass(frozen=True)
class Access:
    """This session's user and what they may see.

    Attributes
    ----------
    user
        Id written to the audit log: the signed-in e-mail, or "local".
    roles
        The user's roles (all of them on a local, unauthenticated app).
    signed_in
        ``True`` when the user signed in through OpenID Connect.
    """

    user: str
    roles: frozenset[str]
    signed_in: bool

    @property
    def pages(self) -> frozenset[str]:
        """Return the pages this user may open."""
        return frozenset().union(*(ROLE_PAGES[r] for r in self.roles))

    def can(self, page: str) -> bool:
        """Return ``True`` when the user may open ``page``."""
        return page in self.pages

    @property
    def decides(self) -> bool:
        """Return ``True`` when the user may record the panel's decisions."""
        return "panel" in self.roles


def is_loopback(address: object) -> bool:
    """Return ``True`` for an address only this computer can reach.

    An empty address counts as beyond loopback: Streamlit then listens on every
    network interface.
    """
    text = str(address or "").strip().lower()
    return text in LOOPBACK or text.startswith("127.")


def sign_in_required(address: object, environ: Mapping[str, str]) -> bool:
    """Return ``True`` when the app must ask users to sign in."""
    forced = environ.get(ENV_REQUIRE, "").strip().lower() in {"1", "true", "yes", "on"}
    return forced or not is_loopback(address)


def parse_roles(text: str) -> dict[str, tuple[str, ...]]:
    """Read ``CMET_ROLES`` ("panel=a@x.gov.uk,group-id;outreach=b@y.org").

    Raises
    ------
    ValueError
        When a part names an unknown role or has no ``=``.
    """
    roles: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, members = part.partition("=")
        name = name.strip().lower()
        if not sep or name not in ROLE_PAGES:
            raise ValueError(
                f"{ENV_ROLES}: '{part[:40]}' is not role=members; roles are "
                f"{', '.join(ROLE_PAGES)}"
            )
        roles[name] = tuple(m.strip().lower() for m in members.split(",") if m.strip())
    return roles


def roles_for(
    email: str, groups: tuple[str, ...], mapping: Mapping[str, tuple[str, ...]]
) -> frozenset[str]:
    """Return the roles whose members list the user's e-mail or one of their groups.

    With no mapping at all, every signed-in user has every role.
    """
    if not mapping:
        return frozenset(ROLE_PAGES)
    mine = {email.lower(), *(g.lower() for g in groups)}
    return frozenset(r for r, members in mapping.items() if mine & set(members))


def audit_user_id(email: str, subject: str) -> str:
    """Return an id the audit log accepts: the e-mail, else a hash of the subject."""
    if _USER_ID.fullmatch(email):
        return email.lower()
    return "user-" + hashlib.sha256(subject.encode()).hexdigest()[:16]


def _secrets() -> Mapping:
    try:
        return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    except Exception:  # an unreadable secrets file means "no sign-in configured"
        log.warning("secrets.toml could not be read; sign-in is not configured")
        return {}


def _provider(auth: Mapping) -> str | None:
    chosen = os.environ.get(ENV_PROVIDER, "").strip()
    if chosen:
        return chosen
    if "client_id" in auth:
        return None
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    return named[0] if named else None


def _role_mapping(secrets: Mapping) -> dict[str, tuple[str, ...]]:
    configured = secrets.get("roles") or {}
    mapping = {
        str(k).lower(): tuple(str(m).lower() for m in v)
        for k, v in configured.items()
        if str(k).lower() in ROLE_PAGES
    }
    text = os.environ.get(ENV_ROLES, "")
    if text.strip():
        mapping.update(parse_roles(text))
    return mapping


def _claim(name: str) -> object:
    try:
        return st.user.get(name)
    except Exception:  # a provider that does not send this claim
        return None


def _signed_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:  # st.user raises when sign-in is not set up
        return False


def _stop_with(message: str) -> None:
    st.title(tr("app.title"))
    st.error(message, icon=":material/lock:")
    st.stop()


def gate() -> Access:
    """Return who is using the app, or stop the page with the reason.

    On loopback everyone is the local user with every role. Beyond it: no
    ``[auth]`` configuration stops with instructions; not signed in shows a
    sign-in button; signed in but in no configured role stops with who to ask.
    Sign-in and refusals are written to the audit log once per session.
    """
    known = st.session_state.get(state.USER)
    if isinstance(known, Access) and (not known.signed_in or _signed_in()):
        return known
    address = st.get_option("server.address")
    if not sign_in_required(address, os.environ):
        access = Access(LOCAL_USER, frozenset(ROLE_PAGES), signed_in=False)
        st.session_state[state.USER] = access
        return access
    secrets = _secrets()
    auth = secrets.get("auth")
    if not isinstance(auth, Mapping) or not auth:
        _stop_with(tr("auth.not_configured", address=address or "0.0.0.0"))
    if not _signed_in():
        st.title(tr("app.title"))
        st.info(tr("auth.please_sign_in"), icon=":material/login:")
        st.button(
            tr("auth.sign_in"),
            type="primary",
            on_click=st.login,
            args=(_provider(auth),),
            icon=":material/login:",
        )
        st.stop()
    email = str(_claim("email") or _claim("preferred_username") or "")
    user = audit_user_id(email, str(_claim("sub") or email))
    groups = tuple(str(g) for g in (_claim("groups") or ()))
    try:
        roles = roles_for(email, groups, _role_mapping(secrets))
    except ValueError as exc:
        _stop_with(str(exc))
    if not roles:
        memory.record(AuditEvent.SIGN_IN_REFUSED, user=user)
        st.title(tr("app.title"))
        st.error(tr("auth.no_role", user=email or user), icon=":material/block:")
        st.button(tr("auth.sign_out"), on_click=st.logout)
        st.stop()
    access = Access(user, roles, signed_in=True)
    st.session_state[state.USER] = access
    memory.record(AuditEvent.SIGN_IN, user=user)
    log.info("signed in with roles %s", sorted(roles))
    return access


def sign_out_button(access: Access) -> None:
    """Offer sign-out in the sidebar when the user signed in."""
    if not access.signed_in:
        return

    def _out() -> None:
        memory.record(AuditEvent.SIGN_OUT, user=access.user)
        st.session_state.pop(state.USER, None)
        st.logout()

    st.button(tr("auth.sign_out"), on_click=_out, icon=":material/logout:")
