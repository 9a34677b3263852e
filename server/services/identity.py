"""Sign-up, sign-in, sessions and grants.

Session and API tokens are 256-bit random values; only their SHA-256 digests are
stored, so resolving a token is one hash and one index probe (thousands of WebSocket
reconnects per second stay cheap). Passwords are argon2id hashes, computed off the
event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import argon2
import asyncpg

from server.domain.contact import Contact, ContactError, parse_contact, password_problem
from server.domain.principal import ROLE_SCOPE, Principal, Role
from server.errors import FieldError, Problem
from server.ids import uuid7
from server.notify import Notifier
from server.ratelimit import RateLimiter
from server.store import accounts as store
from server.store.db import Connection
from server.timers import Clock

BROWSER_SESSION_DAYS = 30
API_TOKEN_DAYS = 90
TOUCH_EVERY = timedelta(minutes=10)
CODE_TTL = timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5

# (limit, window seconds)
LOGIN_PER_IDENTIFIER = (10, 15 * 60)
LOGIN_PER_ADDRESS = (100, 15 * 60)
CODE_PER_DESTINATION_MINUTE = (1, 60)
CODE_PER_DESTINATION_HOUR = (5, 3600)
CODE_PER_ADDRESS = (20, 3600)


class Passwords:
    """argon2id with OWASP's parameters by default; tests pass cheaper ones."""

    def __init__(self, *, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4):
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            type=argon2.Type.ID,
        )
        self._dummy = self._hasher.hash("not a real password")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Check a password; with no hash, spend the same time and say no."""

        def check() -> bool:
            try:
                return self._hasher.verify(password_hash or self._dummy, password)
            except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
                return False

        ok = await asyncio.to_thread(check)
        return ok and password_hash is not None


@dataclass(frozen=True, slots=True)
class IssuedSession:
    session_id: UUID
    account_id: UUID
    token: str
    kind: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class IssuedCode:
    contact: Contact
    expires_at: datetime
    dev_code: str | None


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def contact_or_problem(text: str, pointer: str) -> Contact:
    try:
        return parse_contact(text)
    except ContactError as exc:
        raise Problem(
            "request.invalid", str(exc), errors=[FieldError(pointer, exc.code, str(exc))]
        ) from None


class IdentityService:
    def __init__(
        self,
        pool: asyncpg.Pool,
        clock: Clock,
        passwords: Passwords,
        notifier: Notifier,
        limiter: RateLimiter,
        secret_key: str,
    ) -> None:
        self._pool = pool
        self._clock = clock
        self._passwords = passwords
        self._notifier = notifier
        self._limiter = limiter
        self._secret = secret_key.encode()

    def now(self) -> datetime:
        return self._clock.now()

    # -- tokens ---------------------------------------------------------------------

    def csrf_token(self, session_token: str) -> str:
        """The CSRF token bound to a browser session (double-submit, derived, not stored)."""
        return hmac.new(self._secret, b"csrf:" + session_token.encode(), "sha256").hexdigest()

    def _code_digest(self, destination: str, code: str) -> bytes:
        return hmac.new(self._secret, f"code:{destination}:{code}".encode(), "sha256").digest()

    async def _limit(self, key: str, rule: tuple[int, int]) -> None:
        retry = await self._limiter.hit(key, *rule)
        if retry is not None:
            seconds = str(int(retry + 0.999))
            raise Problem(
                "rate.limited",
                f"too many attempts; try again in {seconds} s",
                headers={"Retry-After": seconds},
            )

    # -- codes ----------------------------------------------------------------------

    async def request_code(self, destination: str, purpose: str, address: str) -> IssuedCode:
        contact = contact_or_problem(destination, "/destination")
        await self._limit(f"code:dest-min:{contact.value}", CODE_PER_DESTINATION_MINUTE)
        await self._limit(f"code:dest-hour:{contact.value}", CODE_PER_DESTINATION_HOUR)
        await self._limit(f"code:addr:{address}", CODE_PER_ADDRESS)
        code = f"{secrets.randbelow(1_000_000):06d}"
        now = self._clock.now()
        expires_at = now + CODE_TTL
        async with self._pool.acquire() as conn:
            await conn.execute(
                """
                INSERT INTO verification_codes (id, destination, purpose, code_hash,
                                                created_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                """,
                uuid7(),
                contact.value,
                purpose,
                self._code_digest(contact.value, code),
                now,
                expires_at,
            )
        await self._notifier.send_code(contact, code, purpose)
        return IssuedCode(contact, expires_at, code if self._notifier.reveals_codes else None)

    async def _consume_code(
        self, conn: Connection, contact: Contact, purpose: str, code: str
    ) -> None:
        """Consume the latest live code or raise; a wrong guess is counted (and committed)."""
        now = self._clock.now()
        async with conn.transaction():
            row = await conn.fetchrow(
                """
                SELECT id, code_hash, attempts FROM verification_codes
                 WHERE destination = $1 AND purpose = $2 AND consumed_at IS NULL
                   AND expires_at > $3
                 ORDER BY created_at DESC LIMIT 1
                 FOR UPDATE
                """,
                contact.value,
                purpose,
                now,
            )
            if row is None or row["attempts"] >= CODE_MAX_ATTEMPTS:
                outcome = "code.expired"
            elif hmac.compare_digest(row["code_hash"], self._code_digest(contact.value, code)):
                outcome = "ok"
                await conn.execute(
                    "UPDATE verification_codes SET consumed_at = $2 WHERE id = $1", row["id"], now
                )
            else:
                outcome = "code.wrong"
                await conn.execute(
                    "UPDATE verification_codes SET attempts = attempts + 1 WHERE id = $1",
                    row["id"],
                )
        if outcome == "code.expired":
            raise Problem(
                "request.invalid",
                "the code has expired; request a new one",
                errors=[FieldError("/code", "code.expired", "request a new code")],
            )
        if outcome == "code.wrong":
            raise Problem(
                "request.invalid",
                "the code is wrong",
                errors=[FieldError("/code", "code.wrong", "the code does not match")],
            )

    # -- accounts -------------------------------------------------------------------

    def _check_password(self, password: str, contact: Contact) -> None:
        problem = password_problem(password, contact.value)
        if problem is not None:
            raise Problem(
                "request.invalid",
                "the password is too weak",
                errors=[FieldError("/password", problem, "choose a stronger password")],
            )

    async def register(
        self,
        *,
        destination: str,
        code: str,
        password: str,
        display_name: str,
        address: str,
        kind: str,
        label: str,
    ) -> IssuedSession:
        contact = contact_or_problem(destination, "/destination")
        self._check_password(password, contact)
        password_hash = await self._passwords.hash(password)
        now = self._clock.now()
        async with self._pool.acquire() as conn:
            # The code is consumed in its own transaction: a wrong code counts as an
            # attempt even though registration fails.
            await self._consume_code(conn, contact, "register", code)
            async with conn.transaction():
                try:
                    account_id = await store.insert_account(
                        conn,
                        phone=contact.value if contact.kind == "phone" else None,
                        email=contact.value if contact.kind == "email" else None,
                        password_hash=password_hash,
                        display_name=display_name,
                        now=now,
                    )
                except asyncpg.UniqueViolationError:
                    raise Problem(
                        "auth.account_exists", "an account with this contact already exists"
                    ) from None
                await store.insert_grant(
                    conn,
                    account_id,
                    Role.CANDIDATE,
                    ROLE_SCOPE[Role.CANDIDATE],
                    None,
                    granted_by=None,
                    now=now,
                )
                await store.audit(conn, account_id, "account.registered", now)
                return await self._open_session(conn, account_id, kind, label, address, now)

    async def reset_password(
        self,
        *,
        destination: str,
        code: str,
        password: str,
        address: str,
        kind: str,
        label: str,
    ) -> IssuedSession:
        """A forgotten password: the code sent to the account's contact (purpose
        ``reset_password``) sets a new one. Every other session and API token of the
        account ends (whoever knew the old password is out), and this one signs in."""
        contact = contact_or_problem(destination, "/destination")
        self._check_password(password, contact)
        password_hash = await self._passwords.hash(password)
        now = self._clock.now()
        async with self._pool.acquire() as conn:
            await self._consume_code(conn, contact, "reset_password", code)
            async with conn.transaction():
                account = await store.find_account(conn, contact)
                if account is None:
                    raise Problem("account.not_found", "no account has this contact")
                if account["disabled_at"] is not None:
                    raise Problem("auth.account_disabled", "this account has been disabled")
                await store.set_password(conn, account["id"], password_hash)
                ended = await store.revoke_all_sessions(conn, account["id"], now)
                await store.audit(
                    conn, account["id"], "account.password_reset", now, detail={"ended": ended}
                )
                return await self._open_session(conn, account["id"], kind, label, address, now)

    async def create_account(
        self,
        conn: Connection,
        *,
        destination: str,
        password: str,
        display_name: str,
    ) -> UUID:
        """Create an account directly (the CLI and the demo): no code, same rules."""
        contact = contact_or_problem(destination, "/destination")
        self._check_password(password, contact)
        now = self._clock.now()
        existing = await store.find_account(conn, contact)
        if existing is not None:
            return UUID(str(existing["id"]))
        account_id = await store.insert_account(
            conn,
            phone=contact.value if contact.kind == "phone" else None,
            email=contact.value if contact.kind == "email" else None,
            password_hash=await self._passwords.hash(password),
            display_name=display_name,
            now=now,
        )
        await store.insert_grant(
            conn,
            account_id,
            Role.CANDIDATE,
            ROLE_SCOPE[Role.CANDIDATE],
            None,
            granted_by=None,
            now=now,
        )
        await store.audit(conn, account_id, "account.created", now)
        return account_id

    async def login(
        self, *, identifier: str, password: str, address: str, kind: str, label: str
    ) -> IssuedSession:
        contact = contact_or_problem(identifier, "/identifier")
        await self._limit(f"login:id:{contact.value}", LOGIN_PER_IDENTIFIER)
        await self._limit(f"login:addr:{address}", LOGIN_PER_ADDRESS)
        async with self._pool.acquire() as conn:
            account = await store.find_account(conn, contact)
            ok = await self._passwords.verify(
                account["password_hash"] if account else None, password
            )
            if account is None or not ok:
                raise Problem("auth.invalid_credentials", "wrong account or password")
            if account["disabled_at"] is not None:
                raise Problem("auth.account_disabled", "this account has been disabled")
            await self._limiter.reset(f"login:id:{contact.value}")
            now = self._clock.now()
            async with conn.transaction():
                await store.audit(
                    conn,
                    account["id"],
                    "session.signed_in",
                    now,
                    detail={"kind": kind, "address": address},
                )
                return await self._open_session(conn, account["id"], kind, label, address, now)

    async def issue_api_token(
        self, conn: Connection, account_id: UUID, label: str, address: str = ""
    ) -> IssuedSession:
        """An API token for an existing account (bots, load tools, the CLI)."""
        return await self._open_session(conn, account_id, "api", label, address, self._clock.now())

    async def _open_session(
        self,
        conn: Connection,
        account_id: UUID,
        kind: str,
        label: str,
        address: str,
        now: datetime,
    ) -> IssuedSession:
        token = secrets.token_urlsafe(32)
        days = BROWSER_SESSION_DAYS if kind == "browser" else API_TOKEN_DAYS
        expires_at = now + timedelta(days=days)
        session_id = await store.insert_session(
            conn,
            account_id=account_id,
            token_hash=token_digest(token),
            kind=kind,
            label=label,
            address=address,
            now=now,
            expires_at=expires_at,
        )
        return IssuedSession(session_id, account_id, token, kind, expires_at)

    async def resolve(self, token: str) -> Principal | None:
        """The principal a session or API token stands for, or None if it is not valid."""
        now = self._clock.now()
        async with self._pool.acquire() as conn:
            session = await store.session_by_token(conn, token_digest(token), now)
            if session is None:
                return None
            grants = await store.load_grants(conn, session["account_id"])
            if now - session["last_seen_at"] > TOUCH_EVERY:
                await store.touch_session(conn, session["id"], now)
        return Principal(account_id=session["account_id"], grants=grants, session_id=session["id"])

    async def revoke(self, account_id: UUID, session_id: UUID, *, actor_id: UUID) -> None:
        now = self._clock.now()
        async with self._pool.acquire() as conn, conn.transaction():
            if not await store.revoke_session(conn, account_id, session_id, now):
                raise Problem("session.not_found", "no such active session")
            await store.audit(
                conn,
                account_id,
                "session.revoked",
                now,
                actor_id=actor_id,
                detail={"session": str(session_id)},
            )

    async def sessions(self, account_id: UUID) -> list[dict[str, object]]:
        async with self._pool.acquire() as conn:
            return await store.list_sessions(conn, account_id, self._clock.now())
