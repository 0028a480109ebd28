#!/usr/bin/env python3
"""Side-by-side benchmarks: sidecar-lsp against the tools people use today.

Language server: the same stdio JSON-RPC client drives `sidecar-lsp` and yaml-language-server
(configured, offline, with the same Kubernetes schemas as standalone per-kind files) and times
initialize, didOpen -> first diagnostics, didChange -> diagnostics, completion and hover, and reads
each server's peak RSS (VmHWM) from /proc.

Lint: `sidecar-lsp lint` against check-jsonschema (the same schemas) and kubernetes-validate on
the same files, run alternately; and `sidecar-lsp lint` on a 1 MiB file against a bare
`serde_json` parse of it.

Standard library only (Python 3.11). `bench/run.sh` installs the peers and prepares the inputs;
run this through it. Results go to stdout as markdown (and to `--out`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# JSON-RPC over stdio
# ---------------------------------------------------------------------------------------------


def encode(message: dict) -> bytes:
    """One framed JSON-RPC message."""
    body = json.dumps(message, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream) -> dict | None:
    """Read one framed message from a binary stream; None at end of stream."""
    body = read_body(stream)
    return None if body is None else json.loads(body)


def read_body(stream) -> bytes | None:
    """The body of one framed message, unparsed; None at end of stream."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            if length is None:
                continue
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = stream.read(length)
    if len(body) < length:
        return None
    return body


def lookup(settings: dict, section: str | None):
    """The value of a dotted settings section (`yaml`, `editor.tabSize`), or None."""
    if not section:
        return settings
    value = settings
    for part in section.split("."):
        if not isinstance(value, dict) or part not in value:
            return settings.get(section)
        value = value[part]
    return value


