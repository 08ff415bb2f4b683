"""SQLAlchemy models: every table the bot, the channels and the staff web app share."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import registry, relationship
from sqlalchemy.orm.decl_api import DeclarativeMeta

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
mapper_registry = registry(metadata=MetaData(naming_convention=NAMING))


class Base(metaclass=DeclarativeMeta):
    """The declarative base of every table (SQLAlchemy 1.4's typed form of declarative_base())."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor


# Participant roles (audiences of the activity) and the practitioner who follows each up.
WORK_SEEKER = "work_seeker"
EMPLOYER = "employer"
PARTICIPANT_ROLES = (WORK_SEEKER, EMPLOYER)

CASE_MANAGER = "case_manager"
EES = "ees"
SITE_MANAGER = "site_manager"
ADMIN = "admin"
PRACTITIONER_ROLES = (CASE_MANAGER, EES, SITE_MANAGER, ADMIN)
FOLLOW_UP_ROLE = {WORK_SEEKER: CASE_MANAGER, EMPLOYER: EES}

# Activity run statuses.
RUN_ACTIVE = "active"
RUN_PAUSED = "paused"
RUN_COMPLETED = "completed"
RUN_DECLINED = "declined"
RUN_STOPPED = "stopped"
RUN_RESTARTED = "restarted"
OPEN_RUN_STATUSES = (RUN_ACTIVE, RUN_PAUSED)

# Handoff statuses.
HANDOFF_NEW = "new"
HANDOFF_IN_REVIEW = "in_review"
HANDOFF_FOLLOWED_UP = "followed_up"
HANDOFF_STATUSES = (HANDOFF_NEW, HANDOFF_IN_REVIEW, HANDOFF_FOLLOWED_UP)

# Consent kinds: taking part, sharing the summary, research use (answers, without name or contact, to evaluate) and
# matching (the shared summary, without name or contact, compared with the other side's at the site: issue 17).
CONSENT_PARTICIPATE = "participate"
CONSENT_SHARE = "share"
CONSENT_RESEARCH = "research"
CONSENT_MATCHING = "matching"


def utcnow() -> datetime:
    """Naive UTC now (stored without zone so SQLite and PostgreSQL agree)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_public_id() -> str:
    return uuid.uuid4().hex


class Site(Base):
    """A delivery site (organisation) with its own staff and clients."""

    __tablename__ = "sites"
    id = Column(Integer, primary_key=True)
    code = Column(String(64), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    notify_emails = Column(Text, nullable=True)  # comma-separated override; default: the site's practitioners
    created_at = Column(DateTime, nullable=False, default=utcnow)


class Practitioner(Base):
    """A staff account: case manager, EES, site manager or administrator."""

    __tablename__ = "practitioners"
    id = Column(Integer, primary_key=True)
    site_id = Column(Integer, ForeignKey("sites.id"), nullable=True)
    email = Column(String(254), nullable=False, unique=True)
    display_name = Column(String(200), nullable=False)
    role = Column(String(32), nullable=False)
    password_hash = Column(String(255), nullable=False)
    is_active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_login_at = Column(DateTime, nullable=True)
    last_queue_visit_at = Column(DateTime, nullable=True)  # "new since your last visit" on the queue page
    site = relationship("Site")


class Participant(Base):
    """A work seeker or employer doing the activity (may use several channels)."""

    __tablename__ = "participants"
    id = Column(Integer, primary_key=True)
    public_id = Column(String(32), nullable=False, unique=True, default=new_public_id)
    site_id = Column(Integer, ForeignKey("sites.id"), nullable=True)
    role = Column(String(32), nullable=True)
    language = Column(String(8), nullable=False, default="en")
    language_chosen_at = Column(DateTime, nullable=True)  # set when the language was chosen (invite, reply, switch)
    reminders_off_at = Column(DateTime, nullable=True)  # asked for no reminders ("no reminders" in any language)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    site = relationship("Site")
    identities = relationship(
        "ChannelIdentity", back_populates="participant", cascade="all, delete-orphan", passive_deletes=True
    )
    runs = relationship(
        "ActivityRun",
        back_populates="participant",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ActivityRun.id",
    )


class ChannelIdentity(Base):
    """How a participant is reached on one channel (REST sender id, phone number, Telegram chat)."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_channel_identities_channel_external_id"),)
    id = Column(Integer, primary_key=True)
    participant_id = Column(Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    external_id = Column(String(128), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    opted_out_at = Column(DateTime, nullable=True)
    blocked_at = Column(DateTime, nullable=True)
    participant = relationship("Participant", back_populates="identities")


class ActivityRun(Base):
    """One pass through the Magnetic Factors activity; its current step is the resume point."""

    __tablename__ = "activity_runs"
    id = Column(Integer, primary_key=True)
    public_id = Column(String(32), nullable=False, unique=True, default=new_public_id)
    participant_id = Column(Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True)
    role = Column(String(32), nullable=True)
    status = Column(String(16), nullable=False, default=RUN_ACTIVE)
    step_id = Column(String(64), nullable=False)
    return_step_id = Column(String(64), nullable=True)  # where to go after fixing one answer from the review
    channel = Column(String(32), nullable=False)
    content_version = Column(String(64), nullable=True)
    started_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    paused_at = Column(DateTime, nullable=True)
    completed_at = Column(DateTime, nullable=True)
    # A reply the bot is checking before acting on it ("Did you mean Stressor?", "Is that your answer?").
    pending_kind = Column(String(32), nullable=True)
    pending_text = Column(Text, nullable=True)
    pending_value = Column(String(64), nullable=True)
    misunderstandings = Column(Integer, nullable=False, default=0, server_default="0")  # in a row, at the current step
    # Reminders put in the outbox for this run while it was left unfinished (bot/worker/reminders.py).
    reminders_sent = Column(Integer, nullable=False, default=0, server_default="0")
    last_reminder_at = Column(DateTime, nullable=True)
    participant = relationship("Participant", back_populates="runs")
    answers = relationship(
        "Answer", back_populates="run", cascade="all, delete-orphan", passive_deletes=True, order_by="Answer.id"
    )


class Answer(Base):
    """One answer exactly as given; a changed answer supersedes the earlier row instead of overwriting it."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_run_question", "run_id", "question_id"),)
    id = Column(Integer, primary_key=True)
    run_id = Column(Integer, ForeignKey("activity_runs.id", ondelete="CASCADE"), nullable=False)
    question_id = Column(String(64), nullable=False)
    factor = Column(String(64), nullable=True)
    text = Column(Text, nullable=False)
    value = Column(String(64), nullable=True)
    skipped = Column(Boolean, nullable=False, default=False)
    channel = Column(String(32), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    superseded_at = Column(DateTime, nullable=True)
    run = relationship("ActivityRun", back_populates="answers")


class Summary(Base):
    """A Magnetic Factors Summary built from a run's current answers."""

    __tablename__ = "summaries"
    id = Column(Integer, primary_key=True)
    run_id = Column(Integer, ForeignKey("activity_runs.id", ondelete="CASCADE"), nullable=False, index=True)
    body = Column(JSON, nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    confirmed_at = Column(DateTime, nullable=True)
    # The pay, schedule and place facts read from the body's words (bot/alignment), kept so a page comparing
    # thousands of summaries need not read them again; None until read, and again after a correction.
    facts = Column(JSON, nullable=True)


class ConsentRecord(Base):
    """A participant's yes or no to taking part or to sharing their summary."""

    __tablename__ = "consent_records"
    id = Column(Integer, primary_key=True)
    participant_id = Column(Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True)
    run_id = Column(Integer, ForeignKey("activity_runs.id", ondelete="CASCADE"), nullable=True)
    kind = Column(String(32), nullable=False)  # CONSENT_PARTICIPATE, _SHARE, _RESEARCH or _MATCHING
    granted = Column(Boolean, nullable=False)
    wording = Column(Text, nullable=False)  # the exact question the participant answered
    reply_text = Column(Text, nullable=True)  # the participant's exact words that granted or refused it
    channel = Column(String(32), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class Handoff(Base):
    """A summary handed to a site's case managers or EESs for review and follow-up."""

    __tablename__ = "handoffs"
    # The queue of one site's Case Managers or EESs, newest first, a page at a time (bot/store/queue_query.py).
    __table_args__ = (Index("ix_handoffs_site_audience_created", "site_id", "audience", "created_at"),)
    id = Column(Integer, primary_key=True)
    run_id = Column(Integer, ForeignKey("activity_runs.id", ondelete="CASCADE"), nullable=False, unique=True)
    summary_id = Column(Integer, ForeignKey("summaries.id", ondelete="CASCADE"), nullable=False)
    site_id = Column(Integer, ForeignKey("sites.id"), nullable=False, index=True)
    audience = Column(String(32), nullable=False)  # case_manager or ees
    status = Column(String(16), nullable=False, default=HANDOFF_NEW)
    assigned_to_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    withdrawn_at = Column(DateTime, nullable=True)  # the participant took their share back
    follow_up_due_on = Column(Date, nullable=True)  # a day in the staff time zone (bot/store/follow_up.py)
    run = relationship("ActivityRun")
    summary = relationship("Summary")
    site = relationship("Site")
    assigned_to = relationship("Practitioner")


class PractitionerNote(Base):
    """A practitioner's private note on a handoff."""

    __tablename__ = "practitioner_notes"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class AuditEvent(Base):
    """Who did what to which record, and when: never any participant content."""

    __tablename__ = "audit_events"
    id = Column(Integer, primary_key=True)
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    action = Column(String(64), nullable=False)
    subject_type = Column(String(32), nullable=False)
    subject_id = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class LoginAttempt(Base):
    """A staff sign-in attempt, for rate limiting."""

    __tablename__ = "login_attempts"
    id = Column(Integer, primary_key=True)
    key = Column(String(128), nullable=False, index=True)
    succeeded = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class InboundMessage(Base):
    """A provider message id already processed (Twilio MessageSid, Telegram update_id): dedupe."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "message_key", name="uq_inbound_messages_channel_message_key"),)
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    message_key = Column(String(128), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class OutboundMessage(Base):
    """A message sent on a paid channel: size and cost only, never its text."""

    __tablename__ = "outbound_messages"
    id = Column(Integer, primary_key=True)
    identity_id = Column(Integer, ForeignKey("channel_identities.id", ondelete="CASCADE"), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    characters = Column(Integer, nullable=False)
    segments = Column(Integer, nullable=False)
    provider_id = Column(String(64), nullable=True)
    status = Column(String(32), nullable=False, default="sent")
    created_at = Column(DateTime, nullable=False, default=utcnow)


class ResumeCode(Base):
    """A short single-use code to continue a conversation on another device (only its hash is kept)."""

    __tablename__ = "resume_codes"
    id = Column(Integer, primary_key=True)
    participant_id = Column(Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True)
    code_hash = Column(String(128), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    used_at = Column(DateTime, nullable=True)


class InviteCode(Base):
    """A code a practitioner hands out (e.g. in a t.me start link) to link a participant to a site."""

    __tablename__ = "invite_codes"
    id = Column(Integer, primary_key=True)
    code = Column(String(64), nullable=False, unique=True)
    site_id = Column(Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False)
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    language = Column(String(8), nullable=True)  # the language of the people it invites, when the practitioner knows it
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=True)
