"""svrdf's fast paths against the references they replace, on one generated study, in one process.

Times plain pyshacl (``validate(graph, engine="pyshacl")``) against svrdf's SHACL engine and
against pyshacl with svrdf's speed-ups (the engine svrdf falls back on for shapes its own
cannot run), and rdflib's Turtle and N-Triples serializers against svrdf's, and checks that
each pair agrees: the same validation results, the same bytes. The README's per-step figures
come from here.

    python benchmarks/engines.py --participants 10000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_study import generate  # noqa: E402


def timed(run):
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from svrdf.builder import load_study
    from svrdf.formats import graph_bytes
    from svrdf.mapping import build_graph
    from svrdf.validation import validate

    with tempfile.TemporaryDirectory() as work:
        graph = build_graph(load_study(generate(Path(work) / "study", args.participants, args.seed)))
    print(f"{args.participants:,} participants, {len(graph):,} triples\n")
    print("| step | reference s | svrdf s | speed-up | same result |")
    print("|---|---:|---:|---:|:---:|")
    # Each reference runs once: (seconds, result). Plain pyshacl is the slowest step by far.
    plain_pyshacl = timed(lambda: validate(graph, engine="pyshacl").results)
    pairs = [
        ("validation: svrdf's SHACL engine", plain_pyshacl, lambda: validate(graph).results),
        ("validation: pyshacl with speed-ups", plain_pyshacl,
         lambda: validate(graph, engine="pyshacl-fast").results),
        ("Turtle", timed(lambda: graph.serialize(format="turtle", encoding="utf-8")),
         lambda: graph_bytes(graph, "turtle")),
        ("N-Triples", timed(lambda: b"".join(sorted(
            graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)))),
         lambda: graph_bytes(graph, "nt")),
    ]
    agree = True
    for name, (reference_seconds, expected), fast in pairs:
        fast_seconds, got = timed(fast)
        agree &= got == expected
        print(f"| {name} | {reference_seconds:.1f} | {fast_seconds:.1f} | "
              f"{reference_seconds / fast_seconds:.1f}× | {'yes' if got == expected else 'NO'} |")
    sys.exit(0 if agree else 1)


if __name__ == "__main__":
    main()