def peak_rss_kib(pid: int) -> int:
    """VmHWM of a live process, in KiB (0 if unknown)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Client:
    """A language client: starts a server, answers its requests, timestamps what arrives."""

    def __init__(self, command: list[str], settings: dict, cwd: Path | None = None):
        self.settings = settings
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
        )
        self.incoming: queue.Queue = queue.Queue()
        self.next_id = 1
        self.pending: list[tuple[float, dict]] = []
        self.configuration_requests = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            body = read_body(self.process.stdout)
            # Stamped when the bytes are in, before this client spends time decoding them.
            arrived = time.perf_counter()
            if body is None:
                self.incoming.put((arrived, None))
                return
            message = json.loads(body)
            if "method" in message and "id" in message:
                self._answer(message)
                continue
            self.incoming.put((arrived, message))

    def _answer(self, request: dict):
        method = request["method"]
        if method == "workspace/configuration":
            items = request.get("params", {}).get("items", [])
            result = [lookup(self.settings, item.get("section")) for item in items]
            self.configuration_requests += 1
        else:
            result = None
        self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def _send(self, message: dict) -> float:
        """Write one message; returns when its first byte went out (after this client encoded
        it, so that no measure counts the client's own JSON encoding)."""
        frame = encode(message)
        with self.lock:
            sent = time.perf_counter()
            self.process.stdin.write(frame)
            self.process.stdin.flush()
        return sent

    @property
    def pid(self) -> int:
        return self.process.pid

    def notify(self, method: str, params: dict) -> float:
        """Send a notification; returns when it went out."""
        return self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def send_request(self, method: str, params: dict) -> tuple[int, float]:
        """Send a request; returns its id and when it went out."""
        request_id = self.next_id
        self.next_id += 1
        sent = self._send(
            {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        )
        return request_id, sent

    def wait(self, accept, timeout: float = 120.0) -> tuple[float, dict]:
        """The first message (kept or new) that `accept` takes, with its arrival time."""
        for i, (arrived, message) in enumerate(self.pending):
            if accept(message):
                del self.pending[i]
                return arrived, message
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("no answer from the server")
            try:
                arrived, message = self.incoming.get(timeout=left)
            except queue.Empty as error:
                raise TimeoutError("no answer from the server") from error
            if message is None:
                raise RuntimeError("the server exited")
            if accept(message):
                return arrived, message
            self.pending.append((arrived, message))

    def request(self, method: str, params: dict) -> tuple[float, dict]:
        """Send a request; (seconds until its response, the response)."""
        request_id, sent = self.send_request(method, params)
        arrived, message = self.wait(lambda m: m.get("id") == request_id and "method" not in m)
        return arrived - sent, message

    def diagnostics(self, uri: str, version: int | None, since: float) -> tuple[float, list]:
        """Seconds from `since` to the first diagnostics of `uri` (of `version` when the
        server says which), and those diagnostics."""

        def accept(m):
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            params = m["params"]
            if params["uri"] != uri:
                return False
            got = params.get("version")
            return got is None or version is None or got == version

        arrived, message = self.wait(accept)
        return arrived - since, message["params"]["diagnostics"]

    def drop_notifications(self):
        self.pending.clear()
        while True:
            try:
                self.incoming.get_nowait()
            except queue.Empty:
                return

    def close(self):
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=5)
        except Exception:
            self.process.kill()
            self.process.wait()


# ---------------------------------------------------------------------------------------------
# The two servers
# ---------------------------------------------------------------------------------------------


@dataclass
class Server:
    """How to start one language server and configure it."""

    name: str
    command: list[str]
    settings: dict
    initialization_options: dict = field(default_factory=dict)


def sidecar_server(binary: Path) -> Server:
    return Server("sidecar-lsp", [str(binary)], {"sidecarLsp": {}})


def yaml_ls_server(node_bin: Path, schemas: dict[str, list[str]]) -> Server:
    """yaml-language-server with local per-kind schemas (`{schema URI: [globs]}`), offline."""
    yaml = {
        "validate": True,
        "hover": True,
        "completion": True,
        "format": {"enable": False},
        "schemas": schemas,
        "schemaStore": {"enable": False, "url": ""},
        "kubernetesCRDStore": {"enable": False},
        "maxItemsComputed": 5000,
    }
    settings = {
        "yaml": yaml,
        "http": {"proxy": "", "proxyStrictSSL": False},
        "editor": {"tabSize": 2, "detectIndentation": False},
        "files": {"associations": {}},
        "[yaml]": {},
    }
    command = [str(node_bin / "yaml-language-server"), "--stdio"]
    return Server("yaml-language-server", command, settings, {"settings": settings})


CLIENT_CAPABILITIES = {
    "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
    "textDocument": {
        "synchronization": {"dynamicRegistration": False, "didSave": True},
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
        "completion": {"completionItem": {"snippetSupport": True}},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
    },
    "general": {"positionEncodings": ["utf-16"]},
}


def start(server: Server, root: Path) -> tuple[Client, float]:
    """Start and initialize a server: (client, seconds from spawn to the initialize response)."""
    started = time.perf_counter()
    client = Client(server.command, server.settings, cwd=root)
    request_id, _ = client.send_request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": CLIENT_CAPABILITIES,
            "initializationOptions": server.initialization_options,
        },
    )
    arrived, _ = client.wait(lambda m: m.get("id") == request_id and "method" not in m)
    client.notify("initialized", {})
    client.notify("workspace/didChangeConfiguration", {"settings": server.settings})
    # Let the server pull its settings before any document arrives (yaml-language-server asks
    # with workspace/configuration; documents opened before that are checked without schemas).
    settle_until = time.perf_counter() + 5.0
    while client.configuration_requests == 0 and time.perf_counter() < settle_until:
        time.sleep(0.005)
    time.sleep(0.05)
    return client, arrived - started


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------


def name_value(text: str) -> tuple[int, int]:
    """(line, column) just after the first `- name: `: a container name's value."""
    for line_no, line in enumerate(text.splitlines()):
        if line.lstrip().startswith("- name: "):
            return line_no, line.index("- name: ") + len("- name: ")
    raise ValueError("no container name")


def image_key(text: str, last: bool) -> tuple[int, int]:
    """A position inside the `image` key of the first (or last) container."""
    found = None
    for line_no, line in enumerate(text.splitlines()):
        if line.lstrip().startswith("image: "):
            found = (line_no, line.index("image") + 2)
            if not last:
                break
    if found is None:
        raise ValueError("no image")
    return found


