//! What must hold for *any* text: the analysis, every editor feature and the renderer never
//! panic, and every span they hand out lies inside the text on character boundaries.
//!
//! Shared by the property tests (`tests/robustness.rs`) and the fuzz targets (`fuzz/`), which
//! include this file by path; the targets' bodies are here too, so that a fuzz finding replays
//! as a test (`tests/fixtures/fuzz/`).

#![allow(dead_code)]

use sidecar_lsp::config::Settings;
use sidecar_lsp::ide::{self, TextEdit};
use sidecar_lsp::text::Span;
use sidecar_lsp::{Analysis, analyze, render};

/// File names that steer detection to each dialect and format.
pub const PATHS: &[&str] = &[
    "spec.yaml",
    "spec.json",
    "app.sidecar.json",
    "algorithm.json",
    "vela/app.yaml",
    "deploy.yml",
];

/// Panic unless `span` lies inside `text` with both ends on character boundaries.
pub fn check_span(text: &str, span: Span, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "{what}: span {start}..{end} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: span {start}..{end} splits a character"
    );
}

fn check_offset(text: &str, offset: usize, what: &str) {
    check_span(text, Span::new(offset, offset), what);
}

fn check_edits(text: &str, edits: &[TextEdit], what: &str) {
    for edit in edits {
        check_span(text, edit.span, what);
    }
    // Applying them must not panic either.
    let _ = ide::apply_edits(text, edits);
}

/// Analyse `text` as `path` and check the diagnostics' spans; returns the analysis.
pub fn check_analysis(text: &str, path: &str, settings: &Settings) -> Analysis {
    let analysis = analyze(text, Some(path), settings);
    for d in &analysis.diagnostics {
        check_span(text, d.span, d.code);
        for related in &d.related {
            check_span(text, related.span, d.code);
        }
    }
    for document in &analysis.documents {
        check_span(text, document.span, "document");
    }
    analysis
}

/// The whole-document features (outline, lenses, hints, actions on the whole text).
pub fn check_document_features(analysis: &Analysis, text: &str, settings: &Settings) {
    let whole = Span::new(0, text.len());
    fn walk(text: &str, symbols: &[ide::symbols::Symbol]) {
        for s in symbols {
            check_span(text, s.span, "symbol");
            check_span(text, s.selection_span, "symbol selection");
            walk(text, &s.children);
        }
    }
    walk(text, &ide::symbols::document_symbols(analysis, text));
    for lens in ide::lens::code_lenses(analysis, text, settings) {
        check_span(text, lens.span, "lens");
    }
    for hint in ide::inlay::inlay_hints(analysis, text, whole, settings) {
        check_offset(text, hint.offset, "inlay hint");
    }
    for action in ide::actions::code_actions(analysis, text, whole, settings) {
        check_edits(text, &action.edits, "code action");
    }
}

/// The renderer: every workload, the one at `offset`, and a document that does not exist.
pub fn check_render(analysis: &Analysis, text: &str, offset: usize, settings: &Settings) {
    if let Ok(rendered) = render::render(analysis, text, None, settings) {
        let _ = rendered.to_yaml();
        let _ = rendered.to_json();
    }
    for document in 0..analysis.documents.len().min(4) {
        let _ = render::render(analysis, text, Some(document), settings);
    }
    let _ = render::render(analysis, text, Some(usize::MAX), settings);
    for target in render::targets(analysis) {
        check_span(text, target.span, "render target");
    }
    if let Ok(rendered) = render::render_at(analysis, text, offset, settings) {
        let _ = rendered.to_yaml();
    }
}

