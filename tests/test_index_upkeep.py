"""The search columns follow every change to an article."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_reindex_command_rebuilds_vectors_and_resumes_after_an_id():
    first = make_article(headline="平遥古城")
    second = make_article(headline="绵山")
    Article.objects.update(search_head=None, search_body=None, search_words=None)
    out = StringIO()
    call_command("reindex", "--no-progress", f"--after-id={first.id}", stdout=out)
    assert "reindexed 1 articles" in out.getvalue()
    assert list(Article.objects.search("绵山").values_list("id", flat=True)) == [second.id]
    assert not Article.objects.search("平遥古城").exists()
    call_command("reindex", "--no-progress", stdout=StringIO())
    assert list(Article.objects.search("平遥古城").values_list("id", flat=True)) == [first.id]


@pytest.mark.parametrize("batch", ["0", "-5"])
def test_reindex_refuses_a_batch_of_no_articles(batch):
    from django.core.management import CommandError

    make_article(headline="平遥古城")
    with pytest.raises(CommandError, match="--batch must be at least 1"):
        call_command("reindex", "--no-progress", f"--batch={batch}", stdout=StringIO())


def test_admin_correction_is_searchable_at_once_and_audited(client):
    from articles.models import PageRevision
    from articles.writer import undo

    article = make_article(headline="旧标题", body="正文。")
    admin = User.objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(admin)
    form = {
        "section": "", "kicker": "",
        "headline": "新标题文峰塔", "subheadline": "", "byline": "", "byline_text": "", "source": "",
        "body": "正文。", "intertitles": "",
        "captions-TOTAL_FORMS": "0", "captions-INITIAL_FORMS": "0",
        "county_tags-TOTAL_FORMS": "0", "county_tags-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Article.objects.search("文峰塔").values_list("id", flat=True)) == [article.id]
    assert not Article.objects.search("旧标题").exists()
    latest = PageRevision.objects.filter(page=article.page_id).order_by("number").last()
    assert latest.user == admin and latest.state["articles"][-1]["headline"] == "新标题文峰塔"
    # Undoing it from the history brings the old text back to search too, with the same id.
    undo(article.page, admin)
    assert list(Article.objects.search("旧标题").values_list("id", flat=True)) == [article.id]
    assert not Article.objects.search("文峰塔").exists()