@dataclass
class LspRounds:
    """Per-measure samples (seconds) and peak RSS (KiB) of one server over all rounds."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    rss: dict[str, list[int]] = field(default_factory=dict)

    def add(self, measure: str, value: float):
        self.samples.setdefault(measure, []).append(value)

    def add_rss(self, measure: str, kib: int):
        self.rss.setdefault(measure, []).append(kib)


def text_document(uri: str, text: str, version: int = 1) -> dict:
    return {"uri": uri, "languageId": "yaml", "version": version, "text": text}


def lsp_session(server: Server, root: Path, case: str, text: str, rounds: LspRounds, n: dict):
    """One server process on one input: open (cold, then warm), change, completion, hover."""
    client, init = start(server, root)
    rounds.add("initialize", init)
    try:
        lines = text.count("\n")
        for i in range(n["open"]):
            uri = (root / f"{case}-open-{i}.yaml").as_uri()
            opened = {"textDocument": text_document(uri, text)}
            since = client.notify("textDocument/didOpen", opened)
            seconds, _ = client.diagnostics(uri, 1, since)
            rounds.add(f"open {lines} lines ({'cold' if i == 0 else 'warm'})", seconds)
            client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            time.sleep(0.01)
            client.drop_notifications()

        uri = (root / f"{case}-edit.yaml").as_uri()
        since = client.notify("textDocument/didOpen", {"textDocument": text_document(uri, text)})
        client.diagnostics(uri, 1, since)
        line, column = name_value(text)
        version = 1
        for i in range(n["change"]):
            version += 1
            if i % 2 == 0:
                change = {"range": lsp_range(line, column, line, column), "text": "x"}
            else:
                change = {"range": lsp_range(line, column, line, column + 1), "text": ""}
            since = client.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
            )
            seconds, _ = client.diagnostics(uri, version, since)
            rounds.add(f"change {lines} lines", seconds)

        for place, last in (("first", False), ("last", True)):
            line, column = image_key(text, last)
            params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": column}}
            for method in ("completion", "hover"):
                for _ in range(n["request"]):
                    seconds, response = client.request(f"textDocument/{method}", params)
                    if "error" in response:
                        raise RuntimeError(f"{server.name} {method}: {response['error']}")
                    rounds.add(f"{method} {lines} lines ({place} container)", seconds)
        rounds.add_rss(f"peak RSS, {lines}-line file", peak_rss_kib(client.pid))
    finally:
        client.close()


def lsp_range(l1, c1, l2, c2):
    return {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}


def memory_session(server: Server, root: Path, big: str, small: str, rounds: LspRounds):
    """Peak RSS of a server holding the big file and nine small ones."""
    client, _ = start(server, root)
    try:
        for i in range(10):
            name = "deployments-6600-mem.yaml" if i == 0 else f"pod-20-mem-{i}.yaml"
            uri = (root / name).as_uri()
            since = client.notify(
                "textDocument/didOpen",
                {"textDocument": text_document(uri, big if i == 0 else small)},
            )
            client.diagnostics(uri, 1, since)
        rounds.add_rss("peak RSS, 10 files open", peak_rss_kib(client.pid))
    finally:
        client.close()


def validates(server: Server, root: Path, broken: str) -> list[str]:
    """The messages a server gives on the broken 20-line Pod (must name the bad port)."""
    client, _ = start(server, root)
    try:
        uri = (root / "pod-20-broken.yaml").as_uri()
        since = client.notify("textDocument/didOpen", {"textDocument": text_document(uri, broken)})
        _, diagnostics = client.diagnostics(uri, 1, since)
        return [d.get("message", "") for d in diagnostics]
    finally:
        client.close()


# ---------------------------------------------------------------------------------------------
# Lint side
# ---------------------------------------------------------------------------------------------


def run_measured(command: list[str], cwd: Path | None = None) -> tuple[float, int, int]:
    """Run a command: (wall seconds, peak RSS of the child in KiB, exit status)."""
    start_time = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start_time
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, process.returncode


def run_all(commands: list[list[str]]) -> tuple[float, int, list[int]]:
    """Several commands in a row (a tool that needs one run per schema): total wall time,
    largest peak RSS, exit statuses."""
    total, peak, codes = 0.0, 0, []
    for command in commands:
        seconds, rss, code = run_measured(command)
        total += seconds
        peak = max(peak, rss)
        codes.append(code)
    return total, peak, codes


# ---------------------------------------------------------------------------------------------
# Statistics and the report
# ---------------------------------------------------------------------------------------------


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile of `samples` (q in 0..1)."""
    ordered = sorted(samples)
    index = round((len(ordered) - 1) * q)
    return ordered[min(max(index, 0), len(ordered) - 1)]


def fmt_seconds(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1e3:.0f} ms"
    if seconds >= 0.001:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e3:.2f} ms"


