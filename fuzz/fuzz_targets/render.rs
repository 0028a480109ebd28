//! Render whatever the analysis of any text finds (all workloads, each document, the one at an
//! offset) and serialise it: nothing panics.
//!
//! Input: as for the `analysis` target (a file-name byte, two offset bytes, the text).

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
    let analysis = sidecar_lsp::analyze(&text, Some(path), &settings);
    let offset = cursor.iter().fold(0usize, |a, &b| a << 8 | b as usize) % (text.len() + 2);
    invariants::check_render(&analysis, &text, offset, &settings);
});
