//! The renderer end to end: the pod each platform would run.
//!
//! Goldens (`tests/golden/render/`) exist for our own inputs only: the fixtures in
//! `tests/fixtures/render/` and the specs this file builds from the research (every row of
//! HKube's default-resources table, hkube.md §2.6). Regenerate them with
//! `UPDATE_EXPECT=1 cargo test --test render`.
//!
//! The corpus in `../shared/corpus` is third-party material: it is read at test time and nothing
//! derived from it is stored here. Its cases are checked structurally instead: each renders (or
//! is blocked, or has nothing to render, as expected), reads back into the same `k8s-openapi`
//! value, keeps every sidecar it declares, passes our own rules when its input had no errors, and
//! meets the machine-checked expectation its KubeVela `*.expect.yaml` states. Without the corpus
//! those tests say they were skipped; point `SIDECAR_LSP_CORPUS` at it when it is elsewhere.

#[path = "support/files.rs"]
mod files;

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value as JsonValue, json};
use sidecar_lsp::config::{HkubeSettings, Settings};
use sidecar_lsp::diagnostic::Severity;
use sidecar_lsp::model::Role;
use sidecar_lsp::render::{self, K8sObject, RenderError, Rendered, Section};
use sidecar_lsp::syntax::{self, Format};

use files::{data_files_under, relative, repo_root};

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SIDECAR_LSP_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpus"));
    dir.is_dir().then(|| dir.canonicalize().unwrap_or(dir))
}

/// The corpus, or `None` after saying that the test is skipped.
fn corpus_or_skip(test: &str) -> Option<PathBuf> {
    let dir = corpus_dir();
    if dir.is_none() {
        eprintln!(
            "{test}: skipped: the corpus (../shared/corpus, or SIDECAR_LSP_CORPUS) is not here"
        );
    }
    dir
}

/// Compare with the golden file `tests/golden/render/{name}`.
fn golden(name: &str, actual: &str) {
    files::golden(&format!("render/{name}"), actual);
}

/// What rendering a text gave, with what the analysis knew about its input.
struct Outcome {
    result: Result<Rendered, RenderError>,
    /// Whether the input had error diagnostics.
    had_errors: bool,
    /// Per workload, in rendering order: the names of the sidecars the input declares, and
    /// whether each is a native sidecar (an init container).
    sidecars: Vec<Vec<(String, bool)>>,
}

/// Analyse and render a text.
fn render_text(text: &str, path: &str, settings: &Settings) -> Outcome {
    let analysis = sidecar_lsp::analyze(text, Some(path), settings);
    let had_errors = analysis
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    let sidecars = analysis
        .objects
        .iter()
        .flat_map(|o| &o.workloads)
        .map(|w| {
            w.containers
                .iter()
                .filter(|c| matches!(c.role, Role::Sidecar | Role::NativeSidecar))
                .filter_map(|c| Some((c.name.clone()?, c.role == Role::NativeSidecar)))
                .collect()
        })
        .collect();
    Outcome {
        result: render::render(&analysis, text, None, settings),
        had_errors,
        sidecars,
    }
}

