"""Tantivy side by side (bench/search_bench.py): the benchmark's articles in a dedicated search
engine, with the archive's own tokens, so every figure of the archive can be read against it.

The archive's articles are read back from the bench database (the same rows the queries run on)
and tokenised with the archive's functions (ingest/tokens.py, as articles/indexing.py does at
ingest): per article

- ``head`` and ``body``: the character grams of the head fields (headline, kicker, subheadline,
  captions, byline) and of the body, at the positions the archive's tsvectors give them
  (``grams_vector``: a pair per CJK position, a Latin/digit word, gaps for punctuation and
  between fields), given to Tantivy pre-tokenised;
- ``words``: the jieba search-mode tokens of every field (``words_vector``), without positions;
- ``county``: the county codes of the article's tags; ``date``, a fast field for sort=date.

A query term becomes what the archive asks PostgreSQL (articles/search.py, ``_term_condition``):
the phrase of its grams (``tokens._phrase_parts``: the same lexemes at the same offsets, a
trailing lone character or Latin word as a prefix) in the head or the body, or — unless quoted —
all of its jieba words. Terms are ANDed, ``-term`` excluded, a county filter is a term on
``county``. Two counts are printed: the substring part alone (to read against the LIKE truth) and
substring-or-words (to read against the archive's count). Tantivy ranks by BM25, not by the
archive's tiers: only the match counts are comparable, not the order of the first 20.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HEAP_BYTES = 256_000_000


def available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


# --- tokens: the archive's, with their positions -------------------------------------------------


def gram_tokens(fields: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """(lexeme, position) of folded weighted fields, read back from the tsvector text that
    ``tokens.grams_vector`` writes for them (``'党建':12A``; a gram or word never holds a quote or a
    colon), so the two indexes are given exactly the same grams."""
    from ingest.tokens import grams_vector

    out: list[tuple[str, int]] = []
    for entry in grams_vector(fields, folded=True).split():
        lexeme, _, position = entry.rpartition(":")
        out.append((lexeme[1:-1], int(position.rstrip("ABCD"))))
    return out


def article_tokens(
    headline: str, kicker: str, subheadline: str, body: str, captions: list[str], byline: list[str],
    intertitles: list[str] = (),
):
    """(head grams, body grams, words) of an article, from the same folded fields as
    ``articles.indexing.field_vectors`` (the subheadings searched with the body)."""
    from ingest.tokens import fold, head_and_body, weighted_fields, word_tokens

    fields = weighted_fields(
        headline=headline, kicker=kicker, subheadline=subheadline,
        body="\n".join([body, *intertitles]) if intertitles else body,
        captions="\n".join(captions), byline=" ".join(byline),
    )
    fields = [(fold(text), weight) for text, weight in fields]
    head, body_fields = head_and_body(fields)
    words: dict[str, None] = {}
    for text, _weight in fields:
        for token in word_tokens(text, folded=True):
            words[token.strip()] = None
    return gram_tokens(head), gram_tokens(body_fields), list(words)


# --- the index ---------------------------------------------------------------------------------


@dataclass
class TantivyIndex:
    index: object
    schema: object
    path: Path
    articles: int = 0
    text_bytes: int = 0  # UTF-8 bytes of the indexed fields
    read_s: float = 0.0  # reading the rows back from PostgreSQL (not counted in the rate)
    tokenise_s: float = 0.0  # the archive's folding, grams and jieba words (Python)
    index_s: float = 0.0  # documents built and added, commit and merges (Tantivy)
    size_bytes: int = 0
    _searcher: object = field(default=None, repr=False)

    @property
    def build_s(self) -> float:
        return self.tokenise_s + self.index_s

    def searcher(self):
        if self._searcher is None:
            self.index.reload()
            self._searcher = self.index.searcher()
        return self._searcher

    def close(self) -> None:
        self._searcher = None
        self.index = None
        shutil.rmtree(self.path, ignore_errors=True)


def _schema():
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("head", tokenizer_name="raw", index_option="position")
    sb.add_text_field("body", tokenizer_name="raw", index_option="position")
    sb.add_text_field("words", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("county", tokenizer_name="raw", index_option="basic")
    sb.add_date_field("date", fast=True)
    sb.add_unsigned_field("id", fast=True)
    return sb.build()


def _rows(chunk: int = 2000) -> Iterator[tuple]:
    """Every article with its captions and county codes, streamed from the bench database."""
    from django.db import connection

    from articles.models import Article, ArticleCounty, Caption

    sql = f"""
        SELECT a.id, a.date, a.headline, a.kicker, a.subheadline, a.body, a.byline, a.intertitles,
               coalesce((SELECT array_agg(c.text ORDER BY c.position) FROM {Caption._meta.db_table} c
                         WHERE c.article_id = a.id), '{{}}'),
               coalesce((SELECT array_agg(t.county_id) FROM {ArticleCounty._meta.db_table} t
                         WHERE t.article_id = a.id), '{{}}')
        FROM {Article._meta.db_table} a ORDER BY a.id"""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk):
            yield from rows


def build(threads: int = 1) -> TantivyIndex:
    """Index every article of the bench database in a new Tantivy index (a temporary folder)."""
    import tantivy
    from django.db import transaction

    schema = _schema()
    path = Path(tempfile.mkdtemp(prefix="bench-tantivy-"))
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(HEAP_BYTES, threads)
    ix = TantivyIndex(index, schema, path)
    Token, Text = tantivy.Token, tantivy.PreTokenizedString
    with transaction.atomic():  # a named (server-side) cursor needs a transaction
        rows = _rows()
        while True:
            t0 = time.perf_counter()
            row = next(rows, None)
            t1 = time.perf_counter()
            ix.read_s += t1 - t0
            if row is None:
                break
            article_id, date, headline, kicker, subheadline, body, byline, intertitles, captions, counties = row
            head, body_grams, words = article_tokens(headline, kicker, subheadline, body, captions, byline, intertitles)
            t2 = time.perf_counter()
            doc = tantivy.Document()
            doc.add_pre_tokenized_text("head", Text("", [Token(t, p, 0, 0) for t, p in head]))
            doc.add_pre_tokenized_text("body", Text("", [Token(t, p, 0, 0) for t, p in body_grams]))
            doc.add_pre_tokenized_text("words", Text("", [Token(t, i, 0, 0) for i, t in enumerate(words)]))
            if counties:
                doc.add_pre_tokenized_text("county", Text("", [Token(c, i, 0, 0) for i, c in enumerate(counties)]))
            if date is not None:
                doc.add_date("date", dt.datetime(date.year, date.month, date.day))
            doc.add_unsigned("id", article_id)
            writer.add_document(doc)
            t3 = time.perf_counter()
            ix.tokenise_s += t2 - t1
            ix.index_s += t3 - t2
            ix.articles += 1
            ix.text_bytes += sum(len(s.encode()) for s in (headline, kicker, subheadline, body, *captions, *byline))
    t0 = time.perf_counter()
    writer.commit()
    writer.wait_merging_threads()
    ix.index_s += time.perf_counter() - t0
    ix.size_bytes = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return ix


# --- queries -------------------------------------------------------------------------------------


def _phrase(ix: TantivyIndex, field_name: str, term: str):
    """The term as a substring of the field's grams (``tokens._phrase_parts`` without weights)."""
    import tantivy

    from ingest.tokens import _phrase_parts

    parts = []
    for lexeme, pos in _phrase_parts(term, ""):
        prefix = lexeme.endswith(":*")
        text = lexeme.removesuffix(":*")[1:-1].replace("''", "'").replace("\\\\", "\\")
        parts.append((pos, text, prefix))
    start = parts[0][0]
    if len(parts) == 1:
        _, text, prefix = parts[0]
        if prefix:
            return tantivy.Query.regex_query(ix.schema, field_name, re.escape(text) + ".*")
        return tantivy.Query.term_query(ix.schema, field_name, text)
    if any(prefix for _, _, prefix in parts):
        words = [(pos - start, re.escape(text) + (".*" if prefix else "")) for pos, text, prefix in parts]
        return tantivy.Query.regex_phrase_query(ix.schema, field_name, words)
    return tantivy.Query.phrase_query(ix.schema, field_name, [(pos - start, text) for pos, text, _ in parts])


