//! Benchmarks of the analysis core on synthetic Kubernetes sidecar specs.
//!
//! Every input is generated here, as one in-memory value tree emitted twice (block YAML and
//! pretty JSON), so that the YAML and JSON variants of a size hold the same objects:
//!
//! - `20_lines`: a Pod with one app container and a native sidecar.
//! - `6600_lines`: Deployments (main container, native sidecar, classic sidecar, with ports,
//!   probes, env, mounts, resources and volumes) until the YAML stream reaches ~6,600 lines; the
//!   JSON variant is the same Deployments as a `v1` `List`.
//! - `1mib`: the same generator grown until each format reaches ~1 MiB.
//!
//! Three groups: `analyze` (the full [`sidecar_lsp::analyze`]), `parse` (the syntax step alone)
//! and `serde_json` (the reference: `from_slice` on the JSON input, `from_str` on the JSON
//! equivalent of the YAML input). Before measuring, every input is checked to analyse without a
//! single error, so the benchmarks time the normal path, not error reporting.
//!
//! Run: `cargo bench -p sidecar-lsp --bench analysis`. With `SIDECAR_LSP_BENCH_DUMP=DIR` set, the
//! inputs are also written to `DIR` (for profiling them with other tools).

use std::fmt::{self, Write as _};
use std::sync::LazyLock;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use sidecar_lsp::config::Settings;
use sidecar_lsp::diagnostic::Severity;
use sidecar_lsp::syntax::{self, Format};

fn main() {
    let settings = &*SETTINGS;
    println!("inputs (each checked: analysis reports no error):");
    for size in Size::ALL {
        let case = size.case();
        check("yaml", size, &case.yaml, "deployments.yaml", settings);
        check("json", size, &case.json, "deployments.json", settings);
        // The reference input must be real JSON with the same objects as the YAML.
        let value: ::serde_json::Value =
            ::serde_json::from_str(&case.yaml_as_json).expect("the JSON equivalent parses");
        assert!(
            yaml_objects(&case.yaml) == objects_of(value),
            "{size}: YAML and JSON differ"
        );
    }
    // For profiling outside the benchmark: write the inputs out.
    if let Some(dir) = std::env::var_os("SIDECAR_LSP_BENCH_DUMP") {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).expect("create the dump directory");
        for size in Size::ALL {
            let case = size.case();
            for (name, text) in [
                (format!("{size}.yaml"), &case.yaml),
                (format!("{size}.json"), &case.json),
                (format!("{size}.yaml.json"), &case.yaml_as_json),
            ] {
                std::fs::write(dir.join(name), text).expect("write an input");
            }
        }
        println!("inputs written to {}", dir.display());
    }
    divan::main();
}

/// Analyse one input, fail loudly on any error, and print its size and warning count.
fn check(format: &str, size: Size, text: &str, path: &str, settings: &Settings) {
    let analysis = sidecar_lsp::analyze(text, Some(path), settings);
    let count = |s: Severity| {
        analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let errors: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    for d in &errors {
        eprintln!(
            "  {format}/{size}: {} {} (at byte {})",
            d.code, d.message, d.span.start
        );
    }
    for d in analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Error)
        .take(5)
    {
        println!(
            "  {format}/{size}: {} {}: {}",
            d.severity, d.code, d.message
        );
    }
    println!(
        "  {format}/{size:<10} {:>9} bytes {:>7} lines {:>5} objects: {} errors, {} warnings, {} info, {} hints",
        text.len(),
        text.lines().count(),
        analysis.objects.len(),
        errors.len(),
        count(Severity::Warning),
        count(Severity::Info),
        count(Severity::Hint),
    );
    assert!(
        errors.is_empty(),
        "{format}/{size}: the generated input must analyse without errors"
    );
    assert!(
        !analysis.objects.is_empty(),
        "{format}/{size}: the input must be recognised"
    );
}

/// The objects of a parsed JSON text (the items of a `List`).
fn objects_of(value: ::serde_json::Value) -> Vec<::serde_json::Value> {
    match value {
        ::serde_json::Value::Object(mut map) if map.get("kind").is_some_and(|k| k == "List") => {
            match map.remove("items") {
                Some(::serde_json::Value::Array(items)) => items,
                _ => Vec::new(),
            }
        }
        other => vec![other],
    }
}

