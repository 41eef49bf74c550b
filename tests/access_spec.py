"""Who may open which page: one entry per named URL pattern.

The access matrix (tests/test_access_matrix.py) checks every entry for every persona, and the browser
suite (tests/browser/) runs axe on every page each persona may open. The expected answers follow the
need-to-know rules of the foundation issue, not what the code happens to do:

- signed-out visitors are sent to sign-in, except on the public pages (sign-in, accessibility statement);
- the coordinator sees every notification and review (coordination purpose);
- the lead reviewer and team members see the reviews they belong to (and the notification behind them);
- an agency contributor sees only its own information requests and submissions, not the review;
- management sees aggregate figures only; the auditor searches the audit log; the method editor edits
  the method; the administrator manages organisations and users; none of them reads case data;
- the working group develops the method, but sees no case data.

Personas are the demo users of accounts/demo.py, plus "anonymous". The objects the URLs point at are
built in tests/access_world.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.access_world import (
    World,
    api_token_kwargs,
    chronology_export,
    chronology_review,
    demo_detection,
    demo_detection_run,
    demo_dispute,
    demo_duplicate,
    demo_entry_kwargs,
    demo_episode,
    detected_review,
    first_audit_event,
    inquiry_pk,
    method_draft_number,
    notification_kwargs,
    open_notification_kwargs,
    organisation_kwargs,
    person_kwargs,
    review_kwargs,
    review_with_chronology,
    submission_request_kwargs,
    submissions_of,
    workgroup_pk,
)

ANONYMOUS = "anonymous"
SIGNED_IN = (
    "koordinaator",  # review coordinator
    "analyytik",  # lead reviewer of the demo review (no system role)
    "meeskonnaliige",  # team member of the demo review (no system role)
    "asutus",  # agency contributor in the demo review (no system role)
    "tooruhm",  # working-group member
    "metoodik",  # method editor
    "audiitor",  # auditor
    "juhtkond",  # management: aggregate figures only
    "haldur",  # administrator
)
PERSONAS = (ANONYMOUS, *SIGNED_IN)

# Expected answers.
OK = "200"
SIGN_IN = "302 to sign-in"
REDIRECT = "302 elsewhere"  # e.g. the start page sending each person on to their own page
DENIED = "403 or 404"
NOT_FOUND = "404"


@dataclass(frozen=True)
class Page:
    name: str
    expect: Mapping[str, str]  # persona -> expected answer to GET (or to POST for POST-only endpoints)
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    methods: tuple[str, ...] = ("GET",)
    # Who may POST, where it differs from who may GET (e.g. read-only viewers of an edit page).
    post_expect: Mapping[str, str] | None = None
    case_data: bool = False  # shows case data: every allowed read must be audited, with the AK banner
    audited: bool = False  # not case data, but personal data whose every read is audited (e.g. users)
    query: str = ""
    demo_only: bool = False  # exists only in demo mode (never in production)
    html: bool = True  # an HTML page (axe runs on it); False for downloads and redirects
    # Settings the page is checked under (e.g. TARA configured against an address where nothing answers).
    settings: Mapping[str, Any] = field(default_factory=dict)
    # What the POST check sends (the default is an empty form).
    post_data: Callable[[World], dict[str, Any]] = lambda world: {}
    note: str = ""

    @property
    def must_audit(self) -> bool:
        return self.case_data or self.audited

    @property
    def get_expect(self) -> Mapping[str, str] | None:
        """The GET answers, or None for endpoints that take no GET (checked for 405 instead)."""
        return self.expect if "GET" in self.methods else None

    @property
    def post_answers(self) -> Mapping[str, str] | None:
        if "POST" not in self.methods:
            return None
        return self.post_expect if self.post_expect is not None else self.expect


def only(*allowed: str, others: str = DENIED, anonymous: str = SIGN_IN) -> dict[str, str]:
    """`allowed` get 200, other signed-in personas `others`, signed-out visitors `anonymous`."""
    unknown = set(allowed) - set(SIGNED_IN)
    assert not unknown, f"unknown personas: {unknown}"
    answers = {persona: (OK if persona in allowed else others) for persona in SIGNED_IN}
    answers[ANONYMOUS] = anonymous
    return answers


def everyone(answer: str) -> dict[str, str]:
    return {persona: answer for persona in PERSONAS}


def everyone_signed_in(**overrides: str) -> dict[str, str]:
    answers = only(*SIGNED_IN)
    answers.update(overrides)
    return answers


def public(**overrides: str) -> dict[str, str]:
    answers = {persona: OK for persona in PERSONAS}
    answers.update(overrides)
    return answers


# Who reads a review's pages and its notification: the coordinator, its lead reviewer and team members.
REVIEW_READERS = ("koordinaator", "analyytik", "meeskonnaliige")
# TARA configured against an address where nothing answers: its pages are reachable and refuse cleanly.
TARA_UNREACHABLE = {
    "TARA_ENABLED": True,
    "TARA_ISSUER": "http://127.0.0.1:9",
    "TARA_CLIENT_ID": "tagasivaade-test",
    "TARA_CLIENT_SECRET": "not-a-secret",
}

PAGES: list[Page] = [
    # --- core -------------------------------------------------------------------------------------------
    Page(
        "core:home",
        # Each person is sent on to the page their work starts from; those with no such page (the
        # administrator, the agency contributor) see a plain start page.
        everyone_signed_in(
            koordinaator=REDIRECT,
            analyytik=REDIRECT,
            meeskonnaliige=REDIRECT,
            tooruhm=REDIRECT,
            metoodik=REDIRECT,
            audiitor=REDIRECT,
            juhtkond=REDIRECT,
        ),
    ),
    Page("core:accessibility", public()),
    # Django's language switch: POST only, for everyone; not part of the GET checks.
    Page("set_language", public(), methods=("POST",), html=False),
    # --- accounts: signing in and out -------------------------------------------------------------------
    Page("accounts:login", public(), methods=("GET", "POST")),
    # Signing out ends at the sign-in page, for everyone.
    Page("accounts:logout", everyone(SIGN_IN), methods=("POST",), html=False),
    # Demo sign-in: a button per demo user on the sign-in page posts here; demo mode only.
    Page(
        "accounts:demo_login",
        public(),
        methods=("POST",),
        demo_only=True,
        html=False,
        post_data=lambda world: {"username": "koordinaator"},
    ),
    Page("accounts:refused", public()),
    Page("accounts:tara_login", everyone(REDIRECT), settings=TARA_UNREACHABLE, html=False),
    Page("accounts:tara_callback", everyone(REDIRECT), settings=TARA_UNREACHABLE, html=False),
    # --- accounts: administration (organisations are no personal data; people are) ------------------------
    Page("accounts:organisation_list", only("haldur", "koordinaator")),
    Page("accounts:organisation_create", only("haldur", "koordinaator"), methods=("GET", "POST")),
    Page(
        "accounts:organisation_edit",
        only("haldur", "koordinaator"),
        methods=("GET", "POST"),
        kwargs=organisation_kwargs,
    ),
    Page("accounts:user_list", only("haldur"), audited=True),
    Page("accounts:user_create", only("haldur"), methods=("GET", "POST")),
    Page("accounts:user_edit", only("haldur"), methods=("GET", "POST"), kwargs=person_kwargs, audited=True),
    # --- audit: the auditor only; reading the log is itself audited -----------------------------------
    Page("audit:search", only("audiitor"), case_data=True),
    Page("audit:event", only("audiitor"), case_data=True, kwargs=lambda world: {"sequence": first_audit_event()}),
    Page("audit:export", only("audiitor"), case_data=True, html=False),
    # --- method: the method editor edits; the coordinator and the working group read; no case data --------
    Page("method:list", only("metoodik", "koordinaator", "tooruhm")),
    Page("method:detail", only("metoodik", "koordinaator", "tooruhm"), kwargs=lambda world: {"number": 1}),
    Page(
        "method:diff",
        only("metoodik", "koordinaator", "tooruhm"),
        kwargs=lambda world: {"number": method_draft_number(world)},
    ),
    Page(
        "method:edit_section",
        only("metoodik"),
        kwargs=lambda world: {"number": method_draft_number(world), "section": "outcomes"},
        methods=("GET", "POST"),
    ),
    # Correcting the wording of a published version in place (audited, listed on the version's page).
    Page(
        "method:correct_section",
        only("metoodik"),
        kwargs=lambda world: {"number": 1, "section": "outcomes"},
        methods=("GET", "POST"),
    ),
    Page("method:draft_create", only("metoodik"), methods=("POST",), html=False),
    Page(
        "method:publish",
        only("metoodik"),
        kwargs=lambda world: {"number": method_draft_number(world)},
        methods=("POST",),
        html=False,
    ),
    Page(
        "method:discard",
        only("metoodik"),
        kwargs=lambda world: {"number": method_draft_number(world)},
        methods=("POST",),
        html=False,
    ),
    # --- notifications: the coordinator; a review's readers see the notification behind it --------------
    # The list: people with no access to any notification are refused rather than shown an empty list.
    Page("notifications:list", only(*REVIEW_READERS), case_data=True),
    Page("notifications:create", only("koordinaator"), methods=("GET", "POST")),
    Page("notifications:detail", only(*REVIEW_READERS), kwargs=notification_kwargs, case_data=True),
    Page(
        "notifications:edit",
        only("koordinaator"),
        kwargs=notification_kwargs,
        methods=("GET", "POST"),
        case_data=True,
    ),
    # The child's identity (personal code): the coordinator only.
    Page(
        "notifications:confidential",
        only("koordinaator"),
        kwargs=notification_kwargs,
        methods=("GET", "POST"),
        case_data=True,
    ),
    Page(
        "notifications:screening",
        only("koordinaator"),
        kwargs=open_notification_kwargs,
        methods=("GET", "POST"),
        case_data=True,
    ),
    # --- reviews ------------------------------------------------------------------------------------------
    Page("reviews:start", only("koordinaator"), case_data=True),
    # Everyone's "my reviews" page (in everyone's menu): each sees only the reviews they may read.
    Page("reviews:list", everyone_signed_in(), case_data=True),
    Page("reviews:detail", only(*REVIEW_READERS), kwargs=review_kwargs, case_data=True),
    Page("reviews:team", only("koordinaator"), kwargs=review_kwargs, methods=("GET", "POST"), case_data=True),
    # Milestones are kept by the coordinator and the review's lead reviewer; the team member may read only.
    Page(
        "reviews:milestone_update",
        only("koordinaator", "analyytik"),
        kwargs=lambda world: {"pk": world.review.pk, "milestone_pk": world.review.milestones.first().pk},
        methods=("POST",),
        html=False,
    ),
    # Aggregate figures only: management and the coordinator.
    Page("reviews:figures", only("juhtkond", "koordinaator")),
    # --- information gathering (stages 4–5): the coordinator sets up and sends; the lead reviewer also
    # keeps the terms of reference; the team reads; an agency contributor sees only its own request.
    Page(
        "inquiries:terms",
        only(*REVIEW_READERS),
        kwargs=review_kwargs,
        methods=("GET", "POST"),
        post_expect=only("koordinaator", "analyytik"),
        case_data=True,
    ),
    Page("inquiries:involvement_list", only(*REVIEW_READERS), kwargs=review_kwargs, case_data=True),
    Page(
        "inquiries:involvement_create",
        only("koordinaator"),
        kwargs=review_kwargs,
        methods=("GET", "POST"),
        case_data=True,
    ),
    Page(
        "inquiries:involvement_edit",
        only("koordinaator"),
        kwargs=inquiry_pk("involvement"),
        methods=("GET", "POST"),
        case_data=True,
    ),
    Page(
        "inquiries:request_create",
        only("koordinaator"),
        kwargs=inquiry_pk("involvement"),
        methods=("POST",),
        html=False,
    ),
    Page("inquiries:request_grid", only(*REVIEW_READERS), kwargs=review_kwargs, case_data=True),
    # The agency contributor reads the request it answers, and nothing else of the review.
    Page(
        "inquiries:request_detail",
        only(*REVIEW_READERS, "asutus"),
        kwargs=inquiry_pk("sent_request"),
        case_data=True,
    ),
    Page(
        "inquiries:request_edit",
        only("koordinaator"),
        kwargs=inquiry_pk("draft_request"),
        methods=("GET", "POST"),
        case_data=True,
    ),
    Page(
        "inquiries:request_send",
        only("koordinaator"),
        kwargs=inquiry_pk("draft_request"),
        methods=("POST",),
        html=False,
    ),
    Page(
        "inquiries:contributor_add",
        only("koordinaator"),
        kwargs=inquiry_pk("sent_request"),
        methods=("GET", "POST"),
        case_data=True,
    ),
    # --- API tokens of an information request (api/views.py): the coordinator only; the review's readers and
    # the request's own contributor get 403, everyone else 404. The JSON API itself (/api/v1/) answers bearer
    # tokens, not sessions: its endpoints are listed in tests/test_access_matrix.py's API_ENDPOINTS and their
    # access is tested in tests/api/. Its OpenAPI document is public (no case data).
    Page("api_tokens:list", only("koordinaator"), kwargs=inquiry_pk("sent_request"), case_data=True),
    Page(
        "api_tokens:create",
        only("koordinaator"),
        kwargs=inquiry_pk("sent_request"),
        methods=("GET", "POST"),
        case_data=True,
    ),
    Page("api_tokens:revoke", only("koordinaator"), kwargs=api_token_kwargs, methods=("POST",), html=False),
    Page("api:openapi-json", public(), html=False),
    # --- timeline and exports of the integrated chronology (chronology/export_views.py): the review's
    # readers; the agency contributor and everyone else get 404, as for every review page.
    Page(
        "chronology:timeline",
        only(*REVIEW_READERS, others=NOT_FOUND),
        kwargs=chronology_review,
        case_data=True,
    ),
    Page("chronology:exports", only(*REVIEW_READERS, others=NOT_FOUND), kwargs=chronology_review, case_data=True),
    Page(
        "chronology:export_xlsx",
        only(*REVIEW_READERS, others=NOT_FOUND),
        kwargs=chronology_review,
        case_data=True,
        html=False,
    ),
    Page(
        "chronology:export_pdf",
        only(*REVIEW_READERS, others=NOT_FOUND),
        kwargs=chronology_review,
        methods=("POST",),
        html=False,
    ),
    Page("chronology:export", only(*REVIEW_READERS, others=NOT_FOUND), kwargs=chronology_export, case_data=True),
    Page(
        "chronology:export_download",
        only(*REVIEW_READERS, others=NOT_FOUND),
        kwargs=chronology_export,
        case_data=True,
        html=False,
    ),
    # --- the integrated chronology (stage 6): the review's readers read and correct it; an agency contributor
    # and everyone else get 404.
    Page(
        "chronology:integrated", only(*REVIEW_READERS, others=NOT_FOUND), kwargs=review_with_chronology, case_data=True
    ),
    Page("chronology:entry", only(*REVIEW_READERS, others=NOT_FOUND), kwargs=demo_entry_kwargs, case_data=True),
    Page(
        "chronology:entry_edit",
        only(*REVIEW_READERS, others=NOT_FOUND),
        kwargs=demo_entry_kwargs,
        methods=("GET", "POST"),
        case_data=True,
    ),
    Page(
        "chronology:duplicates", only(*REVIEW_READERS, others=NOT_FOUND), kwargs=review_with_chronology, case_data=True
    ),
    Page(
        "chronology:duplicate_decide",
        only(*REVIEW_READERS, others=NOT_FOUND),
        kwargs=lambda world: {"pk": demo_duplicate(world).pk},
        methods=("POST",),
        html=False,
    ),
    Page("chronology:disputes", only(*REVIEW_READERS, others=NOT_FOUND), kwargs=review_with_chronology, case_data=True),
    Page(
        "chronology:dispute_create",
        only(*REVIEW_READERS, others=NOT_FOUND),
        kwargs=review_with_chronology,
        methods=("GET", "POST"),
        case_data=True,
    ),
    Page(
        "chronology:dispute_resolve",
        only(*REVIEW_READERS, others=NOT_FOUND),
        kwargs=lambda world: {"pk": demo_dispute(world).pk},
        methods=("POST",),
        html=False,
    ),
    # --- the working group: the coordinator manages it; members see its meetings, agendas, materials and
    # their own letters; the method editor reads the feedback from pilots. Pages naming people are audited.
    Page("workgroup:home", only("koordinaator", "tooruhm"), audited=True),
    Page("workgroup:seats", only("koordinaator"), audited=True),
    Page("workgroup:seat_create", only("koordinaator"), methods=("GET", "POST")),
    Page("workgroup:seat_detail", only("koordinaator"), kwargs=workgroup_pk("seat"), audited=True),
    Page("workgroup:seat_edit", only("koordinaator"), kwargs=workgroup_pk("seat"), methods=("GET", "POST")),
    Page("workgroup:member_create", only("koordinaator"), methods=("GET", "POST")),
    Page(
        "workgroup:member_edit",
        only("koordinaator"),
        kwargs=workgroup_pk("member"),
        methods=("GET", "POST"),
        audited=True,
    ),
    Page(
        "workgroup:member_end",
        only("koordinaator"),
        kwargs=workgroup_pk("member"),
        methods=("GET", "POST"),
        audited=True,
    ),
    Page("workgroup:invitations", only("koordinaator"), audited=True),
    Page("workgroup:invitation_create", only("koordinaator"), methods=("GET", "POST")),
    # The letter that made the demo working-group member a member: theirs to read.
    Page(
        "workgroup:invitation_detail",
        only("koordinaator", "tooruhm"),
        kwargs=workgroup_pk("accepted_invitation"),
        audited=True,
    ),
    Page(
        "workgroup:invitation_reply",
        only("koordinaator"),
        kwargs=workgroup_pk("invitation"),
        methods=("GET", "POST"),
        audited=True,
    ),
    Page("workgroup:meetings", only("koordinaator", "tooruhm"), audited=True),
    Page("workgroup:schedule", only("koordinaator"), methods=("GET", "POST")),
    Page("workgroup:meeting_create", only("koordinaator"), methods=("GET", "POST")),
    Page("workgroup:meeting_detail", only("koordinaator", "tooruhm"), kwargs=workgroup_pk("meeting"), audited=True),
    Page("workgroup:meeting_edit", only("koordinaator"), kwargs=workgroup_pk("meeting"), methods=("GET", "POST")),
    Page("workgroup:meeting_cancel", only("koordinaator"), kwargs=workgroup_pk("meeting"), methods=("GET", "POST")),
    Page(
        "workgroup:meeting_invite",
        only("koordinaator"),
        kwargs=workgroup_pk("meeting"),
        methods=("POST",),
        html=False,
    ),
    Page(
        "workgroup:meeting_calendar",
        only("koordinaator", "tooruhm"),
        kwargs=workgroup_pk("meeting"),
        audited=True,
        html=False,
    ),
    Page(
        "workgroup:agenda_item_create",
        only("koordinaator"),
        kwargs=workgroup_pk("meeting"),
        methods=("GET", "POST"),
    ),
    Page(
        "workgroup:material_upload",
        only("koordinaator"),
        kwargs=workgroup_pk("meeting"),
        methods=("GET", "POST"),
    ),
    Page(
        "workgroup:attendance",
        only("koordinaator"),
        kwargs=workgroup_pk("meeting"),
        methods=("GET", "POST"),
        audited=True,
    ),
    Page(
        "workgroup:minutes",
        only("koordinaator"),
        kwargs=workgroup_pk("meeting"),
        methods=("GET", "POST"),
        audited=True,
    ),
    Page(
        "workgroup:decision_add",
        only("koordinaator"),
        kwargs=workgroup_pk("meeting"),
        methods=("POST",),
        html=False,
    ),
    Page(
        "workgroup:action_add",
        only("koordinaator"),
        kwargs=workgroup_pk("meeting"),
        methods=("POST",),
        html=False,
    ),
    Page(
        "workgroup:agenda_item_edit",
        only("koordinaator"),
        kwargs=workgroup_pk("agenda_item"),
        methods=("GET", "POST"),
    ),
    Page(
        "workgroup:agenda_item_delete",
        only("koordinaator"),
        kwargs=workgroup_pk("agenda_item"),
        methods=("POST",),
        html=False,
    ),
    Page(
        "workgroup:material_download",
        only("koordinaator", "tooruhm"),
        kwargs=workgroup_pk("material"),
        audited=True,
        html=False,
    ),
    Page(
        "workgroup:material_delete",
        only("koordinaator"),
        kwargs=workgroup_pk("material"),
        methods=("POST",),
        html=False,
    ),
    Page(
        "workgroup:action_done",
        only("koordinaator"),
        kwargs=workgroup_pk("action_item"),
        methods=("POST",),
        html=False,
    ),
    Page("workgroup:pilots", only("koordinaator", "tooruhm", "metoodik"), audited=True),
    Page("workgroup:pilot_create", only("koordinaator"), methods=("GET", "POST")),
    # Members record feedback on the pilot; the method editor reads it.
    Page(
        "workgroup:pilot_detail",
        only("koordinaator", "tooruhm", "metoodik"),
        kwargs=workgroup_pk("pilot"),
        methods=("GET", "POST"),
        post_expect=only("koordinaator", "tooruhm"),
        audited=True,
    ),
    Page("workgroup:feedback", only("metoodik", "koordinaator"), audited=True),
    Page(
        "workgroup:feedback_resolve",
        only("metoodik", "koordinaator"),
        kwargs=workgroup_pk("feedback"),
        methods=("GET", "POST"),
        audited=True,
    ),
]

# --- pattern detections and key practice episodes (detections and analysis apps): the review's readers
# read, decide, run detection and keep episodes; the agency contributor and everyone else get 404.


REVIEW_READERS_ONLY = only(*REVIEW_READERS, others=NOT_FOUND)
PAGES += [
    Page("detections:list", REVIEW_READERS_ONLY, kwargs=detected_review, case_data=True),
    Page("detections:run", REVIEW_READERS_ONLY, kwargs=detected_review, methods=("POST",), html=False),
    # A fragment polled while a run goes on: counts only, no case data (not audited), no page of its own.
    Page("detections:run_status", REVIEW_READERS_ONLY, kwargs=demo_detection_run, html=False),
    Page(
        "detections:detail",
        REVIEW_READERS_ONLY,
        kwargs=lambda world: {"pk": demo_detection(world).pk},
        case_data=True,
    ),
    Page(
        "detections:decide",
        REVIEW_READERS_ONLY,
        kwargs=lambda world: {"pk": demo_detection(world).pk},
        methods=("POST",),
        html=False,
    ),
    Page(
        "detections:link_episode",
        REVIEW_READERS_ONLY,
        kwargs=lambda world: {"pk": demo_detection(world).pk},
        methods=("POST",),
        html=False,
    ),
    Page("analysis:episodes", REVIEW_READERS_ONLY, kwargs=review_kwargs, case_data=True),
    Page(
        "analysis:episode_create",
        REVIEW_READERS_ONLY,
        kwargs=review_kwargs,
        methods=("GET", "POST"),
        case_data=True,
    ),
    Page(
        "analysis:episode",
        REVIEW_READERS_ONLY,
        kwargs=lambda world: {"pk": demo_episode(world).pk},
        case_data=True,
    ),
    Page(
        "analysis:episode_edit",
        REVIEW_READERS_ONLY,
        kwargs=lambda world: {"pk": demo_episode(world).pk},
        methods=("GET", "POST"),
        case_data=True,
    ),
]

# --- an agency's submission (submissions/): the contributor of the request reads and submits, the
# coordinator too (on the agency's behalf); the review's readers read its submissions and report;
# everyone else gets 404. An upload preview is its uploader's only.


CONTRIBUTOR_READERS = only(*REVIEW_READERS, "asutus", others=NOT_FOUND)
SUBMITTERS = only("koordinaator", "asutus")

PAGES += [
    Page("submissions:request", CONTRIBUTOR_READERS, kwargs=submission_request_kwargs, case_data=True),
    Page("submissions:upload", SUBMITTERS, kwargs=submission_request_kwargs, methods=("GET", "POST"), case_data=True),
    Page(
        "submissions:preview",
        only("asutus"),
        kwargs=lambda world: {"key": submissions_of(world)["preview"].key},
        methods=("GET", "POST"),
        case_data=True,
    ),
    Page("submissions:entries", SUBMITTERS, kwargs=submission_request_kwargs, case_data=True),
    Page(
        "submissions:entry_add", SUBMITTERS, kwargs=submission_request_kwargs, methods=("GET", "POST"), case_data=True
    ),
    Page("submissions:entries_submit", SUBMITTERS, kwargs=submission_request_kwargs, methods=("POST",), html=False),
    Page("submissions:entries_start", SUBMITTERS, kwargs=submission_request_kwargs, methods=("POST",), html=False),
    Page(
        "submissions:entry_edit",
        SUBMITTERS,
        kwargs=lambda world: {"pk": submissions_of(world)["draft"].pk},
        methods=("GET", "POST"),
        case_data=True,
    ),
    Page(
        "submissions:entry_delete",
        SUBMITTERS,
        kwargs=lambda world: {"pk": submissions_of(world)["draft"].pk},
        methods=("POST",),
        html=False,
    ),
    Page(
        "submissions:report",
        CONTRIBUTOR_READERS,
        kwargs=submission_request_kwargs,
        methods=("GET", "POST"),
        post_expect=SUBMITTERS,
        case_data=True,
    ),
    Page(
        "submissions:detail",
        CONTRIBUTOR_READERS,
        kwargs=lambda world: {"pk": submissions_of(world)["submission"].pk},
        case_data=True,
    ),
    Page(
        "submissions:download",
        CONTRIBUTOR_READERS,
        kwargs=lambda world: {"pk": submissions_of(world)["submission"].pk},
        case_data=True,
        html=False,
    ),
]

SPEC: dict[str, Page] = {page.name: page for page in PAGES}
assert len(SPEC) == len(PAGES), "a URL name appears twice in the access spec"


def url_names(patterns: Iterable[Any] | None = None, namespace: str = "") -> list[str]:
    """Every URL pattern's full name ("reviews:detail"), walking the resolver; unnamed ones as "<route>"."""
    from django.urls import URLPattern, URLResolver, get_resolver

    if patterns is None:
        patterns = get_resolver().url_patterns
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(url_names(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {pattern.pattern}>")
    return names


def demo_sign_in_paths() -> list[str]:
    """The paths of the pages that exist only in demo mode (resolved with demo mode on)."""
    from django.urls import reverse

    return [reverse(page.name) for page in PAGES if page.demo_only]
