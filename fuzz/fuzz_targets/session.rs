//! A random editing session through the server's document store, in process, checked against
//! a `String` model of LSP text sync; see `tests/support/session.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/edit_model.rs"]
mod edit_model;
#[path = "../../tests/support/invariants.rs"]
mod invariants;
#[path = "../../tests/support/session.rs"]
mod session;

fuzz_target!(|data: &[u8]| session::fuzz_session(data));
