//! The renderer end to end: the pod each platform would run, for our fixtures
//! (`tests/fixtures/render/`), for every row of HKube's default-resources table, and for the
//! corpus in `../shared/corpus` (read at test time, never copied; skipped with a message when
//! absent, or point `SIDECAR_LSP_CORPUS` at it). Every rendered object must read back into the
//! same `k8s-openapi` value and pass our own Kubernetes rules when its input had no errors.
//!
//! Goldens live in `tests/golden/render/`; regenerate them with
//! `UPDATE_EXPECT=1 cargo test --test render`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value as JsonValue, json};
use sidecar_lsp::config::{HkubeSettings, Settings};
use sidecar_lsp::diagnostic::Severity;
use sidecar_lsp::render::{self, K8sObject, RenderError, Rendered};
use sidecar_lsp::syntax::{self, Format};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SIDECAR_LSP_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpus"));
    dir.is_dir().then(|| dir.canonicalize().unwrap_or(dir))
}

/// Compare with a golden file, or rewrite it with `UPDATE_EXPECT=1`.
fn golden(name: &str, actual: &str) {
    let path = repo_root().join("tests/golden/render").join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden render/{name}: run with UPDATE_EXPECT=1"));
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "golden render/{name} differs at line {}:\n  expected: {:?}\n  actual:   {:?}\n(run with UPDATE_EXPECT=1 to accept)",
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first)
        );
    }
}

/// Analyse and render a text; also says whether the input had errors.
fn render_text(
    text: &str,
    path: &str,
    settings: &Settings,
) -> (Result<Rendered, RenderError>, bool) {
    let analysis = sidecar_lsp::analyze(text, Some(path), settings);
    let had_errors = analysis
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    (render::render(&analysis, text, None, settings), had_errors)
}

