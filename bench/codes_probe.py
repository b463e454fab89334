"""Issue 13's smaller index, measured before choosing: character-pair codes as an int4[] per article.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load \
        .venv/bin/python bench/codes_probe.py build [--unigrams] [--inline]
    DATABASE_URL=… .venv/bin/python bench/codes_probe.py query [--table probe_codes] [--reps 5]

On a database the search benchmark built (``bench/search_bench.py --keep``), ``build`` writes a
side table ``probe_codes`` (or ``probe_inline`` with ``--inline``): per article, the codes of
every character pair of its folded text — every field: titles, byline, body, subheadings,
captions — as the grams vectors hold them but without positions or weights (a CRC-32 of the
pair, so collisions only widen the candidates), a GIN index on them, the titles' codes apart,
and the date index the search walks. ``--unigrams`` adds a code per distinct character (what a
one-character term would need); ``--inline`` keeps the array in the row (``toast_tuple_target``
8160, storage MAIN) instead of out of line. It prints the bytes an article per part beside the
archive's own vectors and indexes.

``query`` takes each benchmark term (and a three-term query) and finds the newest 1,000 matches
— what the search page's count and facets read (``ranking.newest_sample``) — both ways: the
archive's, and the probe's (candidates whose codes hold every pair of the term, then the exact
check as a regular expression on the stored fields, each character matching any character that
folds to it), printing times and whether the two found the same articles. The probe has no jieba
words: a term matches as a substring only, so an article the archive finds through its words
alone (`基层治理` as 基层 … 治理) differs. Nothing of the archive is changed; ``DROP TABLE
probe_codes, probe_inline`` removes the probe. Figures: docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.tokens import _UNIT_RE, _fold_table, fold  # noqa: E402

TERMS = [("党建",), ("社区",), ("网格化",), ("志愿者",), ("葫芦丝",), ("付炎",), ("罗晓庆",), ("森林",), ("稻浪",),
         ("绛县",), ("介休", "党建"), ("基层治理",), ("党建", "社区", "志愿者")]
FIELDS = ["a.headline", "a.kicker", "a.subheadline", "a.byline_text", "a.body", "array_to_string(a.intertitles, E'\\n')"]


def code(gram: str) -> int:
    value = zlib.crc32(gram.encode("utf-8"))
    return value - (1 << 32) if value >= (1 << 31) else value


def text_codes(text: str, out: set[int], unigrams: bool) -> None:
    for match in _UNIT_RE.finditer(fold(text)):
        run = match.group(1)
        if run:
            out.update(code(run[i:i + 2]) for i in range(len(run) - 1))
            out.add(code(run[-1]))  # a run's last character alone, as the grams vector holds it
            if unigrams:
                out.update(code("1:" + ch) for ch in set(run))
        else:
            out.add(code(match.group(2)))


def build(database_url: str, *, unigrams: bool, inline: bool) -> None:
    import psycopg

    table = "probe_inline" if inline else "probe_codes"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        options = " WITH (toast_tuple_target = 8160)" if inline else ""
        conn.execute(f"CREATE TABLE {table} (id bigint primary key, date date, visible bool, codes int4[], head int4[]){options}")
        if inline:
            conn.execute(f"ALTER TABLE {table} ALTER COLUMN codes SET STORAGE MAIN")
        captions: dict[int, str] = dict(
            conn.execute("SELECT article_id, string_agg(text, E'\\n') FROM articles_caption GROUP BY article_id").fetchall()
        )
        started = time.time()
        rows = conn.execute(
            "SELECT id, date, visible, headline, kicker, subheadline, byline_text, body,"
            " array_to_string(intertitles, E'\\n') FROM articles_article"
        ).fetchall()
        # Batches of 5,000, each its own transaction: no COPY left open for minutes.
        for start in range(0, len(rows), 5000):
            with conn.transaction(), conn.cursor() as cur, cur.copy(f"COPY {table} (id, date, visible, codes, head) FROM STDIN") as copy:
                for aid, date, visible, headline, kicker, subheadline, byline, body, intertitles in rows[start:start + 5000]:
                    head: set[int] = set()
                    for text in (headline, kicker, subheadline):
                        text_codes(text, head, unigrams)
                    every = set(head)
                    for text in (byline, body, intertitles, captions.get(aid, "")):
                        text_codes(text, every, unigrams)
                    copy.write_row((aid, date, visible, sorted(every), sorted(head)))
        print(f"{len(rows):,} rows in {time.time() - started:.0f} s")
        conn.execute(f"CREATE INDEX {table}_gin ON {table} USING gin (codes)")
        conn.execute(f"CREATE INDEX {table}_head_gin ON {table} USING gin (head)")
        conn.execute(f"CREATE INDEX {table}_date ON {table} (date DESC NULLS LAST, id DESC) WHERE visible")
        conn.execute(f"VACUUM ANALYZE {table}")
        n = len(rows) or 1
        codes, count, head = conn.execute(f"SELECT avg(pg_column_size(codes)), avg(cardinality(codes)), avg(pg_column_size(head)) FROM {table}").fetchone()
        heap, toast, gin, head_gin = conn.execute(
            f"SELECT pg_relation_size('{table}'), pg_total_relation_size('{table}') - pg_relation_size('{table}')"
            f" - pg_indexes_size('{table}'), pg_relation_size('{table}_gin'), pg_relation_size('{table}_head_gin')"
        ).fetchone()
        print(f"codes an article: {count:.0f} ({codes:.0f} bytes as stored), titles' {head:.0f} bytes")
        print(f"bytes an article: heap {heap / n:.0f} (ids, dates, inline arrays), TOAST {toast / n:.0f}, GIN {gin / n:.0f}, titles' GIN {head_gin / n:.0f}")
        vectors = conn.execute("SELECT avg(pg_column_size(search_head) + pg_column_size(search_body) + pg_column_size(search_words)) FROM articles_article").fetchone()[0]
        indexes = sum(conn.execute(f"SELECT pg_relation_size('{name}')").fetchone()[0] for name in (
            "article_body_gin", "article_words_gin", "article_head_gin", "article_headline_gin", "article_titles_gin",
            "article_headline_words_gin", "article_titles_words_gin"))
        print(f"the archive's: three vectors {vectors:.0f} bytes an article, their seven GIN indexes {indexes / n:.0f}")


def _term_codes(term: str) -> list[int]:
    folded = fold(term)
    found: set[int] = set()
    for match in _UNIT_RE.finditer(folded):
        run = match.group(1)
        if not run:
            found.add(code(match.group(2)))
        elif len(run) == 1:
            found.add(code("1:" + run))  # only with --unigrams
        else:
            found.update(code(run[i:i + 2]) for i in range(len(run) - 1))
    return sorted(found)


def _term_regex(term: str, preimages: dict[str, set[str]]) -> str:
    parts = []
    for ch in fold(term):
        alternatives = {ch, ch.upper()} | preimages.get(ch, set())
        parts.append("[" + "".join(re.escape(a) for a in sorted(alternatives)) + "]" if len(alternatives) > 1 else re.escape(ch))
    return "".join(parts)


def query(table: str, reps: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "codes-probe-not-secret")
    import django

    django.setup()
    from django.db import connection

    from articles import ranking
    from articles.models import Article
    from articles.params import read_params

    preimages: dict[str, set[str]] = {}
    for source, target in _fold_table().items():
        preimages.setdefault(target.lower() if len(target.lower()) == 1 else target, set()).add(chr(source))

    def timed(fn):
        times, result = [], None
        for _ in range(reps):
            started = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - started) * 1000)
        return result, statistics.median(times), max(times)

    print(f"{'query':14} {'archive p50 / max ms':>21} {'probe p50 / max ms':>19}  same 1,000?")
    for terms in TERMS:
        params = read_params({"q": " ".join(terms)})
        base = Article.objects.visible().order_by()
        archive, a50, amax = timed(lambda: [row[0] for row in ranking.newest_sample(base, params.query, 1000)])
        checks, args = [], []
        for term in terms:
            regex = _term_regex(term, preimages)
            checks.append("(" + " OR ".join(f"{f} ~ %s" for f in FIELDS)
                          + " OR EXISTS (SELECT 1 FROM articles_caption c WHERE c.article_id = a.id AND c.text ~ %s))")
            args += [regex] * (len(FIELDS) + 1)
        sql = (f"SELECT p.id FROM {table} p JOIN articles_article a ON a.id = p.id WHERE p.visible AND p.codes @> %s::int4[]"
               f" AND {' AND '.join(checks)} ORDER BY p.date DESC NULLS LAST, p.id DESC LIMIT 1000")
        codes = sorted({c for term in terms for c in _term_codes(term)})

        def probe():
            with connection.cursor() as cur:
                cur.execute(sql, [codes, *args])
                return [row[0] for row in cur.fetchall()]

        found, p50, pmax = timed(probe)
        same = "yes" if found == archive else f"no: {len(set(found) ^ set(archive))} differ"
        print(f"{' '.join(terms):14} {a50:9.1f} / {amax:6.1f} {p50:9.1f} / {pmax:6.1f}  {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["build", "query"])
    parser.add_argument("--unigrams", action="store_true")
    parser.add_argument("--inline", action="store_true")
    parser.add_argument("--table", default="probe_codes")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    if args.what == "build":
        build(os.environ["DATABASE_URL"], unigrams=args.unigrams, inline=args.inline)
    else:
        query(args.table, args.reps)


if __name__ == "__main__":
    main()
