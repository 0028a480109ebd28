//! A random editing session, in process: edits (incremental and whole-text), re-opens and
//! requests decoded from bytes are applied through the server's document store, checked
//! against a plain `String` model of LSP text sync (`edit_model.rs`) after every step, and each
//! request runs the analysis and the editor features at the requested position.
//!
//! Input: a byte for the column unit, a byte for the file name, a two-byte length and the
//! opening text, then operations (one byte each, with their positions and texts).
//!
//! The body of the `session` fuzz target; needs `edit_model` and `invariants` beside it.

#![allow(dead_code)]

use sidecar_lsp::config::Settings;
use sidecar_lsp::lsp::documents::DocumentStore;
use sidecar_lsp::text::{ColumnUnit, LineCol, LineIndex};
use tower_lsp_server::ls_types::{Position, Range, Uri};

use super::edit_model::{self, Unit};
use super::invariants;

/// Reads the input a byte at a time (zeros once it runs out).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        b
    }

    fn text(&mut self) -> String {
        let n = (self.next() % 8) as usize;
        let mut out = String::new();
        for _ in 0..n {
            let b = self.next();
            if b < 0x80 && !b.is_multiple_of(4) {
                out.push(b as char);
            } else {
                out.push_str(edit_model::ATOMS[b as usize % edit_model::ATOMS.len()]);
            }
        }
        out
    }
}

/// The `session` fuzz target: decode `data` into a session and check it step by step.
pub fn fuzz_session(data: &[u8]) {
    let mut input = Bytes(data);
    let (unit, column_unit) = match input.next() % 3 {
        0 => (Unit::Utf16, ColumnUnit::Utf16),
        1 => (Unit::Utf8, ColumnUnit::Utf8),
        _ => (Unit::Char, ColumnUnit::Char),
    };
    let path = invariants::PATHS[input.next() as usize % invariants::PATHS.len()];
    let uri: Uri = format!("file:///fuzz/{path}").parse().unwrap();
    let settings = Settings::default();
    let store = DocumentStore::default();
    // The opening text: a two-byte length, then that many bytes (invalid UTF-8 replaced).
    let len = (usize::from(input.next()) << 8 | usize::from(input.next())).min(input.0.len());
    let (opening, ops) = input.0.split_at(len);
    input.0 = ops;
    let mut model = String::from_utf8_lossy(opening).into_owned();
    store.open(uri.clone(), 1, &model);
    let mut steps = 0;
    while !input.0.is_empty() && steps < 64 {
        steps += 1;
        let lines = edit_model::line_count(&model) as u32 + 1;
        let position = |input: &mut Bytes| {
            (
                u32::from(input.next()) % (lines + 1),
                u32::from(input.next()) % 24,
            )
        };
        match input.next() % 8 {
            0..=4 => {
                let (start, end) = (position(&mut input), position(&mut input));
                let new_text = input.text();
                let range = Range {
                    start: Position::new(start.0, start.1),
                    end: Position::new(end.0, end.1),
                };
                store.lock().get_mut(&uri).expect("open").apply_change(
                    Some(range),
                    &new_text,
                    column_unit,
                );
                edit_model::apply(&mut model, Some((start, end)), &new_text, unit);
            }
            5 => {
                let new_text = input.text();
                store.lock().get_mut(&uri).expect("open").apply_change(
                    None,
                    &new_text,
                    column_unit,
                );
                model = new_text;
            }
            6 => {
                store.close(&uri);
                store.open(uri.clone(), 1, &model);
            }
            _ => {
                // A request: positions convert through the line index, as the server's do, and
                // must land where an edit at the same position would.
                let at = position(&mut input);
                let text = store.lock().get_mut(&uri).expect("open").text();
                let index = LineIndex::new(&text);
                let offset = index.offset(
                    &text,
                    LineCol {
                        line: at.0,
                        col: at.1,
                    },
                    column_unit,
                );
                assert_eq!(
                    offset,
                    edit_model::offset(&text, at.0, at.1, unit),
                    "position {at:?} in {text:?}"
                );
                let analysis = invariants::check_analysis(&text, path, &settings);
                invariants::check_at(&analysis, &text, offset, &settings);
            }
        }
        let text = store.lock().get_mut(&uri).expect("open").text();
        assert_eq!(&*text, model.as_str(), "the store's text left the model's");
    }
}
