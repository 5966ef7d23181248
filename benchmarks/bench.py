"""svrdf's benchmark: svrdf against the naive rdflib + pyshacl pipeline, side by side in one run.

Workloads (each also at one tenth of its size, to show how cost grows):
  repository  many small studies exported as one N-Quads catalogue, validated study by study
              (svrdf with --jobs, one process per CPU)
  stress      one large study exported to Turtle, JSON-LD and N-Triples, validated
  bundle      one study exported in every form (--format all), validated, against the floor
  startup     `svrdf --help`, `svrdf --version` and exporting the bundled study, against the
              imports they cannot avoid

The floor is what the libraries alone take for the same bytes: pyoxigraph parsing the study's
N-Triples and writing Turtle, N-Triples and JSON-LD, in one process. svrdf cannot go below it,
and its distance from it is the price of everything svrdf adds (reading the study, mapping,
validating, compacting JSON-LD, the other forms).

Every measurement runs in a fresh process, so wall time includes start-up and peak RSS is the
process's own. Inputs come from generate_study.py, deterministic from their seeds, and are
kept in --work-dir between runs. The table goes to stdout, progress to stderr.

    python benchmarks/bench.py            # the full run (an hour or more on 2 cores)
    python benchmarks/bench.py --quick    # the same workloads, small (under a minute)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

from generate_study import generate  # noqa: E402

#: (studies, participants per study) for repository; participants for stress and bundle.
SIZES = {
    "full": {"repository": (2000, 50), "stress": 100_000, "bundle": 30_000},
    "quick": {"repository": (20, 20), "stress": 1_000, "bundle": 600},
}
ENGINES = ("naive", "svrdf", "floor")
#: The engines each workload is measured with.
WORKLOAD_ENGINES = {"repository": ("naive", "svrdf"), "stress": ("naive", "svrdf"),
                    "bundle": ("svrdf", "floor")}
STRESS_FORMATS = ("turtle", "json-ld", "nt")
#: The study's N-Triples, beside its files, for the floor engine.
FLOOR_INPUT = "floor.nt"


@dataclass
class Measurement:
    workload: str
    size: str
    engine: str
    seconds: float
    peak_mb: float
    #: False when the run was stopped at --naive-limit: seconds is then a lower bound
    complete: bool = True
    #: each run's seconds, of which ``seconds`` is the median
    runs: list[float] = field(default_factory=list)


# ---------------------------------------------------------------- the engines (child processes)

def run_svrdf(workload: str, inputs: list[Path], out: Path) -> None:
    from svrdf.forms import FORMATS, get_dataset_format, get_format
    from svrdf.forms.files import atomic_output
    from svrdf.pipeline import export_studies, export_study, write_forms

    if workload == "stress":
        write_forms(export_study(inputs[0]), [get_format(name) for name in STRESS_FORMATS], out)
    elif workload == "bundle":
        write_forms(export_study(inputs[0]), list(FORMATS.values()), out)
    else:
        with atomic_output(out / "studies.nq") as handle:
            export_studies(inputs, get_dataset_format("nquads"), handle, jobs=os.cpu_count() or 1)


def run_floor(workload: str, inputs: list[Path], out: Path) -> None:
    """pyoxigraph alone: the study's N-Triples (made beforehand, untimed) parsed, then written
    as Turtle, N-Triples and JSON-LD."""
    import pyoxigraph

    quads = list(pyoxigraph.parse(path=str(inputs[0] / FLOOR_INPUT), format=pyoxigraph.RdfFormat.N_TRIPLES))
    for rdf_format, name in ((pyoxigraph.RdfFormat.TURTLE, "study.ttl"),
                             (pyoxigraph.RdfFormat.N_TRIPLES, "study.nt"),
                             (pyoxigraph.RdfFormat.JSON_LD, "study.jsonld")):
        pyoxigraph.serialize(quads, str(out / name), rdf_format)


def run_naive(workload: str, inputs: list[Path], out: Path) -> None:
    """What the plain libraries do: an rdflib Graph, rdflib's serializers, pyshacl."""
    import pyshacl
    from rdflib import Dataset, URIRef

    from svrdf.forms import get_format
    from svrdf.forms.jsonld import jsonld_context
    from svrdf.rdf.mapping import build_graph
    from svrdf.shacl.validation import shapes_graph
    from svrdf.study.builder import load_study

    def validate(graph):
        pyshacl.validate(graph, shacl_graph=shapes_graph(), inference="none", advanced=True,
                         allow_warnings=True, do_owl_imports=False)

    if workload == "stress":
        study = load_study(inputs[0])
        graph = build_graph(study)
        validate(graph)
        graph.serialize(out / get_format("turtle").filename, format="turtle", encoding="utf-8")
        graph.serialize(out / get_format("json-ld").filename, format="json-ld",
                        context=jsonld_context(), auto_compact=True, encoding="utf-8")
        graph.serialize(out / get_format("nt").filename, format="nt", encoding="utf-8")
        return
    dataset = Dataset()
    for directory in inputs:
        study = load_study(directory)
        graph = build_graph(study)
        validate(graph)
        named = dataset.graph(URIRef(study.base_iri))
        for triple in graph:
            named.add(triple)
    dataset.serialize(out / "studies.nq", format="nquads", encoding="utf-8")


