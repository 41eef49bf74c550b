"""Plain-language explanations of detections in Estonian, English and Russian.

The three languages' sentences live here, in code, rather than in gettext catalogues or the method:
the offline checker (`analyse_chronology`) must explain detections in any of the three languages
without compiled catalogues and whatever Django's active language is; the method's rule may hold only
`label`, `description` and `parameters` (its validator refuses more), and its `description` already
states each rule's general meaning in the three languages; and each sentence depends on how the rule
found the episode (which variant, which counts, which end), which is the code's business. Every
sentence is whole in its language, with placeholders; nothing is assembled from translated pieces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..entry import Entry, Precision, UncertainDate

if TYPE_CHECKING:
    from .detection import Detection
    from .engine import Period

LANGUAGES = ("et", "en", "ru")

# Whole sentences per rule and variant, in each language.
SENTENCES: dict[str, dict[str, str]] = {
    "silence.contact": {
        "et": (
            "Ükski asutus ei olnud lapse ega perega kontaktis {days}, ajavahemikul {start} ({start_org}) kuni "
            "{end} ({end_org}), kuigi mure oli avatud."
        ),
        "en": (
            "No organisation was in contact with the child or family for {days}, from {start} ({start_org}) "
            "to {end} ({end_org}), while a concern was open."
        ),
        "ru": (
            "Ни одно учреждение не контактировало с ребёнком или семьёй {days}, с {start} ({start_org}) "
            "по {end} ({end_org}), хотя беспокойство оставалось открытым."
        ),
    },
    "silence.closure": {
        "et": (
            "Ükski asutus ei olnud lapse ega perega kontaktis {days}, alates {start} ({start_org}) kuni "
            "juhtumi sulgemiseni {end} ({end_org}), kuigi mure oli avatud."
        ),
        "en": (
            "No organisation was in contact with the child or family for {days}, from {start} ({start_org}) "
            "until {end_org} closed the case on {end}, while a concern was open."
        ),
        "ru": (
            "Ни одно учреждение не контактировало с ребёнком или семьёй {days}, с {start} ({start_org}) "
            "до закрытия случая {end} ({end_org}), хотя беспокойство оставалось открытым."
        ),
    },
    "silence.horizon": {
        "et": (
            "Ükski asutus ei olnud lapse ega perega kontaktis {days}, alates {start} ({start_org}) kuni "
            "kronoloogia lõpuni {end}, kuigi mure oli avatud."
        ),
        "en": (
            "No organisation was in contact with the child or family for {days}, from {start} ({start_org}) "
            "to the end of the chronology on {end}, while a concern was open."
        ),
        "ru": (
            "Ни одно учреждение не контактировало с ребёнком или семьёй {days}, с {start} ({start_org}) "
            "до конца хронологии {end}, хотя беспокойство оставалось открытым."
        ),
    },
    "silence.many": {
        "et": (
            "Ükski asutus ei olnud lapse ega perega kontaktis kauem kui {limit} järjest, {count} ajavahemikul "
            "{start} kuni {end}, kuigi mure oli avatud; pikim vahe oli {days}."
        ),
        "en": (
            "No organisation was in contact with the child or family for more than {limit} at a time, "
            "{count} between {start} and {end}, while a concern was open; the longest gap was {days}."
        ),
        "ru": (
            "Ни одно учреждение не контактировало с ребёнком или семьёй дольше {limit} подряд, {count} "
            "с {start} по {end}, хотя беспокойство оставалось открытым; самый долгий перерыв составил {days}."
        ),
    },
    "unanswered_referral.referral": {
        "et": (
            "{org} saatis {date} suunamise asutusele {addressee}, kuid asutuselt {addressee} ei ole {within} "
            "jooksul kirjas vastust ega muud reageeringut (tähtaeg {deadline})."
        ),
        "en": (
            "{org} referred the child to {addressee} on {date}, but no answer or other reaction from "
            "{addressee} is recorded within {within} (by {deadline})."
        ),
        "ru": (
            "{org} направило ребёнка в {addressee} {date}, но в течение {within} (до {deadline}) от "
            "{addressee} не зафиксировано ни ответа, ни иной реакции."
        ),
    },
    "unanswered_referral.notification": {
        "et": (
            "{org} teavitas {date} asutust {addressee}, kuid asutuselt {addressee} ei ole {within} jooksul "
            "kirjas vastust ega muud reageeringut (tähtaeg {deadline})."
        ),
        "en": (
            "{org} notified {addressee} on {date}, but no answer or other reaction from {addressee} is "
            "recorded within {within} (by {deadline})."
        ),
        "ru": (
            "{org} уведомило {addressee} {date}, но в течение {within} (до {deadline}) от {addressee} не "
            "зафиксировано ни ответа, ни иной реакции."
        ),
    },
    "unanswered_referral.other": {
        "et": (
            "{org} pöördus {date} asutuse {addressee} poole, kuid asutuselt {addressee} ei ole {within} "
            "jooksul kirjas vastust ega muud reageeringut (tähtaeg {deadline})."
        ),
        "en": (
            "{org} turned to {addressee} on {date}, but no answer or other reaction from {addressee} is "
            "recorded within {within} (by {deadline})."
        ),
        "ru": (
            "{org} обратилось в {addressee} {date}, но в течение {within} (до {deadline}) от {addressee} не "
            "зафиксировано ни ответа, ни иной реакции."
        ),
    },
    "unanswered_referral.many": {
        "et": (
            "{count} asutuselt {org} asutusele {addressee} ajavahemikul {start} kuni {end} jäi {within} "
            "jooksul vastuseta."
        ),
        "en": (
            "{count} from {org} to {addressee} between {start} and {end} got no answer or other reaction "
            "from {addressee} within {within}."
        ),
        "ru": "{count} от {org} в {addressee} с {start} по {end} остались без ответа в течение {within}.",
    },
    "was_not_brought.child_protection": {
        "et": (
            "Asutuses {org} jäi ajavahemikul {start} kuni {end} vahele {count}; ükski neist ei saanud {follow} "
            "jooksul järelkontakti ning {org} ei suunanud ega teavitanud last lastekaitsele {escalation} "
            "jooksul pärast seda."
        ),
        "en": (
            "{count} at {org} between {start} and {end}; none was followed by a contact of {org} within "
            "{follow}, and {org} made no referral or notification to child protection within {escalation} "
            "afterwards."
        ),
        "ru": (
            "В {org} с {start} по {end} пропущено {count}; ни за одним пропуском в течение {follow} не "
            "последовал контакт {org}, и {org} не направило ребёнка в службу защиты детей и не уведомило её "
            "в течение {escalation} после этого."
        ),
    },
    "was_not_brought.any": {
        "et": (
            "Asutuses {org} jäi ajavahemikul {start} kuni {end} vahele {count}; ükski neist ei saanud {follow} "
            "jooksul järelkontakti ning {org} ei suunanud last edasi ega teavitanud kedagi {escalation} "
            "jooksul pärast seda."
        ),
        "en": (
            "{count} at {org} between {start} and {end}; none was followed by a contact of {org} within "
            "{follow}, and {org} made no referral or notification within {escalation} afterwards."
        ),
        "ru": (
            "В {org} с {start} по {end} пропущено {count}; ни за одним пропуском в течение {follow} не "
            "последовал контакт {org}, и {org} никуда не направило ребёнка и никого не уведомило в течение "
            "{escalation} после этого."
        ),
    },
    "concern_without_escalation": {
        "et": (
            "Mure „{concern}” pandi kirja {count} ({orgs}) ajavahemikul {start} kuni {end}, kuid esimese ja "
            "viimase kirje vahel ei järgnenud edasist tegutsemist (võrgustikukohtumist, hindamist, suunamist "
            "ega teavitust)."
        ),
        "en": (
            "The concern “{concern}” was recorded {count} ({orgs}) between {start} and {end}, with no "
            "escalation (network meeting, assessment, referral or notification) between the first and the "
            "last record."
        ),
        "ru": (
            "Беспокойство «{concern}» было зафиксировано {count} ({orgs}) с {start} по {end}, но между первой "
            "и последней записью не последовало эскалации (сетевой встречи, оценки, направления или "
            "уведомления)."
        ),
    },
    "information_not_shared": {
        "et": (
            "{org} nägi last {count} ajavahemikul {start} kuni {end}, ilma et talle oleks teatatud murest "
            "({concerns}), mis oli kirja pandud asutuses {others}."
        ),
        "en": (
            "{org} saw the child {count} between {start} and {end} without having been told of the concern "
            "({concerns}) recorded by {others}."
        ),
        "ru": (
            "{org} видело ребёнка {count} с {start} по {end}, не будучи осведомлённым о беспокойстве "
            "({concerns}), зафиксированном в {others}."
        ),
    },
    "information_not_shared.once": {
        "et": (
            "{org} nägi last {start}, ilma et talle oleks teatatud murest ({concerns}), mis oli kirja pandud "
            "asutuses {others}."
        ),
        "en": (
            "{org} saw the child on {start} without having been told of the concern ({concerns}) recorded by {others}."
        ),
        "ru": (
            "{org} видело ребёнка {start}, не будучи осведомлённым о беспокойстве ({concerns}), зафиксированном "
            "в {others}."
        ),
    },
    "child_not_seen.not_seen": {
        "et": "Asutusel {org} oli ajavahemikul {start} kuni {end} järjest {count}, kus last ei nähtud.",
        "en": "{org} had {count} in a row between {start} and {end} where the child was not seen.",
        "ru": "У {org} с {start} по {end} было подряд {count}, при которых ребёнка не видели.",
    },
    "child_not_seen.views": {
        "et": "Asutus {org} tegeles lapsega {days} ({start} kuni {end}), kuid ei pannud kirja lapse arvamust.",
        "en": "{org} was involved with the child for {days} ({start} to {end}) without recording the child's views.",
        "ru": "{org} работало с ребёнком {days} (с {start} по {end}), не записав мнение ребёнка.",
    },
    "child_not_seen.views_since": {
        "et": (
            "Asutus {org} ei pannud lapse arvamust kirja {days} pärast seda, kui see viimati {since} kirja "
            "pandi (kuni {end})."
        ),
        "en": (
            "{org} did not record the child's views for {days} of involvement after they were last recorded "
            "on {since} (until {end})."
        ),
        "ru": "{org} не записывало мнение ребёнка {days} после последней записи {since} (по {end}).",
    },
    "closure_then_rereferral": {
        "et": (
            "{org} sulges juhtumi {closed} ja {days} hiljem, {date}, pani {other} kirja uue mure, suunamise "
            "või teavituse lapse kohta."
        ),
        "en": (
            "{org} closed the case on {closed}, and {days} later, on {date}, {other} recorded a new concern, "
            "referral or notification about the child."
        ),
        "ru": (
            "{org} закрыло случай {closed}, а через {days}, {date}, {other} зафиксировало новое беспокойство, "
            "направление или уведомление о ребёнке."
        ),
    },
    "closure_then_rereferral.many": {
        "et": (
            "Ajavahemikul {start} kuni {end} järgnes {count} ({orgs}) {within} jooksul uus mure, suunamine "
            "või teavitus lapse kohta."
        ),
        "en": (
            "Between {start} and {end}, {count} ({orgs}) were each followed within {within} by a new concern, "
            "referral or notification about the child."
        ),
        "ru": (
            "С {start} по {end} за {count} ({orgs}) в течение {within} последовало новое беспокойство, "
            "направление или уведомление о ребёнке."
        ),
    },
    "uncertain": {
        "et": "Leid tugineb vähemalt ühele ebatäpsele kuupäevale: kontrolli toetavaid kirjeid.",
        "en": "This finding rests on at least one uncertain date: check the supporting entries.",
        "ru": "Этот вывод основан как минимум на одной неточной дате: проверьте подтверждающие записи.",
    },
}

# Counted phrases: Estonian and English (one, other), Russian (one, few, many).
COUNTED: dict[str, dict[str, tuple[str, ...]]] = {
    "days": {
        "et": ("{n} päev", "{n} päeva"),
        "en": ("{n} day", "{n} days"),
        "ru": ("{n} день", "{n} дня", "{n} дней"),
    },
    "times": {
        "et": ("{n} kord", "{n} korda"),
        "en": ("once", "{n} times"),
        "ru": ("{n} раз", "{n} раза", "{n} раз"),
    },
    "occasions": {
        "et": ("{n} korral", "{n} korral"),
        "en": ("once", "{n} times"),
        "ru": ("{n} раз", "{n} раза", "{n} раз"),
    },
    "requests": {
        "et": ("{n} suunamine või teavitus", "{n} suunamist või teavitust"),
        "en": ("{n} referral or notification", "{n} referrals or notifications"),
        "ru": ("{n} направление или уведомление", "{n} направления или уведомления", "{n} направлений или уведомлений"),
    },
    "missed": {
        "et": ("{n} vastuvõtt", "{n} vastuvõttu"),
        "en": ("{n} missed appointment", "{n} missed appointments"),
        "ru": ("{n} приём", "{n} приёма", "{n} приёмов"),
    },
    "not_seen": {
        "et": ("{n} kontakt või vahelejäänud vastuvõtt", "{n} kontakti või vahelejäänud vastuvõttu"),
        "en": ("{n} contact or missed appointment", "{n} contacts or missed appointments"),
        "ru": (
            "{n} контакт или пропущенный приём",
            "{n} контакта или пропущенных приёма",
            "{n} контактов или пропущенных приёмов",
        ),
    },
    "closures": {
        "et": ("{n} juhtumi sulgemisele", "{n} juhtumi sulgemisele"),
        "en": ("{n} case closure", "{n} case closures"),
        "ru": ("{n} закрытием случая", "{n} закрытиями случая", "{n} закрытиями случая"),
    },
}

# A period after "within" / "jooksul" / "в течение" (genitive in Estonian and Russian) and as a length
# ("more than 90 days", "kauem kui 3 kuud").
PERIODS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "within": {
        "working_days": {
            "et": ("{n} tööpäeva", "{n} tööpäeva"),
            "en": ("{n} working day", "{n} working days"),
            "ru": ("{n} рабочего дня", "{n} рабочих дней", "{n} рабочих дней"),
        },
        "calendar_days": {
            "et": ("{n} päeva", "{n} päeva"),
            "en": ("{n} day", "{n} days"),
            "ru": ("{n} дня", "{n} дней", "{n} дней"),
        },
        "months": {
            "et": ("{n} kuu", "{n} kuu"),
            "en": ("{n} month", "{n} months"),
            "ru": ("{n} месяца", "{n} месяцев", "{n} месяцев"),
        },
    },
    "length": {
        "working_days": {
            "et": ("{n} tööpäev", "{n} tööpäeva"),
            "en": ("{n} working day", "{n} working days"),
            "ru": ("{n} рабочего дня", "{n} рабочих дней", "{n} рабочих дней"),
        },
        "calendar_days": {
            "et": ("{n} päev", "{n} päeva"),
            "en": ("{n} day", "{n} days"),
            "ru": ("{n} дня", "{n} дней", "{n} дней"),
        },
        "months": {
            "et": ("{n} kuu", "{n} kuud"),
            "en": ("{n} month", "{n} months"),
            "ru": ("{n} месяца", "{n} месяцев", "{n} месяцев"),
        },
    },
}

ABOUT = {"et": "u {date}", "en": "c. {date}", "ru": "ок. {date}"}


def plural_index(count: int, language: str) -> int:
    if language == "ru":
        if count % 10 == 1 and count % 100 != 11:
            return 0
        if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
            return 1
        return 2
    return 0 if count == 1 else 1


def _pick(forms: Sequence[str], count: int, language: str) -> str:
    index = plural_index(count, language)
    return forms[min(index, len(forms) - 1)].format(n=count)


def counted(name: str, count: int, language: str) -> str:
    return _pick(COUNTED[name][language], count, language)


def period_text(period: Period, language: str, *, case: str = "within") -> str:
    return _pick(PERIODS[case][period.unit][language], period.amount, language)


def day_text(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def written_text(date: UncertainDate, language: str) -> str:
    """The date as it was written: 14.03.2019, 03.2019 or 2019, "about" when approximate."""
    day = date.earliest
    if date.approximate:
        if date.precision == Precision.DAY:
            day = day + dt.timedelta(days=(date.latest - date.earliest).days // 2)
        elif date.precision == Precision.MONTH:
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        else:
            day = dt.date(day.year + 1, 1, 1)
    if date.precision == Precision.MONTH:
        text = day.strftime("%m.%Y")
    elif date.precision == Precision.YEAR:
        text = str(day.year)
    else:
        text = day_text(day)
    return ABOUT[language].format(date=text) if date.approximate else text


def _concern_label(code: str, labels: Mapping[str, Mapping[str, str]] | None, language: str) -> str:
    if labels and code in labels:
        return labels[code].get(language) or labels[code].get("et") or code
    return code


def render(detection: Detection, language: str) -> str:
    if language not in LANGUAGES:
        language = "et"
    key, values = RENDERERS[detection.rule](detection, language)
    text = SENTENCES[key][language].format(**values)
    if detection.uncertain:
        text = f"{text} {SENTENCES['uncertain'][language]}"
    return text


def _silence(detection: Detection, language: str) -> tuple[str, dict[str, Any]]:
    parts = detection.parts
    first, last = parts[0], parts[-1]
    longest = max(part["days"] for part in parts)
    if len(parts) > 1:
        end = written_text(last["after"].date, language) if last["after"] is not None else day_text(last["end_day"])
        return "silence.many", {
            "limit": period_text(first["max_gap"], language, case="length"),
            "count": counted("times", len(parts), language),
            "start": written_text(first["before"].date, language),
            "end": end,
            "days": counted("days", longest, language),
        }
    before: Entry = first["before"]
    after: Entry | None = first["after"]
    return f"silence.{first['end_kind']}", {
        "days": counted("days", longest, language),
        "start": written_text(before.date, language),
        "start_org": before.organisation,
        "end": written_text(after.date, language) if after is not None else day_text(first["end_day"]),
        "end_org": after.organisation if after is not None else "",
    }


def _unanswered_referral(detection: Detection, language: str) -> tuple[str, dict[str, Any]]:
    parts = detection.parts
    first = parts[0]
    request: Entry = first["request"]
    common = {
        "org": request.organisation,
        "addressee": request.addressee,
        "within": period_text(first["within"], language),
    }
    if len(parts) > 1:
        return "unanswered_referral.many", {
            **common,
            "count": counted("requests", len(parts), language),
            "start": written_text(request.date, language),
            "end": written_text(parts[-1]["request"].date, language),
        }
    variant = request.event_type if request.event_type in ("referral", "notification") else "other"
    return f"unanswered_referral.{variant}", {
        **common,
        "date": written_text(request.date, language),
        "deadline": day_text(first["deadline"]),
    }


def _span(entries: Sequence[Entry], language: str) -> dict[str, str]:
    return {"start": written_text(entries[0].date, language), "end": written_text(entries[-1].date, language)}


def _was_not_brought(detection: Detection, language: str) -> tuple[str, dict[str, Any]]:
    facts = detection.parts[0]
    misses = detection.supporting
    variant = "child_protection" if facts["to_child_protection"] else "any"
    return f"was_not_brought.{variant}", {
        **_span(misses, language),
        "org": detection.organisations[0],
        "count": counted("missed", len(misses), language),
        "follow": period_text(facts["follow_within"], language),
        "escalation": period_text(facts["escalation_within"], language),
    }


def _concern_without_escalation(detection: Detection, language: str) -> tuple[str, dict[str, Any]]:
    records = detection.supporting
    return "concern_without_escalation", {
        **_span(records, language),
        "concern": _concern_label(detection.parts[0]["concern"], detection.concern_labels, language),
        "count": counted("times", len(records), language),
        "orgs": ", ".join(detection.organisations),
    }


def _information_not_shared(detection: Detection, language: str) -> tuple[str, dict[str, Any]]:
    organisation = detection.parts[0]["organisation"]
    # The organisation's own entries in the detection are its sightings: concerns come from others.
    sightings = [entry for entry in detection.supporting if entry.organisation == organisation]
    concerns = [entry for entry in detection.supporting if entry.organisation != organisation]
    codes = sorted({entry.concern for entry in concerns})
    return "information_not_shared" if len(sightings) > 1 else "information_not_shared.once", {
        **_span(sightings, language),
        "org": organisation,
        "count": counted("occasions", len(sightings), language),
        "concerns": ", ".join(_concern_label(code, detection.concern_labels, language) for code in codes),
        "others": ", ".join(sorted({entry.organisation for entry in concerns})),
    }


def _child_not_seen(detection: Detection, language: str) -> tuple[str, dict[str, Any]]:
    entries = detection.supporting
    first = detection.parts[0]
    if first["variant"] == "not_seen":
        return "child_not_seen.not_seen", {
            **_span(entries, language),
            "org": detection.organisations[0],
            "count": counted("not_seen", len(entries), language),
        }
    values = {
        **_span(entries, language),
        "org": detection.organisations[0],
        "days": counted("days", max(part["days"] for part in detection.parts), language),
    }
    if first["since"] is not None:
        return "child_not_seen.views_since", {**values, "since": written_text(first["since"].date, language)}
    return "child_not_seen.views", values


def _closure_then_rereferral(detection: Detection, language: str) -> tuple[str, dict[str, Any]]:
    parts = detection.parts
    first = parts[0]
    closure: Entry = first["closure"]
    rereferral: Entry = first["rereferral"]
    if len(parts) > 1:
        return "closure_then_rereferral.many", {
            "start": written_text(closure.date, language),
            "end": written_text(parts[-1]["rereferral"].date, language),
            "count": counted("closures", len(parts), language),
            "orgs": ", ".join(sorted({part["closure"].organisation for part in parts})),
            "within": period_text(first["window"], language),
        }
    return "closure_then_rereferral", {
        "org": closure.organisation,
        "closed": written_text(closure.date, language),
        "days": counted("days", (rereferral.date.earliest - closure.date.earliest).days, language),
        "date": written_text(rereferral.date, language),
        "other": rereferral.organisation,
    }


RENDERERS = {
    "silence": _silence,
    "unanswered_referral": _unanswered_referral,
    "was_not_brought": _was_not_brought,
    "concern_without_escalation": _concern_without_escalation,
    "information_not_shared": _information_not_shared,
    "child_not_seen": _child_not_seen,
    "closure_then_rereferral": _closure_then_rereferral,
}
