//! What the README's "Security" section promises, checked: no network client anywhere in the
//! dependency tree, no process execution and no network use in our code, and no file written
//! except the preview under the user's cache directory.

#[path = "support/files.rs"]
mod files;

use std::collections::BTreeSet;

/// Crates that speak a network protocol or carry TLS, any of which would give the binary a way
/// to fetch or send something.
const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "hyper",
    "hyper-util",
    "hyper-tls",
    "hyper-rustls",
    "h2",
    "h3",
    "quinn",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "surf",
    "attohttpc",
    "minreq",
    "http-req",
    "awc",
    "actix-http",
    "tungstenite",
    "tokio-tungstenite",
    "websocket",
    "rustls",
    "tokio-rustls",
    "native-tls",
    "tokio-native-tls",
    "openssl",
    "openssl-sys",
    "ring",
    "socket2",
    "mio",
    "trust-dns-resolver",
    "hickory-resolver",
    "jsonschema-referencing-http",
];

/// Every package name in `Cargo.lock` (dev and build dependencies included).
fn locked_packages() -> BTreeSet<String> {
    let lock = std::fs::read_to_string(files::repo_root().join("Cargo.lock")).unwrap();
    let lock: toml::Table = toml::from_str(&lock).unwrap();
    lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn no_network_client_is_in_the_dependency_tree() {
    let packages = locked_packages();
    assert!(packages.contains("tokio"), "Cargo.lock was not read");
    let found: Vec<&&str> = NETWORK_CRATES
        .iter()
        .filter(|c| packages.contains(**c))
        .collect();
    assert!(found.is_empty(), "network crates in Cargo.lock: {found:?}");
}

/// tokio's `net` and `process` features (and anything needing `mio`) stay off: the server talks
/// over stdio only. Asked of `cargo tree`, offline, for the server's normal dependencies.
#[test]
fn tokio_has_no_network_or_process_features() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            "sidecar-lsp",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
            "--locked",
            "-f",
            "{p} {f}",
        ])
        .current_dir(files::repo_root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).unwrap();
    let tokio = tree
        .lines()
        .find(|l| l.starts_with("tokio v"))
        .expect("tokio in the tree");
    let features: BTreeSet<&str> = tokio
        .split_whitespace()
        .nth(2)
        .unwrap_or("")
        .split(',')
        .collect();
    for forbidden in ["net", "process", "full", "signal"] {
        assert!(
            !features.contains(forbidden),
            "tokio feature {forbidden}: {tokio}"
        );
    }
}

/// Our sources without their test modules (by convention at the end of each file).
fn sources() -> Vec<(String, String)> {
    let src = files::repo_root().join("server/src");
    let mut out = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let code = match text.find("#[cfg(test)]") {
                    Some(at) => text[..at].to_string(),
                    None => text,
                };
                out.push((files::relative(&path, &src), code));
            }
        }
    }
    assert!(out.len() > 20, "sources not found");
    out
}

fn uses(sources: &[(String, String)], needles: &[&str]) -> Vec<String> {
    sources
        .iter()
        .flat_map(|(name, code)| {
            needles
                .iter()
                .filter(|n| code.contains(**n))
                .map(move |n| format!("{name}: {n}"))
        })
        .collect()
}

#[test]
fn our_code_runs_no_process_and_opens_no_socket() {
    let sources = sources();
    let found = uses(
        &sources,
        &[
            "process::Command",
            "Command::new(",
            "os::unix::process",
            "libc::fork",
            "libc::exec",
            "posix_spawn",
            "std::net",
            "TcpStream",
            "TcpListener",
            "UdpSocket",
            "UnixStream",
            "UnixListener",
            "tokio::net",
            "tokio::process",
        ],
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn the_only_file_written_is_the_preview() {
    let sources = sources();
    let found = uses(
        &sources,
        &[
            "fs::write",
            "File::create",
            "create_dir",
            ".write(true)",
            ".append(true)",
            "fs::rename",
            "fs::remove",
            "fs::copy",
            "set_permissions",
            "hard_link",
            "unix::fs::symlink",
            "fs::soft_link",
        ],
    );
    // The server writes only its preview; the command line writes only the outputs a user names
    // (`lint --sarif-file FILE`, `rules --docs DIR`), both in main.rs, and nothing else there.
    let outside: Vec<&String> = found
        .iter()
        .filter(|f| !f.starts_with("lsp/preview.rs:") && !f.starts_with("main.rs:"))
        .collect();
    assert!(
        outside.is_empty(),
        "files written outside the preview and the named CLI outputs: {outside:?}"
    );
    let main = &sources
        .iter()
        .find(|(name, _)| name == "main.rs")
        .unwrap()
        .1;
    assert_eq!(
        main.matches("fs::write(").count(),
        2,
        "main.rs writes only the SARIF file of `lint --sarif-file` and the pages of `rules --docs`"
    );
    assert!(
        !found.is_empty(),
        "the preview's write was not seen: the check is blind"
    );
}