def child_main(engine: str, workload: str, inputs_file: Path, out: Path) -> None:
    inputs = [Path(line) for line in inputs_file.read_text("utf-8").splitlines() if line]
    {"svrdf": run_svrdf, "naive": run_naive, "floor": run_floor}[engine](workload, inputs, out)


# ---------------------------------------------------------------- the parent: inputs and timing

def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def study_inputs(work: Path, workload: str, studies: int, participants: int) -> list[Path]:
    folder = work / "inputs" / f"{workload}-{studies}x{participants}"
    done = folder / ".complete"
    if not done.exists():
        progress(f"generating {studies} stud{'y' if studies == 1 else 'ies'} of "
                 f"{participants:,} participants in {folder}")
        shutil.rmtree(folder, ignore_errors=True)
        for index in range(studies):
            generate(folder / f"study-{index:05d}", participants, seed=index + 1, name=workload)
        if workload == "bundle":  # the floor's input: the study's own N-Triples
            subprocess.run([sys.executable, "-m", "svrdf.cli", "export", "--study",
                            str(folder / "study-00000"), "--format", "nt", "--no-validate", "-q",
                            "-o", str(folder / "study-00000" / FLOOR_INPUT)],
                           check=True, capture_output=True)
        done.write_text("", "utf-8")
    return sorted(p for p in folder.iterdir() if p.is_dir())


