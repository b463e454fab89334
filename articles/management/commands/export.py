"""``manage.py export --paper NAME --year 2025 [-o FILE]``: a paper's year as JSON Lines.

One JSON object per line, the shape of ``GET /api/articles/{id}``; visible articles only; streamed
(memory stays flat). To standard output unless ``-o`` names a file; the summary goes to stderr so
that the output can be piped.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.export import UNDATED, Slot, export_lines, parse_year
from articles.models import Newspaper


class Command(BaseCommand):
    help = "Export a paper's visible articles of one year as JSON Lines (one article per line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--paper", required=True, help="the paper's name, e.g. 晋中日报")
        parser.add_argument("--year", required=True, help=f"a year, e.g. 2025, or {UNDATED!r} for unknown dates")
        parser.add_argument("-o", "--output", help="write to this file (default: standard output)")

    def handle(self, *args: object, **opts: object) -> None:
        paper = Newspaper.objects.filter(name=str(opts["paper"]).strip()).first()
        if paper is None:
            names = "、".join(Newspaper.objects.values_list("name", flat=True)[:20]) or "（档案中还没有报纸）"
            raise CommandError(f"没有名为 {opts['paper']!r} 的报纸。已有：{names}")
        try:
            year = parse_year(str(opts["year"]).strip())
        except ValueError:
            raise CommandError(f"--year 须为年份（如 2025）或 {UNDATED}，收到 {opts['year']!r}") from None
        slot = Slot(paper, year)
        output = opts.get("output")
        if output:
            path = Path(str(output))
            # Written beside the target and renamed at the end: a failed export leaves no half file.
            partial = path.with_name(path.name + ".partial")
            try:
                with partial.open("w", encoding="utf-8", newline="\n") as out:
                    count = self._write(slot, out.write)
                os.replace(partial, path)
            except OSError as exc:
                partial.unlink(missing_ok=True)
                raise CommandError(f"写不了 {path}：{exc.strerror or exc}") from None
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
        else:
            try:
                count = self._write(slot, lambda line: self.stdout.write(line, ending=""))
                self.stdout.flush()
            except BrokenPipeError:
                # The reader went away (`| head`): it has what it wanted. Python would report the
                # pipe again when it flushes stdout at exit, so stdout goes to /dev/null first.
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.close(devnull)
                return
        where = output or "标准输出"
        if count == 0:
            self.stderr.write(self.style.WARNING(f"{paper.name} {slot.year_label}：没有公开的文章；{where} 为空"))
        elif int(opts["verbosity"]) > 0:
            self.stderr.write(self.style.SUCCESS(f"{paper.name} {slot.year_label}：{count} 篇文章 → {where}"))

    @staticmethod
    def _write(slot: Slot, write: Callable[[str], object]) -> int:
        count = 0
        for line in export_lines(slot):
            write(line)
            count += 1
        return count