/// The rendered YAML and JSON read back into the same typed objects; with an error-free input,
/// the rendered YAML passes our own rules with no errors.
fn assert_round_trip(label: &str, rendered: &Rendered, input_had_errors: bool) {
    let yaml = rendered.to_yaml();
    let parsed = syntax::parse(&yaml, Format::Yaml);
    assert!(
        parsed.errors.is_empty(),
        "{label}: rendered YAML does not parse: {:?}\n{yaml}",
        parsed.errors
    );
    let roots: Vec<_> = parsed.documents.iter().filter_map(|d| d.root).collect();
    assert_eq!(
        roots.len(),
        rendered.objects.len(),
        "{label}: one document per object"
    );
    for (root, object) in roots.iter().zip(&rendered.objects) {
        let back = sidecar_lsp::schema::instance::to_json(&parsed.tree, *root);
        let typed = K8sObject::from_rendered_json(back)
            .unwrap_or_else(|e| panic!("{label}: YAML does not read back: {e}"));
        assert_eq!(typed, object.object, "{label}: YAML reads back differently");
    }
    let json: JsonValue = serde_json::from_str(&rendered.to_json()).expect("JSON output parses");
    for (item, object) in json.as_array().unwrap().iter().zip(&rendered.objects) {
        let typed = K8sObject::from_rendered_json(item["object"].clone()).unwrap();
        assert_eq!(typed, object.object, "{label}: JSON reads back differently");
        assert!(item["header"]["title"].is_string());
    }
    if !input_had_errors {
        let analysis = sidecar_lsp::analyze(&yaml, Some("rendered.yaml"), &Settings::default());
        let errors: Vec<String> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert!(
            errors.is_empty(),
            "{label}: the input had no errors but the rendered pod has: {errors:#?}\n{yaml}"
        );
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The golden of an input: the same path, as `.yaml`.
fn golden_name(input: &str) -> String {
    let stem = input.rsplit_once('.').map_or(input, |(stem, _)| stem);
    format!("{stem}.yaml")
}

fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The sidecar named `name` of a rendered object, as JSON.
fn container(rendered: &Rendered, name: &str) -> JsonValue {
    let object = rendered.objects[0].object.to_json();
    let spec = if object["kind"] == "PodTemplate" {
        &object["template"]["spec"]
    } else {
        &object["spec"]["template"]["spec"]
    };
    spec["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no container {name}"))
        .clone()
}

#[test]
fn fixtures_match_the_goldens_and_round_trip() {
    let base = repo_root().join("tests/fixtures/render");
    let files = files_under(&base);
    assert!(files.len() >= 10, "fixtures are missing");
    for file in files {
        let name = relative(&file, &base);
        let text = std::fs::read_to_string(&file).unwrap();
        let (result, had_errors) = render_text(&text, &name, &Settings::default());
        let rendered = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        golden(&golden_name(&name), &rendered.to_yaml());
        assert_round_trip(&name, &rendered, had_errors);
    }
}

/// hkube.md §2.6's table of rendered sidecar resources: (row, input resources, expected
/// `{requests, limits}` with the production default, and with `use-resource-limits`).
fn resource_rows() -> Vec<(&'static str, JsonValue, JsonValue, Option<JsonValue>)> {
    let r = |req: JsonValue, lim: JsonValue| json!({"requests": req, "limits": lim});
    vec![
        (
            "none",
            JsonValue::Null,
            r(
                json!({"cpu": "0.1", "memory": "128Mi"}),
                json!({"cpu": "0.2", "memory": "256Mi"}),
            ),
            Some(r(
                json!({"cpu": "0.1", "memory": "128Mi"}),
                json!({"cpu": "0.1", "memory": "128Mi"}),
            )),
        ),
        (
            "requests-only",
            json!({"requests": {"cpu": 0.2, "memory": "150Mi"}}),
            r(
                json!({"cpu": "0.2", "memory": "150Mi"}),
                json!({"cpu": "0.4", "memory": "300Mi"}),
            ),
            Some(r(
                json!({"cpu": "0.2", "memory": "150Mi"}),
                json!({"cpu": "0.2", "memory": "150Mi"}),
            )),
        ),
        (
            "limits-only",
            json!({"limits": {"cpu": 0.2, "memory": "250Mi"}}),
            r(
                json!({"cpu": "0.1", "memory": "128Mi"}),
                json!({"cpu": "0.2", "memory": "250Mi"}),
            ),
            Some(r(
                json!({"cpu": "0.1", "memory": "128Mi"}),
                json!({"cpu": "0.2", "memory": "250Mi"}),
            )),
        ),
        (
            "requests-and-limits",
            json!({"requests": {"cpu": 0.1, "memory": "150Mi"}, "limits": {"cpu": 0.2, "memory": "250Mi"}}),
            r(
                json!({"cpu": "0.1", "memory": "150Mi"}),
                json!({"cpu": "0.2", "memory": "250Mi"}),
            ),
            Some(r(
                json!({"cpu": "0.1", "memory": "150Mi"}),
                json!({"cpu": "0.2", "memory": "250Mi"}),
            )),
        ),
        (
            "docs-strings",
            json!({"requests": {"cpu": "500m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}}),
            r(
                json!({"cpu": "500m", "memory": "256Mi"}),
                json!({"cpu": "1", "memory": "512Mi"}),
            ),
            Some(r(
                json!({"cpu": "500m", "memory": "256Mi"}),
                json!({"cpu": "1", "memory": "512Mi"}),
            )),
        ),
        (
            "string-cpu-request",
            json!({"requests": {"cpu": "500m", "memory": "1Gi"}}),
            r(
                json!({"cpu": "500m", "memory": "1Gi"}),
                json!({"memory": "2048Mi"}),
            ),
            None,
        ),
        (
            "request-above-limit",
            json!({"requests": {"cpu": 3}, "limits": {"cpu": 1}}),
            r(
                json!({"cpu": "3", "memory": "128Mi"}),
                json!({"cpu": "1", "memory": "256Mi"}),
            ),
            Some(r(
                json!({"cpu": "3", "memory": "128Mi"}),
                json!({"cpu": "1", "memory": "128Mi"}),
            )),
        ),
        (
            "gpu-and-storage-dropped",
            json!({"requests": {"cpu": 1, "nvidia.com/gpu": 1, "ephemeral-storage": "1Gi"}, "limits": {"nvidia.com/gpu": 1}}),
            r(
                json!({"cpu": "1", "memory": "128Mi"}),
                json!({"cpu": "2", "memory": "256Mi"}),
            ),
            None,
        ),
        (
            "gpu-request-dropped",
            json!({"requests": {"gpu": 1}}),
            r(
                json!({"cpu": "0.1", "memory": "128Mi"}),
                json!({"cpu": "0.2", "memory": "256Mi"}),
            ),
            None,
        ),
    ]
}

#[test]
fn hkube_default_resources_follow_every_row_of_the_table() {
    let limits_equal_requests = Settings {
        hkube: HkubeSettings {
            use_resource_limits: true,
            ..HkubeSettings::default()
        },
        ..Settings::default()
    };
    for (row, resources, production, with_limits) in resource_rows() {
        let mut sidecar = json!({"name": "mycar", "image": "redis:7.2.5"});
        if !resources.is_null() {
            sidecar["resources"] = resources;
        }
        let algorithm = json!({
            "name": "resources-table",
            "algorithmImage": "registry.example.com/algorithms/resources-table:1.0.0",
            "sideCars": [{"container": sidecar}]
        });
        let text = serde_json::to_string_pretty(&algorithm).unwrap() + "\n";
        for (mode, settings, expected) in [
            ("production", Settings::default(), Some(production)),
            (
                "use-resource-limits",
                limits_equal_requests.clone(),
                with_limits,
            ),
        ] {
            let Some(expected) = expected else { continue };
            let (result, had_errors) = render_text(&text, "algorithm.json", &settings);
            let rendered = result.unwrap_or_else(|e| panic!("{row}/{mode}: {e}"));
            assert_eq!(
                container(&rendered, "mycar")["resources"],
                expected,
                "{row} ({mode})"
            );
            golden(
                &format!("hkube/resources/{row}.{mode}.yaml"),
                &rendered.to_yaml(),
            );
            assert_round_trip(&format!("{row}/{mode}"), &rendered, had_errors);
        }
    }
}

#[test]
fn hkube_environments_become_env_as_in_the_research_example() {
    // hkube.md §2.4, executed upstream: replaced in place, appended in map order, null removes.
    let text =
        std::fs::read_to_string(repo_root().join("tests/fixtures/render/hkube/env-example.json"))
            .unwrap();
    let (result, _) = render_text(&text, "env-example.json", &Settings::default());
    let rendered = result.unwrap();
    assert_eq!(
        container(&rendered, "config-agent")["env"],
        json!([
            {"name": "A", "value": "new"},
            {"name": "B", "value": "5"},
            {"name": "C", "value": "true"},
            {"name": "S", "valueFrom": {"secretKeyRef": {"name": "agent-credentials", "key": "token"}}},
            {"name": "E"}
        ])
    );
}

#[test]
fn kubevela_sidecar_is_containers_1_as_the_upstream_expectation_says() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: the corpus (../shared/corpus) is not here");
        return;
    };
    let kubevela = dir.join("dialects/kubevela");
    let expect_text = std::fs::read_to_string(
        kubevela.join("02-vela-app-with-sidecar.vela-go-definitions.expect.yaml"),
    )
    .unwrap();
    let expect = syntax::parse(&expect_text, Format::Yaml);
    let expectations =
        sidecar_lsp::schema::instance::to_json(&expect.tree, expect.documents[0].root.unwrap());
    let expectation = &expectations["expectations"][0];
    for case in [
        "01-vela-app-with-sidecar.docgen.yaml",
        "02-vela-app-with-sidecar.vela-go-definitions.yaml",
    ] {
        let text = std::fs::read_to_string(kubevela.join(case)).unwrap();
        let (result, _) = render_text(&text, case, &Settings::default());
        let rendered = result.unwrap();
        let object = rendered.objects[0].object.to_json();
        assert_eq!(object["kind"], expectation["kind"], "{case}");
        assert_eq!(object["apiVersion"], expectation["apiVersion"], "{case}");
        assert_eq!(object["metadata"]["name"], expectation["name"], "{case}");
        for (path, value) in expectation["fields"].as_object().unwrap() {
            assert_eq!(&field(&object, path), value, "{case}: {path}");
        }
    }
}

/// Follow `spec.template.spec.containers[1].name` through a JSON value.
fn field(value: &JsonValue, path: &str) -> JsonValue {
    let mut current = value;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, i)) => (k, i.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        current = &current[key];
        if let Some(i) = index {
            current = &current[i];
        }
    }
    current.clone()
}

