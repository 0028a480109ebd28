//! Parse and analyse any text as JSON or YAML, then ask every editor feature about it at an
//! offset taken from the input: nothing panics and every span lies inside the text.
//!
//! Input: one byte choosing the file name (dialect and format), two bytes of cursor offset,
//! then the text (invalid UTF-8 replaced, as the server never sees it).

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| invariants::fuzz_analysis(data));
