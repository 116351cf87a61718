"""Cold builds, builds with nothing changed, one topic changed, and cold again: the outputs
of a rebuilt folder must equal a cold build's, byte for byte."""

from __future__ import annotations

import hashlib
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.build import BuildOptions, BuildReport, build
from generator.model import Output


def outputs(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".mentorkit" not in p.relative_to(out).parts
    }


def same(a: Path, b: Path) -> str:
    first, second = outputs(a), outputs(b)
    differ = sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))
    if not differ:
        return f"byte-identical ({len(first):,} files)"
    return f"DIFFERENT: {len(differ)} of {len(first):,} files, such as {differ[:3]}"


def cli_seconds(project: Path | None, out: Path, only: frozenset[Output] | None) -> float:
    """Wall time of `mentorkit build` in a new process (start-up included)."""
    command = [sys.executable, "-m", "generator", "build"]
    if project is not None:
        command.append(str(project))
    command += ["--out", str(out)]
    if only:
        command += ["--only", ",".join(sorted(only))]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def measure_rebuilds(
    name: str,
    project: Path | None,
    workers: int,
    only: frozenset[Output] | None = None,
    change: Path | None = None,
) -> None:
    """`change`: a topic file edited after the no-change build (then compared with cold)."""
    print(f"\nrebuilds: {name}" + (f" (--only {','.join(sorted(only))})" if only else ""))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "dist"
        options = BuildOptions(out=out, workers=workers, only=only)
        cold, cpu = _timed(project, options)
        _line("cold build s", cold.timings["total"], cpu, _details(cold))
        again, cpu = _timed(project, options)
        assert again.unchanged, "a build with nothing changed did work"
        _line("nothing changed s", again.timings["total"], cpu, "in process, decided from digests")
        cpu = _children_cpu()
        seconds = cli_seconds(project, out, only)
        _line("  as a command s", seconds, _children_cpu() - cpu, "new process, start-up included")
        if change is not None:
            text = change.read_text(encoding="utf-8")
            change.write_text(text.replace("A generated topic", "A changed topic"), "utf-8")
            one, cpu = _timed(project, options)
            _line("one topic changed s", one.timings["total"], cpu, _details(one))
        fresh = Path(folder) / "cold"
        build(project, BuildOptions(out=fresh, workers=workers, only=only))
        print(f"  {'rebuilt vs cold':<22} {same(out, fresh)}")


def _details(report: BuildReport) -> str:
    steps = ("load", "render", "render-cpu", "pdf-prepare", "site", "site-cpu", "pdf")
    parts = [
        ", ".join(f"{s} {report.timings[s]:,.2f}" for s in steps if s in report.timings),
        f"{report.markdown_rendered:,} of {report.markdown_pages:,} pages rendered",
    ]
    if report.site_pages:
        parts.append(f"site: {report.site_kept:,} of {report.site_pages:,} pages kept")
    if report.pdf_pages:
        parts.append(f"{report.pdf_rendered:,} PDF jobs printed, {report.pdf_pages:,} PDF pages")
    for output in report.outputs:
        if output.reused:
            parts.append(f"{output.name}: {output.reused:,} of {output.files:,} reused")
    return "; ".join(parts)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(project: Path | None, options: BuildOptions) -> tuple[BuildReport, float]:
    """A build, and the CPU seconds it used (this process and the workers that ended)."""
    started, children = time.process_time(), _children_cpu()
    report = build(project, options)
    return report, time.process_time() - started + _children_cpu() - children


def _line(label: str, seconds: float, cpu: float, note: str = "") -> None:
    print(f"  {label:<22} {seconds:>8,.2f}  CPU {cpu:>7,.2f}   {note}")