/// Corpus cases with goldens: every dialect case that renders, and a set of workloads.
const CORPUS_GOLDENS: &[&str] = &[
    "dialects/hkube/02-docs-sidecars-volumes-example.json",
    "dialects/hkube/04-examples-node2-ad-disable.json",
    "dialects/hkube/05-examples-node3-send-mail.json",
    "dialects/hkube/08-te-stub-algo-car-container-req.json",
    "dialects/hkube/09-te-stub-algo-car-container-lim.json",
    "dialects/hkube/10-te-stub-algo-car-container-req-lim.json",
    "dialects/hkube/11-te-stub-algo-car-lim-lower-req.json",
    "dialects/hkube/12-system-test-shared-volume.json",
    "dialects/hkube/hkube-algorithm-sidecars-schema-example.json",
    "dialects/hkube/hkube-derived-sidecar-named-worker.json",
    "dialects/kubevela/01-vela-app-with-sidecar.docgen.yaml",
    "dialects/kubevela/02-vela-app-with-sidecar.vela-go-definitions.yaml",
    "dialects/kubevela/03-application-sample.worker-scaler-sidecar-kservice.yaml",
    "dialects/kubevela/04-enduser-sample.webservice-cpuscaler-sidecar.yaml",
    "dialects/kubevela/05-enduser-sample-manual.webservice-scaler-sidecar.yaml",
    "dialects/kubevela/06-traits-command-multiple-containers.yaml",
    "dialects/kubevela/07-traits-container-image-multiple-containers.yaml",
    "dialects/kubevela/08-traits-env-single-container.yaml",
    "dialects/kubevela/09-application-with-startup-probe.yaml",
    "dialects/kubevela/10-load-test-community.templated.yaml",
    "dialects/kubevela/11-app-stateful.kubevela-io.yaml",
    "dialects/kubevela/12-traits-env-multiple-containers.yaml",
    "dialects/calyptia/sidecar.json",
    "dialects/calyptia/sidecarWithProbes.json",
    "dialects/calyptia/sidecarWithVolumes.json",
    "valid/k8sweb-deployment-sidecar.yaml",
    "valid/k8sweb-deployment-sidecar-legacy.yaml",
    "valid/k8sweb-job-sidecar.yaml",
    "valid/k8sweb-job-sidecar-legacy.yaml",
    "valid/k8sweb-multi-container-resources.yaml",
    "valid/k8sweb-mysql-statefulset.yaml",
    "valid/csqlproxy-job-with-native-sidecar.yaml",
    "valid/k8sexamples-kubectl-container-pod.json",
];

