"""`python -m bot staff add|set-password|deactivate|end-sessions|unlock|list|invite`: practitioner accounts and site invite codes."""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.content.loader import available_languages
from bot.staff import ratelimit, sessions
from bot.staff.passwords import hash_password, password_problem
from bot.store import staff_repository as staff_repo
from bot.store.db import session_scope
from bot.store.models import ADMIN, PRACTITIONER_ROLES, Practitioner, utcnow
from bot.store.staff_models import ENDED_BY_ADMIN, ENDED_DEACTIVATED, ENDED_PASSWORD_CHANGED


def _read_password(from_stdin: bool) -> str | None:
    """The new password from one line of standard input, or asked twice on the terminal; None (with a message) if unusable."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            print("The passwords do not match.", file=sys.stderr)
            return None
    problem = password_problem(password)
    if problem:
        print(f"Password not accepted: {problem}", file=sys.stderr)
        return None
    return password


def _add(args: argparse.Namespace) -> int:
    if args.role != ADMIN and not args.site:
        print("--site is required for every role except admin.", file=sys.stderr)
        return 2
    with session_scope() as session:
        site = staff_repo.find_site(session=session, code=args.site) if args.site else None
        if args.site and site is None:
            print(
                f"No site with code {args.site!r}. Add it first: python -m bot site add --code {args.site} --name ...",
                file=sys.stderr,
            )
            return 1
        if staff_repo.find_practitioner_by_email(session=session, email=args.email) is not None:
            print(
                f"An account for {args.email} already exists (use `staff set-password` to change its password).",
                file=sys.stderr,
            )
            return 1
    password = _read_password(args.password_stdin)
    if password is None:
        return 1
    with session_scope() as session:
        site = staff_repo.find_site(session=session, code=args.site) if args.site else None
        account = staff_repo.create_practitioner(
            session=session,
            email=args.email,
            display_name=args.name,
            role=args.role,
            password_hash=hash_password(password),
            site=site,
        )
        print(f"Added {account.role} {account.email} (id {account.id}){f' at site {site.code}' if site else ''}.")
    return 0


def _set_password(args: argparse.Namespace) -> int:
    with session_scope() as session:
        if staff_repo.find_practitioner_by_email(session=session, email=args.email) is None:
            print(f"No account for {args.email}.", file=sys.stderr)
            return 1
    password = _read_password(args.password_stdin)
    if password is None:
        return 1
    with session_scope() as session:
        account = staff_repo.find_practitioner_by_email(session=session, email=args.email)
        if account is None:  # removed while the password was typed
            print(f"No account for {args.email}.", file=sys.stderr)
            return 1
        staff_repo.set_password_hash(session=session, practitioner=account, password_hash=hash_password(password))
        staff_repo.audit(
            session=session,
            practitioner=None,
            action="password_changed",
            subject_type="practitioner",
            subject_id=str(account.id),
        )
        _end_sessions(session, account, ENDED_PASSWORD_CHANGED)
        _unlock_account(session, account)
    print(f"Password changed for {args.email}; its open sessions are signed out.")
    return 0


def _end_sessions(session: Session, account: Practitioner, reason: str) -> int:
    """End every session of ``account`` now, audited (by the command line: no acting account)."""
    ended = sessions.end_all(db=session, practitioner=account, reason=reason)
    staff_repo.audit(
        session=session,
        practitioner=None,
        action="sessions_ended",
        subject_type="practitioner",
        subject_id=str(account.id),
    )
    return ended


def _unlock_account(session: Session, account: Practitioner) -> int:
    """Lift the sign-in throttle of ``account`` from every address, audited."""
    forgotten = ratelimit.clear_account(session=session, email=account.email)
    staff_repo.audit(
        session=session,
        practitioner=None,
        action="sign_in_unlocked",
        subject_type="practitioner",
        subject_id=str(account.id),
    )
    return forgotten


def _end_sessions_command(args: argparse.Namespace) -> int:
    with session_scope() as session:
        account = staff_repo.find_practitioner_by_email(session=session, email=args.email)
        if account is None:
            print(f"No account for {args.email}.", file=sys.stderr)
            return 1
        ended = _end_sessions(session, account, ENDED_BY_ADMIN)
    print(f"Ended {ended} open session{'' if ended == 1 else 's'} of {args.email}.")
    return 0


def _unlock(args: argparse.Namespace) -> int:
    if not args.email and not args.address:
        print("Give --email, --address or both.", file=sys.stderr)
        return 2
    with session_scope() as session:
        if args.email:
            account = staff_repo.find_practitioner_by_email(session=session, email=args.email)
            if account is None:
                print(f"No account for {args.email}.", file=sys.stderr)
                return 1
            _unlock_account(session, account)
            print(f"Sign-in is no longer slowed down for {args.email}, from any address.")
        if args.address:
            ratelimit.clear_address(session=session, address=args.address)
            staff_repo.audit(
                session=session,
                practitioner=None,
                action="sign_in_unlocked",
                subject_type="address",
                subject_id=ratelimit.address_digest(args.address),
            )
            print(f"Sign-in is no longer slowed down from {args.address}.")
    return 0


def _set_active(args: argparse.Namespace, active: bool) -> int:
    with session_scope() as session:
        account = staff_repo.find_practitioner_by_email(session=session, email=args.email)
        if account is None:
            print(f"No account for {args.email}.", file=sys.stderr)
            return 1
        staff_repo.set_active(session=session, practitioner=account, active=active)
        if not active:
            _end_sessions(session, account, ENDED_DEACTIVATED)
    print(f"{args.email} is now {'active' if active else 'deactivated'}.")
    return 0


def _list(_args: argparse.Namespace) -> int:
    with session_scope() as session:
        for account in staff_repo.list_practitioners(session=session):
            site = account.site.code if account.site else "-"
            state = "active" if account.is_active else "inactive"
            print(f"{account.email}\t{account.role}\t{site}\t{state}\t{account.display_name}")
    return 0


def _invite(args: argparse.Namespace) -> int:
    with session_scope() as session:
        site = staff_repo.find_site(session=session, code=args.site)
        if site is None:
            print(f"No site with code {args.site!r}.", file=sys.stderr)
            return 1
        practitioner = staff_repo.find_practitioner_by_email(session=session, email=args.email) if args.email else None
        if args.email and practitioner is None:
            print(f"No account for {args.email}.", file=sys.stderr)
            return 1
        code = secrets.token_urlsafe(9)  # letters, digits, - and _: valid in a Telegram start link
        expires = utcnow() + timedelta(days=args.days) if args.days else None
        staff_repo.create_invite(
            session=session, code=code, site=site, practitioner=practitioner, expires_at=expires, language=args.language
        )
    print(code)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = subparsers.add_parser("staff", help="practitioner accounts and invite codes")
    sub = staff.add_subparsers(dest="staff_command", required=True)

    add = sub.add_parser("add", help="create a practitioner account (password asked, or one line on stdin)")
    add.add_argument("--email", required=True)
    add.add_argument("--name", required=True, help="display name")
    add.add_argument("--role", required=True, choices=PRACTITIONER_ROLES)
    add.add_argument("--site", help="site code (required except for admin)")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of standard input"
    )
    add.set_defaults(func=_add)

    reset = sub.add_parser("set-password", help="change an account's password (ends its sessions)")
    reset.add_argument("--email", required=True)
    reset.add_argument("--password-stdin", action="store_true")
    reset.set_defaults(func=_set_password)

    off = sub.add_parser("deactivate", help="stop an account from signing in (ends its sessions)")
    off.add_argument("--email", required=True)
    off.set_defaults(func=lambda a: _set_active(a, False))
    on = sub.add_parser("activate", help="let a deactivated account sign in again")
    on.add_argument("--email", required=True)
    on.set_defaults(func=lambda a: _set_active(a, True))

    end = sub.add_parser("end-sessions", help="sign an account out everywhere now (its open sessions end)")
    end.add_argument("--email", required=True)
    end.set_defaults(func=_end_sessions_command)
    unlock = sub.add_parser(
        "unlock", help="stop slowing down sign-in after wrong passwords (for an account, an address or both)"
    )
    unlock.add_argument("--email", help="the account: its throttle from every address is lifted")
    unlock.add_argument(
        "--address", help="a client address: its throttle, and that of every account tried from it, is lifted"
    )
    unlock.set_defaults(func=_unlock)

    sub.add_parser("list", help="list accounts").set_defaults(func=_list)

    invite = sub.add_parser("invite", help="print a new invite code linking participants to a site")
    invite.add_argument("--site", required=True)
    invite.add_argument("--email", help="the practitioner handing it out")
    invite.add_argument("--days", type=int, default=30, help="valid for this many days (0: no expiry)")
    invite.add_argument(
        "--language", choices=available_languages(), help="start the people it invites in this language"
    )
    invite.set_defaults(func=_invite)