/// Every feature that takes a cursor, at `offset` (which may be past the end or inside a
/// character: features clamp it).
pub fn check_at(analysis: &Analysis, text: &str, offset: usize, settings: &Settings) {
    for item in ide::completion::complete(analysis, text, offset, settings) {
        check_span(text, item.replace, "completion");
        check_edits(text, &item.additional_edits, "completion edit");
    }
    if let Some(hover) = ide::hover::hover(analysis, text, offset, settings) {
        check_span(text, hover.span, "hover");
    }
    for span in ide::navigation::definition(analysis, text, offset) {
        check_span(text, span, "definition");
    }
    for span in ide::navigation::references(analysis, text, offset, true) {
        check_span(text, span, "reference");
    }
    if let Some(target) = ide::navigation::prepare_rename(analysis, text, offset) {
        check_span(text, target.span, "rename target");
        if let Ok(edits) = ide::navigation::rename(analysis, text, offset, "renamed") {
            check_edits(text, &edits, "rename");
        }
    }
    let end = (offset + 16).min(text.len());
    let range = Span::new(offset.min(text.len()), end);
    for action in ide::actions::code_actions(analysis, text, range, settings) {
        check_edits(text, &action.edits, "code action");
    }
    for hint in ide::inlay::inlay_hints(analysis, text, range, settings) {
        check_offset(text, hint.offset, "inlay hint");
    }
}

/// Offsets worth a cursor: every character boundary of a short text; for a long one, every
/// structural point (after `{[,:-`, quotes and line ends) plus an even sample, about `budget`.
pub fn cursor_offsets(text: &str, budget: usize) -> Vec<usize> {
    let boundaries: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    if boundaries.len() <= budget {
        return boundaries;
    }
    let mut offsets: Vec<usize> = structural_points(text);
    let step = offsets.len() / (budget / 2).max(1) + 1;
    offsets = offsets.into_iter().step_by(step).collect();
    let step = boundaries.len() / (budget / 2).max(1) + 1;
    offsets.extend(boundaries.iter().copied().step_by(step));
    offsets.push(text.len());
    offsets.sort_unstable();
    offsets.dedup();
    offsets
}

/// The offsets just after each `{ [ , : -`, quote and newline: where an editor's half-typed
/// text most often ends.
pub fn structural_points(text: &str) -> Vec<usize> {
    text.char_indices()
        .filter(|(_, c)| matches!(c, '{' | '[' | ',' | ':' | '-' | '"' | '\n'))
        .map(|(i, c)| i + c.len_utf8())
        .collect()
}

/// Everything at once: the analysis, the document features, and the cursor features at each
/// of `offsets`.
pub fn check_everything(text: &str, path: &str, offsets: &[usize]) {
    let settings = Settings::default();
    let analysis = check_analysis(text, path, &settings);
    check_document_features(&analysis, text, &settings);
    check_render(&analysis, text, text.len() / 2, &settings);
    for &offset in offsets {
        check_at(&analysis, text, offset, &settings);
    }
}

/// Split a fuzz input into (file name, cursor offset, text): one byte choosing the name, two
/// bytes of offset, then the text (invalid UTF-8 replaced, as the server never sees it).
pub fn decode_input(data: &[u8]) -> Option<(&'static str, usize, String)> {
    let (&which, rest) = data.split_first()?;
    let (cursor, body) = rest.split_at(rest.len().min(2));
    let text = String::from_utf8_lossy(body).into_owned();
    let path = PATHS[which as usize % PATHS.len()];
    let offset = cursor.iter().fold(0usize, |a, &b| a << 8 | b as usize) % (text.len() + 2);
    Some((path, offset, text))
}

/// The `analysis` fuzz target: analysis, document features and cursor features.
pub fn fuzz_analysis(data: &[u8]) {
    let Some((path, offset, text)) = decode_input(data) else {
        return;
    };
    let settings = Settings::default();
    let analysis = check_analysis(&text, path, &settings);
    check_document_features(&analysis, &text, &settings);
    check_at(&analysis, &text, offset, &settings);
}

/// The `render` fuzz target.
pub fn fuzz_render(data: &[u8]) {
    let Some((path, offset, text)) = decode_input(data) else {
        return;
    };
    let settings = Settings::default();
    let analysis = analyze(&text, Some(path), &settings);
    check_render(&analysis, &text, offset, &settings);
}