def _words(ix: TantivyIndex, term: str):
    """All of the term's jieba words (``tokens.words_query``), or None."""
    import rjieba
    import tantivy

    from ingest.tokens import _bounded, _is_word_token, fold

    tokens = list(dict.fromkeys(_bounded([t.strip() for t in rjieba.cut(fold(term)) if _is_word_token(t)])))
    if not tokens:
        return None
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, tantivy.Query.term_query(ix.schema, "words", t)) for t in tokens]
    )


def _term(ix: TantivyIndex, term, *, words: bool):
    import tantivy

    options = [_phrase(ix, "head", term.text), _phrase(ix, "body", term.text)]
    if words and not term.quoted:
        w = _words(ix, term.text)
        if w is not None:
            options.append(w)
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in options])


def query(ix: TantivyIndex, params: dict[str, str], *, words: bool = True):
    """The benchmark case's search as a Tantivy query (``words=False``: the substring part only)."""
    import tantivy

    from articles.query import parse

    clauses = []
    parsed = parse(params.get("q", ""))
    for term in parsed.positive:
        clauses.append((tantivy.Occur.Must, _term(ix, term, words=words)))
    for term in parsed.negative:
        clauses.append((tantivy.Occur.MustNot, _term(ix, term, words=words)))
    if params.get("county"):
        clauses.append((tantivy.Occur.Must, tantivy.Query.term_query(ix.schema, "county", params["county"])))
    if not clauses:
        return tantivy.Query.all_query()
    return tantivy.Query.boolean_query(clauses)


def search(ix: TantivyIndex, params: dict[str, str], q=None) -> int:
    """Count and first 20 (by score, or by date for sort=date), as the search page asks."""
    q = q if q is not None else query(ix, params)
    searcher = ix.searcher()
    if params.get("sort") == "date":
        result = searcher.search(q, 20, count=True, order_by_field="date")
    else:
        result = searcher.search(q, 20, count=True)
    return result.count


def count(ix: TantivyIndex, params: dict[str, str], *, words: bool) -> int:
    return ix.searcher().search(query(ix, params, words=words), 1, count=True).count
