"""The county tallies (models.CountyTally): the home page and the counties index read them instead
of every visible article, and after every kind of write they equal a fresh recount."""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import views, writer
from articles.models import Article, CountyTally, Page, Tallies
from articles.writer import (
    Action, Outcome, PageMeta, Source, apply_state, discard, ingest_file, ingest_sources, load_state, replace_page,
    revert, set_status, undo, update_page_meta,
)
from ingest import corrections
from ingest.model import County
from tests.conftest import SEED_FILES
from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db

PUBLISHED, DRAFT, WITHDRAWN = Page.Status.PUBLISHED, Page.Status.DRAFT, Page.Status.WITHDRAWN
JIEXIU = County("140781", "介休市", "介休", "晋中市", "山西省")
PINGYAO = County("140728", "平遥县", "平遥", "晋中市", "山西省")
JIANG = County("140826", "绛县", "", "运城市", "山西省")
META = PageMeta(paper="晋中日报", date=dt.date(2025, 3, 29), label="第3版", prefecture_code="1407")


def seed(n: int = 0) -> bytes:
    return SEED_FILES[n].read_bytes()


def tallied() -> Tallies:
    """What the pages show: the summary's numbers, read from the tallies."""
    counties, groups, total = views._county_counts()
    return Tallies({c.code: c.n for c in counties}, groups, total)


def assert_tallies_match() -> Tallies:
    """The kept tallies equal a recount of the visible articles (the reference), and are not
    trivially empty when there is something to count."""
    fresh = CountyTally.objects.recount()
    assert tallied() == fresh
    assert CountyTally.objects.counts() == fresh
    return fresh


def test_ingest_counts_published_pages_and_not_drafts():
    assert assert_tallies_match() == Tallies({}, {}, 0)
    ingest_file("a.txt", seed(0), META, status=PUBLISHED)
    published = assert_tallies_match()
    assert published.total == Article.objects.count() > 0 and published.counties
    ingest_file("b.txt", seed(1), dataclasses.replace(META, label="第4版"), status=DRAFT)
    assert assert_tallies_match() == published


def test_a_batch_of_files_is_counted_in_its_transaction():
    sources = [Source(p.name, dataclasses.replace(META, label=f"第{n}版"), data=p.read_bytes()) for n, p in enumerate(SEED_FILES, 1)]
    results = list(ingest_sources(sources, batch=3))
    assert {r.outcome for r in results} == {Outcome.CREATED}
    assert assert_tallies_match().total == Article.objects.count()


def test_a_story_of_two_counties_of_one_prefecture_counts_once_for_it_and_untagged_ones_in_the_total():
    make_article(date=dt.date(2024, 1, 1), headline="两地合作", body="介休和平遥。", counties=(JIEXIU, PINGYAO))
    make_article(date=dt.date(2024, 1, 2), headline="绛县", body="绛县。", counties=(JIANG,))
    make_article(date=dt.date(2024, 1, 3), headline="没有县区", body="正文。")
    make_article(page=make_page(date=dt.date(2024, 1, 4), status=DRAFT), headline="草稿", body="介休。", counties=(JIEXIU,))
    assert assert_tallies_match() == Tallies(
        {"140781": 1, "140728": 1, "140826": 1},
        {("山西省", "晋中市"): 1, ("山西省", "运城市"): 1, ("山西省",): 2},
        3,
    )


def test_publish_withdraw_and_discard_follow_visibility():
    draft = ingest_file("a.txt", seed(0), META, status=DRAFT).page
    other = ingest_file("b.txt", seed(1), dataclasses.replace(META, label="第4版"), status=DRAFT).page
    assert assert_tallies_match().total == 0
    set_status(draft, PUBLISHED)
    shown = assert_tallies_match()
    assert shown.total == draft.articles.count()
    set_status(draft, PUBLISHED)  # again: nothing changes
    assert assert_tallies_match() == shown
    set_status(draft, WITHDRAWN)
    assert assert_tallies_match().total == 0
    with pytest.raises(ValueError):  # once published, withdrawn: never a draft again
        set_status(draft, DRAFT)
    set_status(draft, PUBLISHED)
    assert assert_tallies_match() == shown
    discard(other)
    assert assert_tallies_match() == shown


