"""Train the splitter's line labeller and print held-out figures.

Usage:
    .venv/bin/python scripts/train_splitter.py [--corpus DIR] [--folds 4] [--no-cv] [--out PATH]
                                               [--corrections DIR] [--seed 7] [-v]

Reads
  * the shared corpus (default ``../shared/corpus/rmrb-2020-02`` beside the clone): real pages with
    gold articles; each page is used clean and once more with simulated PDF-extraction damage
    (:mod:`ingest.augment`: column breaks, stray spaces, headers, column labels, bylines on a
    line of their own);
  * the archive's hand-made splits: ``seeds/`` + ``tests/expected/``, ``tests/unseen``,
    ``tests/unseen2``, ``tests/unseen3``. ``tests/unseen4`` is never read: it is the held-out
    measure of ``bench/split_score.py --dir tests/unseen4``;
  * ``--corrections DIR`` (optional): pages whose splits admins corrected, as ``NAME.txt`` with
    either ``NAME.json`` in the hand-made expected form (``tests/expected/*.json``: per article
    its ``lines`` range, ``kicker``/``headline``/``subheadline``, ``intertitles``; the page's
    ``furniture`` lines) or ``NAME.gold.json`` in the corpus's gold form (articles in page order
    with their titles and first/last characters). The corrections feature exports them; each is
    one more training page (counted like the hand-made ones, never held out), so each
    correction teaches the next split.

Prints, with ``--folds K`` (default 4): the corpus days split into K folds (whole days held out,
day index mod K); for each fold a model trained on the other folds' pages plus the hand-made
splits, then the held-out pages split by ``ingest.splitter`` with that model and scored by the
corpus's own ``score_split.py`` (clean pages, the same pages damaged, and damaged with a city
daily's layouts: bylines on their own line, headlines broken over two lines); per-label line
precision/recall over all folds. Then trains on everything and writes the model
(``ingest/data/splitter.crfsuite`` by default). Deterministic: fixed seed, fixed order.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pycrfsuite  # noqa: E402

from ingest import learned, splitter  # noqa: E402
from ingest.augment import damage  # noqa: E402
from ingest.corpus import LABELS, LabelledPage, read_corpus, read_expected  # noqa: E402
from ingest.features import page_features  # noqa: E402
from ingest.pipeline import page_to_json  # noqa: E402
from ingest.splitter import prepare_lines, split_page  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "rmrb-2020-02"
HAND_MADE = [
    ("seeds", ROOT / "seeds", ROOT / "tests" / "expected"),
    ("unseen", ROOT / "tests" / "unseen", ROOT / "tests" / "unseen"),
    ("unseen2", ROOT / "tests" / "unseen2", ROOT / "tests" / "unseen2"),
    ("unseen3", ROOT / "tests" / "unseen3", ROOT / "tests" / "unseen3"),
]
HAND_MADE_COPIES = 3  # few pages, each in the archive's own style: counted three times
PARAMS = {"c1": 0.5, "c2": 0.05, "max_iterations": 150, "feature.possible_transitions": True}


def sequences(pages: list[LabelledPage]) -> list[tuple[list[list[str]], list[str]]]:
    """(features, labels) of each page, its lines read as the splitter reads them."""
    out = []
    for page in pages:
        lines = prepare_lines(page.text())
        labels = [x.label for x in page.lines]
        if len(lines) != len(labels):  # a line the reader strips differently: skip the page
            continue
        out.append((page_features(lines), labels))
    return out


def train(seqs: list[tuple[list[list[str]], list[str]]], path: Path) -> bytes:
    trainer = pycrfsuite.Trainer(verbose=False)
    for xs, ys in seqs:
        trainer.append(xs, ys)
    trainer.set_params(PARAMS)
    trainer.train(str(path))
    return path.read_bytes()


def _scorer(corpus: Path):  # type: ignore[no-untyped-def]
    """The corpus's own score_split.py (beside the corpus folder)."""
    spec = importlib.util.spec_from_file_location("score_split", corpus.parent / "score_split.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score_pages(
    pages: list[LabelledPage], workdir: Path, tag: str, corpus: Path = DEFAULT_CORPUS
) -> tuple[dict, float, str, tuple[int, int]]:
    """Split ``pages`` with the current model and score them with the corpus's score_split.py:
    its figures, precision, printed misses and (predicted, spurious) counts."""
    out = workdir / tag
    out.mkdir(parents=True, exist_ok=True)
    gold = {}
    for page in pages:
        split = split_page(page.text())
        (out / f"{page.name}.json").write_text(
            json.dumps(page_to_json(split, file=page.name), ensure_ascii=False), encoding="utf-8"
        )
        gold[page.name] = page.gold
    gold_path = workdir / f"{tag}.gold.json"
    gold_path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        figures, precision = _scorer(corpus).main(str(gold_path), str(out))
    text = buf.getvalue()
    m = re.search(r"predicted (\d+), spurious (\d+)", text)
    counts = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    return figures, precision, text, counts


