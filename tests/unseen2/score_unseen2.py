"""Check the second held-out set's expected splits, then score the splitter on them.

Usage (from the project root):
    .venv/bin/python tests/unseen2/score_unseen2.py            # check + score, figures per page and overall
    .venv/bin/python tests/unseen2/score_unseen2.py -v         # also list every miss
    .venv/bin/python tests/unseen2/score_unseen2.py --check    # only check the JSON files against their pages

The check never looks at the splitter: it verifies that every expected JSON has the seed format,
that its line numbers point at the lines it names, that every non-blank line is in exactly one
article range or is furniture, and that each repaired snippet really needs a repair (absent from
every raw line, present once the article's lines are joined and stray spaces next to CJK text are
dropped). Scoring uses ``ingest.scoring.score_page`` unchanged (the same figures as
``bench/split_score.py --dir tests/unseen2``), plus an ``extra`` figure for the fields that scorer
does not look at (section, continued, photo, intertitles, furniture lines).

Same idea and format as ``tests/unseen/score_unseen.py``; written separately so the two sets stay
independent.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

ARTICLE_KEYS = {
    "lines", "kicker", "headline", "subheadline", "section", "byline", "source", "continued", "photo",
    "paragraphs", "first_paragraph", "intertitles", "captions", "repaired", "county",
}
PAGE_KEYS = {"seed", "notes", "furniture", "articles"}
MARKERS = "▲■●①②③④⑤⑥⑦⑧⑨□"
CJK_PUNCT = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’…—"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def unspace(text: str) -> str:
    """Drop spaces next to a CJK character or CJK punctuation (narrow-column damage)."""
    return re.sub(rf"(?<=[{CJK_PUNCT}])\s+|\s+(?=[{CJK_PUNCT}])", "", text)


def county_names() -> set[str]:
    names = set()
    for row in (ROOT / "ingest" / "data" / "divisions.tsv").read_text(encoding="utf-8").splitlines():
        cols = row.split("\t")
        if len(cols) >= 2 and not row.startswith("#") and len(cols[0]) == 6:
            names.add(cols[1])
    return names


COUNTIES = county_names()


def check(name: str, text: str, exp: dict) -> list[str]:
    errs: list[str] = []
    raw = text.split("\n")
    nonblank = {i for i, line in enumerate(raw, 1) if line.strip()}
    if set(exp) != PAGE_KEYS:
        errs.append(f"page keys {sorted(exp)}")
    if exp.get("seed") != name:
        errs.append(f"seed {exp.get('seed')!r} != {name!r}")
    furniture = [f["line"] for f in exp["furniture"]]
    if len(set(furniture)) != len(furniture):
        errs.append("a furniture line is listed twice")
    for f in exp["furniture"]:
        if f["line"] not in nonblank or f["kind"] not in ("banner", "column", "other"):
            errs.append(f"furniture {f}")
    covered: dict[int, str] = {no: "furniture" for no in furniture}
    previous_last = 0
    for a in exp["articles"]:
        first, last = a["lines"]
        tag = f"article {first}-{last}"
        if set(a) != ARTICLE_KEYS:
            errs.append(f"{tag}: keys {sorted(set(a) ^ ARTICLE_KEYS)}")
        if first > last or first <= previous_last:
            errs.append(f"{tag}: range empty or overlapping/out of order")
        previous_last = last
        for edge in (first, last):
            if edge not in nonblank or edge in covered and covered[edge] == "furniture":
                errs.append(f"{tag}: line {edge} is blank or furniture")
        own = [no for no in range(first, last + 1) if no in nonblank and no not in furniture]
        for no in own:
            if no in covered:
                errs.append(f"{tag}: line {no} already in {covered[no]}")
            covered[no] = tag
        lines = [raw[no - 1] for no in own]
        joined = squash("".join(lines))
        squashed_lines = [squash(line).lstrip(MARKERS) for line in lines]
        for part in ("kicker", "headline", "subheadline"):
            if a[part] and squash(a[part]) not in joined:
                errs.append(f"{tag}: {part} {a[part]!r} not in range")
        if a["headline"]:
            # the headline ends a line, or ends a run of consecutive lines (a headline broken in two)
            h = squash(a["headline"])
            runs = ["".join(squashed_lines[i:j]) for i in range(len(lines)) for j in range(i + 1, min(i + 3, len(lines)) + 1)]
            if not any(run.endswith(h) for run in runs):
                errs.append(f"{tag}: headline is not the end of a line")
        if a["section"] and squash(a["section"]) not in squashed_lines:
            errs.append(f"{tag}: section {a['section']!r} is not a line of the range")
        for n in a["byline"]:
            if n != squash(n) or n not in joined:
                errs.append(f"{tag}: byline name {n!r}")
        if a["source"] and squash(a["source"]) not in squashed_lines:
            errs.append(f"{tag}: source {a['source']!r} is not a line of the range")
        if a["first_paragraph"] and squash(a["first_paragraph"]) not in joined:
            errs.append(f"{tag}: first_paragraph not in range")
        if (a["paragraphs"] == 0) != (a["first_paragraph"] == ""):
            errs.append(f"{tag}: paragraphs/first_paragraph disagree")
        if a["paragraphs"] > len(own):
            errs.append(f"{tag}: more paragraphs than lines")
        if a["county"] and a["county"] not in COUNTIES:
            errs.append(f"{tag}: county {a['county']!r} is not a county-level name of the gazetteer")
        if a["photo"] and a["paragraphs"]:
            errs.append(f"{tag}: photo story with paragraphs")
        if a["photo"] and not a["captions"]:
            errs.append(f"{tag}: photo story without caption")
        for t in a["intertitles"]:
            if squash(t) not in squashed_lines:
                errs.append(f"{tag}: intertitle {t!r} is not a line of the range")
        for cap in a["captions"]:
            if squash(cap["text"]) not in joined or squash(cap["credit"]) not in joined:
                errs.append(f"{tag}: caption {cap}")
        repaired_text = unspace("".join(lines))
        for snip in a["repaired"]:
            if snip not in repaired_text:
                errs.append(f"{tag}: repaired {snip!r} not in the repaired text")
            if any(snip in line for line in lines):
                errs.append(f"{tag}: repaired {snip!r} needs no repair")
    for no in sorted(nonblank - set(covered)):
        errs.append(f"line {no} is in no article and not furniture: {raw[no - 1][:20]!r}")
    return errs


def extra(page, exp: dict, text: str) -> tuple[int, int, list[str]]:
    """Fields ingest.scoring does not score: right, total, misses (only for exactly matched articles)."""
    from ingest.scoring import expected_lines

    right = total = 0
    misses: list[str] = []
    for a, lines in zip(exp["articles"], expected_lines(text, exp)):
        got = next((g for g in page.articles if set(g.lines) == lines), None)
        tag = f"{a['lines'][0]}-{a['lines'][1]}"
        if got is None:
            continue
        checks = {
            "section": squash(got.section).lstrip(MARKERS) == squash(a["section"]),
            "continued": got.continued == a["continued"],
            "photo": ("photo_only" in [w.value for w in got.warnings]) == a["photo"],
            "intertitles": [squash(t).lstrip(MARKERS) for t in got.intertitles]
            == [squash(t).lstrip(MARKERS) for t in a["intertitles"]],
        }
        shown = {
            "section": got.section, "continued": got.continued,
            "photo": [w.value for w in got.warnings], "intertitles": got.intertitles,
        }
        for key, ok in checks.items():
            total += 1
            right += ok
            if not ok:
                misses.append(f"{tag}: {key} got {shown[key]!r}, expected {a[key]!r}")
    exp_f = {f["line"] for f in exp["furniture"]}
    got_f = {f.line for f in page.furniture}
    total += 1
    right += exp_f == got_f
    if exp_f != got_f:
        misses.append(f"furniture got {sorted(got_f)}, expected {sorted(exp_f)}")
    return right, total, misses


def main() -> int:
    verbose = "-v" in sys.argv
    pages = sorted(HERE.glob("*.json"))
    bad = 0
    for path in pages:
        text = (HERE / f"{path.stem}.txt").read_text(encoding="utf-8")
        for err in check(path.stem, text, json.loads(path.read_text(encoding="utf-8"))):
            print(f"CHECK {path.stem}: {err}")
            bad += 1
    print(f"checked {len(pages)} expected splits: {bad} problem(s)")
    if "--check" in sys.argv or bad:
        return 1 if bad else 0

    from ingest.pipeline import parse_page
    from ingest.scoring import Score, score_page

    with open(HERE / "manifest.csv", encoding="utf-8", newline="") as fh:
        hints = {row["file"]: [row["prefecture"]] if row["prefecture"] else [] for row in csv.DictReader(fh)}

    total = Score()
    names = ("boundaries", "titles", "bylines", "captions", "paragraphs", "counties", "spurious")
    print(f"{'page':18} " + " ".join(f"{n[:10]:>11}" for n in names) + "   extra")
    ex_right = ex_total = 0
    for path in pages:
        text = (HERE / f"{path.stem}.txt").read_text(encoding="utf-8")
        exp = json.loads(path.read_text(encoding="utf-8"))
        page = parse_page(text, hint_prefectures=hints.get(f"{path.stem}.txt", []))
        score = score_page(page, exp, text, label=path.stem, counties=True)
        total.merge(score)
        r, t, xm = extra(page, exp, text)
        ex_right += r
        ex_total += t
        cells = [f"{getattr(score, n).right:>4}/{getattr(score, n).total:<3}".rjust(11) for n in names]
        print(f"{path.stem:18} " + " ".join(cells) + f"   {r}/{t}")
        if verbose:
            for m in score.misses:
                print("    miss:", m)
            for m in xm:
                print(f"    extra: {path.stem} {m}")
    print()
    for n, v in total.figures().items():
        tally = getattr(total, n)
        print(f"{n:11} {v:7.1%}  ({tally.right}/{tally.total})")
    print(f"{'extra':11} {ex_right / ex_total:7.1%}  ({ex_right}/{ex_total})  section/continued/photo/intertitles/furniture")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
