"""Two people editing the same record (optimistic locking, `core.concurrency`): a browser's reading of a
page's form, and the checks every "second save is refused" test makes."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from typing import Any

from django.utils.html import escape

Form = dict[str, list[str]]


class _Forms(HTMLParser):
    """The forms of a page with the values a browser would send from them as they are shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, Form]] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, selected, all options
        self._option: str | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = {}
            self.forms.append((attributes.get("action", ""), self._form))
        if self._form is None:
            return
        name = attributes.get("name", "")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self._form.setdefault(name, []).append(attributes.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self._form.setdefault(name, []).append(attributes.get("value", ""))
        elif tag == "select" and name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            self._option = attributes.get("value")
            if self._option is not None:
                self._select[2].append(self._option)
                if "selected" in attributes:
                    self._select[1].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            name, selected, _options = self._select
            self._form[name] = selected
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            # A browser drops the one line break that follows <textarea>.
            self._form[name] = [unescape("".join(parts)).removeprefix("\r\n").removeprefix("\n")]
            self._textarea = None
        elif tag == "form":
            self._form = None


def page_form(response: Any, *, action: str = "", field: str = "revision") -> Form:
    """What a browser would send from the page's form holding a revision (a `field` so named; or the one
    posting to `action`), unchanged."""
    assert response.status_code in (200, 409), response.status_code
    parser = _Forms()
    parser.feed(response.content.decode())
    for form_action, fields in parser.forms:
        if (action and form_action == action) or (not action and field in fields):
            fields.pop("csrfmiddlewaretoken", None)
            return {name: list(values) for name, values in fields.items()}
    raise AssertionError(f"no form {'posting to ' + action if action else 'with a revision'} on the page")


def changed(form: Form, **values: Any) -> Form:
    """The form with some fields changed, as the person typed them."""
    return form | {name: value if isinstance(value, list) else [str(value)] for name, value in values.items()}


def assert_both_versions(
    response: Any,
    label: str,
    *,
    theirs: str,
    yours: str,
    revision: int,
    status: int = 200,
    refusal: str = "Someone else saved a change here after you opened the page",
    revision_field: str = "revision",
) -> None:
    """The second save was refused on the page: the refusal in the error summary, the field shown in both
    versions, and the form ready to save again against the revision now shown."""
    assert response.status_code == status, response.status_code
    page = response.content.decode()
    summary = page[page.index('class="error-summary"') :]
    assert 'role="alert"' in summary[:200]
    assert refusal in summary[: summary.index("</div>")]
    assert "Their version and yours" in page
    rows = {row.label: row for row in response.context["conflict_rows"]}
    row = rows[label]
    assert (row.theirs, row.yours, row.differs) == (theirs, yours, True), row
    table = page[page.index('id="conflict-title"') :]
    assert escape(theirs) in table and escape(yours) in table
    assert page_form(response, field=revision_field)[revision_field] == [str(revision)]
