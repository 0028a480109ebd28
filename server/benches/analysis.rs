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

use std::sync::LazyLock;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use sidecar_lsp::config::Settings;
use sidecar_lsp::diagnostic::Severity;
use sidecar_lsp::syntax::{self, Format};

mod inputs;
use inputs::Size;

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
