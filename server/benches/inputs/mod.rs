//! Synthetic inputs shared by the benchmarks: one in-memory value tree emitted as block YAML and
//! as pretty JSON, at three sizes (see `analysis.rs` for what each holds).

#![allow(dead_code)]

use std::fmt::{self, Write as _};
use std::sync::LazyLock;

/// The three input sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    Lines20,
    Lines6600,
    Mib1,
}

impl Size {
    pub const ALL: [Size; 3] = [Size::Lines20, Size::Lines6600, Size::Mib1];

    pub fn case(self) -> &'static Case {
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
pub struct Case {
    /// The YAML input.
    pub yaml: String,
    /// The same objects as the YAML input, as JSON (the `serde_json` reference for it).
    pub yaml_as_json: String,
    /// The JSON input.
    pub json: String,
}

pub const TARGET_LINES: usize = 6_600;
pub const TARGET_BYTES: usize = 1 << 20;

pub static SMALL: LazyLock<Case> = LazyLock::new(|| {
    let pod = small_pod();
    let yaml = to_yaml(&pod);
    let json = to_json(&pod);
    Case {
        yaml,
        yaml_as_json: json.clone(),
        json,
    }
});

pub static MEDIUM: LazyLock<Case> = LazyLock::new(|| {
    let deployments = grow(|yaml, _| yaml.lines().count(), TARGET_LINES);
    let yaml = yaml_stream(&deployments);
    let json = to_json(&list(deployments.clone()));
    Case {
        yaml,
        yaml_as_json: json.clone(),
        json,
    }
});

pub static LARGE: LazyLock<Case> = LazyLock::new(|| {
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
pub fn grow(measure: impl Fn(&str, &str) -> usize, target: usize) -> Vec<V> {
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
pub fn to_yaml_document(object: &V) -> String {
    format!("---\n{}", to_yaml(object))
}

/// A `---`-separated YAML stream.
pub fn yaml_stream(objects: &[V]) -> String {
    objects.iter().map(to_yaml_document).collect()
}

/// A `v1` `List` of `items`.
pub fn list(items: Vec<V>) -> V {
    map([
        ("apiVersion", s("v1")),
        ("kind", s("List")),
        ("metadata", map([])),
        ("items", V::List(items)),
    ])
}

/// The 20-line Pod: an app container and a native sidecar proxy in front of it.
pub fn small_pod() -> V {
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
pub const APP_IMAGES: [&str; 6] = [
    "nginx:1.27",
    "ghcr.io/example/shop-api:2.4.1",
    "registry.example.com/payments/worker:1.9.3",
    "docker.io/library/httpd:2.4.62",
    "ghcr.io/example/catalog:0.18.0",
    "quay.io/example/checkout@sha256:4f8c2a1e9b7d6c5a3e2f1d0c9b8a7e6d5c4b3a2f1e0d9c8b7a6e5d4c3b2a1f0e",
];

/// Deployment `i`: a main container, a native sidecar (log shipper) and a classic sidecar
/// (proxy), with ports, probes, env, mounts, resources and volumes.
pub fn deployment(i: usize) -> V {
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

pub fn ports(list: &[(&str, i64)]) -> V {
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

pub fn mounts(list: &[(&str, &str)]) -> V {
    V::List(
        list.iter()
            .map(|&(name, path)| map([("name", s(name)), ("mountPath", s(path))]))
            .collect(),
    )
}

pub fn env_value(name: &str, value: &str) -> V {
    map([("name", s(name)), ("value", s(value))])
}

pub fn env_field(name: &str, path: &str) -> V {
    map([
        ("name", s(name)),
        (
            "valueFrom",
            map([("fieldRef", map([("fieldPath", s(path))]))]),
        ),
    ])
}

pub fn http_probe(path: &str, port: &str, initial_delay: i64, period: i64) -> V {
    let mut entries = vec![("httpGet", map([("path", s(path)), ("port", s(port))]))];
    if initial_delay > 0 {
        entries.push(("initialDelaySeconds", V::Int(initial_delay)));
    }
    entries.push(("periodSeconds", V::Int(period)));
    entries.push(("failureThreshold", V::Int(3)));
    V::Map(entries)
}

pub fn resources(requests: (&str, &str), limits: (&str, &str)) -> V {
    let pair = |(cpu, memory): (&str, &str)| map([("cpu", s(cpu)), ("memory", s(memory))]);
    map([("requests", pair(requests)), ("limits", pair(limits))])
}

pub fn config_map_volume(volume: &str, config_map: &str) -> V {
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
pub enum V {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<V>),
    Map(Vec<(&'static str, V)>),
}

pub fn s(text: &str) -> V {
    V::Str(text.to_string())
}

pub fn map<const N: usize>(entries: [(&'static str, V); N]) -> V {
    V::Map(entries.into())
}

/// Pretty JSON, two-space indent (as `kubectl get -o json` prints it).
pub fn to_json(value: &V) -> String {
    let mut out = String::new();
    json_value(&mut out, value, 0);
    out.push('\n');
    out
}

pub fn json_value(out: &mut String, value: &V, indent: usize) {
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

pub fn json_string(out: &mut String, text: &str) {
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
pub fn to_yaml(value: &V) -> String {
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
pub fn yaml_map(out: &mut String, entries: &[(&'static str, V)], indent: usize, continued: bool) {
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

pub fn yaml_list(out: &mut String, items: &[V], indent: usize) {
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
pub fn yaml_inline(out: &mut String, value: &V) {
    match value {
        V::Str(text) => yaml_scalar(out, text),
        V::Int(n) => write!(out, "{n}").expect("write to String"),
        V::Bool(b) => write!(out, "{b}").expect("write to String"),
        V::List(_) => out.push_str("[]"),
        V::Map(_) => out.push_str("{}"),
    }
}

/// A string as a plain scalar where YAML reads it back as the same string, else double-quoted.
pub fn yaml_scalar(out: &mut String, text: &str) {
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

pub fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}
