"""Check a page set's hand-made expected splits, then score the splitter on them.

Usage (from the project root; DIR holds <name>.txt, <name>.json and manifest.csv, e.g. tests/unseen4):
    .venv/bin/python bench/check_pages.py DIR --check   # only check the JSONs against their pages
    .venv/bin/python bench/check_pages.py DIR           # check, then figures per page and overall
    .venv/bin/python bench/check_pages.py DIR -v        # ... and every miss
    .venv/bin/python bench/check_pages.py DIR --hashes  # sha256 of every page and expected split
    .venv/bin/python bench/check_pages.py DIR --lint    # check, plus heuristic cross-checks (paragraph count, county)
    .venv/bin/python bench/check_pages.py DIR --splitter /tmp/at_commit   # ingest from another tree

The check never imports the splitter. For every ``<name>.json`` beside ``<name>.txt`` it verifies:
the seed format (keys and types); article ranges in order, not overlapping, starting and ending on
non-blank, non-furniture lines; every non-blank line in exactly one article range or furniture;
title parts, section, source, byline names, caption texts and credit names, first paragraph and
intertitles present in the article's own lines; the headline ending a line or a run of up to
three lines; counties being county-level names of ``ingest/data/divisions.tsv``; photo stories
having captions and no paragraphs; each repaired snippet absent from every raw line of the page
and present once the article's lines are joined and stray spaces next to CJK text dropped; the
manifest naming every page with a prefecture code that exists.

Scoring parses each page as ingest does (``ingest.pipeline.parse_page`` with the manifest's
prefecture as hint), scores with ``ingest.scoring.score_page`` unchanged (the same figures as
``bench/split_score.py --dir DIR``) and adds an ``extra`` figure for fields that scorer
does not look at: section, continued, photo, intertitles (per exactly matched article) and the
set of furniture lines (per page).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
    raise SystemExit("usage: bench/check_pages.py DIR [--check | --lint | --hashes | -v] [--splitter TREE]")
HERE = Path(sys.argv[1]).resolve()
# --splitter DIR: import ``ingest`` from DIR instead (e.g. ``git archive <commit> ingest | tar -x -C DIR``),
# to score a committed state while the work tree is being edited
CODE = Path(sys.argv[sys.argv.index("--splitter") + 1]).resolve() if "--splitter" in sys.argv else ROOT
sys.path.insert(0, str(CODE))

PAGE_KEYS = {"seed", "notes", "furniture", "articles"}
ARTICLE_KEYS = {
    "lines": list, "kicker": str, "headline": str, "subheadline": str, "section": str, "byline": list,
    "source": str, "continued": bool, "photo": bool, "county": str, "paragraphs": int,
    "first_paragraph": str, "intertitles": list, "captions": list, "repaired": list,
}
FURNITURE_KINDS = {"banner", "column", "other"}
# markers printed before intertitles, captions and brief headlines; compared without them
MARKER_RE = re.compile(r"^[▲△■□●○◆◇★☆▶►]+|[【】]")
CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’…—·"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def bare(text: str) -> str:
    """Squashed, without a leading marker or 【】 brackets."""
    return MARKER_RE.sub("", squash(text))


def close_spaces(text: str) -> str:
    """Drop whitespace next to a CJK character or CJK punctuation (narrow-column damage)."""
    return re.sub(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])", "", text)


def gazetteer() -> tuple[set[str], set[str]]:
    counties, prefectures = set(), set()
    for row in (ROOT / "ingest" / "data" / "divisions.tsv").read_text(encoding="utf-8").splitlines():
        if row.startswith("#"):
            continue
        cols = row.split("\t")
        if len(cols) >= 2 and len(cols[0]) == 6:
            counties.add(cols[1])
        elif len(cols) >= 2 and len(cols[0]) == 4:
            prefectures.add(cols[0])
    return counties, prefectures


COUNTIES, PREFECTURES = gazetteer()


def read_manifest() -> dict[str, dict[str, str]]:
    with open(HERE / "manifest.csv", encoding="utf-8", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def check_page(name: str, text: str, exp: dict) -> list[str]:
    errs: list[str] = []
    raw = text.split("\n")
    nonblank = {no for no, line in enumerate(raw, 1) if line.strip()}
    if set(exp) != PAGE_KEYS:
        return [f"page keys {sorted(exp)}"]
    if exp["seed"] != name:
        errs.append(f"seed {exp['seed']!r} is not {name!r}")
    furniture = [f["line"] for f in exp["furniture"]]
    if len(set(furniture)) != len(furniture):
        errs.append("a furniture line is listed twice")
    for f in exp["furniture"]:
        if set(f) != {"line", "kind"} or f["line"] not in nonblank or f["kind"] not in FURNITURE_KINDS:
            errs.append(f"bad furniture entry {f}")
    owner: dict[int, str] = {no: "furniture" for no in furniture}
    last_end = 0
    for a in exp["articles"]:
        tag = f"article {a.get('lines')}"
        if set(a) != set(ARTICLE_KEYS):
            errs.append(f"{tag}: keys differ by {sorted(set(a) ^ set(ARTICLE_KEYS))}")
            continue
        for key, kind in ARTICLE_KEYS.items():
            if not isinstance(a[key], kind) or (kind is int and isinstance(a[key], bool)):
                errs.append(f"{tag}: {key} is not {kind.__name__}")
        first, last = a["lines"]
        if not first <= last or first <= last_end:
            errs.append(f"{tag}: empty, out of order or overlapping the previous range")
        last_end = max(last_end, last)
        for edge in (first, last):
            if edge not in nonblank or edge in furniture:
                errs.append(f"{tag}: edge line {edge} is blank or furniture")
        own = [no for no in range(first, last + 1) if no in nonblank and no not in furniture]
        for no in own:
            if no in owner:
                errs.append(f"{tag}: line {no} also in {owner[no]}")
            owner[no] = tag
        lines = [raw[no - 1] for no in own]
        line_set = {bare(line) for line in lines}
        joined = squash("".join(lines))
        for part in ("kicker", "headline", "subheadline", "first_paragraph"):
            if a[part] and squash(a[part]) not in joined:
                errs.append(f"{tag}: {part} {a[part]!r} not in its lines")
        if a["headline"]:
            h = bare(a["headline"])
            runs = {"".join(bare(x) for x in lines[i:j]) for i in range(len(lines)) for j in range(i + 1, min(i + 3, len(lines)) + 1)}
            if not any(run.endswith(h) for run in runs):
                errs.append(f"{tag}: headline does not end a line or a run of lines")
        for part in ("section", "source"):
            if a[part] and bare(a[part]) not in line_set:
                errs.append(f"{tag}: {part} {a[part]!r} is not a line of its own")
        for t in a["intertitles"]:
            if bare(t) not in line_set:
                errs.append(f"{tag}: intertitle {t!r} is not a line of its own")
        for n in a["byline"]:
            if not isinstance(n, str) or n != squash(n) or not n or n not in joined:
                errs.append(f"{tag}: byline name {n!r}")
        if len(set(a["byline"])) != len(a["byline"]):
            errs.append(f"{tag}: a byline name is listed twice")
        for cap in a["captions"]:
            if set(cap) != {"text", "credit"}:
                errs.append(f"{tag}: caption keys {sorted(cap)}")
            elif squash(cap["text"]) not in joined or any(n not in joined for n in cap["credit"].split()):
                errs.append(f"{tag}: caption {cap} not in its lines")
        if (a["paragraphs"] == 0) != (a["first_paragraph"] == ""):
            errs.append(f"{tag}: paragraphs and first_paragraph disagree")
        if a["paragraphs"] > len(own):
            errs.append(f"{tag}: more paragraphs than lines")
        if a["county"] and a["county"] not in COUNTIES:
            errs.append(f"{tag}: {a['county']!r} is not a county-level name of the gazetteer")
        if a["photo"] and (a["paragraphs"] or not a["captions"]):
            errs.append(f"{tag}: a photo story needs captions and no paragraphs")
        repaired = close_spaces("".join(lines))
        for snip in a["repaired"]:
            if snip not in repaired:
                errs.append(f"{tag}: repaired {snip!r} not in the repaired text")
            if any(snip in line for line in raw):
                errs.append(f"{tag}: repaired {snip!r} is already on a raw line")
    for no in sorted(nonblank - set(owner)):
        errs.append(f"line {no} is in no article and not furniture: {raw[no - 1][:24]!r}")
    return errs


SENTENCE_END = tuple("。！？!?”’」』）)…：:；;")
CREDIT_RE = re.compile(r"^[（(][^，,。]{1,24}[）)]$|摄$|^□|^(本报)?(特约)?(记者|通讯员)\s*\S")
JUMP_RE = re.compile(r"^[（(](上接|下转|转)")


def lint_page(text: str, exp: dict) -> list[str]:
    """Heuristic cross-checks of hand counts; a mismatch is worth a second look, not necessarily wrong."""
    out: list[str] = []
    raw = text.split("\n")
    furniture = {f["line"] for f in exp["furniture"]}
    for a in exp["articles"]:
        first, last = a["lines"]
        own = [no for no in range(first, last + 1) if raw[no - 1].strip() and no not in furniture]
        tag = f"{first}-{last}"
        text_all = squash("".join(raw[no - 1] for no in own))
        if a["county"]:
            short = a["county"][:-1] if len(a["county"]) > 2 and a["county"][-1] in "县市区旗" else a["county"]
            if short not in text_all:
                out.append(f"{tag}: county {a['county']} is not named in the article's text")
        if a["photo"]:
            continue
        heads = {bare(x) for x in (a["section"], a["kicker"], a["subheadline"], a["source"], *a["intertitles"]) if x}
        head = bare(a["headline"])
        body = []
        for no in own:
            b = bare(raw[no - 1])
            if b in heads or (head and (b in head or (b.endswith(head) and b.startswith(bare(a["kicker"]))))) or JUMP_RE.match(b) or (CREDIT_RE.search(b) and len(b) < 30):
                continue
            if any(c["text"] and squash(c["text"]) in b for c in a["captions"]):
                continue
            body.append(b)
        joins = sum(1 for x in body[:-1] if not x.endswith(SENTENCE_END))
        est = len(body) - joins
        if est != a["paragraphs"]:
            out.append(f"{tag}: paragraphs {a['paragraphs']}, heuristic estimate {est}")
    return out


def check_all() -> int:
    bad = 0
    manifest = read_manifest()
    pages = sorted(HERE.glob("*.json"))
    for path in pages:
        txt = HERE / f"{path.stem}.txt"
        if not txt.exists():
            print(f"CHECK {path.stem}: no page {txt.name}")
            bad += 1
            continue
        errs = check_page(path.stem, txt.read_text(encoding="utf-8"), json.loads(path.read_text(encoding="utf-8")))
        row = manifest.get(txt.name)
        if row is None:
            errs.append("not in manifest.csv")
        elif row["prefecture"] and row["prefecture"] not in PREFECTURES:
            errs.append(f"manifest prefecture {row['prefecture']!r} is not a prefecture code")
        for err in errs:
            print(f"CHECK {path.stem}: {err}")
        if "--lint" in sys.argv:
            for note in lint_page(txt.read_text(encoding="utf-8"), json.loads(path.read_text(encoding="utf-8"))):
                print(f"LINT  {path.stem}: {note}")
        bad += len(errs)
    for txt in sorted(HERE.glob("*.txt")):
        if not (HERE / f"{txt.stem}.json").exists():
            print(f"CHECK {txt.stem}: page without expected split")
            bad += 1
    print(f"checked {len(pages)} expected splits: {bad} problem(s)")
    return bad


def extra(page, exp: dict, text: str) -> tuple[int, int, list[str]]:
    from ingest.scoring import expected_lines

    right = total = 0
    misses: list[str] = []
    for a, lines in zip(exp["articles"], expected_lines(text, exp)):
        got = next((g for g in page.articles if set(g.lines) == lines), None)
        if got is None:
            continue
        photo = "photo_only" in [w.value for w in got.warnings]
        checks = {
            "section": (bare(got.section) == bare(a["section"]), got.section),
            "continued": (got.continued == a["continued"], got.continued),
            "photo": (photo == a["photo"], photo),
            "intertitles": ([bare(t) for t in got.intertitles] == [bare(t) for t in a["intertitles"]], got.intertitles),
        }
        for key, (ok, shown) in checks.items():
            total += 1
            right += ok
            if not ok:
                misses.append(f"{a['lines'][0]}-{a['lines'][1]}: {key} got {shown!r}, expected {a[key]!r}")
    want = {f["line"] for f in exp["furniture"]}
    got_f = {f.line for f in page.furniture}
    total += 1
    right += want == got_f
    if want != got_f:
        misses.append(f"furniture got {sorted(got_f)}, expected {sorted(want)}")
    return right, total, misses


def score_all(verbose: bool) -> None:
    from ingest.pipeline import parse_page
    from ingest.scoring import Score, score_page

    manifest = read_manifest()
    names = ("boundaries", "titles", "bylines", "captions", "paragraphs", "counties", "spurious")
    total = Score()
    ex_right = ex_total = 0
    print(f"{'page':18} " + " ".join(f"{n[:10]:>11}" for n in names) + "   extra")
    import ingest

    print(f"splitter: {Path(ingest.__file__).parent}")
    for path in sorted(HERE.glob("*.json")):
        text = (HERE / f"{path.stem}.txt").read_text(encoding="utf-8")
        exp = json.loads(path.read_text(encoding="utf-8"))
        row = manifest.get(f"{path.stem}.txt", {})
        hint = [row["prefecture"]] if row.get("prefecture") else []
        page = parse_page(text, hint_prefectures=hint)
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
                print(f"    extra: {m}")
    print()
    for n, v in total.figures().items():
        tally = getattr(total, n)
        print(f"{n:11} {v:7.1%}  ({tally.right}/{tally.total})")
    print(f"{'extra':11} {ex_right / ex_total:7.1%}  ({ex_right}/{ex_total})  section/continued/photo/intertitles/furniture")


def hashes() -> None:
    for path in sorted(list(HERE.glob("*.txt")) + list(HERE.glob("*.json")) + [HERE / "manifest.csv"]):
        print(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}")


def main() -> int:
    if "--hashes" in sys.argv:
        hashes()
        return 0
    bad = check_all()
    if bad or "--check" in sys.argv or "--lint" in sys.argv:
        return 1 if bad else 0
    score_all("-v" in sys.argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