def _tagged(state) -> int:
    return next(i for i, a in enumerate(state.articles) if a.counties and len(a.lines) > 2)


def test_corrections_undo_and_revert_keep_the_tallies():
    page = ingest_file("a.txt", seed(0), META, status=PUBLISHED).page
    source = corrections.source_lines(page.raw_text)
    i = _tagged(load_state(page))

    # Counties: two of one prefecture, then one of another, then none.
    apply_state(page, corrections.set_counties(load_state(page), i, [JIEXIU, PINGYAO]), user=None, action=Action.CORRECT)
    assert assert_tallies_match().groups[("山西省", "晋中市")] >= 1
    apply_state(page, corrections.set_counties(load_state(page), i, [JIANG]), user=None, action=Action.CORRECT)
    assert assert_tallies_match().counties["140826"] >= 1
    apply_state(page, corrections.set_counties(load_state(page), i, []), user=None, action=Action.CORRECT)
    assert_tallies_match()

    # Split (a new story, re-read and tagged from its lines), merge, move lines, edit fields.
    state = load_state(page)
    lines = state.articles[i].lines
    apply_state(page, corrections.split_article(state, i, lines[len(lines) // 2], source=source), user=None, action=Action.CORRECT)
    split = assert_tallies_match()
    apply_state(page, corrections.merge_with_next(load_state(page), i, source=source), user=None, action=Action.CORRECT)
    assert assert_tallies_match().total == split.total - 1
    state = load_state(page)
    last = state.articles[i].lines[-1]
    apply_state(page, corrections.move_lines(state, i, [last], "next", source=source), user=None, action=Action.CORRECT)
    assert_tallies_match()
    apply_state(page, corrections.edit_fields(load_state(page), i, headline="改过的标题"), user=None, action=Action.CORRECT)
    assert_tallies_match()

    # Undo step by step, then revert to the latest version again.
    latest = page.revisions.order_by("-number").first().number
    for _ in range(4):
        undo(page)
        assert_tallies_match()
    revert(page, latest)
    assert_tallies_match()
    revert(page, 0)
    assert_tallies_match()


def test_corrections_of_a_draft_count_nothing_until_it_is_published():
    page = ingest_file("a.txt", seed(0), META, status=DRAFT).page
    i = _tagged(load_state(page))
    apply_state(page, corrections.set_counties(load_state(page), i, [JIEXIU, JIANG]), user=None, action=Action.CORRECT)
    assert assert_tallies_match().total == 0
    set_status(page, PUBLISHED)
    assert assert_tallies_match().counties["140826"] >= 1


def test_replacing_a_file_and_moving_a_page_keep_the_tallies():
    page = ingest_file("a.txt", seed(0), META, status=PUBLISHED).page
    assert replace_page(page, "b.txt", seed(1)).outcome == Outcome.REPLACED
    assert_tallies_match()
    # The same slot replaced by ingest.
    result = ingest_file("c.txt", seed(2), META, status=PUBLISHED, same_slot="replace")
    assert result.outcome == Outcome.REPLACED
    before = assert_tallies_match()
    update_page_meta(page, paper="吕梁日报", date=dt.date(2024, 1, 2), label="第4版")
    assert assert_tallies_match() == before


def test_the_admin_publishes_withdraws_and_retags_through_the_writer(client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    page = ingest_file("a.txt", seed(0), META, status=PUBLISHED).page
    response = client.post(
        f"/admin/articles/page/{page.pk}/change/",
        {"paper": page.issue.newspaper_id, "date": "2025-03-29", "label": "第3版", "status": "withdrawn",
         "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302
    assert assert_tallies_match().total == 0
    set_status(page, PUBLISHED)
    assert_tallies_match()


def test_a_county_moved_to_another_prefecture_in_the_admin_is_counted_again(client):
    from django.contrib.auth.models import User

    from articles.models import County as CountyRow

    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    ingest_file("a.txt", seed(0), META, status=PUBLISHED)
    county = CountyRow.objects.get(code=JIEXIU.code)
    form = {"code": county.code, "name": county.name, "short_name": county.short_name,
            "prefecture": "测试地区", "province": county.province}
    assert client.post(f"/admin/articles/county/{county.pk}/change/", form).status_code == 302
    fresh = assert_tallies_match()
    assert fresh.counties[JIEXIU.code] == fresh.groups[("山西省", "测试地区")]


def test_the_pages_read_the_tallies_not_the_articles(client, django_assert_num_queries):
    ingest_file("a.txt", seed(0), META, status=PUBLISHED)
    with CaptureQueriesContext(connection) as queries:
        views._county_counts()
    assert len(queries) == 2  # the tallies, the counties they name
    assert not any("articles_article" in q["sql"] for q in queries.captured_queries)
    # The summary's five queries: tallies, counties, latest issues, latest stories with their
    # counties (every one titled: no captions read).
    with django_assert_num_queries(5):
        assert client.get("/counties/").status_code == 200


def test_deltas_are_folded_by_the_writers_and_by_a_reader_and_the_sums_stay(monkeypatch):
    make_article(date=dt.date(2024, 1, 1), headline="一", body="介休。", counties=(JIEXIU,))
    make_article(date=dt.date(2024, 1, 2), headline="二", body="平遥。", counties=(PINGYAO,))
    make_article(date=dt.date(2024, 1, 3), headline="三", body="介休平遥。", counties=(JIEXIU, PINGYAO))
    rows = CountyTally.objects.count()
    keys = len(CountyTally.objects.values_list("county", "province", "prefecture").distinct())
    assert rows > keys  # deltas, one row per key per write
    # A reader folds when the deltas pile up.
    monkeypatch.setattr("articles.models.TALLY_FOLD_AFTER", 0)
    fresh = assert_tallies_match()
    assert CountyTally.objects.count() == keys
    monkeypatch.setattr("articles.models.TALLY_FOLD_AFTER", 10_000)
    # A writer folds every TALLY_FOLD_EVERY rows it appends.
    monkeypatch.setattr(writer, "TALLY_FOLD_EVERY", 1)
    make_article(date=dt.date(2024, 1, 4), headline="四", body="绛县。", counties=(JIANG,))
    keys = len(CountyTally.objects.values_list("county", "province", "prefecture").distinct())
    assert CountyTally.objects.count() == keys
    assert assert_tallies_match().total == fresh.total + 1


def test_a_fold_leaves_no_key_of_zero():
    page = make_article(date=dt.date(2024, 1, 1), headline="一", body="介休。", counties=(JIEXIU,)).page
    set_status(page, WITHDRAWN)
    CountyTally.objects.fold()
    assert not CountyTally.objects.exists()
    assert assert_tallies_match() == Tallies({}, {}, 0)


def test_the_repair_command_rebuilds_tallies_that_drifted():
    make_article(date=dt.date(2024, 1, 1), headline="一", body="介休。", counties=(JIEXIU, PINGYAO))
    fresh = assert_tallies_match()
    # A change behind the writer's back (a county's prefecture renamed in the admin, a raw update).
    CountyTally.objects.create(county="140781", n=5)
    assert CountyTally.objects.counts() != fresh
    out = StringIO()
    with pytest.raises(CommandError, match="differ"):
        call_command("recountcounties", "--check", stdout=out)
    call_command("recountcounties", stdout=out)
    assert assert_tallies_match() == fresh
    call_command("recountcounties", "--check", stdout=out)  # now nothing to repair


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("counties")
def test_several_writers_at_once_add_up():
    sources = [Source(p.name, dataclasses.replace(META, label=f"第{n}版"), data=p.read_bytes()) for n, p in enumerate(SEED_FILES, 1)]
    results = list(ingest_sources(sources, batch=1, writers=2))
    assert {r.outcome for r in results} == {Outcome.CREATED}
    assert assert_tallies_match().total == Article.objects.count() > 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("counties")
def test_the_migration_counts_an_existing_archive():
    from django.db.migrations.executor import MigrationExecutor

    ingest_file("a.txt", seed(0), META, status=PUBLISHED)
    ingest_file("b.txt", seed(1), dataclasses.replace(META, label="第4版"), status=PUBLISHED)
    ingest_file("c.txt", seed(2), dataclasses.replace(META, label="第5版"), status=DRAFT)
    expected = CountyTally.objects.recount()
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("articles", "0013_revision_refs")])
    executor = MigrationExecutor(connection)
    executor.migrate(leaves)
    assert expected.total > 0
    assert CountyTally.objects.counts() == expected