/// The documents of a YAML stream as read by our parser, as JSON values.
fn yaml_objects(text: &str) -> Vec<::serde_json::Value> {
    let parsed = syntax::parse(text, Format::Yaml);
    assert!(
        parsed.errors.is_empty(),
        "syntax errors: {:?}",
        parsed.errors
    );
    parsed
        .documents
        .iter()
        .filter_map(|d| d.root)
        .map(|root| to_value(&parsed.tree, root))
        .collect()
}

fn to_value(tree: &syntax::Tree, id: syntax::NodeId) -> ::serde_json::Value {
    use ::serde_json::Value as J;
    match tree.value(id) {
        syntax::Value::Null | syntax::Value::Missing => J::Null,
        syntax::Value::Bool(b) => J::Bool(*b),
        syntax::Value::Number(n) => match n.as_i64() {
            Some(i) if n.is_integer() => J::from(i),
            _ => J::from(n.as_f64()),
        },
        syntax::Value::String(text) => J::String(text.to_string()),
        syntax::Value::Array(items) => items.iter().map(|&i| to_value(tree, i)).collect(),
        syntax::Value::Object(entries) => J::Object(
            entries
                .iter()
                .map(|e| (e.key.to_string(), to_value(tree, e.value)))
                .collect(),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Benchmarks.
// ---------------------------------------------------------------------------------------------

static SETTINGS: LazyLock<Settings> = LazyLock::new(Settings::default);

/// The full analysis: parse, dialect detection, model, schema validation, rules.
mod analyze {
    use super::*;

    #[divan::bench(args = Size::ALL)]
    fn yaml(bencher: Bencher, size: Size) {
        let text = size.case().yaml.as_str();
        let settings = &*SETTINGS;
        bencher
            .counter(BytesCount::of_str(text))
            .bench(|| sidecar_lsp::analyze(black_box(text), Some("deployments.yaml"), settings));
    }

    #[divan::bench(args = Size::ALL)]
    fn json(bencher: Bencher, size: Size) {
        let text = size.case().json.as_str();
        let settings = &*SETTINGS;
        bencher
            .counter(BytesCount::of_str(text))
            .bench(|| sidecar_lsp::analyze(black_box(text), Some("deployments.json"), settings));
    }
}

/// The syntax step alone: text to spanned tree.
mod parse {
    use super::*;

    #[divan::bench(args = Size::ALL)]
    fn yaml(bencher: Bencher, size: Size) {
        let text = size.case().yaml.as_str();
        bencher
            .counter(BytesCount::of_str(text))
            .bench(|| syntax::parse(black_box(text), Format::Yaml));
    }

    #[divan::bench(args = Size::ALL)]
    fn json(bencher: Bencher, size: Size) {
        let text = size.case().json.as_str();
        bencher
            .counter(BytesCount::of_str(text))
            .bench(|| syntax::parse(black_box(text), Format::Json));
    }
}

/// The reference: a plain `serde_json::Value` from the same bytes.
mod serde_json {
    use super::*;

    /// `from_slice` on the bytes of the JSON input.
    #[divan::bench(args = Size::ALL)]
    fn json(bencher: Bencher, size: Size) {
        let bytes = size.case().json.as_bytes();
        bencher.counter(BytesCount::of_slice(bytes)).bench(|| {
            ::serde_json::from_slice::<::serde_json::Value>(black_box(bytes)).expect("valid JSON")
        });
    }

    /// `from_str` on the JSON equivalent of the YAML input.
    #[divan::bench(args = Size::ALL)]
    fn yaml_equiv(bencher: Bencher, size: Size) {
        let text = size.case().yaml_as_json.as_str();
        bencher.counter(BytesCount::of_str(text)).bench(|| {
            ::serde_json::from_str::<::serde_json::Value>(black_box(text)).expect("valid JSON")
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs.
// ---------------------------------------------------------------------------------------------

/// The three input sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Size {
    Lines20,
    Lines6600,
    Mib1,
}

impl Size {
    const ALL: [Size; 3] = [Size::Lines20, Size::Lines6600, Size::Mib1];

    fn case(self) -> &'static Case {
        match self {
            Size::Lines20 => &SMALL,
            Size::Lines6600 => &MEDIUM,
            Size::Mib1 => &LARGE,
        }
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Size::Lines20 => "20_lines",
            Size::Lines6600 => "6600_lines",
            Size::Mib1 => "1mib",
        })
    }
}

/// The texts of one size.
struct Case {
    /// The YAML input.
    yaml: String,
    /// The same objects as the YAML input, as JSON (the `serde_json` reference for it).
    yaml_as_json: String,
    /// The JSON input.
    json: String,
}

const TARGET_LINES: usize = 6_600;
const TARGET_BYTES: usize = 1 << 20;

static SMALL: LazyLock<Case> = LazyLock::new(|| {
    let pod = small_pod();
    let yaml = to_yaml(&pod);
    let json = to_json(&pod);
    Case {
        yaml,
        yaml_as_json: json.clone(),
        json,
    }
});

static MEDIUM: LazyLock<Case> = LazyLock::new(|| {
    let deployments = grow(|yaml, _| yaml.lines().count(), TARGET_LINES);
    let yaml = yaml_stream(&deployments);
    let json = to_json(&list(deployments.clone()));
    Case {
        yaml,
        yaml_as_json: json.clone(),
        json,
    }
});

static LARGE: LazyLock<Case> = LazyLock::new(|| {
    let for_yaml = grow(|yaml, _| yaml.len(), TARGET_BYTES);
    let for_json = grow(|_, json| json.len(), TARGET_BYTES);
    Case {
        yaml: yaml_stream(&for_yaml),
        yaml_as_json: to_json(&list(for_yaml.clone())),
        json: to_json(&list(for_json)),
    }
});

/// The Deployments whose size, as measured by `measure(yaml_stream, json_list)`, comes closest
/// to `target`.
fn grow(measure: impl Fn(&str, &str) -> usize, target: usize) -> Vec<V> {
    let mut deployments = Vec::new();
    // Both texts grow by appending: keep them as they would be emitted, minus the `List` frame
    // (a few bytes, one line) of the JSON one.
    let mut yaml = String::new();
    let mut json = String::new();
    let mut last = 0;
    loop {
        let d = deployment(deployments.len());
        yaml.push_str(&to_yaml_document(&d));
        pad(&mut json, 4);
        json_value(&mut json, &d, 4);
        json.push_str(",\n");
        let size = measure(&yaml, &json);
        if size >= target {
            if size - target > target - last && !deployments.is_empty() {
                return deployments;
            }
            deployments.push(d);
            return deployments;
        }
        deployments.push(d);
        last = size;
    }
}

/// One document of a stream, with its `---` marker.
fn to_yaml_document(object: &V) -> String {
    format!("---\n{}", to_yaml(object))
}

/// A `---`-separated YAML stream.
fn yaml_stream(objects: &[V]) -> String {
    objects.iter().map(to_yaml_document).collect()
}

/// A `v1` `List` of `items`.
fn list(items: Vec<V>) -> V {
    map([
        ("apiVersion", s("v1")),
        ("kind", s("List")),
        ("metadata", map([])),
        ("items", V::List(items)),
    ])
}

/// The 20-line Pod: an app container and a native sidecar proxy in front of it.
fn small_pod() -> V {
    map([
        ("apiVersion", s("v1")),
        ("kind", s("Pod")),
        ("metadata", map([("name", s("web"))])),
        (
            "spec",
            map([
                (
                    "initContainers",
                    V::List(vec![map([
                        ("name", s("proxy")),
                        ("image", s("envoyproxy/envoy:v1.31.2")),
                        ("restartPolicy", s("Always")),
                        (
                            "ports",
                            V::List(vec![map([("containerPort", V::Int(10000))])]),
                        ),
                        (
                            "readinessProbe",
                            map([("tcpSocket", map([("port", V::Int(10000))]))]),
                        ),
                    ])]),
                ),
                (
                    "containers",
                    V::List(vec![map([
                        ("name", s("app")),
                        ("image", s("nginx:1.27")),
                        (
                            "ports",
                            V::List(vec![map([
                                ("name", s("http")),
                                ("containerPort", V::Int(8080)),
                            ])]),
                        ),
                    ])]),
                ),
            ]),
        ),
    ])
}

/// Main application images, all pinned.
const APP_IMAGES: [&str; 6] = [
    "nginx:1.27",
    "ghcr.io/example/shop-api:2.4.1",
    "registry.example.com/payments/worker:1.9.3",
    "docker.io/library/httpd:2.4.62",
    "ghcr.io/example/catalog:0.18.0",
    "quay.io/example/checkout@sha256:4f8c2a1e9b7d6c5a3e2f1d0c9b8a7e6d5c4b3a2f1e0d9c8b7a6e5d4c3b2a1f0e",
];

/// Deployment `i`: a main container, a native sidecar (log shipper) and a classic sidecar
/// (proxy), with ports, probes, env, mounts, resources and volumes.
fn deployment(i: usize) -> V {
    let name = format!("svc-{i:04}");
    let team = format!("team-{}", i % 7);
    let labels = || {
        map([
            ("app.kubernetes.io/name", s(&name)),
            ("app.kubernetes.io/part-of", s("shop")),
            (
                "app.kubernetes.io/component",
                s(["api", "worker", "frontend"][i % 3]),
            ),
        ])
    };

    let log_shipper = map([
        ("name", s("log-shipper")),
        ("image", s("fluent/fluent-bit:3.1.9")),
        ("restartPolicy", s("Always")),
        (
            "args",
            V::List(vec![s("--config=/fluent-bit/etc/fluent-bit.yaml")]),
        ),
        ("ports", ports(&[("fb-metrics", 2020)])),
        (
            "env",
            V::List(vec![
                env_value("FLB_LOG_LEVEL", "info"),
                env_field("NODE_NAME", "spec.nodeName"),
            ]),
        ),
        (
            "readinessProbe",
            http_probe("/api/v1/health", "fb-metrics", 0, 10),
        ),
        ("resources", resources(("50m", "64Mi"), ("200m", "128Mi"))),
        (
            "volumeMounts",
            V::List(vec![
                map([
                    ("name", s("app-logs")),
                    ("mountPath", s("/var/log/app")),
                    ("readOnly", V::Bool(true)),
                ]),
                map([
                    ("name", s("fluent-bit-config")),
                    ("mountPath", s("/fluent-bit/etc")),
                    ("readOnly", V::Bool(true)),
                ]),
            ]),
        ),
    ]);

    let port = 8080 + (i % 10) as i64;
    let app = map([
        ("name", s("app")),
        ("image", s(APP_IMAGES[i % APP_IMAGES.len()])),
        ("imagePullPolicy", s("IfNotPresent")),
        ("ports", ports(&[("http", port)])),
        (
            "env",
            V::List(vec![
                env_value("APP_ENV", "production"),
                env_value("LISTEN_PORT", &port.to_string()),
                env_value("LOG_DIR", "/var/log/app"),
                env_field("POD_NAME", "metadata.name"),
                env_field("POD_NAMESPACE", "metadata.namespace"),
                map([
                    ("name", s("DATABASE_URL")),
                    (
                        "valueFrom",
                        map([(
                            "secretKeyRef",
                            map([("name", s(&format!("{name}-db"))), ("key", s("url"))]),
                        )]),
                    ),
                ]),
                map([
                    ("name", s("FEATURE_FLAGS")),
                    (
                        "valueFrom",
                        map([(
                            "configMapKeyRef",
                            map([
                                ("name", s(&format!("{name}-config"))),
                                ("key", s("features")),
                                ("optional", V::Bool(true)),
                            ]),
                        )]),
                    ),
                ]),
            ]),
        ),
        ("livenessProbe", http_probe("/healthz", "http", 10, 10)),
        ("readinessProbe", http_probe("/ready", "http", 0, 5)),
        ("resources", resources(("250m", "256Mi"), ("1", "512Mi"))),
        (
            "volumeMounts",
            mounts(&[("app-logs", "/var/log/app"), ("tmp", "/tmp")]),
        ),
    ]);

    let proxy = map([
        ("name", s("proxy")),
        ("image", s("envoyproxy/envoy:v1.31.2")),
        (
            "args",
            V::List(vec![
                s("--config-path"),
                s("/etc/envoy/envoy.yaml"),
                s("--log-level"),
                s("warn"),
            ]),
        ),
        ("ports", ports(&[("proxy", 10000), ("admin", 9901)])),
        (
            "readinessProbe",
            map([
                ("tcpSocket", map([("port", s("proxy"))])),
                ("periodSeconds", V::Int(10)),
            ]),
        ),
        ("resources", resources(("100m", "64Mi"), ("500m", "256Mi"))),
        ("volumeMounts", mounts(&[("envoy-config", "/etc/envoy")])),
    ]);

    map([
        ("apiVersion", s("apps/v1")),
        ("kind", s("Deployment")),
        (
            "metadata",
            map([
                ("name", s(&name)),
                ("namespace", s(&team)),
                ("labels", labels()),
                ("annotations", map([("example.com/owner", s(&team))])),
            ]),
        ),
        (
            "spec",
            map([
                ("replicas", V::Int(1 + (i % 3) as i64)),
                ("revisionHistoryLimit", V::Int(5)),
                (
                    "selector",
                    map([("matchLabels", map([("app.kubernetes.io/name", s(&name))]))]),
                ),
                (
                    "strategy",
                    map([
                        ("type", s("RollingUpdate")),
                        (
                            "rollingUpdate",
                            map([("maxSurge", V::Int(1)), ("maxUnavailable", V::Int(0))]),
                        ),
                    ]),
                ),
                (
                    "template",
                    map([
                        ("metadata", map([("labels", labels())])),
                        (
                            "spec",
                            map([
                                ("serviceAccountName", s(&name)),
                                ("terminationGracePeriodSeconds", V::Int(30)),
                                (
                                    "securityContext",
                                    map([
                                        ("runAsNonRoot", V::Bool(true)),
                                        ("runAsUser", V::Int(10001)),
                                        ("fsGroup", V::Int(10001)),
                                    ]),
                                ),
                                ("initContainers", V::List(vec![log_shipper])),
                                ("containers", V::List(vec![app, proxy])),
                                (
                                    "volumes",
                                    V::List(vec![
                                        map([("name", s("app-logs")), ("emptyDir", map([]))]),
                                        map([
                                            ("name", s("tmp")),
                                            (
                                                "emptyDir",
                                                map([
                                                    ("medium", s("Memory")),
                                                    ("sizeLimit", s("64Mi")),
                                                ]),
                                            ),
                                        ]),
                                        config_map_volume(
                                            "fluent-bit-config",
                                            &format!("{name}-fluent-bit"),
                                        ),
                                        config_map_volume("envoy-config", &format!("{name}-envoy")),
                                    ]),
                                ),
                            ]),
                        ),
                    ]),
                ),
            ]),
        ),
    ])
}

fn ports(list: &[(&str, i64)]) -> V {
    V::List(
        list.iter()
            .map(|&(name, port)| {
                map([
                    ("name", s(name)),
                    ("containerPort", V::Int(port)),
                    ("protocol", s("TCP")),
                ])
            })
            .collect(),
    )
}

fn mounts(list: &[(&str, &str)]) -> V {
    V::List(
        list.iter()
            .map(|&(name, path)| map([("name", s(name)), ("mountPath", s(path))]))
            .collect(),
    )
}

fn env_value(name: &str, value: &str) -> V {
    map([("name", s(name)), ("value", s(value))])
}

fn env_field(name: &str, path: &str) -> V {
    map([
        ("name", s(name)),
        (
            "valueFrom",
            map([("fieldRef", map([("fieldPath", s(path))]))]),
        ),
    ])
}

fn http_probe(path: &str, port: &str, initial_delay: i64, period: i64) -> V {
    let mut entries = vec![("httpGet", map([("path", s(path)), ("port", s(port))]))];
    if initial_delay > 0 {
        entries.push(("initialDelaySeconds", V::Int(initial_delay)));
    }
    entries.push(("periodSeconds", V::Int(period)));
    entries.push(("failureThreshold", V::Int(3)));
    V::Map(entries)
}

fn resources(requests: (&str, &str), limits: (&str, &str)) -> V {
    let pair = |(cpu, memory): (&str, &str)| map([("cpu", s(cpu)), ("memory", s(memory))]);
    map([("requests", pair(requests)), ("limits", pair(limits))])
}

fn config_map_volume(volume: &str, config_map: &str) -> V {
    map([
        ("name", s(volume)),
        ("configMap", map([("name", s(config_map))])),
    ])
}

// ---------------------------------------------------------------------------------------------
// A tiny value tree and its two emitters.
// ---------------------------------------------------------------------------------------------

/// A JSON/YAML value with ordered keys.
#[derive(Clone, Debug)]
enum V {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<V>),
    Map(Vec<(&'static str, V)>),
}

fn s(text: &str) -> V {
    V::Str(text.to_string())
}

fn map<const N: usize>(entries: [(&'static str, V); N]) -> V {
    V::Map(entries.into())
}

/// Pretty JSON, two-space indent (as `kubectl get -o json` prints it).
fn to_json(value: &V) -> String {
    let mut out = String::new();
    json_value(&mut out, value, 0);
    out.push('\n');
    out
}

fn json_value(out: &mut String, value: &V, indent: usize) {
    match value {
        V::Str(text) => json_string(out, text),
        V::Int(n) => write!(out, "{n}").expect("write to String"),
        V::Bool(b) => write!(out, "{b}").expect("write to String"),
        V::List(items) if items.is_empty() => out.push_str("[]"),
        V::Map(entries) if entries.is_empty() => out.push_str("{}"),
        V::List(items) => {
            out.push_str("[\n");
            for (n, item) in items.iter().enumerate() {
                pad(out, indent + 2);
                json_value(out, item, indent + 2);
                out.push_str(if n + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push(']');
        }
        V::Map(entries) => {
            out.push_str("{\n");
            for (n, (key, item)) in entries.iter().enumerate() {
                pad(out, indent + 2);
                json_string(out, key);
                out.push_str(": ");
                json_value(out, item, indent + 2);
                out.push_str(if n + 1 < entries.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push('}');
        }
    }
}

fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c < ' ' => write!(out, "\\u{:04x}", c as u32).expect("write to String"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Block YAML, sequences indented under their key (as written by hand).
fn to_yaml(value: &V) -> String {
    let mut out = String::new();
    match value {
        V::Map(entries) if !entries.is_empty() => yaml_map(&mut out, entries, 0, false),
        other => {
            yaml_inline(&mut out, other);
            out.push('\n');
        }
    }
    out
}

/// A map at `indent`; with `continued`, its first key goes on the current line (after `- `).
fn yaml_map(out: &mut String, entries: &[(&'static str, V)], indent: usize, continued: bool) {
    for (n, (key, item)) in entries.iter().enumerate() {
        if n > 0 || !continued {
            pad(out, indent);
        }
        yaml_scalar(out, key);
        out.push(':');
        match item {
            V::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                yaml_map(out, inner, indent + 2, false);
            }
            V::List(items) if !items.is_empty() => {
                out.push('\n');
                yaml_list(out, items, indent + 2);
            }
            other => {
                out.push(' ');
                yaml_inline(out, other);
                out.push('\n');
            }
        }
    }
}

fn yaml_list(out: &mut String, items: &[V], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push_str("- ");
        match item {
            V::Map(entries) if !entries.is_empty() => yaml_map(out, entries, indent + 2, true),
            V::List(inner) if !inner.is_empty() => {
                out.push('\n');
                yaml_list(out, inner, indent + 2);
            }
            other => {
                yaml_inline(out, other);
                out.push('\n');
            }
        }
    }
}

/// Scalars and empty collections.
fn yaml_inline(out: &mut String, value: &V) {
    match value {
        V::Str(text) => yaml_scalar(out, text),
        V::Int(n) => write!(out, "{n}").expect("write to String"),
        V::Bool(b) => write!(out, "{b}").expect("write to String"),
        V::List(_) => out.push_str("[]"),
        V::Map(_) => out.push_str("{}"),
    }
}

/// A string as a plain scalar where YAML reads it back as the same string, else double-quoted.
fn yaml_scalar(out: &mut String, text: &str) {
    let mut chars = text.chars();
    let special_start = match (chars.next(), chars.next()) {
        // `-`, `?` and `:` may start a plain scalar when a non-space follows (`--flag`).
        (Some('-' | '?' | ':'), next) => next.is_none_or(|c| c == ' ') || text.starts_with("---"),
        (Some(c), _) => c.is_ascii_whitespace() || ",[]{}#&*!|>'\"%@`".contains(c),
        (None, _) => true,
    };
    let resolves_otherwise = text.parse::<f64>().is_ok()
        || matches!(
            text.to_ascii_lowercase().as_str(),
            "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
        || text.starts_with("0x")
        || text.starts_with("0o");
    let plain = !special_start
        && !resolves_otherwise
        && !text.ends_with(' ')
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text.contains(|c: char| c.is_control());
    if plain {
        out.push_str(text);
    } else {
        json_string(out, text);
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}