/// Corpus cases whose platform produces no pod, with the code that says why.
const CORPUS_BLOCKED: &[(&str, &str)] = &[
    (
        "dialects/hkube/01-docs-sidecars-complete-example.json",
        "H303",
    ),
    ("dialects/hkube/03-docs-sidecars-multiple.json", "H303"),
    (
        "dialects/hkube/06-api-server-test-duplicate-sidecar-names.json",
        "H301",
    ),
    ("dialects/hkube/07-te-stub-algo-car-emptyDir.json", "H302"),
    (
        "dialects/kubevela/kubevela-derived-sidecar-missing-image.yaml",
        "V402",
    ),
    (
        "dialects/kubevela/kubevela-derived-sidecar-volume-mountpath-key.yaml",
        "V405",
    ),
];

#[test]
fn corpus_cases_match_the_goldens() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: the corpus (../shared/corpus) is not here");
        return;
    };
    for case in CORPUS_GOLDENS {
        let text = std::fs::read_to_string(dir.join(case)).unwrap();
        let (result, had_errors) = render_text(&text, case, &Settings::default());
        let rendered = result.unwrap_or_else(|e| panic!("{case}: {e}"));
        golden(&golden_name(&format!("corpus/{case}")), &rendered.to_yaml());
        assert_round_trip(case, &rendered, had_errors);
    }
    for (case, code) in CORPUS_BLOCKED {
        let text = std::fs::read_to_string(dir.join(case)).unwrap();
        match render_text(&text, case, &Settings::default()).0 {
            Err(RenderError::Blocked { diagnostics, .. }) => assert!(
                diagnostics.iter().any(|d| d.code == *code),
                "{case}: expected {code} among {diagnostics:?}"
            ),
            other => panic!("{case}: expected a blocked render, got {other:?}"),
        }
    }
}