def fmt_ratio(theirs: float, ours: float) -> str:
    if ours <= 0:
        return "–"
    ratio = theirs / ours
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×"


def fmt_mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def machine_facts() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return [
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory}; {platform.system()} "
        f"{platform.release()}",
    ]


def tool_version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def lsp_benchmark(args, inputs: Path, lines: list[str]) -> dict:
    ours = sidecar_server(args.sidecar)
    servers = [ours]
    if not args.smoke:
        schemas = {
            (inputs / "schemas" / "pod.json").as_uri(): ["pod-*.yaml"],
            (inputs / "schemas" / "deployment.json").as_uri(): ["deployments-*.yaml"],
        }
        servers.append(yaml_ls_server(args.node_bin, schemas))
    root = inputs / "lsp"
    root.mkdir(exist_ok=True)
    small = (inputs / "pod-20.yaml").read_text()
    big = (inputs / "deployments-6600.yaml").read_text()
    broken = (inputs / "pod-20-broken.yaml").read_text()

    checks = {}
    for server in servers:
        messages = validates(server, root, broken)
        checks[server.name] = messages
        if not any("eighty" in m or "integer" in m.lower() or "type" in m.lower() for m in messages):
            raise SystemExit(f"{server.name} does not flag the bad port: {messages}")

    results = {server.name: LspRounds() for server in servers}
    cases = [("pod-20", small)] if args.smoke else [("pod-20", small), ("deployments-6600", big)]
    for round_no in range(args.rounds):
        order = servers if round_no % 2 == 0 else list(reversed(servers))
        for case, text in cases:
            for server in order:
                theirs = server is not ours
                n = {
                    "open": args.opens,
                    "change": args.changes_peer if theirs else args.changes,
                    "request": args.requests_peer if theirs else args.requests,
                }
                lsp_session(server, root, case, text, results[server.name], n)
        if not args.smoke:
            for server in order:
                memory_session(server, root, big, small, results[server.name])
        print(f"  lsp round {round_no + 1}/{args.rounds} done", file=sys.stderr)

    lines.append("## Language server\n")
    lines.append(
        "Both servers driven by the same client over stdio. Times from the first byte of the "
        "message going out (the client encodes it before the clock starts) to the whole answer "
        "being in (diagnostics: their `publishDiagnostics`); "
        f"{args.rounds} rounds, servers alternating; a new server process per input and round. "
        "*cold*: the first document a fresh server checks (its schema loaded on demand); "
        "*warm*: later ones. Peak RSS: `VmHWM` of the server process (for "
        "yaml-language-server, its `node` process).\n"
    )
    names = [s.name for s in servers]
    if len(names) == 2:
        lines.append(
            "| measure | sidecar-lsp p50 | p99 | yaml-language-server p50 | p99 | ratio (p50) |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|")
    else:
        lines.append("| measure | sidecar-lsp p50 | p99 | samples |")
        lines.append("|---|---:|---:|---:|")
    summary = {}
    for measure in results[names[0]].samples:
        row = [measure]
        values = []
        for name in names:
            samples = results[name].samples.get(measure, [])
            p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
            values.append((p50, p99))
            row += [fmt_seconds(p50), fmt_seconds(p99)]
        if len(names) == 2:
            row.append(fmt_ratio(values[1][0], values[0][0]))
        else:
            row.append(str(len(results[names[0]].samples[measure])))
        summary[measure] = values
        lines.append("| " + " | ".join(row) + " |")
    for measure in results[names[0]].rss:
        row = [measure]
        values = []
        for name in names:
            kib = statistics.median(results[name].rss[measure])
            values.append(kib)
            row += [fmt_mib(kib), ""]
        if len(names) == 2:
            row.append(f"{values[1] / values[0]:.1f}× less" if values[0] else "–")
        else:
            row.append(str(len(results[names[0]].rss[measure])))
        summary[measure] = values
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    if len(names) == 2:
        lines.append(
            "Check that yaml-language-server validates: on the 20-line Pod with "
            "`containerPort: eighty-eighty` its first diagnostics say: "
            + "; ".join(f"“{m}”" for m in checks["yaml-language-server"][:3])
            + ".\n"
        )
    return summary


