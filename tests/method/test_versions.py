"""Method versions the second half can grow: numbered seed versions published by load_method on every
release, wording corrections of a published version in place (audited and listed), and sections an
older version lacks read from the newest version that has them."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditEvent
from method.corrections import NotWording, wording_changes
from method.loader import MethodContentError
from method.models import MethodCorrection, MethodVersion
from method.seeds import SEED_DIRECTORY, load_seed, seed_content, seed_versions
from method.services import SeedConflict, method_correction_apply, method_seed_sync, section_to_yaml

# --- the wording check (pure) --------------------------------------------------------------------------------

OUTCOMES = [
    {"code": "death", "label": {"et": "Surm", "en": "Death", "ru": "Смерть"}},
    {"code": "hospitalisation", "label": {"et": "Haiglaravi", "en": "Hospitalisation"}},
]


def test_a_changed_label_and_an_added_translation_are_wording():
    new = copy.deepcopy(OUTCOMES)
    new[0]["label"]["ru"] = "Гибель"
    new[1]["label"]["ru"] = "Госпитализация"
    changes = wording_changes(OUTCOMES, new, path="outcomes")
    assert [(change.path, change.old, change.new) for change in changes] == [
        ("outcomes[0].label.ru", "Смерть", "Гибель"),
        ("outcomes[1].label.ru", "", "Госпитализация"),
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda doc: doc[0].update(code="died"), "outcomes[0].code: “death” would become “died”"),
        (lambda doc: doc.pop(), "outcomes: the number of items would change."),
        (lambda doc: doc.reverse(), "outcomes[0].code"),
        (lambda doc: doc[0].update(help={"et": "Abi"}), "outcomes[0]: keys would be added or removed (help)."),
        (lambda doc: doc[0]["label"].pop("ru"), "outcomes[0].label: the ru text would be removed."),
        (lambda doc: doc[0].update(label="Surm"), "outcomes[0].label: the kind of value would change."),
    ],
)
def test_anything_but_wording_is_refused_naming_the_place(change, problem):
    new = copy.deepcopy(OUTCOMES)
    change(new)
    with pytest.raises(NotWording) as refused:
        wording_changes(OUTCOMES, new, path="outcomes")
    assert any(problem in text for text in refused.value.problems), refused.value.problems


def test_a_template_keeps_its_placeholders():
    old = {"letter": {"et": "Tere, {recipient}! Tähtaeg {due_date}.", "en": "Hello {recipient}"}}
    reworded = {"letter": {"et": "Lugupeetud {recipient}! Tähtaeg on {due_date}.", "en": "Dear {recipient}"}}
    assert len(wording_changes(old, reworded)) == 2
    with pytest.raises(NotWording, match="placeholders"):
        wording_changes(old, {"letter": {"et": "Tere, {nimi}! Tähtaeg {due_date}.", "en": "Hello {recipient}"}})


json_leaves = st.one_of(st.integers(-5, 5), st.booleans(), st.sampled_from(["a", "b", "silence", "working_days"]))
documents = st.recursive(
    json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["code", "unit", "amount", "items", "rule"]), children, max_size=3),
    ),
    max_leaves=12,
)


def _mutations(document):
    """Every document that differs from `document` in one code, number, key or list length."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield {k: v for k, v in document.items() if k != key}
            for changed in _mutations(value):
                yield {**document, key: changed}
        yield {**document, "extra": 1}
    elif isinstance(document, list):
        yield [*document, 0]
        if document:
            yield document[:-1]
        for index, value in enumerate(document):
            for changed in _mutations(value):
                yield [*document[:index], changed, *document[index + 1 :]]
    elif isinstance(document, bool):
        yield not document
    elif isinstance(document, int):
        yield document + 1
    else:
        yield document + "x"


@given(documents)
def test_any_change_to_a_code_number_key_or_list_length_is_refused(document):
    assert wording_changes(document, copy.deepcopy(document)) == []
    for mutated in _mutations(document):
        with pytest.raises(NotWording):
            wording_changes(document, mutated)


# --- numbered seed versions -------------------------------------------------------------------------------------


@pytest.fixture
def seed_root(tmp_path) -> Path:
    """A copy of the repository's seed folder, to add versions to."""
    root = tmp_path / "seed"
    shutil.copytree(SEED_DIRECTORY, root)
    return root


def add_version(root: Path, number: int, description: dict, sections: dict | None = None) -> None:
    folder = root / f"v{number}"
    folder.mkdir()
    (folder / "_version.yaml").write_text(yaml.safe_dump(description, allow_unicode=True), encoding="utf-8")
    if sections:
        (folder / "sections.yaml").write_text(yaml.safe_dump(sections, allow_unicode=True), encoding="utf-8")


def changed_outcomes(code: str = "death") -> list:
    outcomes = copy.deepcopy(seed_content(1)["outcomes"])
    outcomes.append({"code": "serious_harm_other", "label": {"et": "Muu raske kahju", "en": "Other", "ru": "Другое"}})
    return outcomes


