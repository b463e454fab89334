"""``manage.py export_corrections``: an admin's corrected pages written for the splitter's
training (``scripts/train_splitter.py --corrections``), and read back as labelled pages."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from articles.models import Page
from articles.roles import Role
from ingest.corpus import read_expected
from tests.conftest import SEED_FILES
from tests.factories import make_user
from tests.test_correction_views import post, state_of

pytestmark = pytest.mark.django_db


def test_only_pages_an_admin_corrected_are_written_and_they_read_back_as_training_pages(client, seeds, tmp_path, capsys):
    client.force_login(make_user("corrector", role=Role.ADMIN))
    page = Page.objects.get(source_name=SEED_FILES[0].name)
    article = state_of(page).articles[1]
    assert post(client, page, "lines", line=article.lines[-3], do="split").status_code == 302

    call_command("export_corrections", str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"page-{page.pk}.json", f"page-{page.pk}.txt"]
    assert (tmp_path / f"page-{page.pk}.txt").read_text(encoding="utf-8") == page.raw_text
    form = json.loads((tmp_path / f"page-{page.pk}.json").read_text(encoding="utf-8"))
    assert len(form["articles"]) == len(state_of(page).articles)  # the split as corrected
    assert "1 corrected pages written" in capsys.readouterr().out

    [labelled] = read_expected(tmp_path, tmp_path, "corrections")
    labels = [line.label for line in labelled.lines]
    assert labels.count("S") == len(form["articles"])  # each story, the new one too, starts once


def test_a_page_whose_split_is_the_splitters_own_again_is_not_written(client, seeds, tmp_path, capsys):
    client.force_login(make_user("corrector", role=Role.ADMIN))
    page = Page.objects.get(source_name=SEED_FILES[0].name)
    article = state_of(page).articles[1]
    assert post(client, page, "lines", line=article.lines[-3], do="split").status_code == 302
    assert client.post(f"/pages/{page.pk}/undo/", {"version": 1}).status_code == 302  # back to the splitter's
    call_command("export_corrections", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    assert "1 with the splitter's own split" in capsys.readouterr().out
