//! Every rule's doc example is its test: the example fires the rule, the fix does not.

use std::path::Path;

use super::registry;
use crate::config::{self, Settings};
use crate::{Analysis, analyze};

fn settings_for(config_text: &str) -> Settings {
    let mut settings = Settings::default();
    if !config_text.is_empty() {
        config::apply(
            Path::new("/examples/sidecar-lsp.toml"),
            config_text,
            &mut settings,
        )
        .expect("example config is valid");
    }
    settings
}

fn show(a: &Analysis, text: &str) -> String {
    a.diagnostics
        .iter()
        .map(|d| {
            let pos =
                a.line_index
                    .line_col(text, d.span.start as usize, crate::text::ColumnUnit::Char);
            format!(
                "  {}:{} {} {}",
                pos.line + 1,
                pos.col + 1,
                d.code,
                d.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_example_fires_its_rule_and_every_fix_does_not() {
    let mut failures = Vec::new();
    for rule in registry::all() {
        let meta = &rule.meta;
        let Some(example) = meta.example else {
            continue;
        };
        let settings = settings_for(example.config);
        let bad = analyze(example.bad, Some(example.file), &settings);
        if !bad.diagnostics.iter().any(|d| d.code == meta.code) {
            failures.push(format!(
                "{} example does not fire it:\n{}",
                meta.code,
                show(&bad, example.bad)
            ));
        }
        let good_file = if example.good_file.is_empty() {
            example.file
        } else {
            example.good_file
        };
        let good = analyze(example.good, Some(good_file), &settings);
        if good.diagnostics.iter().any(|d| d.code == meta.code) {
            failures.push(format!(
                "{} fix still fires it:\n{}",
                meta.code,
                show(&good, example.good)
            ));
        }
        if good.diagnostics.iter().any(|d| d.code == "S001") {
            failures.push(format!(
                "{} fix has a syntax error:\n{}",
                meta.code,
                show(&good, example.good)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
