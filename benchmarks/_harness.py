"""What every benchmark shares: a row of ratios, repetitions with their median, and the table."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One measure against its baseline: a ratio per repetition, judged by its median."""

    key: str
    measure: str
    baseline: str
    bound: float
    # True when the measure must reach the bound (throughput, speed-up); False when it must stay under it (cost).
    at_least: bool
    unit: str = "×"
    samples: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def met(self) -> bool | None:
        value = self.median
        if value is None:
            return None
        return value >= self.bound if self.at_least else value <= self.bound

    @property
    def target(self) -> str:
        return f"{'≥' if self.at_least else '≤'} {self.bound:g}{self.unit}"

    def shown(self) -> str:
        value = self.median
        if value is None:
            return "n/a"
        spread = f" ({min(self.samples):.2f}–{max(self.samples):.2f})" if len(self.samples) > 1 else ""
        return f"{value:.2f}{self.unit}{spread}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.key,
            "measure": self.measure,
            "baseline": self.baseline,
            "median": self.median,
            "samples": self.samples,
            "unit": self.unit.strip(),
            "target": self.target,
            "met": self.met,
            "notes": self.notes,
        }


def middle(values: Sequence[float]) -> float:
    """The median, for the figures quoted in a row's notes."""
    return statistics.median(values)


def repeat(times: int, *steps: Callable[[int], None]) -> None:
    """Run each step once per repetition, interleaved, so machine noise falls on measure and baseline alike."""
    for index in range(times):
        for step in steps:
            step(index)


def machine() -> dict[str, str]:
    """What produced the figures: cores, CPU model, Python."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or model
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "load": load,
    }


def render(rows: Sequence[Row], info: dict[str, str], command: str) -> str:
    """The table (Markdown, so that it can go straight into benchmarks/README.md), then each row's notes."""
    lines = [
        f"Machine: {info['cores']} cores, {info['cpu']}, {info['python']} ({info['platform']}); "
        f"load average at the start {info['load'] or 'unknown'}",
        f"Command: `{command}`",
        "",
        "| # | measure | baseline (same run) | ratio, median (min–max) | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        met = {True: "yes", False: "**no**", None: "n/a"}[row.met]
        lines.append(f"| {row.key} | {row.measure} | {row.baseline} | {row.shown()} | {row.target} | {met} |")
    for row in rows:
        if row.notes:
            lines.append("")
            lines.append(f"{row.key}: " + row.notes[0])
            lines += [f"   {note}" for note in row.notes[1:]]
    return "\n".join(lines)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
