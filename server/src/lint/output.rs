//! The four output formats.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;
use serde_sarif::sarif;

use super::{FileReport, LintRun, Located, OutputFormat};
use crate::diagnostic::{Dialect, Severity};
use crate::rules::registry;
use crate::text::{LineIndex, Span};

/// Render a run in `format` (colour only for the human format, and only when asked).
pub fn render(run: &LintRun, format: OutputFormat, color: bool) -> String {
    match format {
        OutputFormat::Human => human(run, color),
        OutputFormat::Json => json(run),
        OutputFormat::Sarif => sarif(run),
        OutputFormat::Github => github(run),
    }
}

/// Findings of every file, sorted by path then position (files are already in path order).
fn sorted(run: &LintRun) -> Vec<(&FileReport, &Located)> {
    let mut all: Vec<(&FileReport, &Located)> = run
        .files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(move |d| (f, d)))
        .collect();
    all.sort_by(|(fa, a), (fb, b)| {
        (
            &fa.path,
            a.line,
            a.column,
            a.end_line,
            a.end_column,
            a.diagnostic.code,
        )
            .cmp(&(
                &fb.path,
                b.line,
                b.column,
                b.end_line,
                b.end_column,
                b.diagnostic.code,
            ))
    });
    all
}

fn dialect_name(d: Option<Dialect>) -> &'static str {
    d.unwrap_or(Dialect::Kubernetes).as_str()
}

// ---------------------------------------------------------------------------------------- human

fn human(run: &LintRun, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for file in &run.files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let index = LineIndex::new(&file.text);
        for located in &file.diagnostics {
            out.push_str(&frame(&renderer, file, &index, located));
            out.push_str("\n\n");
        }
    }
    out.push_str(&summary(run));
    out.push('\n');
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::HELP,
    }
}

/// The lines holding `span`: their text and the offset of their first byte.
fn lines_of<'t>(text: &'t str, index: &LineIndex, span: Span) -> (&'t str, usize, usize) {
    let first = index.line_of(span.start as usize);
    let last = index.line_of(span.end.saturating_sub(1).max(span.start) as usize);
    let start = index.line_start(first).unwrap_or(0);
    let end = index
        .line_span(text, last)
        .map_or(text.len(), |s| s.end as usize);
    (&text[start..end], start, first as usize + 1)
}

fn frame(renderer: &Renderer, file: &FileReport, index: &LineIndex, located: &Located) -> String {
    let d = &located.diagnostic;
    let (source, offset, line_start) = lines_of(&file.text, index, d.span);
    let local = |span: Span, offset: usize, len: usize| {
        let s = (span.start as usize).saturating_sub(offset).min(len);
        let e = (span.end as usize).saturating_sub(offset).clamp(s, len);
        s..e
    };
    let mut snippet = Snippet::source(source)
        .line_start(line_start)
        .path(file.path.as_str())
        .annotation(AnnotationKind::Primary.span(local(d.span, offset, source.len())));
    let mut related_groups = Vec::new();
    for related in &d.related {
        let (rsource, roffset, rline) = lines_of(&file.text, index, related.span);
        if rline == line_start && rsource == source {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(local(related.span, offset, source.len()))
                    .label(related.message.as_str()),
            );
        } else {
            related_groups.push(
                Group::with_title(Level::NOTE.secondary_title(related.message.as_str())).element(
                    Snippet::source(rsource)
                        .line_start(rline)
                        .path(file.path.as_str())
                        .annotation(AnnotationKind::Context.span(local(
                            related.span,
                            roffset,
                            rsource.len(),
                        ))),
                ),
            );
        }
    }
    let mut report = vec![
        level(d.severity)
            .primary_title(d.message.as_str())
            .id(d.code)
            .element(snippet),
    ];
    report.extend(related_groups);
    renderer.render(&report).to_string()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn summary(run: &LintRun) -> String {
    let files = run.files.len();
    let with_findings = run
        .files
        .iter()
        .filter(|f| !f.diagnostics.is_empty())
        .count();
    let counts: Vec<String> = [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Info, "info"),
        (Severity::Hint, "hint"),
    ]
    .into_iter()
    .map(|(s, w)| (run.count(s), w))
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| {
        if w == "info" || w == "hint" {
            format!("{n} {w}")
        } else {
            plural(n, w)
        }
    })
    .collect();
    let mut line = if counts.is_empty() {
        format!("No problems in {}.", plural(files, "file"))
    } else {
        format!(
            "Found {} in {} of {}.",
            counts.join(", "),
            with_findings,
            plural(files, "file")
        )
    };
    if !run.errors.is_empty() {
        line.push_str(&format!(
            " {} could not be linted.",
            plural(run.errors.len(), "input")
        ));
    }
    line
}