def timed_process(command: list[str], limit: float | None = None) -> tuple[float, float, bool]:
    """Wall seconds and peak RSS in MB of one process, and whether it finished: past
    ``limit`` seconds it is stopped. Raises if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG if limit else 0)
        if pid:
            break
        if time.perf_counter() - started > limit:
            process.kill()
            _, _, usage = os.wait4(process.pid, 0)
            process.stderr.close()
            return time.perf_counter() - started, usage.ru_maxrss / 1024, False
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed ({process.returncode}):\n{errors}")
    return seconds, usage.ru_maxrss / 1024, True


def measure(work: Path, workload: str, size: str, inputs: list[Path], engine: str,
            limit: float | None = None, runs: int = 1) -> Measurement:
    """One engine on one workload: the median time of ``runs`` runs, and the largest peak."""
    taken = []
    for run in range(1, runs + 1):
        out = Path(tempfile.mkdtemp(prefix=f"{engine}-{workload}-", dir=work))
        listing = out / "inputs.txt"
        listing.write_text("".join(f"{p}\n" for p in inputs), "utf-8")
        label = f"{workload} ({size}{f', run {run} of {runs}' if runs > 1 else ''}): {engine}"
        progress(f"{label} ...")
        seconds, peak, complete = timed_process([sys.executable, __file__, "--child", engine,
                                                 workload, str(listing), str(out)], limit)
        progress(f"{label} {seconds:.1f} s, {peak:.0f} MB"
                 + ("" if complete else " (stopped: still running at the limit)"))
        shutil.rmtree(out)
        taken.append((seconds, peak, complete))
    return Measurement(workload, size, engine, statistics.median(t[0] for t in taken),
                       max(t[1] for t in taken), all(t[2] for t in taken),
                       [round(t[0], 2) for t in taken])


def median_seconds(command: list[str], runs: int = 5) -> float:
    return statistics.median(timed_process(command)[0] for _ in range(runs))


def startup(work: Path) -> dict[str, float]:
    svrdf = shutil.which("svrdf", path=str(Path(sys.executable).parent)) or shutil.which("svrdf")
    if svrdf is None:
        raise SystemExit("bench: the svrdf command is not installed beside this Python")
    progress("start-up ...")
    return {
        "import click": median_seconds([sys.executable, "-c", "import click"]),
        "svrdf --help": median_seconds([svrdf, "--help"]),
        "svrdf --version": median_seconds([svrdf, "--version"]),
        "import rdflib, pyshacl": median_seconds([sys.executable, "-c", "import rdflib, pyshacl"], 3),
        "svrdf export (bundled study)": median_seconds(
            [svrdf, "export", "--format", "turtle", "-o", str(work / "bundled.ttl")], 3),
    }


# ---------------------------------------------------------------- the report

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def report(measurements: list[Measurement], starts: dict[str, float] | None, labels: dict) -> str:
    by = {(m.workload, m.size, m.engine): m for m in measurements}

    def cell(m: Measurement | None, peak: bool = False) -> str:
        if m is None:
            return ""
        more = "" if m.complete else "> "
        return f"{more}{m.peak_mb:.0f}" if peak else f"{more}{m.seconds:.1f}"

    lines = [f"Machine: {machine()}", "",
             "| workload | size | naive s | naive peak MB | svrdf s | svrdf peak MB | speed-up | "
             "floor s | × floor |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for workload, size in dict.fromkeys((m.workload, m.size) for m in measurements):
        fast = by[workload, size, "svrdf"]
        naive, floor = by.get((workload, size, "naive")), by.get((workload, size, "floor"))
        speedup = (f"{'' if naive.complete else '> '}{naive.seconds / fast.seconds:.1f}×"
                   if naive else "")
        above = f"{fast.seconds / floor.seconds:.1f}×" if floor else ""
        lines.append(f"| {workload} | {labels[workload, size]} | {cell(naive)} | "
                     f"{cell(naive, True)} | {cell(fast)} | {cell(fast, True)} | {speedup} | "
                     f"{cell(floor)} | {above} |")
    lines += ["", "| target | measured | met |", "|---|---:|:---:|"]

    def target(name: str, value: float, unit: str, ok: bool) -> None:
        lines.append(f"| {name} | {value:.2f}{unit} | {'yes' if ok else 'no'} |")

    for workload in dict.fromkeys(m.workload for m in measurements):
        full, tenth = by[workload, "full", "svrdf"], by.get((workload, "tenth", "svrdf"))
        naive, floor = by.get((workload, "full", "naive")), by.get((workload, "full", "floor"))
        if naive is not None:
            speedup = naive.seconds / full.seconds
            bound = "" if naive.complete else " (at least: naive stopped)"
            target(f"{workload}: ≥ 50× faster than naive{bound}", speedup, "×", speedup >= 50)
        if floor is not None:
            above = full.seconds / floor.seconds
            target(f"{workload}: ≤ 5× the floor", above, "×", above <= 5)
        limit = {"stress": 600, "bundle": 300}.get(workload)
        if limit:
            target(f"{workload}: peak RSS under {limit} MB", full.peak_mb, " MB", full.peak_mb < limit)
        if tenth is not None:
            growth = full.seconds / tenth.seconds
            target(f"{workload}: ×10 the work costs ≤ ×10.5 the time", growth, "×", growth <= 10.5)
            if workload == "repository":
                memory = full.peak_mb / tenth.peak_mb
                target("repository: memory flat in studies (×10 studies ≤ ×1.5 RSS)", memory, "×",
                       memory <= 1.5)
    if starts:
        for name, base, limit in (("svrdf --help", "import click", 2),
                                  ("svrdf --version", "import click", 2),
                                  ("svrdf export (bundled study)", "import rdflib, pyshacl", 1.3)):
            ratio = starts[name] / starts[base]
            target(f"{name} ≤ {limit}× `{base}` ({starts[name]:.2f} s vs {starts[base]:.2f} s)",
                   ratio, "×", ratio <= limit)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: under a minute")
    parser.add_argument("--workloads", default="repository,stress,bundle,startup",
                        help="comma-separated: repository, stress, bundle, startup")
    parser.add_argument("--work-dir", type=Path, default=BENCHMARKS / ".work",
                        help="where generated inputs are kept (default: benchmarks/.work)")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--engines", default="naive,svrdf,floor",
                        help="comma-separated: naive, svrdf, floor (default all)")
    parser.add_argument("--runs", type=int, default=3, metavar="N",
                        help="runs of each svrdf measurement, of which the median time is "
                             "reported (default 3); the naive pipeline runs once")
    parser.add_argument("--naive-limit", type=float, metavar="SECONDS",
                        help="stop a naive run after this long and report its time as a lower bound")
    parser.add_argument("--merge", type=Path, action="append", default=[], metavar="JSON",
                        help="add the measurements of an earlier run's --json that this run does "
                             "not take (for the hours-long naive stress run)")
    parser.add_argument("--child", nargs=4, metavar=("ENGINE", "WORKLOAD", "INPUTS", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, workload, inputs_file, out = args.child
        child_main(engine, workload, Path(inputs_file), Path(out))
        return
    wanted = [w.strip() for w in args.workloads.split(",") if w.strip()]
    unknown = set(wanted) - {"repository", "stress", "bundle", "startup"}
    if unknown:
        parser.error(f"unknown workload: {', '.join(sorted(unknown))}")
    args.work_dir.mkdir(parents=True, exist_ok=True)
    sizes = SIZES["quick" if args.quick else "full"]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if set(engines) - set(ENGINES):
        parser.error(f"unknown engine: {', '.join(sorted(set(engines) - set(ENGINES)))}")
    merged, merged_starts = {}, None
    for earlier in args.merge:
        taken = json.loads(earlier.read_text("utf-8"))
        for m in taken["measurements"]:
            merged[m["workload"], m["size"], m["engine"]] = Measurement(**m)
        merged_starts = taken.get("startup") or merged_starts
    measurements: list[Measurement] = []
    labels: dict[tuple[str, str], str] = {}
    for workload in ("repository", "stress", "bundle"):
        if workload not in wanted:
            continue
        for size, scale in (("tenth", 10), ("full", 1)):
            if workload == "repository":
                studies, participants = sizes["repository"]
                inputs = study_inputs(args.work_dir, workload, studies // scale, participants)
                labels[workload, size] = f"{studies // scale:,} × {participants} participants"
            else:
                participants = sizes[workload] // scale
                inputs = study_inputs(args.work_dir, workload, 1, participants)
                labels[workload, size] = f"{participants:,} participants"
            for engine in (e for e in engines if e in WORKLOAD_ENGINES[workload]):
                if (workload, size, engine) in merged:
                    measurements.append(merged[workload, size, engine])
                    continue
                limit = args.naive_limit if engine == "naive" else None
                # One run varies from the next on a shared machine, and the growth targets
                # divide one run by another: svrdf's and the floor's are medians of several.
                # The naive runs, slower by far, run once.
                runs = 1 if engine == "naive" else args.runs
                measurements.append(measure(args.work_dir, workload, size, inputs, engine, limit,
                                            runs))
    starts = (merged_starts or startup(args.work_dir)) if "startup" in wanted else None
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "measurements":
                                         [asdict(m) for m in measurements],
                                         "startup": starts}, indent=2) + "\n", "utf-8")
    if "svrdf" in engines:
        sys.stdout.write(report(measurements, starts, labels))


if __name__ == "__main__":
    main()