def fmt(figures: dict, precision: float) -> str:
    return (
        f"boundaries {figures['split']:5.1f}%  titles {figures['title']:5.1f}%  "
        f"bylines {figures['byline']:5.1f}%  precision {precision:5.1f}%"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--corrections", type=Path, default=None)
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--no-cv", action="store_true", help="only train the final model")
    parser.add_argument("--out", type=Path, default=learned.MODEL_PATH)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--baseline", action="store_true", help="also score the labels alone and the rules alone per fold"
    )
    parser.add_argument("-v", action="store_true", help="print every miss of the held-out scoring")
    args = parser.parse_args()

    started = time.perf_counter()
    rng = random.Random(args.seed)
    corpus = read_corpus(args.corpus)
    # training copies: extraction damage, and a city daily's bylines on a line of their own
    damaged = {p.name: damage(p, rng, layout=True) for p in corpus}
    # held-out copies keep their characters (the scorer looks for the gold's first and last ones)
    eval_rng = random.Random(args.seed + 1)
    damaged_eval = {p.name: damage(p, eval_rng, punctuation=False) for p in corpus}
    # and once more with a city daily's layouts too: bylines on a line of their own, headlines
    # broken over two lines
    layout_rng = random.Random(args.seed + 2)
    layout_eval = {p.name: damage(p, layout_rng, punctuation=False, layout=True, broken_titles=True) for p in corpus}
    hand = [p for group, pages_dir, exp_dir in HAND_MADE for p in read_expected(pages_dir, exp_dir, group)]
    if args.corrections is not None:
        # either form: the hand-made expected split (NAME.json) or the corpus's gold (NAME.gold.json)
        hand += read_expected(args.corrections, args.corrections, "corrections")
        hand += read_corpus(args.corrections)
    print(f"corpus pages {len(corpus)} ({sum(len(p.gold['articles']) for p in corpus)} articles), "
          f"hand-made pages {len(hand)}")
    hand_seqs = sequences(hand) * HAND_MADE_COPIES

    if not args.no_cv and corpus:
        days = sorted({p.group for p in corpus})
        fold_of = {day: k % args.folds for k, day in enumerate(days)}
        confusion: Counter[tuple[str, str]] = Counter()
        totals = {k: Counter() for k in ("clean", "damaged", "layout", "learned", "learned~", "rules")}
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            for fold in range(args.folds):
                held = [p for p in corpus if fold_of[p.group] == fold]
                train_pages = [p for p in corpus if fold_of[p.group] != fold]
                seqs = sequences(train_pages) + sequences([damaged[p.name] for p in train_pages]) + hand_seqs
                model = train(seqs, work / f"fold{fold}.crfsuite")
                learned.use_model(model)
                tagger = pycrfsuite.Tagger()
                tagger.open_inmemory(model)
                for xs, ys in sequences(held):
                    for want, got in zip(ys, tagger.tag(xs)):
                        confusion[(want, got)] += 1
                evals = (
                    ("clean", held),
                    ("damaged", [damaged_eval[p.name] for p in held]),
                    ("layout", [layout_eval[p.name] for p in held]),
                )
                for tag, pages in evals:
                    figures, precision, misses, counts = score_pages(pages, work, f"{tag}{fold}", args.corpus)
                    print(f"fold {fold} {tag:8} ({len(pages)} pages): {fmt(figures, precision)}")
                    if args.v:
                        print(misses)
                    _tally(totals[tag], pages, figures, counts)
                if args.baseline:
                    # the labels alone, every page built from them (no choice of the rules)
                    splitter.MODE = "learned"
                    for tag, pages in (("learned", held), ("learned~", [damaged_eval[p.name] for p in held])):
                        figures, precision, _, counts = score_pages(pages, work, f"{tag}{fold}", args.corpus)
                        print(f"fold {fold} {tag:8} ({len(pages)} pages): {fmt(figures, precision)}")
                        _tally(totals[tag], pages, figures, counts)
                    splitter.MODE = "choose"
                    learned.use_model(b"")
                    figures, precision, _, counts = score_pages(held, work, f"rules{fold}", args.corpus)
                    print(f"fold {fold} rules    ({len(held)} pages): {fmt(figures, precision)}")
                    _tally(totals["rules"], held, figures, counts)
        learned.use_model(None)
        print(f"\nheld-out corpus, {args.folds} folds by day (clean = the pages as they are, damaged = with "
              "simulated extraction damage, layout = damage and a city daily's layouts; learned = every page "
              "built from the labels; rules = no model):")
        for tag, t in totals.items():
            if t["n"]:
                print(f"  {tag:8}: " + "  ".join(f"{k} {t[k] / t['n']:5.1f}%" for k in ("split", "title", "byline"))
                      + f"  precision {100 * (t['pred'] - t['spurious']) / max(1, t['pred']):5.1f}%")
        print("\nper line label, held-out clean pages (precision / recall / support):")
        for label in LABELS:
            tp = confusion[(label, label)]
            pred = sum(v for (w, g), v in confusion.items() if g == label)
            gold = sum(v for (w, g), v in confusion.items() if w == label)
            if gold or pred:
                print(f"  {label}: P {tp / pred if pred else 0:6.1%}  R {tp / gold if gold else 0:6.1%}  n={gold}")

    seqs = sequences(corpus) + sequences(list(damaged.values())) + hand_seqs
    args.out.parent.mkdir(parents=True, exist_ok=True)
    train(seqs, args.out)
    print(f"\nmodel written: {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(seqs)} sequences) "
          f"in {time.perf_counter() - started:.0f} s")
    return 0


def _tally(t: Counter, pages: list[LabelledPage], figures: dict, counts: tuple[int, int]) -> None:
    """Article-weighted sums, so folds of different sizes add up to the whole set's figure."""
    n = sum(len(p.gold["articles"]) for p in pages)
    t["n"] += n
    for k in ("split", "title", "byline"):
        t[k] += figures[k] * n
    t["pred"] += counts[0]
    t["spurious"] += counts[1]


if __name__ == "__main__":
    raise SystemExit(main())