def lint_benchmark(args, inputs: Path, lines: list[str]) -> dict:
    ours = str(args.sidecar)
    corpus_files = sorted(
        str(p)
        for p in Path(args.corpus).rglob("*")
        if p.suffix in (".yaml", ".yml", ".json")
    ) if args.corpus and Path(args.corpus).is_dir() else []
    schema_all = str(inputs / "schemas" / "kubernetes-all.json")
    cases = []
    big_yaml = str(inputs / "deployments-6600.yaml")
    cases.append(("6,600-line file (38 Deployments)", [big_yaml], "deployments.json"))
    if corpus_files:
        cases.append((f"corpus ({len(corpus_files)} files)", corpus_files, None))

    tools = {
        "sidecar-lsp lint": lambda files, schema: [[ours, "lint", "--color", "never", *files]],
        "check-jsonschema": lambda files, schema: check_jsonschema_runs(
            args.venv_bin, files, str(inputs / "schemas" / schema) if schema else schema_all
        ),
        "kubernetes-validate": lambda files, schema: [
            [str(args.venv_bin / "kubernetes-validate"), "--quiet", *files]
        ],
    }
    names = list(tools)
    summary = {}
    lines.append("## Lint\n")
    lines.append(
        "Wall time of the whole command (process start included), median of "
        f"{args.lint_rounds} runs, tools alternating; peak RSS of the process (`getrusage`). "
        "check-jsonschema gets the same schemas (the per-kind file, or for the corpus one "
        "schema that picks the kind's definition by `apiVersion`/`kind`); it handles one "
        "document per file, so multi-document files are split into one temporary file per "
        "document beforehand (not timed). kubernetes-validate uses its own bundled schemas.\n"
    )
    lines.append(
        "| input | tool | wall p50 | files/s | peak RSS | sidecar-lsp faster by |"
    )
    lines.append("|---|---|---:|---:|---:|---:|")
    for label, files, schema in cases:
        commands = {name: make(files, schema) for name, make in tools.items()}
        samples = {name: [] for name in names}
        rss = {name: [] for name in names}
        for round_no in range(args.lint_rounds):
            order = names if round_no % 2 == 0 else list(reversed(names))
            for name in order:
                seconds, peak, _ = run_all(commands[name])
                samples[name].append(seconds)
                rss[name].append(peak)
        ours_p50 = statistics.median(samples[names[0]])
        for name in names:
            p50 = statistics.median(samples[name])
            row = [
                label,
                name,
                fmt_seconds(p50),
                f"{len(files) / p50:.0f}",
                fmt_mib(statistics.median(rss[name])),
                "–" if name == names[0] else fmt_ratio(p50, ours_p50),
            ]
            lines.append("| " + " | ".join(row) + " |")
            summary[(label, name)] = (p50, statistics.median(rss[name]))
    lines.append("")

    # One 1 MiB file against a bare serde_json parse of it.
    lines.append("### One 1 MiB file against a bare parse\n")
    lines.append(
        "`sidecar-lsp lint FILE` (everything: process start, schema, all rules, output) "
        "against `parse_floor FILE` (process start, read, `serde_json::from_str` into a "
        f"`Value`); medians of {args.lint_rounds * 2} runs. For the YAML file, the floor "
        "parses the same objects written as JSON.\n"
    )
    lines.append("| file | sidecar-lsp lint | bare serde_json parse | ratio |")
    lines.append("|---|---:|---:|---:|")
    for label, linted, parsed in (
        ("1 MiB JSON", "deployments-1mib.json", "deployments-1mib.json"),
        ("1 MiB YAML", "deployments-1mib.yaml", "deployments-1mib.yaml.json"),
    ):
        lint_cmd = [ours, "lint", "--color", "never", str(inputs / linted)]
        floor_cmd = [str(args.parse_floor), str(inputs / parsed)]
        ours_s, floor_s = [], []
        for round_no in range(args.lint_rounds * 2):
            pair = [(lint_cmd, ours_s), (floor_cmd, floor_s)]
            if round_no % 2:
                pair.reverse()
            for command, bucket in pair:
                bucket.append(run_measured(command)[0])
        a, b = statistics.median(ours_s), statistics.median(floor_s)
        lines.append(f"| {label} | {fmt_seconds(a)} | {fmt_seconds(b)} | {a / b:.1f}× |")
        summary[("floor", label)] = (a, b)
    lines.append("")
    return summary


