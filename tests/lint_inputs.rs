//! `lint` on whatever a repository holds: files it cannot read, things that are not files,
//! binary and non-UTF-8 files, link loops, huge files. Each gets one clear error; the other
//! files are still linted; the exit status is 2 (README "Lint").

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

const GOOD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: Bad_Name\n      image: nginx:1.27\n";

/// Run `sidecar-lsp lint --format json` on `args` in `dir`, with a deadline (a hang fails).
fn lint(dir: &Path, args: &[&str]) -> (Output, Value) {
    lint_as(dir, args, false)
}

/// Whether we are root, who reads mode-000 files.
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Whether `setpriv` (util-linux) can run a command as `nobody`.
fn can_drop_to_nobody() -> bool {
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Like [`lint`]; as `nobody` (through `setpriv`) when `as_nobody`, so that permissions bite
/// even when the tests run as root.
fn lint_as(dir: &Path, args: &[&str], as_nobody: bool) -> (Output, Value) {
    let binary = env!("CARGO_BIN_EXE_sidecar-lsp");
    let mut command = if as_nobody {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        c
    } else {
        Command::new(binary)
    };
    let mut child = command
        .arg("lint")
        .arg("--format")
        .arg("json")
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("lint {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    (output, json)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The good file was linted: its K101 is in the report.
fn assert_good_file_linted(json: &Value, name: &str) {
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "K101" && d["path"].as_str().unwrap().ends_with(name));
    assert!(found, "{name} was not linted: {json}");
}

/// Each bad input named on the command line beside a good file: one error line naming it.
#[test]
fn each_unusable_input_gets_one_clear_error_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("good.yaml"), GOOD).unwrap();
    std::fs::write(d.join("binary.yaml"), b"apiVersion: v1\n\0\0\x01\x02").unwrap();
    std::fs::write(d.join("latin1.yaml"), b"metadata:\n  name: caf\xe9\n").unwrap();
    std::fs::write(d.join("truncated-utf8.json"), b"{\"a\": \"\xf0\x9f\x98\"}").unwrap();
    std::os::unix::fs::symlink("loop-b.yaml", d.join("loop-a.yaml")).unwrap();
    std::os::unix::fs::symlink("loop-a.yaml", d.join("loop-b.yaml")).unwrap();
    std::os::unix::fs::symlink("missing.yaml", d.join("dangling.yaml")).unwrap();
    let fifo = d.join("pipe.yaml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let _socket = std::os::unix::net::UnixListener::bind(d.join("socket.yaml")).unwrap();
    // 100 MiB, sparse: the size is refused before anything is read.
    let huge = std::fs::File::create(d.join("huge.yaml")).unwrap();
    huge.set_len(100 << 20).unwrap();
    let cases = [
        ("binary.yaml", "binary file"),
        (
            "latin1.yaml",
            "not valid UTF-8 (first bad byte at offset 21)",
        ),
        ("truncated-utf8.json", "not valid UTF-8"),
        ("loop-a.yaml", "symbolic link that cannot be followed"),
        ("dangling.yaml", "broken symbolic link"),
        ("pipe.yaml", "a named pipe, not a regular file"),
        ("socket.yaml", "a socket, not a regular file"),
        (
            "huge.yaml",
            "too large to lint (100 MiB; the limit is 64 MiB)",
        ),
        ("absent.yaml", "No such file"),
    ];
    let mut args: Vec<&str> = cases.iter().map(|(name, _)| *name).collect();
    args.push("good.yaml");
    let started = Instant::now();
    let (output, json) = lint(d, &args);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let err = stderr(&output);
    for (name, message) in cases {
        let lines: Vec<&str> = err
            .lines()
            .filter(|l| l.starts_with(&format!("error: {name}:")))
            .collect();
        assert_eq!(lines.len(), 1, "{name}: {err}");
        assert!(lines[0].contains(message), "{name}: {}", lines[0]);
    }
    assert_eq!(json["files"], 1, "{json}");
    assert_good_file_linted(&json, "good.yaml");
    assert_eq!(output.status.code(), Some(2), "{err}");
}

/// A walked directory: the named pipe, socket and links in it are not files and are passed over
/// (without hanging), a directory named like a YAML file is walked, not read, and the good
/// files are linted. Unreadable files and directories are reported (only when not root: root
/// reads everything).
#[test]
fn a_walked_directory_with_unusable_entries() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("dir.yaml/inner")).unwrap();
    std::fs::write(d.join("dir.yaml/inner/good.yaml"), GOOD).unwrap();
    std::fs::write(d.join("top.yaml"), GOOD).unwrap();
    let c = std::ffi::CString::new(d.join("pipe.yaml").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let _socket = std::os::unix::net::UnixListener::bind(d.join("socket.yaml")).unwrap();
    std::os::unix::fs::symlink(".", d.join("self-loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", d.join("dangling.yaml")).unwrap();
    std::fs::create_dir(d.join("locked")).unwrap();
    std::fs::write(d.join("locked/hidden.yaml"), GOOD).unwrap();
    std::fs::write(d.join("unreadable.yaml"), GOOD).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(
        d.join("unreadable.yaml"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();

    let (output, json) = lint(d, &["."]);
    // Let the tempdir be removed.
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = stderr(&output);
    assert_good_file_linted(&json, "top.yaml");
    assert_good_file_linted(&json, "inner/good.yaml");
    if is_root() {
        // Root reads everything: the locked directory's file and the 000 file are linted.
        assert_good_file_linted(&json, "locked/hidden.yaml");
        assert_good_file_linted(&json, "unreadable.yaml");
        assert_eq!(json["files"], 4, "{json}");
        assert_eq!(output.status.code(), Some(1), "{err}");
    } else {
        assert!(
            err.contains("locked") && err.contains("ermission denied"),
            "{err}"
        );
        assert!(
            err.lines()
                .any(|l| l.starts_with("error: unreadable.yaml: cannot read")),
            "{err}"
        );
        assert_eq!(json["files"], 2, "{json}");
        assert_eq!(output.status.code(), Some(2), "{err}");
    }
    assert!(
        !err.contains("pipe.yaml") && !err.contains("socket.yaml"),
        "{err}"
    );
}

/// A directory for the permission cases, and whether the linter must run as `nobody` (as root,
/// who reads everything); `None` (with a note) when root cannot drop to `nobody`.
fn permission_sandbox() -> Option<(tempfile::TempDir, bool)> {
    use std::os::unix::fs::PermissionsExt;
    let as_nobody = is_root();
    if as_nobody && !can_drop_to_nobody() {
        eprintln!("note: root without setpriv reads mode-000 files; permission cases skipped");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    // `nobody` must reach the directory.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    Some((dir, as_nobody))
}

/// Files and directories without permission, named explicitly and met in a walk: each is
/// reported, the rest linted. As root (who reads everything) the linter runs as `nobody`.
#[test]
fn paths_without_permission_are_reported_and_the_rest_linted() {
    let Some((dir, as_nobody)) = permission_sandbox() else {
        return;
    };
    let d = dir.path();
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir(d.join("walked")).unwrap();
    std::fs::create_dir(d.join("walked/locked")).unwrap();
    std::fs::write(d.join("walked/locked/hidden.yaml"), GOOD).unwrap();
    std::fs::write(d.join("walked/visible.yaml"), GOOD).unwrap();
    std::fs::write(d.join("walked/sealed.yaml"), GOOD).unwrap();
    for (path, mode) in [("walked/locked", 0o000), ("walked/sealed.yaml", 0o000)] {
        std::fs::set_permissions(d.join(path), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let (output, json) = lint_as(d, &["walked"], as_nobody);
    std::fs::set_permissions(
        d.join("walked/locked"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let err = stderr(&output);
    assert!(
        err.lines()
            .any(|l| l.starts_with("error: walked/locked: cannot read")
                && l.contains("ermission denied")),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.starts_with("error: walked/sealed.yaml: cannot read")),
        "{err}"
    );
    assert_good_file_linted(&json, "walked/visible.yaml");
    assert_eq!(json["files"], 1, "{json}");
    assert_eq!(output.status.code(), Some(2), "{err}");
}

/// A file named explicitly that cannot be opened, and a directory named explicitly that cannot
/// be listed.
#[test]
fn unreadable_paths_named_explicitly() {
    let Some((dir, as_nobody)) = permission_sandbox() else {
        return;
    };
    let d = dir.path();
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(d.join("good.yaml"), GOOD).unwrap();
    std::fs::write(d.join("secret.yaml"), GOOD).unwrap();
    std::fs::create_dir(d.join("closed")).unwrap();
    std::fs::set_permissions(
        d.join("secret.yaml"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::set_permissions(d.join("closed"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let (output, json) = lint_as(d, &["secret.yaml", "closed", "good.yaml"], as_nobody);
    std::fs::set_permissions(d.join("closed"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = stderr(&output);
    assert!(err.contains("error: secret.yaml: cannot read"), "{err}");
    assert!(err.contains("closed"), "{err}");
    assert_good_file_linted(&json, "good.yaml");
    assert_eq!(output.status.code(), Some(2));
}