#[test]
fn every_corpus_file_renders_faithfully_or_says_why_not() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: the corpus (../shared/corpus) is not here");
        return;
    };
    let mut rendered_count = 0;
    for file in files_under(&dir) {
        let case = relative(&file, &dir);
        let text = std::fs::read_to_string(&file).unwrap();
        let (result, had_errors) = render_text(&text, &case, &Settings::default());
        match result {
            Ok(rendered) => {
                assert_round_trip(&case, &rendered, had_errors);
                rendered_count += 1;
            }
            Err(RenderError::Blocked { diagnostics, .. }) => assert!(
                had_errors && !diagnostics.is_empty(),
                "{case}: blocked without an error to show"
            ),
            Err(RenderError::NothingToRender { .. }) => {}
            Err(e) => panic!("{case}: {e}"),
        }
    }
    assert!(
        rendered_count >= 60,
        "only {rendered_count} corpus files rendered"
    );
}

fn sidecar_lsp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sidecar-lsp"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("the binary runs")
}

#[test]
fn cli_prints_the_pod_and_exits_0() {
    let out = sidecar_lsp(&["render", "examples/kubevela/shop.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    golden(
        "cli/shop.yaml",
        &String::from_utf8(out.stdout).expect("UTF-8"),
    );
    let out = sidecar_lsp(&[
        "render",
        "examples/hkube/image-resizer.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let value: JsonValue = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(value[0]["object"]["kind"], "Job");
    assert_eq!(value[0]["header"]["dialect"], "hkube");
}

#[test]
fn cli_exit_codes() {
    // Errors that keep the platform from producing a pod: exit 1, with the diagnostics.
    let out = sidecar_lsp(&["render", "examples/hkube/broken-image-resizer.json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("error[H303]"), "{stderr}");
    assert!(out.stdout.is_empty());
    // Usage errors: exit 2.
    for args in [
        &["render", "no/such/file.yaml"][..],
        &[
            "render",
            "examples/kubernetes/web-with-native-sidecar.yaml",
            "--document",
            "7",
        ],
        &[
            "render",
            "examples/kubernetes/web-with-native-sidecar.yaml",
            "--format",
            "toml",
        ],
        &["render"],
        &["render", "README.md"],
    ] {
        let out = sidecar_lsp(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // One document of a stream.
    let out = sidecar_lsp(&[
        "render",
        "examples/kubernetes/web-with-native-sidecar.yaml",
        "--document",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(0));
}