def split_documents(files: list[str], out: Path) -> list[str]:
    """One file per YAML document (check-jsonschema reads one document per file)."""
    out.mkdir(parents=True, exist_ok=True)
    result = []
    for n, name in enumerate(files):
        path = Path(name)
        if path.suffix == ".json":
            result.append(name)
            continue
        text = path.read_text(errors="replace")
        documents, current = [], []
        for line in text.splitlines(keepends=True):
            if line.rstrip() == "---" or line.startswith("--- "):
                documents.append("".join(current))
                current = [line[4:]] if line.startswith("--- ") else []
            else:
                current.append(line)
        documents.append("".join(current))
        documents = [d for d in documents if d.strip() and not all(
            l.strip() == "" or l.lstrip().startswith("#") for l in d.splitlines())]
        if len(documents) <= 1:
            result.append(name)
            continue
        for i, document in enumerate(documents):
            piece = out / f"{n:03d}-{i:03d}-{path.stem}{path.suffix}"
            piece.write_text(document)
            result.append(str(piece))
    return result


SPLIT_ROOT: Path | None = None


def prepare_schemas(sidecar: Path, out: Path, index_file: Path):
    """The schemas the peers get, all from `sidecar-lsp schema`: standalone per-kind files
    (`pod.json`, `deployment.json`), and `kubernetes-all.json`, which validates any built-in kind
    against its definition, chosen by `apiVersion` and `kind` (other documents pass)."""
    out.mkdir(parents=True, exist_ok=True)

    def schema(name: str) -> str:
        return subprocess.run(
            [str(sidecar), "schema", name], check=True, capture_output=True, text=True
        ).stdout

    (out / "pod.json").write_text(schema("v1/Pod"))
    (out / "deployment.json").write_text(schema("apps/v1/Deployment"))
    definitions = json.loads(schema("kubernetes-definitions"))
    index = json.loads(index_file.read_text())
    dispatch = []
    for kind in index["kinds"]:
        dispatch.append({
            "if": {
                "properties": {
                    "apiVersion": {"const": kind["apiVersion"]},
                    "kind": {"const": kind["kind"]},
                },
                "required": ["apiVersion", "kind"],
            },
            "then": {"$ref": f"#/$defs/{kind['definition']}"},
        })
    combined = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Any built-in Kubernetes kind",
        "allOf": dispatch,
        "$defs": definitions["$defs"],
    }
    (out / "kubernetes-all.json").write_text(json.dumps(combined))


def check_jsonschema_runs(venv_bin: Path, files: list[str], schema: str) -> list[list[str]]:
    assert SPLIT_ROOT is not None
    pieces = split_documents(files, SPLIT_ROOT / str(abs(hash(tuple(files)))))
    return [[str(venv_bin / "check-jsonschema"), "--schemafile", schema, *pieces]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sidecar", type=Path, required=True, help="the sidecar-lsp binary")
    parser.add_argument("--parse-floor", type=Path, help="the parse_floor example binary")
    parser.add_argument("--inputs", type=Path, required=True, help="folder of generated inputs")
    parser.add_argument("--node-bin", type=Path, help="node_modules/.bin with yaml-language-server")
    parser.add_argument("--venv-bin", type=Path, help="venv bin with check-jsonschema etc.")
    parser.add_argument("--kube-index", type=Path, help="schemas/kubernetes/v1.37/index.json")
    parser.add_argument("--corpus", help="the corpus folder (skipped when missing)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--opens", type=int, default=4)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--changes-peer", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--requests-peer", type=int, default=40)
    parser.add_argument("--lint-rounds", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="our side only, 20-line input")
    parser.add_argument("--versions", default="", help="versions line for the report")
    parser.add_argument("--out", type=Path, help="also write the markdown here")
    args = parser.parse_args(argv)
    for name in ("sidecar", "parse_floor", "inputs", "node_bin", "venv_bin", "kube_index"):
        if getattr(args, name) is not None:
            setattr(args, name, getattr(args, name).resolve())

    global SPLIT_ROOT
    SPLIT_ROOT = args.inputs / "split"
    if not args.smoke:
        prepare_schemas(args.sidecar, args.inputs / "schemas", args.kube_index)

    lines = ["# sidecar-lsp against the tools people use today\n"]
    lines += machine_facts()
    if args.versions:
        lines += [f"- {v.strip()}" for v in args.versions.split(";") if v.strip()]
    lines.append("")
    lsp_benchmark(args, args.inputs, lines)
    if not args.smoke:
        lint_benchmark(args, args.inputs, lines)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
