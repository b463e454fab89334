"""The learned line labeller: a linear-chain CRF (python-crfsuite) over :mod:`ingest.features`.

It gives every line of a page one of :data:`ingest.corpus.LABELS` — story start, title,
subheading, body, furniture — with the model's confidence in each story start, and says how
likely it finds any other labelling of the page (the rules' reading, as
:func:`ingest.splitter.page_labels` turns a split into labels). :func:`ingest.splitter.split_page`
uses both to choose between the rules' split and the one :mod:`ingest.assemble` builds from the
labels.

The model is ``ingest/data/splitter.crfsuite``, written by ``scripts/train_splitter.py``. It is
read once per process, on first use, and one tagger is kept per thread (a tagger holds state).
Without the file (or without python-crfsuite) :func:`label_lines` returns None and the splitter
runs on its rules alone.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

from ingest.features import page_features
from ingest.lines import Line

MODEL_PATH = Path(__file__).resolve().parent / "data" / "splitter.crfsuite"

_lock = threading.Lock()
_model_bytes: bytes | None = None
_model_missing = False
_generation = 0  # bumped by use_model(): a thread's tagger of an older model is not reused
_local = threading.local()


@dataclass
class Labels:
    """The labeller's answer for one page: a label and its marginal probability per line."""

    labels: list[str]
    confidence: list[float]
    tagger: object = None  # the tagger still holding this page (for :meth:`log_probability_of`)

    @property
    def log_probability(self) -> float:
        """Of the labeller's own labelling (asked only when needed: it costs a pass)."""
        return self.log_probability_of(self.labels)

    def log_probability_of(self, other: list[str]) -> float:
        """How likely the model finds another labelling of the same page (e.g. the rules').
        Valid until this thread's tagger reads another page."""
        if self.tagger is None or len(other) != len(self.labels):
            return float("-inf")
        try:
            p = self.tagger.probability(other)  # type: ignore[attr-defined]
        except ValueError:  # a label the model does not know
            return float("-inf")
        return math.log(p) if p > 0 else float("-inf")

    def marginals(self, order: tuple[str, ...]) -> list[tuple[float, ...]] | None:
        """Every line's marginal probability of each label in ``order`` (asked only when
        needed: five look-ups a line). Valid until this thread's tagger reads another page."""
        marginal = getattr(self.tagger, "marginal", None)
        if marginal is None:
            return None
        try:
            return [tuple(marginal(label, k) for label in order) for k in range(len(self.labels))]
        except (RuntimeError, ValueError):  # a label the model does not know
            return None


def _model() -> bytes | None:
    global _model_bytes, _model_missing
    if _model_bytes is None and not _model_missing:
        with _lock:
            if _model_bytes is None and not _model_missing:
                try:
                    _model_bytes = MODEL_PATH.read_bytes()
                except OSError:
                    _model_missing = True
    return _model_bytes


def _tagger():  # type: ignore[no-untyped-def]
    """This thread's tagger of the current model; None without one."""
    data = _model()
    if not data:  # no model file, or switched off (``use_model(b"")``): the rules alone
        return None
    generation = _generation
    if getattr(_local, "generation", None) == generation:
        return _local.tagger
    try:
        import pycrfsuite
    except ImportError:  # the rules still split the page
        return None
    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(data)
    _local.tagger, _local.generation = tagger, generation
    return tagger


def use_model(data: bytes | None) -> None:
    """Replace the process's model (the training command evaluates fold models this way);
    None goes back to the committed file."""
    global _model_bytes, _model_missing, _generation
    with _lock:
        _model_bytes = data
        _model_missing = False
        _generation += 1


def label_lines(lines: list[Line]) -> Labels | None:
    """Label every line of a page; None when no model is available."""
    if not lines:
        return Labels([], [])
    tagger = _tagger()
    if tagger is None:
        return None
    try:
        tagger.set(page_features(lines))
        labels = tagger.tag()
    except (UnicodeError, SystemError, ValueError):
        # text the model cannot read (a lone surrogate cannot be encoded): the rules split it
        return None
    # only a story start's confidence is read (ingest.assemble); the others cost time
    confidence = [tagger.marginal(label, k) if label == "S" else 1.0 for k, label in enumerate(labels)]
    return Labels(labels, confidence, tagger)
