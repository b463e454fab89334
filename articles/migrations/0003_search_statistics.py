"""Finer statistics for the search vectors.

Ranking asks the planner how many articles hold a term's grams (articles/ranking.py) to choose
between walking the date index and collecting the matches. With the default target (100) the
planner knows the frequencies of only the 1,000 commonest lexemes — down to 9.5% of articles at
a million synthetic ones — and guesses 0.5% for every other: a pair in 3% of the articles and one
in 0.08% look alike. A target of 1,000 keeps 10,000 lexemes.
"""

from django.db import migrations

COLUMNS = ["search_head", "search_body", "search_words"]
INDEXES = ["article_headline_gin", "article_titles_gin", "article_headline_words_gin", "article_titles_words_gin"]
TARGET = 1000


def _sql(target: int) -> list[str]:
    return [f"ALTER TABLE articles_article ALTER COLUMN {c} SET STATISTICS {target}" for c in COLUMNS] + [
        f"ALTER INDEX {i} ALTER COLUMN 1 SET STATISTICS {target}" for i in INDEXES
    ]


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_weight_tier_indexes")]

    operations = [migrations.RunSQL(_sql(TARGET), reverse_sql=_sql(-1))]
