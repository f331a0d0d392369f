"""What a staff member does in the admin, step by step, for the change-set tests."""

import re

from django.test import Client

from cases.models.changesets import ChangeSet
from tests.test_admin import assert_saved, current_data, url


def form_of(client: Client, model, pk=None) -> dict:
    """The POST data of a record's admin page (its add page without pk), as it is shown."""
    page = client.get(url(model, "change", pk) if pk is not None else url(model, "add"))
    assert page.status_code == 200, page.status_code
    return current_data(page)


def add_row(data: dict, prefix: str, **fields) -> None:
    """Fill a new row of an inline formset. The page's empty extra rows are dropped first,
    so each call appends exactly one row after the saved ones."""
    marker = f"_rows_{prefix}"
    if marker not in data:
        initial = int(data[f"{prefix}-INITIAL_FORMS"])
        extra = re.compile(rf"^{re.escape(prefix)}-(\d+)-")
        for key in list(data):
            match = extra.match(key)
            if match and int(match.group(1)) >= initial:
                del data[key]
        data[f"{prefix}-TOTAL_FORMS"] = str(initial)
        data[marker] = True
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update({f"{prefix}-{index}-{name}": str(value) for name, value in fields.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def save(client: Client, model, pk, data: dict, **buttons):
    """Post the page (a change page, or the add page with pk None): it must be accepted."""
    data = {k: v for k, v in data.items() if not k.startswith("_rows_")}
    target = url(model, "change", pk) if pk is not None else url(model, "add")
    response = client.post(target, {**data, **buttons})
    assert_saved(response)
    return response


def workflow(client: Client, change_set: ChangeSet, action: str, comment: str = "") -> list[str]:
    """Press a change set's button (submit, approve, request-changes, discard); the messages
    the page then shows."""
    target = url(ChangeSet, "workflow", change_set.pk, action)
    response = client.post(target, {"review_comment": comment}, follow=True)
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]
