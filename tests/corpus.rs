//! The real-world corpus in `../shared/corpus` (or `SIDECAR_LSP_CORPUS`): every `valid/` file gives no errors, every
//! `invalid/` file gives the findings `corpus-expectations.toml` names (at the right line), and
//! every dialect case its expected result. Skipped, with a message, where the corpus is absent.

#[path = "support/files.rs"]
mod files;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sidecar_lsp::config::Settings;
use sidecar_lsp::diagnostic::Severity;
use sidecar_lsp::text::ColumnUnit;

#[derive(Deserialize)]
struct Expectations {
    file: Vec<FileExpectation>,
}

#[derive(Deserialize)]
struct FileExpectation {
    path: String,
    expect: Vec<Expected>,
    #[serde(default)]
    forbid: Vec<String>,
}

#[derive(Deserialize)]
struct Expected {
    code: String,
    line: usize,
    message: String,
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SIDECAR_LSP_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    dir.is_dir().then(|| dir.canonicalize().unwrap_or(dir))
}

/// The YAML and JSON files under `dir`, as paths relative to it, sorted.
fn corpus_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = files::data_files_under(dir)
        .iter()
        .map(|path| files::relative(path, dir))
        .collect();
    files.sort();
    files
}

/// (code, 1-based line, message, severity) of every finding.
fn findings(dir: &Path, relative: &str) -> Vec<(String, usize, String, Severity)> {
    let text = std::fs::read_to_string(dir.join(relative)).expect("corpus files are UTF-8");
    let analysis = sidecar_lsp::analyze(&text, Some(relative), &Settings::default());
    analysis
        .diagnostics
        .iter()
        .map(|d| {
            let line = analysis
                .line_index
                .line_col(&text, d.span.start as usize, ColumnUnit::Char)
                .line as usize
                + 1;
            (d.code.to_string(), line, d.message.clone(), d.severity)
        })
        .collect()
}

#[test]
fn corpus() {
    let Some(dir) = corpus_dir() else {
        eprintln!("corpus test skipped: ../shared/corpus (or SIDECAR_LSP_CORPUS) is not there");
        return;
    };
    let expectations: Expectations =
        toml::from_str(include_str!("corpus-expectations.toml")).expect("expectations parse");
    let listed: BTreeMap<&str, &FileExpectation> = expectations
        .file
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let mut failures = Vec::new();
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let files = corpus_files(&dir);
    for relative in &files {
        let found = findings(&dir, relative);
        let errors: Vec<&(String, usize, String, Severity)> =
            found.iter().filter(|f| f.3 == Severity::Error).collect();
        let group = relative.split('/').next().unwrap_or("");
        let entry = counts.entry(group).or_default();
        entry.0 += 1;
        match listed.get(relative.as_str()) {
            Some(expected) => {
                let mut ok = true;
                for e in &expected.expect {
                    let hit = found.iter().any(|(code, line, message, _)| {
                        *code == e.code && *line == e.line && message.contains(&e.message)
                    });
                    if !hit {
                        ok = false;
                        failures.push(format!(
                            "{relative}: expected {} at line {}: {}",
                            e.code, e.line, e.message
                        ));
                    }
                }
                for (code, line, message, _) in &found {
                    if expected.forbid.contains(code) {
                        ok = false;
                        failures.push(format!(
                            "{relative}: must not report {code} (line {line}: {message})"
                        ));
                    }
                }
                if ok {
                    entry.1 += 1;
                }
            }
            None if relative.starts_with("invalid/") => {
                failures.push(format!("{relative}: an invalid file without expectations"));
            }
            None => {
                if errors.is_empty() {
                    entry.1 += 1;
                } else {
                    for (code, line, message, _) in errors {
                        failures.push(format!(
                            "{relative}: unexpected error {code} at line {line}: {message}"
                        ));
                    }
                }
            }
        }
    }
    for listed_path in listed.keys() {
        if !files.iter().any(|f| f == listed_path) {
            failures.push(format!(
                "{listed_path}: listed in the expectations but not in the corpus"
            ));
        }
    }
    for (group, (total, passed)) in &counts {
        eprintln!("corpus {group}: {passed}/{total} files as expected");
    }
    assert!(
        failures.is_empty(),
        "{} corpus failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