/// The checks every rendered output must pass, golden or not: the YAML and JSON read back into
/// the same typed objects; every sidecar of the input is in its pod, in the list its role says;
/// and with an error-free input, the rendered YAML passes our own rules with no errors.
fn assert_faithful(label: &str, outcome: &Outcome) {
    let rendered = outcome.result.as_ref().expect("a rendered outcome");
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

    assert_eq!(
        outcome.sidecars.len(),
        rendered.objects.len(),
        "{label}: one rendered object per workload"
    );
    for (object, sidecars) in rendered.objects.iter().zip(&outcome.sidecars) {
        let spec = object
            .object
            .pod_spec()
            .unwrap_or_else(|| panic!("{label}: a rendered object without a pod"));
        for (name, native) in sidecars {
            let list = if *native {
                spec.init_containers.as_deref().unwrap_or_default()
            } else {
                &spec.containers
            };
            assert!(
                list.iter().any(|c| &c.name == name),
                "{label}: sidecar {name} is not in the rendered pod"
            );
        }
    }

    if !outcome.had_errors {
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

/// Render a text that must render, and check it.
fn render_ok(text: &str, path: &str, settings: &Settings) -> Rendered {
    let outcome = render_text(text, path, settings);
    if let Err(e) = &outcome.result {
        panic!("{path}: {e}");
    }
    assert_faithful(path, &outcome);
    outcome.result.unwrap()
}

/// Assert that rendering was blocked with `reason` and, if given, a diagnostic with `code`.
fn assert_blocked(label: &str, outcome: &Outcome, reason_part: &str, code: Option<&str>) {
    match &outcome.result {
        Err(RenderError::Blocked {
            reason,
            diagnostics,
            ..
        }) => {
            assert!(
                reason.contains(reason_part),
                "{label}: blocked because {reason:?}, expected {reason_part:?}"
            );
            if let Some(code) = code {
                assert!(
                    diagnostics.iter().any(|d| d.code == code),
                    "{label}: expected {code} among {diagnostics:?}"
                );
            }
        }
        Err(other) => panic!("{label}: expected a blocked render, got {other}"),
        Ok(_) => panic!("{label}: expected a blocked render, but it rendered"),
    }
}

fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/fixtures/render").join(name))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// The golden of an input: the same path, as `.yaml`.
fn golden_name(input: &str) -> String {
    let stem = input.rsplit_once('.').map_or(input, |(stem, _)| stem);
    format!("{stem}.yaml")
}

/// The pod spec of the `index`th rendered object, as JSON.
fn pod(rendered: &Rendered, index: usize) -> JsonValue {
    let spec = rendered.objects[index]
        .object
        .pod_spec()
        .expect("a rendered object with a pod");
    serde_json::to_value(spec).unwrap()
}

/// The container named `name` in the first rendered object's `containers`, as JSON.
fn container(rendered: &Rendered, name: &str) -> JsonValue {
    pod(rendered, 0)["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no container {name}"))
        .clone()
}

/// The names of the `index`th rendered object's `containers`, in order.
fn container_names(rendered: &Rendered, index: usize) -> Vec<String> {
    pod(rendered, index)["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn fixtures_match_the_goldens_and_render_faithfully() {
    let base = repo_root().join("tests/fixtures/render");
    let files = data_files_under(&base);
    assert!(files.len() >= 20, "fixtures are missing");
    for file in files {
        let name = relative(&file, &base);
        let text = std::fs::read_to_string(&file).unwrap();
        let rendered = render_ok(&text, &name, &Settings::default());
        golden(&golden_name(&name), &rendered.to_yaml());
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
            "string-quantities",
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
        let mut sidecar = json!({"name": "cache", "image": "redis:7.2.5"});
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
            let rendered = render_ok(&text, "algorithm.json", &settings);
            assert_eq!(
                container(&rendered, "cache")["resources"],
                expected,
                "{row} ({mode})"
            );
            golden(
                &format!("hkube/resources/{row}.{mode}.yaml"),
                &rendered.to_yaml(),
            );
        }
    }
}

#[test]
fn hkube_environments_become_env_as_in_the_research_example() {
    // hkube.md §2.4, executed upstream: replaced in place, appended in map order, null removes.
    let text = read_fixture("hkube/env-example.json");
    let rendered = render_ok(&text, "env-example.json", &Settings::default());
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
fn kubevela_sidecar_is_appended_as_containers_1_and_adds_no_volume() {
    // kubevela.md §2.1: a new name is appended after the component's one container; §2.2: `cmd`
    // becomes `command`, `volumes {name, path}` a volumeMount, and no pod volume is added.
    let text = read_fixture("kubevela/worker-log-tailer.yaml");
    let rendered = render_ok(&text, "worker-log-tailer.yaml", &Settings::default());
    let object = rendered.objects[0].object.to_json();
    assert_eq!(object["kind"], "Deployment");
    assert_eq!(object["metadata"]["name"], "event-writer");
    let pod = pod(&rendered, 0);
    assert_eq!(
        pod["containers"][1],
        json!({
            "name": "log-tailer",
            "image": "registry.example.com/events/tailer:1.0.3",
            "command": ["/bin/sh", "-c", "exec tail -F /in/current.log"],
            "volumeMounts": [{"name": "events", "mountPath": "/in"}]
        })
    );
    assert_eq!(
        pod["volumes"],
        json!([{"name": "events", "emptyDir": {"medium": ""}}])
    );
}

#[test]
fn kubevela_probes_get_every_default_written_out() {
    // kubevela.md §1.3, §2.2: #HealthProbe writes out 0/10/1/1/3 where unset, keeps what is set.
    let text = read_fixture("kubevela/sidecar-probes-filled.yaml");
    let rendered = render_ok(&text, "sidecar-probes-filled.yaml", &Settings::default());
    let proxy = container(&rendered, "health-proxy");
    assert_eq!(
        proxy["livenessProbe"],
        json!({
            "httpGet": {"path": "/healthz", "port": 9090},
            "initialDelaySeconds": 0,
            "periodSeconds": 10,
            "timeoutSeconds": 1,
            "successThreshold": 1,
            "failureThreshold": 3
        })
    );
    assert_eq!(
        proxy["readinessProbe"],
        json!({
            "tcpSocket": {"port": 9090},
            "initialDelaySeconds": 3,
            "periodSeconds": 10,
            "timeoutSeconds": 1,
            "successThreshold": 1,
            "failureThreshold": 5
        })
    );
    assert_eq!(
        container(&rendered, "cert-watcher")["livenessProbe"]["timeoutSeconds"],
        2
    );
    assert_eq!(
        container_names(&rendered, 0),
        ["checkout-api", "health-proxy", "cert-watcher"]
    );
}

#[test]
fn kubevela_same_name_sidecar_merges_into_the_main_container() {
    // kubevela.md §2.1: the patch is unified with the container of the same name.
    let text = read_fixture("kubevela/merge-adds-to-main.yaml");
    let rendered = render_ok(&text, "merge-adds-to-main.yaml", &Settings::default());
    assert_eq!(container_names(&rendered, 0), ["gateway", "access-log"]);
    let main = container(&rendered, "gateway");
    assert_eq!(main["args"], json!(["--listen", ":8080"]));
    assert_eq!(main["readinessProbe"]["httpGet"]["path"], "/ready");
    assert_eq!(main["readinessProbe"]["periodSeconds"], 10);
    assert_eq!(main["ports"][0]["name"], "port-8080");

    // A differing image cannot be unified: KubeVela fails the trait, so nothing renders.
    let conflicting = text.replacen(
        "image: registry.example.com/edge/gateway:5.1.0\n            args",
        "image: registry.example.com/edge/gateway:6.0.0\n            args",
        1,
    );
    assert_ne!(conflicting, text);
    assert_blocked(
        "conflicting merge",
        &render_text(&conflicting, "conflict.yaml", &Settings::default()),
        "conflicting values",
        None,
    );
}

#[test]
fn kubevela_renders_one_deployment_per_component_with_sidecars() {
    let text = read_fixture("kubevela/two-components.yaml");
    let rendered = render_ok(&text, "two-components.yaml", &Settings::default());
    // `uploads` has no sidecar trait: it is not a sidecar pod.
    assert_eq!(rendered.objects.len(), 2);
    assert_eq!(
        container_names(&rendered, 0),
        ["transcoder", "progress-reporter"]
    );
    assert_eq!(
        container_names(&rendered, 1),
        ["thumbnails", "cache-warmer"]
    );
    let transcoder = rendered.objects[0].object.to_json();
    assert_eq!(transcoder["metadata"]["namespace"], "media-prod");
    assert_eq!(transcoder["metadata"]["labels"]["owner"], "media-team");
    // cpu and memory go to both requests and limits (kubevela.md §2.3).
    let resources = &container(&rendered, "transcoder")["resources"];
    assert_eq!(resources["requests"], resources["limits"]);
    assert!(
        rendered.objects[1]
            .header
            .section(Section::Elided)
            .any(|l| l.ends_with("not applied: env")),
        "the env trait is said to be left out"
    );
}

#[test]
fn kubevela_cron_task_is_blocked() {
    // kubevela.md §2.3: a CronJob has no spec.template.spec.containers for the patch.
    let text = "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: nightly\nspec:\n  components:\n    - name: cleanup\n      type: cron-task\n      properties:\n        image: registry.example.com/tools/cleanup:1.0.0\n        schedule: \"0 2 * * *\"\n      traits:\n        - type: sidecar\n          properties:\n            name: audit\n            image: registry.example.com/tools/audit:1.0.0\n";
    assert_blocked(
        "cron-task",
        &render_text(text, "cron.yaml", &Settings::default()),
        "cron-task",
        None,
    );
}

#[test]
fn calyptia_sidecar_keeps_its_fields_and_gets_the_crd_defaults() {
    // calyptia.md §3.2, §3.3: the spec's fields pass through; imagePullPolicy and port protocol
    // default as the Pipeline CRD says; the spec's volumes are pod volumes.
    let text = read_fixture("calyptia/configmap-volume.sidecar.json");
    let rendered = render_ok(&text, "configmap-volume.sidecar.json", &Settings::default());
    assert_eq!(
        container_names(&rendered, 0),
        ["fluent-bit", "geo-enricher"]
    );
    let sidecar = container(&rendered, "geo-enricher");
    assert_eq!(sidecar["imagePullPolicy"], "IfNotPresent");
    assert_eq!(sidecar["ports"][0]["protocol"], "TCP");
    assert_eq!(sidecar["volumeMounts"][1]["subPath"], "rules.yaml");
    let volumes = &pod(&rendered, 0)["volumes"];
    assert_eq!(volumes[0]["configMap"]["name"], "geo-database");
    assert_eq!(volumes[1]["configMap"]["items"][0]["path"], "rules.yaml");

    let text = read_fixture("calyptia/probes.sidecar.json");
    let rendered = render_ok(&text, "probes.sidecar.json", &Settings::default());
    let sidecar = container(&rendered, "health-relay");
    // Given values are kept (Always is not replaced by the CRD default); probes pass unchanged.
    assert_eq!(sidecar["imagePullPolicy"], "Always");
    assert_eq!(
        sidecar["startupProbe"],
        json!({"exec": {"command": ["/relay", "--ready"]}, "periodSeconds": 3, "failureThreshold": 20})
    );
    assert_eq!(sidecar["ports"][1]["protocol"], "UDP");
}

#[test]
fn corpus_kubevela_cases_meet_their_machine_checked_expectation() {
    let Some(dir) = corpus_or_skip("corpus_kubevela_cases_meet_their_machine_checked_expectation")
    else {
        return;
    };
    let kubevela = dir.join("dialects/kubevela");
    // The expectation is read from the corpus, never copied here: the Deployment's kind, name
    // and fields (`spec.template.spec.containers[1].name`/`.image`, the sidecar) it must have.
    let expect_text = std::fs::read_to_string(
        kubevela.join("02-vela-app-with-sidecar.vela-go-definitions.expect.yaml"),
    )
    .unwrap();
    let expect = syntax::parse(&expect_text, Format::Yaml);
    let expectations =
        sidecar_lsp::schema::instance::to_json(&expect.tree, expect.documents[0].root.unwrap());
    let expectation = &expectations["expectations"][0];
    let fields = expectation["fields"].as_object().expect("expected fields");
    assert!(
        fields.keys().any(|k| k.contains("containers[1]")),
        "the expectation is about containers[1]: {fields:?}"
    );
    // The docgen copy of the same Application renders the same spec (kubevela.md §2.4).
    for case in [
        "01-vela-app-with-sidecar.docgen.yaml",
        "02-vela-app-with-sidecar.vela-go-definitions.yaml",
    ] {
        let text = std::fs::read_to_string(kubevela.join(case)).unwrap();
        let rendered = render_ok(&text, case, &Settings::default());
        let object = rendered.objects[0].object.to_json();
        assert_eq!(object["kind"], expectation["kind"], "{case}");
        assert_eq!(object["apiVersion"], expectation["apiVersion"], "{case}");
        assert_eq!(object["metadata"]["name"], expectation["name"], "{case}");
        for (path, value) in fields {
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

/// Corpus cases that must render: every dialect case a platform accepts, and a set of
/// workloads. Their output is checked, never stored.
const CORPUS_RENDERS: &[&str] = &[
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

/// Corpus cases whose platform produces no pod: the reason the renderer gives, and the code of
/// the diagnostic that says why.
const CORPUS_BLOCKED: &[(&str, &str, &str)] = &[
    (
        "dialects/hkube/01-docs-sidecars-complete-example.json",
        "HKube's api-server rejects the algorithm",
        "H303",
    ),
    (
        "dialects/hkube/03-docs-sidecars-multiple.json",
        "HKube's api-server rejects the algorithm",
        "H303",
    ),
    (
        "dialects/hkube/06-api-server-test-duplicate-sidecar-names.json",
        "HKube's api-server rejects the algorithm",
        "H301",
    ),
    (
        "dialects/hkube/07-te-stub-algo-car-emptyDir.json",
        "HKube's api-server rejects the algorithm",
        "H302",
    ),
    (
        "dialects/kubevela/kubevela-derived-sidecar-missing-image.yaml",
        "KubeVela cannot evaluate the sidecar trait",
        "V402",
    ),
    (
        "dialects/kubevela/kubevela-derived-sidecar-volume-mountpath-key.yaml",
        "KubeVela cannot evaluate the sidecar trait",
        "V405",
    ),
];

#[test]
fn corpus_cases_render_or_are_blocked_as_expected() {
    let Some(dir) = corpus_or_skip("corpus_cases_render_or_are_blocked_as_expected") else {
        return;
    };
    for case in CORPUS_RENDERS {
        let text = std::fs::read_to_string(dir.join(case)).unwrap();
        render_ok(&text, case, &Settings::default());
    }
    for (case, reason, code) in CORPUS_BLOCKED {
        let text = std::fs::read_to_string(dir.join(case)).unwrap();
        assert_blocked(
            case,
            &render_text(&text, case, &Settings::default()),
            reason,
            Some(code),
        );
    }
}

#[test]
fn every_corpus_file_renders_faithfully_or_says_why_not() {
    let Some(dir) = corpus_or_skip("every_corpus_file_renders_faithfully_or_says_why_not") else {
        return;
    };
    let mut rendered_count = 0;
    for file in data_files_under(&dir) {
        let case = relative(&file, &dir);
        let text = std::fs::read_to_string(&file).unwrap();
        let outcome = render_text(&text, &case, &Settings::default());
        match &outcome.result {
            Ok(_) => {
                assert_faithful(&case, &outcome);
                rendered_count += 1;
            }
            Err(RenderError::Blocked { diagnostics, .. }) => assert!(
                outcome.had_errors && !diagnostics.is_empty(),
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
