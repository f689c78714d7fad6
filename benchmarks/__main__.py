"""``python -m benchmarks``: every row of issue #7, each a ratio against its baseline measured in this same run."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from ._harness import Row, machine, progress, render
from .suite import SCALES, child_environment, parallel, scaling, suite_overhead
from .throughput import mock_throughput
from .validation import corpus, recorded, replay_speed, validator_speed

ROWS = ("1", "2", "3", "4", "5", "6")
REQUIREMENTS = "'.[bench]'"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--rows", default=",".join(ROWS), help="comma-separated rows to run (default: all)")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per row; the table shows the median")
    parser.add_argument(
        "--repeat-slow", type=int, default=3, help="repetitions for the rows that start whole runs (5 and 6)"
    )
    parser.add_argument(
        "--scales",
        default=",".join(map(str, SCALES)),
        help="three --examples values for the scaling row (default 10,100,1000)",
    )
    parser.add_argument(
        "--keep-env", action="store_true", help="time the runs with PYTHONDONTWRITEBYTECODE if it is set here"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    wanted = [r.strip() for r in args.rows.split(",") if r.strip()]
    unknown = sorted(set(wanted) - set(ROWS))
    try:
        scales = [int(x) for x in args.scales.split(",")]
    except ValueError:
        scales = []
    if unknown or len(scales) != 3 or args.repeat < 1 or args.repeat_slow < 1:
        parser.error(f"rows are {', '.join(ROWS)}; --scales takes three numbers; repetitions are at least 1")

    info = machine()
    env, env_note = child_environment(args.keep_env)
    rows: list[Row] = []
    bodies = corpus() if "3" in wanted else []
    steps: dict[str, Callable[[], list[Row]]] = {
        "1": lambda: [suite_overhead(args.repeat)],
        "2": lambda: [mock_throughput(args.repeat)],
        "3": lambda: [validator_speed(args.repeat, bodies)],
        "4": lambda: [replay_speed(args.repeat, recorded())],
        "5": lambda: [scaling(args.repeat_slow, env, scales)],
        "6": lambda: list(parallel(args.repeat_slow, env)),
    }
    skipped: list[str] = []
    for key in ROWS:
        if key in wanted:
            progress(f"row {key} …")
            try:
                rows += steps[key]()
            except ImportError as exc:
                skipped.append(f"row {key} did not run: {exc.name} is missing (pip install {REQUIREMENTS})")
    command = "python -m benchmarks" + (" " + shlex.join(argv if argv is not None else sys.argv[1:])).rstrip()
    print(render(rows, info, command))
    for line in skipped:
        print(f"\n{line}")
    if env_note and any(row.key in ("5", "6", "w") for row in rows):
        print(f"\nNote: {env_note}.")
    if args.json:
        doc = {"machine": info, "command": command, "rows": [row.to_dict() for row in rows]}
        Path(args.json).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
