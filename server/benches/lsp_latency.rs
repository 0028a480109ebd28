//! LSP latency harness: starts the real `sidecar-lsp` binary, speaks JSON-RPC to it over stdio
//! the way an editor does, and prints p50/p99 latencies and peak memory.
//!
//! Measured, on a 20-line and a 6,600-line YAML document (the inputs of the `analysis` bench):
//! `initialize` (process start included), `didOpen` → first `publishDiagnostics`, `didChange` →
//! `publishDiagnostics` of that version, `completion` and `hover`; then the peak RSS of a server
//! holding 10 open documents (the 6,600-line one and nine 20-line ones).
//!
//! Run: `cargo bench -p sidecar-lsp --bench lsp_latency` (`SIDECAR_LSP_BENCH_QUICK=1` for fewer
//! rounds).

#[path = "../../tests/support/lsp_client.rs"]
mod lsp_client;

mod inputs;

use std::time::{Duration, Instant};

use inputs::Size;
use lsp_client::{LspClient, position, range};
use serde_json::json;

fn main() {
    let quick = std::env::var_os("SIDECAR_LSP_BENCH_QUICK").is_some();
    let rounds = |n: usize| if quick { n.div_ceil(5) } else { n };
    println!("sidecar-lsp LSP latency (real binary over stdio)\n");
    println!(
        "{:<44} {:>8} {:>10} {:>10}",
        "measure", "rounds", "p50", "p99"
    );

    report("initialize", &measure_initialize(rounds(30)));
    for size in [Size::Lines20, Size::Lines6600] {
        let text = &size.case().yaml;
        let lines = text.lines().count();
        let label = format!("{lines} lines");
        let mut client = started();
        report(
            &format!("didOpen → diagnostics ({label})"),
            &measure_open(
                &mut client,
                text,
                rounds(if lines > 100 { 40 } else { 200 }),
            ),
        );
        report(
            &format!("didChange → diagnostics ({label})"),
            &measure_change(&mut client, text, rounds(300)),
        );
        let uri = lsp_client::uri(&format!("requests-{lines}.yaml"));
        client.open(&uri, "yaml", 1, text);
        client.diagnostics(&uri, 1);
        for (place, at) in [
            ("first", cursor_in_container(text, false)),
            ("last", cursor_in_container(text, true)),
        ] {
            for method in ["textDocument/completion", "textDocument/hover"] {
                let name = method.trim_start_matches("textDocument/");
                report(
                    &format!("{name}, {place} container ({label})"),
                    &measure_request(&mut client, &uri, method, at, rounds(500)),
                );
            }
        }
        client.shutdown();
    }
    let (rss, documents) = peak_memory();
    println!(
        "\npeak RSS with {documents} documents open: {:.1} MiB",
        rss as f64 / 1024.0
    );
}

fn started() -> LspClient {
    let (client, _) = LspClient::initialized(json!({}));
    client
}

fn report(name: &str, samples: &[Duration]) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let pick = |q: f64| {
        let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
        sorted[i.min(sorted.len() - 1)]
    };
    println!(
        "{:<44} {:>8} {:>10} {:>10}",
        name,
        samples.len(),
        format!("{:.2} ms", pick(0.5).as_secs_f64() * 1e3),
        format!("{:.2} ms", pick(0.99).as_secs_f64() * 1e3),
    );
}

fn measure_initialize(rounds: usize) -> Vec<Duration> {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let mut client = LspClient::start();
            client.initialize(json!({}));
            let elapsed = start.elapsed();
            client.shutdown();
            elapsed
        })
        .collect()
}

fn measure_open(client: &mut LspClient, text: &str, rounds: usize) -> Vec<Duration> {
    (0..rounds)
        .map(|i| {
            let uri = lsp_client::uri(&format!("open-{}-{i}.yaml", text.len()));
            let start = Instant::now();
            client.open(&uri, "yaml", 1, text);
            client.diagnostics(&uri, 1);
            let elapsed = start.elapsed();
            client.notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            );
            client.drain(Duration::from_millis(1));
            client.notifications.clear();
            elapsed
        })
        .collect()
}

/// One-character edits (typing and deleting a character in a container name), each waited on.
fn measure_change(client: &mut LspClient, text: &str, rounds: usize) -> Vec<Duration> {
    let uri = lsp_client::uri(&format!("change-{}.yaml", text.len()));
    client.open(&uri, "yaml", 1, text);
    client.diagnostics(&uri, 1);
    let (line, column) = name_value(text);
    let mut version = 1;
    (0..rounds)
        .map(|i| {
            version += 1;
            let start = Instant::now();
            if i % 2 == 0 {
                client.change(&uri, version, range((line, column), (line, column)), "x");
            } else {
                client.change(&uri, version, range((line, column), (line, column + 1)), "");
            }
            client.diagnostics(&uri, version);
            start.elapsed()
        })
        .collect()
}

fn measure_request(
    client: &mut LspClient,
    uri: &str,
    method: &str,
    at: (u32, u32),
    rounds: usize,
) -> Vec<Duration> {
    let params = json!({"textDocument": {"uri": uri}, "position": position(at)});
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let response = client.request_raw(method, params.clone());
            let elapsed = start.elapsed();
            assert!(response.get("error").is_none(), "{method}: {response}");
            elapsed
        })
        .collect()
}

/// Peak RSS (kB) of a server with the 6,600-line document and nine 20-line ones open.
fn peak_memory() -> (u64, usize) {
    let mut client = started();
    let big = &Size::Lines6600.case().yaml;
    let small = &Size::Lines20.case().yaml;
    for i in 0..10 {
        let uri = lsp_client::uri(&format!("memory-{i}.yaml"));
        client.open(&uri, "yaml", 1, if i == 0 { big } else { small });
        client.diagnostics(&uri, 1);
    }
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", client.pid())).unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    client.shutdown();
    (peak, 10)
}

/// (line, UTF-16 column) just after `- name: ` of the first container: the value of a name.
fn name_value(text: &str) -> (u32, u32) {
    let (line, content) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.trim_start().starts_with("- name: "))
        .expect("a container");
    let column = content.find("- name: ").unwrap() + "- name: ".len();
    (line as u32, column as u32)
}

/// A position on the `image:` key of the first (or last) container: hover shows its docs,
/// completion offers the container's keys.
fn cursor_in_container(text: &str, last: bool) -> (u32, u32) {
    let is_image = |(_, l): &(usize, &str)| l.trim_start().starts_with("image: ");
    let mut lines = text.lines().enumerate();
    let found = if last {
        lines.filter(is_image).last()
    } else {
        lines.find(is_image)
    };
    let (line, content) = found.expect("an image");
    let column = content.find("image").unwrap() + 2;
    (line as u32, column as u32)
}
