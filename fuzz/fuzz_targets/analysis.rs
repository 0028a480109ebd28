//! Parse and analyse any text as JSON or YAML, then ask every editor feature about it at an
//! offset taken from the input: nothing panics and every span lies inside the text.
//!
//! Input: one byte choosing the file name (dialect and format), two bytes of cursor offset,
//! then the text (invalid UTF-8 replaced, as the server never sees it).

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let (cursor, body) = rest.split_at(rest.len().min(2));
    let text = String::from_utf8_lossy(body);
    let path = invariants::PATHS[which as usize % invariants::PATHS.len()];
    let settings = sidecar_lsp::config::Settings::default();
    let analysis = invariants::check_analysis(&text, path, &settings);
    invariants::check_document_features(&analysis, &text, &settings);
    let offset = cursor.iter().fold(0usize, |a, &b| a << 8 | b as usize) % (text.len() + 2);
    invariants::check_at(&analysis, &text, offset, &settings);
});
