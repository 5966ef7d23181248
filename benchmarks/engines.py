"""svrdf's fast paths against the references they replace, on one generated study, in one process.

Times plain pyshacl (``validate(graph, engine="pyshacl")``) against svrdf's SHACL engine and
against pyshacl with svrdf's speed-ups (the engine svrdf falls back on for shapes its own
cannot run), and rdflib's Turtle and N-Triples serializers against Oxigraph's (which svrdf
uses), and checks that each pair agrees: the same validation results, the same graph read
back. The README's per-step figures come from here.

    python benchmarks/engines.py --participants 10000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_study import generate


def timed(run):
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from svrdf.forms import graph_bytes
    from svrdf.rdf.mapping import build_graph
    from svrdf.shacl.validation import validate
    from svrdf.study.builder import load_study

    with tempfile.TemporaryDirectory() as work:
        graph = build_graph(load_study(generate(Path(work) / "study", args.participants, args.seed)))
    print(f"{args.participants:,} participants, {len(graph):,} triples\n")
    print("| step | reference s | svrdf s | speed-up | same result |")
    print("|---|---:|---:|---:|:---:|")
    # Each reference runs once: (seconds, result). Plain pyshacl is the slowest step by far.
    plain_pyshacl = timed(lambda: validate(graph, engine="pyshacl").results)
    # (step, the reference's (seconds, result), svrdf's way, what makes two results comparable)
    pairs = [
        ("validation: svrdf's SHACL engine", plain_pyshacl, lambda: validate(graph).results, _as_is),
        ("validation: pyshacl with speed-ups", plain_pyshacl,
         lambda: validate(graph, engine="pyshacl-fast").results, _as_is),
        *((title,
           timed(lambda syntax=syntax: graph.serialize(format=syntax, encoding="utf-8")),
           lambda syntax=syntax: graph_bytes(graph, syntax),
           lambda data, syntax=syntax: _read_back(data, syntax))
          for title, syntax in (("Turtle", "turtle"), ("N-Triples", "nt"))),
    ]
    agree = True
    for name, (reference_seconds, expected), fast, comparable in pairs:
        fast_seconds, got = timed(fast)
        same = comparable(got) == comparable(expected)
        agree &= same
        print(f"| {name} | {reference_seconds:.1f} | {fast_seconds:.1f} | "
              f"{reference_seconds / fast_seconds:.1f}× | {'yes' if same else 'NO'} |")
    sys.exit(0 if agree else 1)


def _as_is(result):
    return result


def _read_back(data: bytes, syntax: str):
    """A written graph as a reader gets it, comparable with another (blank nodes aside)."""
    from rdflib import Graph
    from rdflib.compare import to_isomorphic

    return to_isomorphic(Graph().parse(data=data, format=syntax))


if __name__ == "__main__":
    main()
