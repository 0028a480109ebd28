//! The `sidecar-lsp` binary end to end: output goldens, exit codes, stdin, config, commands.
//!
//! Goldens live in `tests/golden/`; regenerate them with `UPDATE_EXPECT=1 cargo test --test cli`.

#[path = "support/files.rs"]
mod files;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use files::{golden, repo_root};

fn sidecar_lsp(args: &[&str]) -> Output {
    sidecar_lsp_in(&repo_root(), args, None)
}

fn sidecar_lsp_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sidecar-lsp"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    {
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).expect("write stdin");
        }
    }
    child.wait_with_output().expect("the binary finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

#[test]
fn examples_in_every_format_match_the_goldens() {
    for (format, file) in [
        ("human", "lint-examples.human.txt"),
        ("json", "lint-examples.json"),
        ("sarif", "lint-examples.sarif"),
        ("github", "lint-examples.github.txt"),
    ] {
        let out = sidecar_lsp(&["lint", "examples", "--format", format, "--color", "never"]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        golden(file, &stdout(&out));
    }
}

#[test]
fn valid_examples_are_clean_and_exit_0() {
    for file in [
        "examples/hkube/image-resizer.json",
        "examples/kubevela/shop.yaml",
        "examples/calyptia/geoip.sidecar.json",
        "examples/kubernetes/web-with-native-sidecar.yaml",
    ] {
        let out = sidecar_lsp(&["lint", file, "--deny-warnings"]);
        assert_eq!(out.status.code(), Some(0), "{file}:\n{}", stdout(&out));
        assert!(
            stdout(&out).starts_with("No problems in 1 file."),
            "{file}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn json_output_has_the_documented_shape() {
    let out = sidecar_lsp(&["lint", "examples", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let object = value.as_object().unwrap();
    assert_eq!(
        object.keys().collect::<Vec<_>>(),
        ["diagnostics", "files", "version"]
    );
    assert_eq!(value["version"], 1);
    assert_eq!(value["files"], 8);
    let mut previous: Option<(String, u64, u64)> = None;
    for d in value["diagnostics"].as_array().unwrap() {
        let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "code",
                "column",
                "dialect",
                "end_column",
                "end_line",
                "line",
                "message",
                "path",
                "severity"
            ]
        );
        assert!(["error", "warning", "info", "hint"].contains(&d["severity"].as_str().unwrap()));
        assert!(
            ["hkube", "kubevela", "calyptia", "kubernetes"]
                .contains(&d["dialect"].as_str().unwrap())
        );
        let key = (
            d["path"].as_str().unwrap().to_string(),
            d["line"].as_u64().unwrap(),
            d["column"].as_u64().unwrap(),
        );
        if let Some(p) = &previous {
            assert!(*p <= key, "not sorted: {p:?} then {key:?}");
        }
        previous = Some(key);
    }
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let out = sidecar_lsp(&["lint", "examples", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    assert_eq!(log["version"], "2.1.0");
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
}

/// The official SARIF 2.1.0 schema, as shipped in the `serde-sarif` package (a dependency, so it is
/// on disk without any download).
fn sarif_schema() -> serde_json::Value {
    let rustc = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc names its host");
    let metadata = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--filter-platform",
            &host,
        ])
        .current_dir(repo_root())
        .output()
        .expect("cargo metadata runs");
    let metadata: serde_json::Value =
        serde_json::from_slice(&metadata.stdout).expect("metadata JSON");
    let manifest = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif is a dependency");
    let schema_path = Path::new(manifest)
        .parent()
        .unwrap()
        .join("src/schema.json");
    let text = std::fs::read_to_string(&schema_path).expect("serde-sarif ships the SARIF schema");
    let mut schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    // The published schema's pattern for the `language` properties (which we never emit) has a
    // stray `]` that the metaschema's `format: regex` check rejects; use the pattern it means, in
    // memory.
    for owner in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][owner]["properties"]["language"]["pattern"];
        assert_eq!(language, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$");
        *language = serde_json::Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    }
    schema
}

#[test]
fn exit_code_1_for_warnings_only_with_deny_warnings() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:latest\n";
    let dir = repo_root();
    let out = sidecar_lsp_in(
        &dir,
        &["lint", "-", "--stdin-filename", "pod.yaml"],
        Some(pod),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning[B601]"));
    assert!(
        stdout(&out).contains("--> pod.yaml:8:14"),
        "{}",
        stdout(&out)
    );
    let out = sidecar_lsp_in(
        &dir,
        &[
            "lint",
            "-",
            "--stdin-filename",
            "pod.yaml",
            "--deny-warnings",
        ],
        Some(pod),
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn stdin_filename_selects_the_dialect() {
    let spec = r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "volumes": [{"name": "v", "emptyDir": {}}]}"#;
    let out = sidecar_lsp_in(
        &repo_root(),
        &[
            "lint",
            "-",
            "--stdin-filename",
            "proxy.sidecar.json",
            "--format",
            "json",
        ],
        Some(spec),
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"C502"), "{codes:?}");
    assert_eq!(value["diagnostics"][0]["path"], "proxy.sidecar.json");
    assert_eq!(value["diagnostics"][0]["dialect"], "calyptia");
}

#[test]
fn missing_file_exits_2_and_the_others_are_still_linted() {
    let out = sidecar_lsp(&[
        "lint",
        "no/such/file.yaml",
        "examples/kubernetes/broken-migration-job.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no/such/file.yaml"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("error[K129]"),
        "the other file is linted"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        sidecar_lsp(&["lint", "--format", "xml"]).status.code(),
        Some(2)
    );
    assert_eq!(
        sidecar_lsp(&["lint", "--kube-version", "2.0", "examples"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        sidecar_lsp(&["lint", "--dialect", "helm", "examples"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(sidecar_lsp(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn unreadable_inputs_are_reported_per_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("binary.yaml"), b"apiVersion: v1\0\x01\x02").unwrap();
    std::fs::write(dir.path().join("latin1.yaml"), b"name: caf\xe9\n").unwrap();
    std::fs::write(
        dir.path().join("ok.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
    )
    .unwrap();
    let out = sidecar_lsp_in(dir.path(), &["lint", "."], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("binary.yaml: a binary file"), "{err}");
    assert!(err.contains("latin1.yaml: not valid UTF-8"), "{err}");
    assert!(
        stdout(&out).contains("in 1 file"),
        "ok.yaml was linted: {}",
        stdout(&out)
    );
}

#[test]
fn config_is_found_by_walking_up_and_applies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("apps/web")).unwrap();
    std::fs::write(
        dir.path().join("sidecar-lsp.toml"),
        "[rules]\nimage-tag-floating = \"off\"\nB602 = \"error\"\n",
    )
    .unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:latest\n";
    std::fs::write(dir.path().join("apps/web/pod.yaml"), pod).unwrap();
    let out = sidecar_lsp_in(dir.path(), &["lint", "apps", "--format", "json"], None);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<(&str, &str)> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert!(!codes.iter().any(|(c, _)| *c == "B601"), "{codes:?}");
    assert!(codes.contains(&("B602", "error")), "{codes:?}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn config_errors_point_at_the_key_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sidecar-lsp.toml"),
        "[kubernetes]\nverison = \"1.33\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    )
    .unwrap();
    let out = sidecar_lsp_in(dir.path(), &["lint", "pod.yaml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("sidecar-lsp.toml:2:1: unknown field `verison`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn inline_suppression_and_modeline() {
    let text = "# sidecar-lsp: dialect=kubernetes\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      # sidecar-lsp: ignore B601\n      image: nginx:latest\n      imagePullPolicy: sometimes # sidecar-lsp: ignore unsupported-value\n";
    let out = sidecar_lsp_in(&repo_root(), &["lint", "-", "--format", "json"], Some(text));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.contains(&"B601") && !codes.contains(&"S104"),
        "{codes:?}"
    );
    assert!(codes.contains(&"B602"), "other findings stay: {codes:?}");
}

#[test]
fn kube_version_changes_the_verdict() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: proxy\n      image: envoyproxy/envoy:v1.31.0\n      restartPolicy: Always\n";
    let new = sidecar_lsp_in(&repo_root(), &["lint", "-", "--format", "json"], Some(pod));
    let old = sidecar_lsp_in(
        &repo_root(),
        &["lint", "-", "--format", "json", "--kube-version", "1.28"],
        Some(pod),
    );
    assert!(!stdout(&new).contains("K127"));
    assert!(stdout(&old).contains("K127"), "{}", stdout(&old));
}

#[test]
fn rules_and_rule_docs() {
    let out = sidecar_lsp(&["rules"]);
    assert_eq!(out.status.code(), Some(0));
    let table = stdout(&out);
    for code in ["S001", "K101", "P201", "H301", "V401", "C501", "B601"] {
        assert!(table.contains(code), "{code} missing from the table");
    }
    let doc = sidecar_lsp(&["rule", "K124"]);
    assert_eq!(doc.status.code(), Some(0));
    let doc = stdout(&doc);
    assert!(doc.starts_with("# K124 `restart-policy-on-container`"));
    assert!(doc.contains("## Why") && doc.contains("## Mirrors") && doc.contains("Use instead"));
    assert_eq!(
        sidecar_lsp(&["rule", "restart-policy-on-container"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(sidecar_lsp(&["rule", "X999"]).status.code(), Some(2));
}

#[test]
fn schema_command_prints_usable_schemas() {
    let out = sidecar_lsp(&["schema", "hkube-algorithm"]);
    assert_eq!(out.status.code(), Some(0));
    let committed =
        std::fs::read_to_string(repo_root().join("schemas/hkube-algorithm.json")).unwrap();
    assert_eq!(stdout(&out), committed);
    let out = sidecar_lsp(&["schema", "Deployment", "--kube-version", "1.34"]);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a self-contained schema");
    let bad = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
        "spec": {"selector": {}, "template": {"spec": {"containers": [{"name": "a", "imagePullPolcy": "Always"}]}}}});
    assert!(!validator.is_valid(&bad));
    let list = sidecar_lsp(&["schema", "--list"]);
    assert!(stdout(&list).contains("apps/v1/Deployment"));
    assert_eq!(sidecar_lsp(&["schema", "nope"]).status.code(), Some(2));
}

#[test]
fn globs_and_directories() {
    let out = sidecar_lsp(&["lint", "examples/**/*.json", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["files"], 4);
    let out = sidecar_lsp(&["lint", "examples/nothing-*.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a glob matching nothing is an input error"
    );
}

/// The quick YAML reader changes only speed: with it turned off, lint says exactly the same about
/// every YAML file of the repository (examples, fixtures, broken ones included) and the corpus.
#[test]
fn lint_says_the_same_with_the_quick_yaml_reader_off() {
    let root = repo_root();
    let mut dirs = vec!["examples".to_string(), "tests/fixtures".to_string()];
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        dirs.push(corpus.display().to_string());
    }
    let run = |quick: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_sidecar-lsp"))
            .args(["lint", "--format", "json"])
            .args(&dirs)
            .current_dir(&root)
            .env("SIDECAR_LSP_QUICK_YAML", quick)
            .output()
            .expect("the binary runs");
        (output.status.code(), stdout(&output))
    };
    let (with, without) = (run("1"), run("0"));
    assert!(with.1.contains("\"diagnostics\": [\n    {"), "{}", with.1);
    assert_eq!(with, without);
}
