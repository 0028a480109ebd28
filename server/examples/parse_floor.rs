//! The floor for `sidecar-lsp lint` on one big file: read it and parse it with `serde_json`,
//! nothing else (what any JSON tool must at least do). Prints the parse time in µs.
//!
//! Run: `cargo run --release -p sidecar-lsp --example parse_floor -- FILE.json`.

use std::time::Instant;

fn main() {
    let path = std::env::args_os().nth(1).expect("a JSON file");
    let start = Instant::now();
    let text = std::fs::read_to_string(path).expect("read the file");
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let elapsed = start.elapsed();
    std::hint::black_box(&value);
    println!("{}", elapsed.as_micros());
}
