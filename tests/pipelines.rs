//! What other tools run: `explain` (goldens), `--version`, shell completions, the generated
//! rules reference, `lint --sarif-file`, and the GitHub Action's script with temporary
//! `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files. (The pre-commit hooks are run by the real
//! pre-commit in `.ci/pre-commit-test`.)
//!
//! Goldens live in `tests/golden/explain/`; regenerate them with
//! `UPDATE_EXPECT=1 cargo test --test pipelines`.

#[path = "support/files.rs"]
mod files;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

use files::{golden, repo_root};

const BIN: &str = env!("CARGO_BIN_EXE_sidecar-lsp");

fn sidecar_lsp(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

// ---------------------------------------------------------------------------------------- explain

#[test]
fn explain_goldens_for_every_dialect() {
    let cases = [
        (
            "hkube.sideCars.container.resources",
            "hkube-sidecar-resources",
        ),
        ("kubevela.sidecar.volumes", "kubevela-sidecar-volumes"),
        (
            "pod.spec.initContainers.restartPolicy",
            "pod-init-restart-policy",
        ),
        ("calyptia.ports", "calyptia-ports"),
        (
            "deployment.spec.template.spec.containers.image",
            "deployment-container-image",
        ),
    ];
    for (path, name) in cases {
        let out = sidecar_lsp(&["explain", path]);
        assert_eq!(out.status.code(), Some(0), "{path}: {}", text(&out.stderr));
        golden(&format!("explain/{name}.txt"), &text(&out.stdout));
    }
    let json = sidecar_lsp(&[
        "explain",
        "kubevela.sidecar.livenessProbe",
        "--format",
        "json",
    ]);
    assert_eq!(json.status.code(), Some(0));
    golden(
        "explain/kubevela-sidecar-liveness-probe.json",
        &text(&json.stdout),
    );
    let recursive = sidecar_lsp(&[
        "explain",
        "pod.spec.initContainers.startupProbe",
        "--recursive",
    ]);
    golden(
        "explain/pod-startup-probe-recursive.txt",
        &text(&recursive.stdout),
    );
}

#[test]
fn explain_follows_the_kube_version() {
    let path = "pod.spec.containers.restartPolicyRules";
    assert_eq!(sidecar_lsp(&["explain", path]).status.code(), Some(0));
    let old = sidecar_lsp(&["explain", path, "--kube-version", "1.33"]);
    assert_eq!(old.status.code(), Some(2));
    assert!(text(&old.stderr).contains("field `restartPolicyRules` does not exist"));
    let json = sidecar_lsp(&[
        "explain",
        "pod.spec",
        "--kube-version",
        "1.34",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["kubernetesVersion"], "1.34");
}

#[test]
fn explain_reads_the_hkube_defaults_of_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sidecar-lsp.toml");
    std::fs::write(&config, "[hkube]\nsidecar-memory = \"64Mi\"\n").unwrap();
    let out = sidecar_lsp(&[
        "explain",
        "hkube.sideCars.container.resources.requests.memory",
        "--config",
        &config.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("`64Mi` (HKube's default sidecar memory request)"),
        "{}",
        text(&out.stdout)
    );
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[hkube]\nsidecar-memory = \"lots\"\n").unwrap();
    let bad = sidecar_lsp(&["explain", "pod", "--config", &broken.to_string_lossy()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("is not a Kubernetes quantity"));
}

#[test]
fn explain_unknown_paths_exit_2_with_a_suggestion() {
    let out = sidecar_lsp(&["explain", "hkube.sideCars.contianer"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        "error: field `contianer` does not exist in `hkube.sideCars` (did you mean `container`?); its fields: container, environments, name, volumeMounts\n"
    );
    let kind = sidecar_lsp(&["explain", "Deploymnet.spec"]);
    assert_eq!(kind.status.code(), Some(2));
    assert!(text(&kind.stderr).contains("(did you mean `deployment`?)"));
}

// ------------------------------------------------------------------------ version and completions

#[test]
fn version_names_the_kubernetes_versions() {
    let out = sidecar_lsp(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        format!(
            "sidecar-lsp {}\nKubernetes schemas: 1.33–1.37 (default 1.37); --kube-version accepts 1.25–1.37\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn completions_for_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = sidecar_lsp(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        for command in ["lint", "explain", "render", "completions"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
        std::fs::write(dir.path().join(shell), &script).unwrap();
    }
    // The bash script sources cleanly and registers the completion.
    let bash = Command::new("bash")
        .arg("-c")
        .arg("set -e; source \"$1\"; complete -p sidecar-lsp")
        .arg("bash")
        .arg(dir.path().join("bash"))
        .output()
        .expect("bash runs");
    assert_eq!(bash.status.code(), Some(0), "{}", text(&bash.stderr));
    assert!(text(&bash.stdout).contains("sidecar-lsp"));
    assert!(text(&bash.stderr).is_empty(), "{}", text(&bash.stderr));
    let unknown = sidecar_lsp(&["completions", "tcsh"]);
    assert_eq!(unknown.status.code(), Some(2));
}

// --------------------------------------------------------------------------------- rules reference

#[test]
fn rules_docs_writes_the_committed_reference() {
    let dir = tempfile::tempdir().unwrap();
    let out = sidecar_lsp(&["rules", "--docs", &dir.path().to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let committed = repo_root().join("docs/rules");
    let mut count = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            std::fs::read_to_string(committed.join(name)).unwrap_or_default(),
            "docs/rules/{} is stale: run UPDATE_EXPECT=1 cargo test -p sidecar-lsp --lib docs",
            name.to_string_lossy()
        );
        count += 1;
    }
    let rules = text(&sidecar_lsp(&["rules"]).stdout);
    let codes = rules
        .lines()
        .filter(|l| l.starts_with("  ") && l.len() > 7)
        .count();
    assert_eq!(count, codes + 1, "one page per rule and the index");
}

// ------------------------------------------------------------------------------- lint --sarif-file

#[test]
fn sarif_file_is_the_sarif_output_of_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.sarif");
    let both = sidecar_lsp(&[
        "lint",
        "examples",
        "--format",
        "github",
        "--sarif-file",
        &file.to_string_lossy(),
    ]);
    assert_eq!(both.status.code(), Some(1));
    let github = sidecar_lsp(&["lint", "examples", "--format", "github"]);
    let sarif = sidecar_lsp(&["lint", "examples", "--format", "sarif"]);
    assert_eq!(both.stdout, github.stdout);
    assert_eq!(std::fs::read(&file).unwrap(), sarif.stdout);
    let unwritable = sidecar_lsp(&[
        "lint",
        "examples",
        "--sarif-file",
        &dir.path().join("missing/out.sarif").to_string_lossy(),
    ]);
    assert_eq!(unwritable.status.code(), Some(2));
    assert!(text(&unwritable.stderr).contains("cannot write the SARIF file"));
}

// ------------------------------------------------------------------------------- the GitHub Action

/// What one run of the action's script left behind.
struct ActionRun {
    code: Option<i32>,
    stdout: String,
    outputs: HashMap<String, String>,
    summary: String,
    sarif: Option<serde_json::Value>,
}

/// Run `.github/actions/lint.sh` from the repository root with these inputs.
fn action(inputs: &[(&str, &str)]) -> ActionRun {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("output");
    let summary = dir.path().join("summary");
    let sarif = dir.path().join("results.sarif");
    let root = repo_root();
    let mut command = Command::new("bash");
    command
        .arg(root.join(".github/actions/lint.sh"))
        .current_dir(&root)
        .env("SIDECAR_LSP_BIN", BIN)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("INPUT_SARIF_FILE", &sarif)
        .env_remove("INPUT_DENY_WARNINGS")
        .env_remove("INPUT_FAIL_ON_FINDINGS");
    for (key, value) in inputs {
        command.env(key, value);
    }
    let out = command.output().expect("bash runs");
    let outputs = std::fs::read_to_string(&output)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ActionRun {
        code: out.status.code(),
        stdout: text(&out.stdout),
        outputs,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        sarif: std::fs::read(&sarif)
            .ok()
            .map(|b| serde_json::from_slice(&b).expect("SARIF is JSON")),
    }
}

fn sarif_levels(sarif: &serde_json::Value) -> Vec<String> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap_or("warning").to_string())
        .collect()
}

const VALID: &str = "examples/hkube/image-resizer.json examples/kubevela/shop.yaml\n  examples/calyptia/geoip.sidecar.json examples/kubernetes/web-with-native-sidecar.yaml";

#[test]
fn action_on_valid_specs_passes_with_an_empty_sarif() {
    let run = action(&[("INPUT_PATHS", VALID), ("INPUT_DENY_WARNINGS", "true")]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(run.outputs["exit-code"], "0");
    assert_eq!(run.outputs["findings"], "0");
    assert!(!run.stdout.contains("::error"));
    assert!(
        run.sarif
            .as_ref()
            .is_some_and(|s| sarif_levels(s).is_empty())
    );
    assert!(run.summary.starts_with("### sidecar-lsp lint: passed\n"));
}

#[test]
fn action_on_broken_specs_fails_with_annotations_and_sarif() {
    let run = action(&[("INPUT_PATHS", "examples/*/broken-*")]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.outputs["exit-code"], "1");
    assert!(
        run.stdout.contains(
            "::error file=examples/hkube/broken-image-resizer.json,line=2,col=3,endLine=2,endColumn=19,title=H303::algorithm should have required property \"name\"\n"
        ),
        "{}",
        run.stdout
    );
    let sarif = run.sarif.expect("a SARIF file");
    let levels = sarif_levels(&sarif);
    let count = |level: &str| levels.iter().filter(|l| *l == level).count().to_string();
    assert_eq!(run.outputs["errors"], count("error"));
    assert_eq!(run.outputs["warnings"], count("warning"));
    assert_eq!(run.outputs["notices"], count("note"));
    assert_eq!(run.outputs["findings"], levels.len().to_string());
    assert!(run.outputs["sarif-file"].ends_with("results.sarif"));
    assert!(
        run.summary
            .starts_with("### sidecar-lsp lint: failed: findings\n")
    );
    assert!(
        run.summary
            .contains(&format!("| {} | {} |", count("error"), count("warning")))
    );
}

#[test]
fn action_options_reach_lint() {
    // Warnings only (a floating image tag, no resources, no probes): clean unless
    // deny-warnings.
    let dir = tempfile::tempdir().unwrap();
    let pod = dir.path().join("pod.yaml");
    std::fs::write(
        &pod,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx\n",
    )
    .unwrap();
    let pod = pod.to_string_lossy();
    let lenient = action(&[("INPUT_PATHS", &pod)]);
    assert_eq!(lenient.code, Some(0), "{}", lenient.stdout);
    assert_eq!(lenient.outputs["errors"], "0");
    assert_ne!(lenient.outputs["warnings"], "0");
    let denied = action(&[("INPUT_PATHS", &pod), ("INPUT_DENY_WARNINGS", "true")]);
    assert_eq!(denied.code, Some(1));
    // Findings reported but the step does not fail.
    let strict = action(&[
        ("INPUT_PATHS", "examples/hkube/broken-image-resizer.json"),
        ("INPUT_FAIL_ON_FINDINGS", "false"),
    ]);
    assert_eq!(strict.code, Some(0));
    assert_eq!(strict.outputs["exit-code"], "1");
    // The Kubernetes version: native sidecars need 1.29.
    let native = "examples/kubernetes/web-with-native-sidecar.yaml";
    assert_eq!(action(&[("INPUT_PATHS", native)]).code, Some(0));
    let old = action(&[("INPUT_PATHS", native), ("INPUT_KUBE_VERSION", "1.28")]);
    assert_eq!(old.code, Some(1));
    assert!(old.stdout.contains("title=K127::"), "{}", old.stdout);
    // A missing config file and an unknown install method are errors (exit 2), whatever
    // fail-on-findings says.
    let config = action(&[
        ("INPUT_PATHS", native),
        ("INPUT_CONFIG", "no/such/sidecar-lsp.toml"),
        ("INPUT_FAIL_ON_FINDINGS", "false"),
    ]);
    assert_eq!(config.code, Some(2));
    assert_eq!(config.outputs["exit-code"], "2");
    assert!(
        config
            .summary
            .contains("failed: usage, configuration or I/O errors")
    );
    let mut install = Command::new("bash");
    install
        .arg(repo_root().join(".github/actions/lint.sh"))
        .env_remove("SIDECAR_LSP_BIN")
        .env("INPUT_INSTALL", "download");
    assert_eq!(install.output().unwrap().status.code(), Some(2));
}

#[test]
fn action_yml_runs_the_script_with_every_input() {
    let yml = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    assert!(yml.contains("run: bash \"$ACTION_PATH/.github/actions/lint.sh\""));
    let script = std::fs::read_to_string(repo_root().join(".github/actions/lint.sh")).unwrap();
    for input in [
        "paths",
        "sarif-file",
        "kube-version",
        "config",
        "deny-warnings",
        "fail-on-findings",
        "install",
    ] {
        let env = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        assert!(
            yml.contains(&format!("  {input}:\n")),
            "action.yml lacks input {input}"
        );
        assert!(
            yml.contains(&format!("{env}: ${{{{ inputs.{input} }}}}")),
            "action.yml does not pass {input} as {env}"
        );
        assert!(script.contains(&env), "the script ignores {env}");
    }
    for output in ["sarif-file", "exit-code", "errors", "warnings", "findings"] {
        assert!(yml.contains(&format!("${{{{ steps.lint.outputs.{output} }}}}")));
        assert!(script.contains(&format!("echo \"{output}=")));
    }
    // The example workflow uses inputs the action has and the outputs it sets.
    let example =
        std::fs::read_to_string(repo_root().join("docs/examples/sidecar-lint.yml")).unwrap();
    let step = example
        .split("uses: sidecar-lsp/sidecar-lsp@")
        .nth(1)
        .expect("the example uses the action");
    let with = step.split("\n      - ").next().unwrap();
    let mut used = 0;
    for line in with.lines().skip(1) {
        let key = line.trim().trim_start_matches("# ");
        if let Some((key, _)) = key.split_once(':')
            && key != "with"
            && !key.contains(' ')
        {
            assert!(yml.contains(&format!("\n  {key}:\n")), "no input `{key}`");
            used += 1;
        }
    }
    assert!(used >= 4, "{used} inputs found in the example");
    assert!(example.contains("${{ steps.sidecar.outputs.sarif-file }}"));
}

// ------------------------------------------------------------------------- configuration reference

/// The fenced block of `language` after `heading` in `text`.
fn block_after<'a>(text: &'a str, heading: &str, language: &str) -> &'a str {
    let from = text.find(heading).expect("the heading");
    let fence = format!("```{language}\n");
    let start = from + text[from..].find(&fence).expect("the block") + fence.len();
    let end = start + text[start..].find("```").expect("the block's end");
    &text[start..end]
}