def test_the_repositorys_seed_holds_version_one_whole():
    versions = seed_versions()
    assert versions[0].number == 1 and versions[0].base is None
    assert load_seed() == versions[-1].content


def test_a_later_version_is_its_base_with_the_sections_its_folder_replaces(seed_root):
    add_version(seed_root, 2, {"base": 1, "change_note": "Uus tagajärg"}, {"outcomes": changed_outcomes()})
    one, two = seed_versions(seed_root)
    assert two.content["outcomes"][-1]["code"] == "serious_harm_other"
    assert {k: v for k, v in two.content.items() if k != "outcomes"} == {
        k: v for k, v in one.content.items() if k != "outcomes"
    }
    assert two.change_note == "Uus tagajärg" and load_seed(seed_root) == two.content


@pytest.mark.parametrize(
    ("number", "description", "message"),
    [
        (3, {"base": 1}, "without a gap"),
        (2, {}, "say which earlier version"),
        (2, {"base": 2}, "say which earlier version"),
        (2, {"base": 1, "remove": ["stages"]}, "only an optional section can be removed"),
        (2, {"base": 1, "author": "x"}, "only these keys are known"),
    ],
)
def test_a_badly_numbered_or_described_seed_version_is_refused(seed_root, number, description, message):
    add_version(seed_root, number, description)
    with pytest.raises(MethodContentError) as refused:
        seed_versions(seed_root)
    assert message in " ".join(refused.value.errors)


def test_load_method_publishes_every_seed_version_in_order_once(db, seed_root, capsys):
    add_version(seed_root, 2, {"base": 1, "change_note": "Uus tagajärg"}, {"outcomes": changed_outcomes()})
    versions = seed_versions(seed_root)
    first = method_seed_sync(versions=versions)
    assert first == [
        "Published method version 1 from the seed files.",
        "Published method version 2 from the seed files.",
    ]
    two = MethodVersion.objects.get(number=2)
    assert two.is_published and two.based_on.number == 1 and two.change_note == "Uus tagajärg"
    assert MethodVersion.objects.current() == two
    created = AuditEvent.objects.filter(object_type="method.methodversion", action="create").count()
    assert method_seed_sync(versions=versions) == [
        "Method version 1 is as the seed files hold it.",
        "Method version 2 is as the seed files hold it.",
    ]
    assert AuditEvent.objects.filter(object_type="method.methodversion", action="create").count() == created == 2


def test_a_wording_correction_in_the_seed_files_is_applied_to_the_published_version(db, seed_root):
    seed = seed_versions(seed_root)
    method_seed_sync(versions=seed)
    corrected = copy.deepcopy(seed[0].content)
    corrected["outcomes"][0]["label"]["en"] = "Death of the child"
    corrected_version = type(seed[0])(
        number=1, content=corrected, change_note=seed[0].change_note, correction_note="Selgem silt", base=None
    )
    done = method_seed_sync(versions=[corrected_version])
    assert done == ["Corrected the wording of method version 1 from the seed files (1 texts)."]
    version = MethodVersion.objects.get(number=1)
    assert version.content["outcomes"][0]["label"]["en"] == "Death of the child"
    correction = MethodCorrection.objects.get()
    assert (correction.source, correction.reason, correction.made_by) == ("seed", "Selgem silt", None)
    assert correction.changes == [{"path": "outcomes[0].label.en", "old": "Death", "new": "Death of the child"}]
    event = AuditEvent.objects.filter(object_type="method.methodversion", action="update").latest("sequence")
    assert event.detail["correction"] == correction.pk


def test_a_seed_version_that_changes_more_than_wording_is_refused_and_nothing_changes(db):
    call_command("load_method")
    seed = seed_versions()[0]
    changed = copy.deepcopy(seed.content)
    changed["outcomes"][0]["code"] = "died"
    with pytest.raises(SeedConflict, match="more than wording"):
        method_seed_sync(versions=[type(seed)(1, changed, seed.change_note, "", None)])
    assert MethodVersion.objects.get(number=1).content == seed.content
    assert not MethodCorrection.objects.exists()


def test_a_draft_in_the_way_of_a_seed_version_is_named(db, people, seed_root):
    from method.services import method_draft_create

    call_command("load_method")
    method_draft_create(acting_user=people["metoodik"])
    add_version(seed_root, 2, {"base": 1, "change_note": "x"}, {"outcomes": changed_outcomes()})
    with pytest.raises(SeedConflict, match="Version 2 is a draft"):
        method_seed_sync(versions=seed_versions(seed_root))


def test_load_method_reports_a_conflict_as_a_command_error(db, monkeypatch):
    call_command("load_method")
    seed = seed_versions()[0]
    changed = copy.deepcopy(seed.content)
    changed["stages"][0]["number"] = 99
    monkeypatch.setattr("method.services.seed_versions", lambda: [type(seed)(1, changed, seed.change_note, "", None)])
    with pytest.raises(CommandError, match="more than wording"):
        call_command("load_method")


