"""The About page's own text is a SitePage that staff edit in the admin: an edit of the
published page waits in a change set; the body is rendered escaped, with only http(s)
links."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from cases import changesets
from cases import models as m
from cases.models.pages import render_body
from tests.test_admin import assert_saved, current_data
from tests.workflow.conftest import member_of

pytestmark = pytest.mark.django_db


def about_page(**fields) -> m.SitePage:
    m.SitePage.objects.filter(slug="about").delete()
    values = {"title": "Who runs it", "body": "Run by the Example Society.", **fields}
    return m.SitePage.objects.create(slug="about", publication_status="published", **values)


def about_html(client) -> str:
    response = client.get("/about/")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_body_is_escaped_with_paragraphs_headings_lists_and_web_links_only():
    html = render_body(
        "First <b>para</b> & more, see [the ICC](https://www.icc-cpi.int/).\n\n"
        "## Method\n\n"
        "- one [bad](javascript:alert(1))\n- two [data](data:text/html,x) [ftp](ftp://x.org)\n\n"
        "<script>alert(1)</script> [plain](http://example.org/a?b=1&c=2)"
    )
    assert html == (
        "<p>First &lt;b&gt;para&lt;/b&gt; &amp; more, see "
        '<a href="https://www.icc-cpi.int/">the ICC</a>.</p>\n'
        "<h2>Method</h2>\n"
        "<ul><li>one [bad](javascript:alert(1))</li>"
        "<li>two [data](data:text/html,x) [ftp](ftp://x.org)</li></ul>\n"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; "
        '<a href="http://example.org/a?b=1&amp;c=2">plain</a></p>'
    )
    assert render_body('[x](https://a.org/" onmouseover="alert(1))') == (
        "<p>[x](https://a.org/&quot; onmouseover=&quot;alert(1))</p>"
    )


def test_the_about_page_shows_the_published_text_and_the_meanings(
    client, django_assert_num_queries
):
    about_page(body="Run by the Example Society. [Contact](https://example.org/contact)")
    with django_assert_num_queries(1):
        html = about_html(client)
    assert '<h2 id="who">Who runs it</h2>' in html
    assert (
        '<p>Run by the Example Society. <a href="https://example.org/contact">Contact</a></p>'
        in html
    )
    assert '<a href="#who">Who runs it</a>' in html
    assert 'id="verification"' in html  # the meanings, from the models' choices


@pytest.mark.parametrize(
    "hidden",
    [
        {"publication_status": "draft"},
        {"publication_status": "in_review"},
        {"publication_status": "withdrawn"},
        {"confidentiality": "confidential"},
    ],
)
def test_an_unpublished_about_text_is_not_shown(client, hidden):
    page = about_page(body="ZZSECRETMARKER unpublished text")
    m.SitePage.objects.filter(pk=page.pk).update(**hidden)
    html = about_html(client)
    assert "ZZSECRETMARKER" not in html
    assert 'href="#who"' not in html
    assert 'id="verification"' in html


def test_the_data_migration_creates_the_current_about_text(client):
    m.SitePage.objects.all().delete()
    migration = importlib.import_module("cases.migrations.0016_about_page_text")
    migration.create(django_apps, None)
    page = m.SitePage.objects.public().get(slug="about")
    assert page.title == "Who runs it and what it publishes"
    html = about_html(client)
    assert "open-source software (GNU Affero General Public License" in html
    assert "victims and witnesses are never named" in html


def test_an_edit_of_the_published_about_page_waits_for_review(client):
    researcher = member_of("researcher", username="r")
    reviewer = member_of("reviewer", username="v")
    page = about_page(body="Old text.")
    client.force_login(researcher)
    url = reverse("admin:cases_sitepage_change", args=[page.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = current_data(form)
    data["body"] = "New text, with [a link](https://example.org/)."
    assert_saved(client.post(url, data))
    client.logout()
    # the public sees the published version until a reviewer approves the change set
    assert "Old text." in about_html(client)
    assert "New text" not in about_html(client)
    change = m.Change.objects.get(object_id=str(page.pk))
    changesets.submit(change_set=change.change_set, user=researcher)
    changesets.approve(change_set=change.change_set, reviewer=reviewer)
    html = about_html(client)
    assert 'New text, with <a href="https://example.org/">a link</a>.' in html
    assert "Old text." not in html


def test_the_about_page_is_in_the_readers_language_else_the_original_with_a_note(
    client, django_assert_num_queries
):
    about_page(
        title="Who runs it",
        body="Run by the Example Society.",
        title_fr="Qui la tient",
        body_fr="Tenue par la Société exemplaire. [Contact](https://example.org/contact)",
        translated_by_fr="Marie Dupont",
    )
    with django_assert_num_queries(1):  # as in English: the translations are columns
        response = client.get("/fr/about/")
    french = " ".join(response.content.decode().split())
    assert '<h2 id="who">Qui la tient</h2>' in french
    assert '<a href="#who">Qui la tient</a>' in french
    assert (
        '<div class="site-page-body"><p>Tenue par la Société exemplaire. '
        '<a href="https://example.org/contact">Contact</a></p></div>'
    ) in french
    assert "Traduction de l’original (anglais) par Marie Dupont." in french
    assert "Run by the Example Society" not in french

    ukrainian = " ".join(client.get("/uk/about/").content.decode().split())
    assert '<h2 id="who" lang="en" dir="ltr">Who runs it</h2>' in ukrainian
    assert '<div class="site-page-body" lang="en" dir="ltr"><p>Run by' in ukrainian
    assert "Мова оригіналу: англійська; перекладу (українська) ще немає." in ukrainian

    english = about_html(client)  # the original: no mark, no note
    assert '<h2 id="who">Who runs it</h2>' in english
    assert "translation-note" not in english


def test_a_translation_of_the_about_page_waits_for_review_and_names_its_language(client):
    researcher = member_of("researcher", username="r")
    reviewer = member_of("reviewer", username="v")
    page = about_page(body="Old text.")
    client.force_login(researcher)
    url = reverse("admin:cases_sitepage_change", args=[page.pk])
    data = current_data(client.get(url))
    data.update(body_uk="Новий текст.", translated_by_uk="Олена")
    assert_saved(client.post(url, data))
    change = m.Change.objects.get(object_id=str(page.pk))
    changesets.submit(change_set=change.change_set, user=researcher)
    client.force_login(reviewer)
    diff = client.get(change.change_set.get_absolute_url()).content.decode()
    assert "Body (Ukrainian)" in diff
    client.logout()
    assert "Новий текст." not in client.get("/uk/about/").content.decode()
    changesets.approve(change_set=change.change_set, reviewer=reviewer)
    assert "<p>Новий текст.</p>" in client.get("/uk/about/").content.decode()
    assert page.history.latest().body_uk == "Новий текст."


def test_an_unpublished_about_pages_translation_is_not_shown(client):
    page = about_page(title_fr="ZZSECRETMARKER fr", body_fr="ZZSECRETMARKER fr body")
    m.SitePage.objects.filter(pk=page.pk).update(publication_status="draft")
    for language in ("fr", "uk"):
        html = client.get(f"/{language}/about/").content.decode()
        assert "ZZSECRETMARKER" not in html
        assert 'href="#who"' not in html