#[test]
fn configuration_reference_matches_the_code() {
    let doc = std::fs::read_to_string(repo_root().join("docs/configuration.md")).unwrap();
    // The sidecar-lsp.toml example is accepted as it stands.
    let toml = block_after(&doc, "## `sidecar-lsp.toml`", "toml");
    let mut settings = sidecar_lsp::config::Settings::default();
    sidecar_lsp::config::apply(Path::new("/repo/sidecar-lsp.toml"), toml, &mut settings)
        .expect("the documented config applies");
    assert!(settings.gate("ContainerRestartRules"));
    assert_eq!(settings.hkube.sidecar_memory, "128Mi");
    assert_eq!(settings.dialect_globs.len(), 2);
    let json = block_after(&doc, "## Editor settings", "json");
    let json: serde_json::Value = serde_json::from_str(json).expect("the editor settings are JSON");
    assert!(
        json["sidecarLsp"]["inlayHints"]["enable"]
            .as_bool()
            .unwrap()
    );
    // Every flag of every command is documented.
    for command in [
        "serve",
        "lint",
        "render",
        "explain",
        "rules",
        "rule",
        "schema",
        "completions",
    ] {
        let help = text(&sidecar_lsp(&[command, "--help"]).stdout);
        for word in help.split_whitespace() {
            let flag = word.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
            if flag.starts_with("--") && flag.len() > 2 && flag != "--help" {
                assert!(
                    doc.contains(&format!("`{flag}")) || doc.contains(&format!(", {flag}")),
                    "docs/configuration.md does not document `{command} {flag}`"
                );
            }
        }
    }
}