# --- corrections through the editor -----------------------------------------------------------------------------


def correction_url(number: int = 1, section: str = "outcomes") -> str:
    return reverse("method:correct_section", kwargs={"number": number, "section": section})


def outcomes_text(version: MethodVersion, **labels: str) -> str:
    outcomes = copy.deepcopy(version.content["outcomes"])
    for language, text in labels.items():
        outcomes[0]["label"][language] = text
    return section_to_yaml(outcomes)


def test_the_method_editor_corrects_wording_and_the_version_page_lists_it(method_v1, people, login):
    editor = login(people["metoodik"])
    page = editor.get(reverse("method:detail", kwargs={"number": 1})).content.decode()
    assert correction_url() in page and "has not been corrected since it was published" in page
    form = editor.get(correction_url())
    assert form.status_code == 200
    response = editor.post(
        correction_url(),
        {"text": outcomes_text(method_v1, ru="Гибель ребёнка"), "reason": "Täpsem tõlge", "revision": 1},
    )
    assert response.status_code == 302
    method_v1.refresh_from_db()
    assert method_v1.content["outcomes"][0]["label"]["ru"] == "Гибель ребёнка" and method_v1.revision == 2
    page = editor.get(reverse("method:detail", kwargs={"number": 1})).content.decode()
    assert "Täpsem tõlge" in page and "outcomes[0].label.ru" in page and "Гибель ребёнка" in page
    correction = MethodCorrection.objects.get()
    assert correction.made_by == people["metoodik"] and correction.sections == ["outcomes"]


def test_a_correction_that_changes_a_code_is_refused_naming_it_and_nothing_is_saved(method_v1, people, login):
    outcomes = copy.deepcopy(method_v1.content["outcomes"])
    outcomes[0]["code"] = "died"
    response = login(people["metoodik"]).post(
        correction_url(), {"text": section_to_yaml(outcomes), "reason": "x", "revision": 1}
    )
    assert response.status_code == 200
    assert "outcomes[0].code: “death” would become “died”" in response.content.decode()
    method_v1.refresh_from_db()
    assert method_v1.content == seed_content(1) and not MethodCorrection.objects.exists()


def test_a_correction_needs_a_reason_and_a_change(method_v1, people):
    with pytest.raises(Exception, match="Say why"):
        method_correction_apply(
            version=method_v1, section="outcomes", text="[]", reason=" ", revision=1, acting_user=people["metoodik"]
        )
    with pytest.raises(Exception, match="Nothing was changed"):
        method_correction_apply(
            version=method_v1,
            section="outcomes",
            text=outcomes_text(method_v1),
            reason="x",
            revision=1,
            acting_user=people["metoodik"],
        )


def test_a_stale_correction_is_refused_with_both_versions(method_v1, people, login):
    editor = login(people["metoodik"])
    editor.post(
        correction_url(), {"text": outcomes_text(method_v1, en="Death of a child"), "reason": "a", "revision": 1}
    )
    stale = editor.post(
        correction_url(), {"text": outcomes_text(method_v1, en="The death"), "reason": "b", "revision": 1}
    )
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "Death of a child" in text and "The death" in text
    method_v1.refresh_from_db()
    assert method_v1.content["outcomes"][0]["label"]["en"] == "Death of a child"


def test_a_draft_has_no_correction_page(method_v1, people, login):
    from method.services import method_draft_create

    draft = method_draft_create(acting_user=people["metoodik"])
    assert login(people["metoodik"]).get(correction_url(draft.number)).status_code == 404


# --- sections an older version lacks ---------------------------------------------------------------------------


def publish(number: int, content: dict) -> MethodVersion:
    from django.utils import timezone

    return MethodVersion.objects.create(
        number=number, status="published", content=content, published_at=timezone.now(), change_note="x"
    )


def test_a_section_an_older_version_lacks_is_read_from_the_newest_version_that_has_it(demo_case, people, login):
    without = copy.deepcopy(seed_content(1))
    del without["workgroup"]
    two = publish(2, without)
    newer = copy.deepcopy(seed_content(1))
    newer["workgroup"]["place"] = "Tartu"
    publish(3, newer)
    publish(4, copy.deepcopy(without))
    assert two.data.section("workgroup")["place"] == "Tartu"
    assert two.data.origins == {"workgroup": 3}
    assert MethodVersion.objects.get(number=3).data.origins == {}
    review = demo_case["review"]
    review.method_version = two
    review.save(update_fields=["method_version"])
    page = login(people["koordinaator"]).get(reverse("reviews:detail", kwargs={"pk": review.pk})).content.decode()
    assert "read from version 3" in page
    version_page = login(people["metoodik"]).get(reverse("method:detail", kwargs={"number": 2})).content.decode()
    assert "from version 3" in version_page
