"""Fictional chronologies at scale, for benchmarks and load tests: the information gathering of
stages 5-6 for synthetic reviews (`reviews.synthetic`).

`seed_chronologies()` gives reviews organisations involved (fictional synthetic organisations,
registry codes "SYN-ORG-..."), one sent information request each, and each organisation's chronology
submitted through `chronology.store.apply_submission` — the one way entries are stored, so that the
history, duplicate suggestions and audit events are those of a real submission. Measured on SQLite:
about 0.8 ms per entry (5,000 entries from 20 organisations in 4 s) plus about 5 ms per submission,
so 2,000 reviews of 20 organisations take minutes; bulk rows written here instead would have to
repeat the history, the duplicate suggestions and the audit event, and drift from what a real
submission stores.

`synthetic_entries()` and the event-type weights by sector (`EVENTS_BY_SECTOR`) need no database;
the in-memory benchmarks (bench/bench_patterns.py) draw their event types from the same weights.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from accounts.models import Organisation

if TYPE_CHECKING:
    from reviews.models import Review

ORGANISATION_PREFIX = "SYN-ORG-"
DEFAULT_ORGANISATIONS_PER_REVIEW = 20
# The sectors the usual reviews involve come first, so that even a few organisations look like a case.
USUAL_SECTORS = ("child_protection", "health.primary_care", "education", "police", "health.hospital")
# The organisation's code in the chronology starts with its sector's word (as agencies write them).
CODE_WORDS = {
    "child_protection": "KOV",
    "health": "TERVIS",
    "health.primary_care": "PEREARST",
    "health.specialist_care": "ERIARST",
    "health.psychiatry": "PSYH",
    "health.hospital": "HAIGLA",
    "health.school_health": "KOOLIODE",
    "education": "KOOL",
    "police": "POLITSEI",
    "prosecution": "PROKURATUUR",
    "ska_services": "SKA",
    "ngo": "MTU",
    "other": "MUU",
}
PRACTITIONER_ROLES = {
    "child_protection": ("lastekaitsetöötaja", "sotsiaaltöötaja", "juhtumikorraldaja"),
    "health": ("perearst", "pereõde", "arst-resident", "lastearst", "psühhiaater", "kooliõde"),
    "education": ("klassijuhataja", "sotsiaalpedagoog", "koolipsühholoog", "õppealajuhataja"),
    "police": ("piirkonnapolitseinik", "patrullpolitseinik", "noorsoopolitseinik"),
    "prosecution": ("prokurör",),
    "ska_services": ("ohvriabitöötaja", "lastemaja spetsialist"),
    "ngo": ("tugiisik", "pereterapeut"),
    "other": ("noorsootöötaja",),
}
# Relative frequencies of event types by sector group (fictional, shaped like agency chronologies).
# A code of the method not named here gets weight 1 everywhere; a code named but not in the method is
# skipped, so a later method version's vocabulary still works.
COMMON_EVENTS = {
    "contact": 10,
    "referral": 2,
    "information_shared": 3,
    "concern_recorded": 4,
    "network_meeting": 2,
    "other": 1,
}
EVENTS_BY_SECTOR = {
    "child_protection": {
        **COMMON_EVENTS,
        "home_visit": 10,
        "assessment": 4,
        "case_opened": 2,
        "case_closed": 2,
        "response": 5,
        "network_meeting": 5,
        "notification": 1,
    },
    "health": {
        **COMMON_EVENTS,
        "appointment_attended": 14,
        "appointment_missed": 5,
        "appointment_cancelled": 2,
        "hospital_admission": 1,
        "emergency_visit": 1,
        "notification": 2,
        "response": 1,
    },
    "education": {**COMMON_EVENTS, "school_absence": 10, "notification": 1, "response": 1},
    "police": {**COMMON_EVENTS, "police_call": 8, "notification": 3},
    "prosecution": {**COMMON_EVENTS, "court": 3},
    "ska_services": {**COMMON_EVENTS, "assessment": 2, "response": 2},
    "ngo": {**COMMON_EVENTS, "home_visit": 3},
    "other": COMMON_EVENTS,
}
SEEN_EVENTS = frozenset(
    {"contact", "home_visit", "appointment_attended", "assessment", "emergency_visit", "hospital_admission"}
)
# Words for descriptions: varied enough that the duplicate suggestions stay a realistic few.
SUBJECTS = (
    "Ema",
    "Isa",
    "Vanaema",
    "Kasuisa",
    "Laps",
    "Klassijuhataja",
    "Naaber",
    "Perearst",
    "Lastekaitsetöötaja",
    "Õde",
    "Treener",
    "Tugiisik",
)
VERBS = (
    "teatas",
    "kirjeldas",
    "helistas ja rääkis",
    "kirjutas e-kirjas",
    "mainis vestluses",
    "kinnitas",
    "ei osanud selgitada",
    "palus abi seoses",
    "lubas tegeleda",
    "ei tulnud kokkulepitud ajal",
)
TOPICS = (
    "lapse ravimite võtmisest",
    "koolist puudumisest",
    "kodusest olukorrast",
    "toidu puudumisest kodus",
    "lapse unehäiretest",
    "vanemate tülidest",
    "korteri kütmata olekust",
    "lapse meeleolu muutusest",
    "järelkontrolli vajadusest",
    "vigastusest käel",
    "võlgadest ja toimetulekust",
    "trennist loobumisest",
    "hambaravi edasilükkamisest",
    "lapse kaalulangusest",
    "õdede-vendade hooldamisest",
    "alkoholi tarvitamisest kodus",
)
PLACES = (
    "Kodukülastusel",
    "Vastuvõtul",
    "Telefonikõnes",
    "Koolis vahetunnis",
    "E-kirja teel",
    "Ümarlaual",
    "Ooteruumis",
    "Õhtusel väljakutsel",
    "Lasteaia õuel",
    "Perekeskuses",
    "Videokõnes",
    "Tunnistuse kättesaamisel",
)
DETAILS = (
    "Korter oli korras.",
    "Lapsel puudusid talveriided.",
    "Vanem tundus väsinud.",
    "Riided olid määrdunud.",
    "Õpetaja märkas muutust käitumises.",
    "Ravimid olid võtmata kolm päeva.",
    "Külmkapp oli tühi.",
    "Nuttis ega tahtnud koju minna.",
    "Eelmise arsti saatekiri oli kaasas.",
    "Isa viibis välismaal tööl.",
    "Vanemad ei vastanud telefonile.",
    "Rääkis kiusamisest.",
    "Hambad vajasid ravi.",
    "Kehakaal oli langenud.",
    "Vend hoolitses õe eest.",
    "Uksel oli uus lukk.",
    "Tubakalõhn oli tugev.",
    "Koolikott oli kadunud.",
    "Prillid olid katki.",
    "Koer oli hoovis kinni.",
)
FOLLOW_UPS = (
    "Kokku lepiti uus kohtumine.",
    "Edasised sammud jäid kokku leppimata.",
    "Info edastati kolleegile.",
    "Laps ise ei olnud kohal.",
    "Lapsega räägiti eraldi.",
    "Vanem keeldus koostööst.",
    "Soovitati pöörduda perearsti poole.",
    "Juhtumit arutati meeskonnas.",
    "",
)


@dataclass
class SeededChronologies:
    reviews: int = 0
    organisations: int = 0
    requests: int = 0
    entries: int = 0
    seconds: float = 0.0


def _leaf_sectors(content: Any) -> list[str]:
    codes = content.sector_codes()
    leaves = [code for code in codes if not any(other.startswith(code + ".") for other in codes)]
    usual = [code for code in USUAL_SECTORS if code in leaves]
    return usual + [code for code in leaves if code not in usual]


def synthetic_organisations(count: int, content: Any) -> list[Organisation]:
    """At least `count` fictional organisations (registry codes SYN-ORG-001, ...), made when missing and
    reused by every synthetic review; sectors from the method's sector list, the usual ones first."""
    existing = list(
        Organisation.objects.filter(registry_code__startswith=ORGANISATION_PREFIX).order_by("registry_code")
    )
    sectors = _leaf_sectors(content)
    missing = []
    for number in range(len(existing) + 1, count + 1):
        sector = sectors[(number - 1) % len(sectors)]
        missing.append(
            Organisation(
                name=f"Sünteetiline asutus {number:03d}",
                registry_code=f"{ORGANISATION_PREFIX}{number:03d}",
                email=f"asutus{number:03d}@synthetic.example",
                region="Synthetic",
                sector=sector,
            )
        )
    for organisation in missing:  # a few rows, once: saved one by one so that every backend sets the keys
        organisation.save()
    existing.extend(missing)
    return existing


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` uneven shares (each at least one while total allows) that add up."""
    if parts <= 0:
        return []
    weights = [rng.uniform(0.4, 2.0) for _part in range(parts)]
    floor = 1 if total >= parts else 0
    spare = total - floor * parts
    shares = [floor + int(spare * weight / sum(weights)) for weight in weights]
    for index in range(total - sum(shares)):
        shares[index % parts] += 1
    return shares


def _sector_group(sector: str) -> str:
    return sector.split(".")[0]


def _event_weights(sector: str, event_types: list[str]) -> tuple[list[str], list[int]]:
    table = EVENTS_BY_SECTOR.get(_sector_group(sector), COMMON_EVENTS)
    return event_types, [table.get(code, 1) for code in event_types]


def _date(rng: random.Random, day: dt.date) -> Any:
    """The entry's date as an agency would write it: mostly a day, now and then only the month or the
    year, or approximately."""
    from chronology.dates import approximate, parse_written_date

    form = rng.random()
    if form < 0.95:
        written = parse_written_date(day.isoformat())
    elif form < 0.99:
        written = parse_written_date(f"{day.year:04d}-{day.month:02d}")
    else:
        written = parse_written_date(f"{day.year:04d}")
    if rng.random() < 0.03:
        written = approximate(written)
    return written


def synthetic_entries(
    *,
    rng: random.Random,
    code: str,
    sector: str,
    count: int,
    codes_by_sector: dict[str, list[str]],
    period: tuple[dt.date, dt.date],
    event_types: list[str],
    concerns: list[str],
) -> list[Any]:
    """`count` fictional exchange-format entries of one organisation (`code`) of the review whose
    involved organisations are `codes_by_sector` (sector group -> codes), dated within `period`."""
    from chronology.entry import Entry, YesNo

    types, weights = _event_weights(sector, event_types)
    others = sorted(other for codes in codes_by_sector.values() for other in codes if other != code)
    child_protection = [other for other in codes_by_sector.get("child_protection", []) if other != code]
    roles = PRACTITIONER_ROLES.get(_sector_group(sector), ("spetsialist",))
    start, end = period
    span = (end - start).days
    entries = []
    for number in range(1, count + 1):
        event_type = rng.choices(types, weights)[0]
        date = _date(rng, start + dt.timedelta(days=rng.randint(0, span)))
        at = None
        if date.is_exact and rng.random() < 0.3:
            at = dt.time(rng.randint(7, 20), rng.choice((0, 15, 30, 45)))
        addressee = ""
        if event_type in ("referral", "notification", "information_shared") and others:
            pool = child_protection if event_type == "notification" and child_protection else others
            addressee = rng.choice(pool)
        concern = ""
        if concerns and (event_type == "concern_recorded" or rng.random() < 0.1):
            concern = rng.choice(concerns)
        seen = YesNo.UNKNOWN
        if event_type in SEEN_EVENTS:
            seen = rng.choices((YesNo.YES, YesNo.NO, YesNo.UNKNOWN), (60, 25, 15))[0]
        elif event_type == "appointment_missed":
            seen = YesNo.NO
        views = rng.choices((YesNo.YES, YesNo.NO, YesNo.UNKNOWN), (15, 10, 75))[0]
        shared_with: tuple[str, ...] = ()
        if others and rng.random() < 0.08:
            shared_with = tuple(rng.sample(others, min(len(others), rng.randint(1, 3))))
        description = (
            f"{rng.choice(PLACES)} {rng.choice(SUBJECTS).lower()} {rng.choice(VERBS)} {rng.choice(TOPICS)}. "
            f"{rng.choice(DETAILS)} {rng.choice(FOLLOW_UPS)}"
        ).strip()
        entries.append(
            Entry(
                entry_ref=f"{code}-{number:05d}",
                date=date,
                organisation=code,
                event_type=event_type,
                description=description,
                source_document=f"Sünteetiline register {code}, kirje {rng.randint(1000, 99999)}",
                time=at,
                practitioner_role=rng.choice(roles),
                addressee=addressee,
                concern=concern,
                child_seen=seen,
                child_views_recorded=views,
                shared_with=shared_with,
                key_event=rng.random() < 0.03,
            )
        )
    return entries


def seed_chronologies(
    *,
    reviews: Iterable[Review],
    entries_per_review: int,
    organisations_per_review: int | None = None,
    seed: int = 1,
) -> SeededChronologies:
    """Give each review that has no organisations involved yet `organisations_per_review` of them
    (default: min(20, entries_per_review)), one sent information request each, and their share of
    `entries_per_review` entries, submitted through `apply_submission`. Reviews that already have
    organisations involved are left as they are, so running it again adds nothing.

    Deterministic: the entries of a review depend only on `seed` and the review's reference."""
    from chronology.store import apply_submission
    from inquiries.models import InformationRequest, Involvement
    from reviews.synthetic import synthetic_user

    if entries_per_review < 0:
        raise ValueError("entries_per_review must not be negative.")
    if organisations_per_review is None:
        organisations_per_review = min(DEFAULT_ORGANISATIONS_PER_REVIEW, max(1, entries_per_review))
    if organisations_per_review < 1:
        raise ValueError("organisations_per_review must be at least 1.")
    started = time.perf_counter()
    user = synthetic_user()
    reviews = list(reviews)
    started_already = set(
        Involvement.objects.filter(review__in=[review.pk for review in reviews]).values_list("review_id", flat=True)
    )
    pending = [review for review in reviews if review.pk not in started_already]
    if not pending:
        return SeededChronologies()
    done = SeededChronologies()
    by_version: dict[int, Any] = {}
    with transaction.atomic():
        for review in pending:
            version = by_version.setdefault(review.method_version_id, review.method_version)
            content = version.data
            organisations = synthetic_organisations(organisations_per_review, content)
            rng = random.Random(f"{seed}:{review.reference}")
            chosen = rng.sample(organisations, organisations_per_review)
            numbers: dict[str, int] = {}
            involvements = []
            for organisation in sorted(chosen, key=lambda o: (_leaf_rank(o.sector), o.registry_code)):
                word = CODE_WORDS.get(organisation.sector, CODE_WORDS.get(_sector_group(organisation.sector), "ASUTUS"))
                numbers[word] = numbers.get(word, 0) + 1
                involvements.append(
                    Involvement(
                        review=review,
                        organisation=organisation,
                        code=f"{word}-{numbers[word]:02d}",
                        services="Synthetic services for benchmarks",
                        contact_name="Sünteetiline Kontakt",
                        contact_email=organisation.email,
                    )
                )
            Involvement.objects.bulk_create(involvements)
            involvements = list(Involvement.objects.filter(review=review).select_related("organisation"))
            end = review.notification.incident_date if review.notification_id else review.opened_on
            period = (end - dt.timedelta(days=rng.randint(2 * 365, 6 * 365)), end)
            sent_at = dt.datetime.combine(review.opened_on, dt.time(9), tzinfo=dt.UTC)
            requests = InformationRequest.objects.bulk_create(
                InformationRequest(
                    involvement=involvement,
                    language="et",
                    subject="Teabepäring (sünteetiline)",
                    letter="Väljamõeldud teabepäring jõudlustestide jaoks.",
                    created_by=user,
                    sent_at=sent_at,
                    due_on=review.opened_on + dt.timedelta(days=14),
                )
                for involvement in involvements
            )
            if not requests or requests[0].pk is None:
                requests = list(
                    InformationRequest.objects.filter(involvement__review=review).order_by("involvement__code")
                )
            codes_by_sector: dict[str, list[str]] = {}
            for involvement in involvements:
                codes_by_sector.setdefault(_sector_group(involvement.organisation.sector), []).append(involvement.code)
            shares = _split(entries_per_review, len(involvements), rng)
            event_types = content.codes("event_types")
            concerns = content.codes("concerns")
            requests_by_involvement = {request.involvement_id: request for request in requests}
            for involvement, share in zip(involvements, shares, strict=True):
                if share == 0:
                    continue
                entries = synthetic_entries(
                    rng=rng,
                    code=involvement.code,
                    sector=involvement.organisation.sector,
                    count=share,
                    codes_by_sector=codes_by_sector,
                    period=period,
                    event_types=event_types,
                    concerns=concerns,
                )
                apply_submission(
                    information_request=requests_by_involvement[involvement.pk],
                    entries=entries,
                    channel="upload",
                    acting_user=user,
                    filename=f"{involvement.code.lower()}.xlsx",
                )
                done.entries += share
            done.reviews += 1
            done.organisations += len(involvements)
            done.requests += len(requests)
    done.seconds = time.perf_counter() - started
    return done


def _leaf_rank(sector: str) -> int:
    return USUAL_SECTORS.index(sector) if sector in USUAL_SECTORS else len(USUAL_SECTORS)
