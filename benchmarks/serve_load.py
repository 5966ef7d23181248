"""Load benchmark for `svrdf serve` on loopback: requests per second and errors.

Starts the server on a free 127.0.0.1 port with the bundled study, sends a bounded number of
requests from a few client threads for each kind of request, and prints a Markdown table. Not a
test: it asserts nothing about speed. Run: python benchmarks/serve_load.py [--requests N]
"""

from __future__ import annotations

import argparse
import platform
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

STUDY = "/svrdf/studies/ordo-17147720/"
WORKLOADS = {
    "resource as Turtle": (STUDY + "participant/IP8", "text/turtle"),
    "resource as JSON-LD": (STUDY + "participant/IP8", "application/ld+json"),
    "landing page (HTML)": (STUDY, "text/html"),
    "SPARQL people per case": ("/sparql?" + urllib.parse.urlencode({"query": (
        "PREFIX schema: <http://schema.org/> PREFIX svrdf: <https://w3id.org/svrdf/ns#> "
        "SELECT ?case (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a svrdf:Participant ; "
        "svrdf:inCase/schema:identifier ?case } GROUP BY ?case")}), "application/sparql-results+json"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, accept: str) -> bool:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per workload")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # As many queries at once as there are clients: the load measured is the server's, not
    # its 503s for the clients over the default cap.
    server = subprocess.Popen([sys.executable, "-m", "svrdf.cli", "serve", "--port", str(port),
                               "--max-queries", str(args.clients)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not fetch(base + "/health", "application/json"):
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.1)
        print(f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
              f"{args.requests} requests per workload, {args.clients} clients\n")
        print("| request | requests/s | errors |\n|---|---|---|")
        for name, (path, accept) in WORKLOADS.items():
            url = base + path
            started = time.perf_counter()
            with ThreadPoolExecutor(args.clients) as pool:
                outcomes = list(pool.map(lambda _, url=url, accept=accept: fetch(url, accept),
                                         range(args.requests)))
            elapsed = time.perf_counter() - started
            print(f"| {name} | {args.requests / elapsed:.0f} | {outcomes.count(False)} |")
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
