"""articles/writer.py: the one write path — duplicates, same slot, states, revisions, undo, status."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from articles.models import Article, Issue, Page, PageRevision
from articles.writer import (
    Action,
    CannotUndo,
    Outcome,
    PageMeta,
    apply_state,
    content_key,
    discard,
    ingest_file,
    load_state,
    page_number,
    read_page,
    replace_page,
    revert,
    set_status,
    undo,
    update_page_meta,
)
from ingest.model import page_to_dict
from tests.conftest import SEED_FILES
from tests.factories import seed_meta

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("counties")]

PUBLISHED = Page.Status.PUBLISHED
META = PageMeta(paper="晋中日报", date=dt.date(2025, 3, 29), label="第3版", prefecture_code="1407")


def seed(i: int = 0) -> bytes:
    return SEED_FILES[i].read_bytes()


def _without_refs(d: dict) -> dict:
    return {**d, "articles": [{**a, "ref": None} for a in d["articles"]]}


def test_the_stored_state_is_the_parse_exactly():
    metas = seed_meta()
    for path in SEED_FILES:
        result = ingest_file(path.name, path.read_bytes(), metas[path.name], status=PUBLISHED)
        _, parsed = read_page(path.read_bytes(), metas[path.name])
        state = load_state(result.page)
        assert _without_refs(page_to_dict(state)) == page_to_dict(parsed), path.name
        assert [a.ref for a in state.articles] == list(
            result.page.articles.order_by("position").values_list("id", flat=True)
        )


def test_the_same_text_with_a_trailing_newline_or_crlf_is_a_duplicate():
    first = ingest_file("a.txt", seed(), META, status=PUBLISHED)
    again = ingest_file("b.txt", seed() + b"\n", META, status=PUBLISHED)
    crlf = ingest_file("c.txt", seed().replace(b"\n", b"\r\n"), META, status=PUBLISHED)
    assert first.outcome == Outcome.CREATED
    assert again.outcome == crlf.outcome == Outcome.DUPLICATE
    assert again.page == crlf.page == first.page
    assert "already in the archive" in again.message and "此前已入库" in again.message_zh
    assert Page.objects.count() == 1
    assert content_key("甲 \n乙\n\n") == content_key("\ufeff甲\r\n乙")


def test_the_same_slot_with_other_text_is_reported_and_nothing_is_written():
    first = ingest_file("a.txt", seed(0), META, status=PUBLISHED)
    articles = Article.objects.count()
    other = ingest_file("b.txt", seed(1), META, status=PUBLISHED)
    assert other.outcome == Outcome.SAME_SLOT and other.page == first.page
    assert "晋中日报 2025-03-29 第3版" in other.message
    assert Page.objects.count() == 1 and Article.objects.count() == articles
    # An undated page, or one without a label, has no slot.
    undated = dataclasses.replace(META, date=None)
    assert ingest_file("c.txt", seed(2), undated, status=PUBLISHED).outcome == Outcome.CREATED
    assert ingest_file("d.txt", seed(3), undated, status=PUBLISHED).outcome == Outcome.CREATED


def test_keep_both_stores_a_second_page_in_the_slot():
    ingest_file("a.txt", seed(0), META, status=PUBLISHED)
    kept = ingest_file("b.txt", seed(1), META, status=PUBLISHED, same_slot="keep")
    assert kept.outcome == Outcome.CREATED
    assert Page.objects.filter(issue__date=META.date, label="第3版").count() == 2
    assert Issue.objects.count() == 1


def test_replace_gives_the_page_the_new_text_and_keeps_the_old_in_its_history():
    first = ingest_file("a.txt", seed(0), META, status=PUBLISHED)
    old_text = first.page.raw_text
    replaced = ingest_file("b.txt", seed(1), META, status=Page.Status.DRAFT, same_slot="replace")
    page = Page.objects.get()
    assert replaced.outcome == Outcome.REPLACED and replaced.page.pk == first.page.pk
    assert page.raw_text == SEED_FILES[1].read_text(encoding="utf-8") and page.source_name == "b.txt"
    assert page.status == PUBLISHED  # the page stays as public as it was
    revisions = list(page.revisions.order_by("number"))
    assert [r.action for r in revisions] == [Action.INGEST, Action.REPLACE]
    assert revisions[1].raw_text == old_text
    assert Article.objects.visible().search("吕梁").exists()
    with pytest.raises(CannotUndo):
        undo(page)


def test_replace_page_replaces_the_chosen_page():
    first = ingest_file("a.txt", seed(0), META, status=PUBLISHED)
    assert replace_page(first.page, "b.txt", seed(0) + b"\n").outcome == Outcome.DUPLICATE
    result = replace_page(first.page, "b.txt", seed(1))
    assert result.outcome == Outcome.REPLACED
    assert Page.objects.get().source_name == "b.txt"


def test_changes_are_revisions_and_undo_walks_back_to_the_ingest_with_the_same_ids():
    page = ingest_file("a.txt", seed(0), META, status=PUBLISHED).page
    at_ingest = load_state(page)
    ids = [a.ref for a in at_ingest.articles]
    headline = at_ingest.articles[0].headline
    assert Article.objects.search(headline).filter(id=ids[0]).exists()

    # 1: drop the first article's row (its lines go to the second); 2: a new headline.
    state = load_state(page)
    gone = state.articles.pop(0)
    state.articles[0].lines = sorted(gone.lines + state.articles[0].lines)
    first = apply_state(page, state, user=None, action=Action.CORRECT, summary="merge")
    state = load_state(page)
    state.articles[0].headline = "新标题文峰塔"
    apply_state(page, state, user=None, action=Action.CORRECT)

    assert not Article.objects.filter(id=ids[0]).exists()
    assert Article.objects.search("文峰塔").filter(id=ids[1]).exists()
    revisions = list(page.revisions.order_by("number"))
    assert [r.number for r in revisions] == [0, 1, 2]
    assert revisions[0].action == Action.INGEST and revisions[0].created_at == page.ingested_at
    assert revisions[0].user is None and first.number == 1

    undo(page)
    assert not Article.objects.search("文峰塔").exists()
    undo(page)
    assert page_to_dict(load_state(page)) == page_to_dict(at_ingest)  # ids included
    assert Article.objects.search(headline).filter(id=ids[0]).exists()
    with pytest.raises(CannotUndo):
        undo(page)

    revert(page, 2)
    assert Article.objects.search("文峰塔").exists()
    assert page.revisions.order_by("number").last().action == Action.REVERT


def test_a_change_rewrites_only_the_articles_it_touches():
    page = ingest_file("a.txt", seed(0), META, status=PUBLISHED).page
    state = load_state(page)
    state.articles[1].headline = "只改这一篇"
    apply_state(page, state, user=None, action=Action.EDIT)
    after = load_state(page)
    assert [a.ref for a in after.articles] == [a.ref for a in state.articles]
    assert after.articles[1].headline == "只改这一篇"


def test_readers_never_see_a_draft_or_a_withdrawn_page(client):
    metas = seed_meta()
    draft = ingest_file(SEED_FILES[0].name, seed(0), metas[SEED_FILES[0].name], status=Page.Status.DRAFT).page
    withdrawn = ingest_file(SEED_FILES[1].name, seed(1), metas[SEED_FILES[1].name], status=PUBLISHED).page
    set_status(withdrawn, Page.Status.WITHDRAWN)
    hidden = [draft, withdrawn]
    assert not Article.objects.visible().filter(page__in=hidden).exists()
    for page in hidden:
        article = page.articles.order_by("position").first()
        assert client.get(f"/pages/{page.pk}/").status_code == 404
        assert client.get(f"/articles/{article.pk}/").status_code == 404
        assert client.get(f"/api/articles/{article.pk}").status_code == 404
        data = client.get("/api/articles", {"q": article.headline[:4]}).json()
        assert article.pk not in [r["id"] for r in data["results"]]
        assert article.headline not in client.get("/search", {"q": article.headline[:4]}).content.decode()
    home = client.get("/").content.decode()
    assert "收录 0 篇" in home and draft.source_name not in home
    # 介休 is the first seed's county: its county page lists nothing while the page is a draft.
    assert "介休市网格化党建" not in client.get("/counties/介休市/").content.decode()

    set_status(draft, PUBLISHED)
    assert client.get(f"/pages/{draft.pk}/").status_code == 200
    assert "介休市网格化党建" in client.get("/search", {"q": "介休"}).content.decode()
    assert Page.objects.get(pk=draft.pk).published_at is not None


def test_a_change_of_paper_or_date_reaches_the_articles_at_once():
    page = ingest_file("a.txt", seed(0), META, status=PUBLISHED).page
    update_page_meta(page, paper="吕梁日报", date=dt.date(2024, 1, 2), label="第4版")
    page.refresh_from_db()
    assert (page.issue.newspaper.name, page.issue.date, page.label, page.number) == ("吕梁日报", dt.date(2024, 1, 2), "第4版", 4)
    assert set(Article.objects.values_list("newspaper__name", "date")) == {("吕梁日报", dt.date(2024, 1, 2))}
    assert Issue.objects.count() == 1  # the emptied issue is gone
    update_page_meta(page, date=None)
    assert set(Article.objects.values_list("date", flat=True)) == {None}


def test_only_a_draft_is_discarded():
    page = ingest_file("a.txt", seed(0), META, status=Page.Status.DRAFT).page
    published = ingest_file("b.txt", seed(1), dataclasses.replace(META, label="第4版"), status=PUBLISHED).page
    with pytest.raises(ValueError):
        discard(published)
    discard(page)
    assert list(Page.objects.all()) == [published]
    assert not Article.objects.filter(page_id=page.pk).exists()
    assert not PageRevision.objects.exists()


def test_undo_never_walks_back_past_a_replaced_file():
    page = ingest_file("a.txt", seed(), META, status=PUBLISHED).page
    corrected = seed().replace(b"\n\n", b"\n", 1) + "\n补充一段。".encode()
    assert replace_page(page, "b.txt", corrected).outcome == Outcome.REPLACED
    state = load_state(page)
    state.articles[0].headline = "改过的标题"
    apply_state(page, state, user=None, action=Action.CORRECT)
    undo(page)  # back to the replaced file's own split: fine
    with pytest.raises(CannotUndo):
        undo(page)  # the split of the old file would be laid on the new text
    assert load_state(page).articles[0].headline != "改过的标题"


def test_moving_a_page_onto_another_pages_place_is_refused():
    from articles.writer import SlotTaken

    first = ingest_file("a.txt", seed(0), META, status=PUBLISHED).page
    second = ingest_file("b.txt", seed(1), dataclasses.replace(META, label="第4版"), status=PUBLISHED).page
    with pytest.raises(SlotTaken):
        update_page_meta(second, label="第3版")
    second.refresh_from_db()
    assert second.label == "第4版" and first.label == "第3版"


def _codes_follow_tags() -> None:
    from articles.models import ArticleCounty

    tags: dict[int, list[tuple[bool, int, int]]] = {}
    for article_id, code, primary, tag_id in ArticleCounty.objects.values_list("article_id", "county_id", "primary", "id"):
        tags.setdefault(article_id, []).append((not primary, tag_id, int(code)))
    for article_id, codes in Article.objects.values_list("id", "county_codes"):
        assert codes == [code for *_, code in sorted(tags.get(article_id, []))], article_id


def test_the_county_codes_on_the_row_follow_the_tags_through_ingest_corrections_and_undo():
    page = ingest_file("a.txt", seed(0), META, status=PUBLISHED).page
    assert Article.objects.exclude(county_codes=[]).exists()
    _codes_follow_tags()

    state = load_state(page)
    tagged = next(a for a in state.articles if a.counties)
    county = tagged.counties[0]
    tagged.counties = []  # the county dropped from one story, given to another as its primary
    untagged = next(a for a in state.articles if a is not tagged)
    untagged.counties = [county, *[c for c in untagged.counties if c.code != county.code]]
    apply_state(page, state, user=None, action=Action.EDIT)
    _codes_follow_tags()
    assert Article.objects.get(id=untagged.ref).county_codes[0] == int(county.code)
    assert Article.objects.in_county(county.code).filter(id=tagged.ref).count() == 0

    undo(page)
    _codes_follow_tags()
    assert Article.objects.in_county(county.code).filter(id=tagged.ref).exists()


@pytest.mark.parametrize(
    ("label", "number"),
    [
        ("第3版", 3), ("A05", 5), ("第十二版", 12), ("第３版", 3), ("第１２版", 12), ("第9999版", 9999),
        ("第99999999999版", None), ("第²版", None), ("要闻", None),
    ],
)
def test_a_page_number_is_a_small_ascii_number_or_none(label, number):
    # 第99999999999版 once overflowed the 32-bit column (a 500 on the editor's page form); ² passed
    # isdigit() and failed int().
    assert page_number(label) == number


def test_a_huge_page_number_in_a_label_is_stored_without_one():
    result = ingest_file("a.txt", seed(), dataclasses.replace(META, label="第99999999999版"), status=PUBLISHED)
    assert result.outcome == Outcome.CREATED
    assert (result.page.label, result.page.number) == ("第99999999999版", None)
    page = update_page_meta(result.page, label="第88888888888版")
    assert page.number is None


@pytest.mark.parametrize(
    ("field", "value", "zh"),
    [("paper", "报" * 101, "报名有 101 个字"), ("label", "版" * 51, "版次有 51 个字"), ("edition", "版" * 51, "版别有 51 个字")],
)
def test_a_paper_name_or_label_too_long_for_the_archive_is_refused_with_its_reason(field, value, zh):
    # Before, the database refused the row: "value too long for type character varying(100)",
    # in English on a Chinese page, blaming the file.
    result = ingest_file("a.txt", seed(), dataclasses.replace(META, **{field: value}), status=PUBLISHED)
    assert result.outcome == Outcome.FAILED and result.reason.startswith(zh)
    assert "database" not in result.message and not Page.objects.exists()


def test_publishing_drops_the_kept_export_list(django_capture_on_commit_callbacks):
    # The export page lists papers and years from a copy kept for HOME_CACHE_SECONDS: a page just
    # published was missing from it, a withdrawn one still linked (to a 404).
    from django.core.cache import cache

    from articles.export import SUMMARY_CACHE_KEY

    result = ingest_file("a.txt", seed(), META, status=Page.Status.DRAFT)
    cache.set(SUMMARY_CACHE_KEY, ["stale"])
    with django_capture_on_commit_callbacks(execute=True):
        set_status(result.page, PUBLISHED)
    assert cache.get(SUMMARY_CACHE_KEY) is None
