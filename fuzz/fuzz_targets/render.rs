//! Render whatever the analysis of any text finds (all workloads, each document, the one at an
//! offset) and serialise it: nothing panics.
//!
//! Input: as for the `analysis` target (a file-name byte, two offset bytes, the text).

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| invariants::fuzz_render(data));
