"""Where an export's memory goes: the resident set after each step, and its peak so far.

Exports one generated study to Turtle, JSON-LD and N-Triples with validation, as the stress
workload of bench.py does, and prints a row as each step begins, so the step whose row shows
the peak rising is the one that raised it. The README's memory figures come from here.

    python benchmarks/memory.py --participants 100000
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMATS = ("turtle", "json-ld", "nt")


def resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Steps:
    """The export's progress: a row for each step as the next one starts."""

    def __init__(self) -> None:
        self.current, self.started = "start-up", time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        print(f"| {self.current} | {now - self.started:.1f} | {resident_mb():.0f} | {peak_mb():.0f} |",
              flush=True)
        self.current, self.started = name, now

    def study(self, index: int, total: int, directory: Path) -> None:
        pass

    def report(self, report) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from svrdf.forms import get_format
    from svrdf.pipeline import export_study, write_forms

    with tempfile.TemporaryDirectory() as work:
        # Generated in a process of its own, so that its memory is not counted here.
        study = Path(work) / "study"
        subprocess.run([sys.executable, str(Path(__file__).with_name("generate_study.py")),
                        str(study), "--participants", str(args.participants),
                        "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
        print("| step that ends | seconds | RSS at its end MB | peak so far MB |")
        print("|---|---:|---:|---:|")
        steps = _Steps()
        export = export_study(study, progress=steps)
        (Path(work) / "out").mkdir()
        write_forms(export, [get_format(name) for name in FORMATS], Path(work) / "out", progress=steps)
        steps.step("")


if __name__ == "__main__":
    main()