// ----------------------------------------------------------------------------------------- json

#[derive(Serialize)]
struct JsonOutput<'a> {
    version: u32,
    files: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    dialect: &'static str,
}

fn json(run: &LintRun) -> String {
    let output = JsonOutput {
        version: 1,
        files: run.files.len(),
        diagnostics: sorted(run)
            .into_iter()
            .map(|(f, l)| JsonDiagnostic {
                path: &f.path,
                line: l.line,
                column: l.column,
                end_line: l.end_line,
                end_column: l.end_column,
                severity: l.diagnostic.severity.as_str(),
                code: l.diagnostic.code,
                message: &l.diagnostic.message,
                dialect: dialect_name(l.diagnostic.dialect),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}

// ---------------------------------------------------------------------------------------- sarif

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn result_level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Info | Severity::Hint => sarif::ResultLevel::Note,
    }
}

fn sarif(run: &LintRun) -> String {
    let rules: Vec<sarif::ReportingDescriptor> = registry::all()
        .iter()
        .map(|r| {
            let m = &r.meta;
            sarif::ReportingDescriptor::builder()
                .id(m.code)
                .name(m.name)
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(m.summary)
                        .build(),
                )
                .full_description(
                    sarif::MultiformatMessageString::builder()
                        .text(m.why)
                        .build(),
                )
                .help_uri(registry::doc_url(m))
                .default_configuration(
                    sarif::ReportingConfiguration::builder()
                        .level(serde_json::Value::from(sarif_level(m.severity)))
                        .build(),
                )
                .build()
        })
        .collect();
    let rule_index = |code: &str| {
        registry::all()
            .iter()
            .position(|r| r.meta.code == code)
            .unwrap_or(0) as i64
    };
    let results: Vec<sarif::Result> = sorted(run)
        .into_iter()
        .map(|(file, l)| {
            let d = &l.diagnostic;
            let index = LineIndex::new(&file.text);
            let location = |span: Span, message: Option<&str>| {
                let start = index.line_col(
                    &file.text,
                    span.start as usize,
                    crate::text::ColumnUnit::Char,
                );
                let end =
                    index.line_col(&file.text, span.end as usize, crate::text::ColumnUnit::Char);
                let region = sarif::Region::builder()
                    .start_line(i64::from(start.line) + 1)
                    .start_column(i64::from(start.col) + 1)
                    .end_line(i64::from(end.line) + 1)
                    .end_column(i64::from(end.col) + 1)
                    .build();
                let physical = sarif::PhysicalLocation::builder()
                    .artifact_location(
                        sarif::ArtifactLocation::builder()
                            .uri(uri(&file.path))
                            .build(),
                    )
                    .region(region)
                    .build();
                match message {
                    Some(m) => sarif::Location::builder()
                        .physical_location(physical)
                        .message(sarif::Message::builder().text(m).build())
                        .build(),
                    None => sarif::Location::builder()
                        .physical_location(physical)
                        .build(),
                }
            };
            let result = sarif::Result::builder()
                .rule_id(d.code)
                .rule_index(rule_index(d.code))
                .level(result_level(d.severity))
                .message(sarif::Message::builder().text(d.message.as_str()).build())
                .locations(vec![location(d.span, None)]);
            if d.related.is_empty() {
                result.build()
            } else {
                let related: Vec<sarif::Location> = d
                    .related
                    .iter()
                    .map(|r| location(r.span, Some(&r.message)))
                    .collect();
                sarif::Result::builder()
                    .rule_id(d.code)
                    .rule_index(rule_index(d.code))
                    .level(result_level(d.severity))
                    .message(sarif::Message::builder().text(d.message.as_str()).build())
                    .locations(vec![location(d.span, None)])
                    .related_locations(related)
                    .build()
            }
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("sidecar-lsp")
        .version(env!("CARGO_PKG_VERSION"))
        .information_uri(registry::DOCS_URL)
        .rules(rules)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .column_kind(serde_json::Value::from("unicodeCodePoints"))
        .build();
    let log = sarif::Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(serde_json::Value::from("2.1.0"))
        .runs(vec![run])
        .build();
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// A relative path as a URI reference (percent-encoding what URIs cannot hold).
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// --------------------------------------------------------------------------------------- github

fn github(run: &LintRun) -> String {
    let mut out = String::new();
    for (file, l) in sorted(run) {
        let d = &l.diagnostic;
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&file.path),
            l.line,
            l.column,
            l.end_line,
            l.end_column,
            escape_property(d.code),
            escape_data(&d.message)
        ));
    }
    out
}

/// Escape a workflow command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow command's property value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn uris() {
        assert_eq!(uri("dir/a b.yaml"), "dir/a%20b.yaml");
    }
}
