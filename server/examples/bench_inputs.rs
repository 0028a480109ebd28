//! Writes the benchmark inputs (the shapes of `benches/inputs`) to a folder, for `bench/peers.py`:
//! `pod-20.yaml`, `deployments-6600.yaml`, `deployments-1mib.yaml` and `deployments-1mib.json`,
//! plus `deployments-1mib.yaml.json` (the YAML file's objects as JSON, for the parse floor) and
//! `pod-20-broken.yaml` (one schema error, to check that a peer really validates).
//!
//! Run: `cargo run --release -p sidecar-lsp --example bench_inputs -- DIR`.

#[path = "../benches/inputs/mod.rs"]
mod inputs;

use inputs::Size;

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "bench/work".into());
    std::fs::create_dir_all(&dir).expect("create the output folder");
    let small = Size::Lines20.case();
    let medium = Size::Lines6600.case();
    let large = Size::Mib1.case();
    let broken = small
        .yaml
        .replacen("containerPort: 8080", "containerPort: eighty-eighty", 1);
    assert_ne!(broken, small.yaml, "the 20-line input has an 8080 port");
    let files = [
        ("pod-20.yaml", &small.yaml),
        ("pod-20-broken.yaml", &broken),
        ("deployments-6600.yaml", &medium.yaml),
        ("deployments-1mib.yaml", &large.yaml),
        ("deployments-1mib.yaml.json", &large.yaml_as_json),
        ("deployments-1mib.json", &large.json),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write an input");
        println!("{name}\t{}", text.len());
    }
}
