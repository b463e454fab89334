"""Train the splitter's line labeller and print held-out figures.

Usage:
    .venv/bin/python scripts/train_splitter.py [--corpus DIR] [--folds 4] [--no-cv] [--out PATH]
                                               [--corrections DIR] [--seed 7] [--no-starts] [-v]

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
    with their titles and first/last characters). ``manage.py export_corrections DIR`` writes the
    archive's corrected pages so; each is
    one more training page (counted like the hand-made ones, never held out), so each
    correction teaches the next split.

Prints, with ``--folds K`` (default 4): the corpus days split into K folds (whole days held out,
day index mod K); for each fold a model trained on the other folds' pages plus the hand-made
splits, then the held-out pages split by ``ingest.splitter`` with that model and scored by the
corpus's own ``score_split.py`` (clean pages, the same pages damaged, and damaged with a city
daily's layouts: bylines on their own line, headlines broken over two lines); per-label line
precision/recall over all folds. Then trains on everything and writes the model
(``ingest/data/splitter.crfsuite`` by default) and, beside it, the second stage's
(``splitter_starts.txt``, :mod:`ingest.starts`: LightGBM over candidate story starts, trained on
the labeller's readings of pages it never saw; in the CV, of each fold's training days only;
its second pass on the first pass's probabilities of pages that first pass never saw;
``--no-starts`` leaves it out). Deterministic: fixed seeds, fixed order, one thread.
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

from ingest import learned, splitter, starts  # noqa: E402
from ingest.augment import damage  # noqa: E402
from ingest.corpus import LABELS, START, LabelledPage, read_corpus, read_expected  # noqa: E402
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
# the second stage (ingest/starts.py): fixed seeds, one thread, same rows in the same order
STARTS_PARAMS = {
    "objective": "binary", "learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": 20,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0, "seed": 7,
    "num_threads": 1, "deterministic": True, "force_row_wise": True, "verbose": -1,
}
STARTS_ROUNDS = 300
SECOND_PASS = True  # the stage's second pass (ingest/starts.py)


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


def start_pages(model: bytes, pages: list[LabelledPage]) -> list[tuple]:
    """Each page of ``pages`` as a labeller that never saw it reads it, for the second stage:
    (lines, labels, marginals, the rules' labels, the gold labels)."""
    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(model)  # ``model`` outlives the tagger: crfsuite reads it in place
    out = []
    for page in pages:
        lines = prepare_lines(page.text())
        gold = [x.label for x in page.lines]
        if len(lines) != len(gold) or not lines:
            continue
        tagger.set(page_features(lines))
        labels = tagger.tag()
        marginals = [tuple(tagger.marginal(label, k) for label in starts.LABEL_ORDER) for k in range(len(lines))]
        # the rules' reading of the page, as split_page hands it to the stage
        rules = splitter.page_labels(splitter._Splitter(lines).run(), lines)
        out.append((lines, labels, marginals, rules, gold))
    return out


def start_rows(read: list[tuple]) -> tuple[list[list[float]], list[int], list[tuple[int, int]]]:
    """The second stage's training rows: every candidate line of the pages ``read`` (by
    :func:`start_pages`), its features, whether it is a story start, and (page, line)."""
    xs: list[list[float]] = []
    ys: list[int] = []
    where: list[tuple[int, int]] = []
    for i, (lines, labels, marginals, rules, gold) in enumerate(read):
        rows, features = starts.page_rows(lines, labels, marginals, rules)
        xs.extend(features)
        ys.extend(int(gold[k] == START) for k in rows)
        where.extend((i, k) for k in rows)
    return xs, ys, where


def second_pass_rows(read: list[tuple], first: list[float], where: list[tuple[int, int]]) -> tuple[list, list]:
    """The second pass's training rows: the candidates of the pages ``read`` again, among the
    first pass's probabilities ``first`` (of a first pass that never saw those pages)."""
    by_page: dict[int, dict[int, float]] = {}
    for (i, k), p in zip(where, first):
        by_page.setdefault(i, {})[k] = float(p)
    xs: list[list[float]] = []
    ys: list[int] = []
    for i, probability in by_page.items():
        lines, labels, marginals, rules, gold = read[i]
        rows = sorted(probability)
        xs.extend(starts.second_pass_features(lines, labels, marginals, rows, probability, rules))
        ys.extend(int(gold[k] == START) for k in rows)
    return xs, ys


def train_starts(xs: list[list[float]], ys: list[int]) -> str:
    """The second stage's model (LightGBM, as text)."""
    import lightgbm
    import numpy

    data = lightgbm.Dataset(numpy.asarray(xs, dtype=numpy.float64), numpy.asarray(ys, dtype=numpy.float64))
    booster = lightgbm.train(STARTS_PARAMS, data, num_boost_round=STARTS_ROUNDS)
    return booster.model_to_string()


class FoldModels:
    """Labeller models trained on sets of corpus folds (plus the hand-made pages), each once."""

    def __init__(
        self, corpus: list[LabelledPage], fold_of: dict[str, int], damaged: dict, hand_seqs: list, workdir: Path
    ) -> None:
        self.by_fold: dict[int, list[LabelledPage]] = {}
        for p in corpus:
            self.by_fold.setdefault(fold_of[p.group], []).append(p)
        self.order = {p.name: k for k, p in enumerate(corpus)}
        self.damaged, self.hand_seqs, self.workdir = damaged, hand_seqs, workdir
        self.models: dict[tuple[int, ...], bytes] = {}

    def model(self, folds: tuple[int, ...]) -> bytes:
        folds = tuple(sorted(folds))
        if folds not in self.models:
            pages = [p for f in folds for p in self.by_fold[f]]
            pages.sort(key=lambda p: self.order[p.name])  # the corpus's order: the same model as before
            seqs = sequences(pages) + sequences([self.damaged[p.name] for p in pages]) + self.hand_seqs
            self.models[folds] = train(seqs, self.workdir / f"folds{''.join(map(str, folds))}.crfsuite")
        return self.models[folds]

    def stacked_starts(self, folds: tuple[int, ...]) -> str:
        """The second stage trained on ``folds``: each fold's pages (as they are and damaged)
        read by a labeller trained on the other folds of the set. Its first pass learns from
        all of them; its second pass from the first pass's probabilities for each fold's pages
        given by a first pass trained on the set's other folds (stacked again)."""
        rows: dict[int, tuple] = {}
        for f in folds:
            pages = self.by_fold[f] + [self.damaged[p.name] for p in self.by_fold[f]]
            read = start_pages(self.model(tuple(g for g in folds if g != f)), pages)
            rows[f] = (read, *start_rows(read))
        first = train_starts([x for f in folds for x in rows[f][1]], [y for f in folds for y in rows[f][2]])
        if not SECOND_PASS:
            return first
        import lightgbm
        import numpy

        xs: list[list[float]] = []
        ys: list[int] = []
        for f in folds:
            others = [g for g in folds if g != f]
            booster = lightgbm.Booster(
                model_str=train_starts([x for g in others for x in rows[g][1]], [y for g in others for y in rows[g][2]])
            )
            read, fx, _, where = rows[f]
            predicted = booster.predict(numpy.asarray(fx, dtype=numpy.float64), num_threads=1) if fx else []
            x, y = second_pass_rows(read, list(predicted), where)
            xs += x
            ys += y
        return first + starts.SECOND_PASS_MARK + train_starts(xs, ys)


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
    parser.add_argument(
        "--no-starts", dest="starts", action="store_false", help="without the second stage (ingest/starts.py)"
    )
    parser.add_argument("-v", action="store_true", help="print every miss of the held-out scoring")
    args = parser.parse_args()
    if args.folds < 2:
        parser.error("--folds must be at least 2 (whole days held out in turn)")

    started = time.perf_counter()
    rng = random.Random(args.seed)
    corpus = read_corpus(args.corpus)
    if not corpus:
        # A model trained on the hand-made pages alone is far weaker than the one shipped; written
        # over it (the default --out) it would replace the labeller, out of step with the starts model.
        parser.error(f"no corpus pages in {args.corpus}: the labeller is trained on them (see ../shared/corpus/README.md)")
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

    days = sorted({p.group for p in corpus})
    fold_of = {day: k % args.folds for k, day in enumerate(days)}
    models_dir = tempfile.TemporaryDirectory()
    fold_models = FoldModels(corpus, fold_of, damaged, hand_seqs, Path(models_dir.name))
    if not args.no_cv and corpus:
        confusion: Counter[tuple[str, str]] = Counter()
        totals = {k: Counter() for k in ("clean", "damaged", "layout", "learned", "learned~", "rules")}
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            for fold in range(args.folds):
                held = [p for p in corpus if fold_of[p.group] == fold]
                others = tuple(f for f in range(args.folds) if f != fold)
                model = fold_models.model(others)
                learned.use_model(model)
                # the second stage learns from the training folds only, each read by a labeller
                # trained on the others of them (never by one that saw the page)
                starts.use_model(fold_models.stacked_starts(others) if args.starts else "")
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
        starts.use_model(None)
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
    print(f"\nmodel written: {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(seqs)} sequences)")
    if args.starts and corpus:
        starts_out = args.out.parent / starts.MODEL_PATH.name
        starts_out.write_text(fold_models.stacked_starts(tuple(range(args.folds))), encoding="utf-8")
        print(f"second stage written: {starts_out} ({starts_out.stat().st_size / 1e6:.2f} MB)")
    models_dir.cleanup()
    print(f"in {time.perf_counter() - started:.0f} s")
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
