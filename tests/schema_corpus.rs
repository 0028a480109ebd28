//! The committed schema files work in other tools: validated with the `jsonschema` crate the way
//! any tool would load them (the per-kind file, its `$ref` to `_definitions.json` resolved through
//! a registry), every valid corpus object passes and the typical mistakes fail.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sidecar_lsp::schema::instance::to_json;
use sidecar_lsp::syntax::{Format, parse};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Compile a per-kind schema file of `version`, as a tool would: its `$ref` is relative.
fn kind_validator(version: &str, file: &str) -> jsonschema::Validator {
    let dir = repo().join("schemas/kubernetes").join(version);
    let base = format!("file:///schemas/kubernetes/{version}/");
    let definitions = read_json(&dir.join("_definitions.json"));
    let registry = jsonschema::Registry::new()
        .add(format!("{base}_definitions.json"), definitions)
        .and_then(|b| b.prepare())
        .unwrap();
    let mut schema = read_json(&dir.join(file));
    schema["$id"] = Value::from(format!("{base}{file}"));
    jsonschema::options()
        .with_registry(&registry)
        .build(&schema)
        .unwrap()
}

/// The objects of a YAML or JSON file, as JSON (a `List` is unwrapped).
fn objects(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = parse(&text, Format::detect(path.to_str(), &text));
    assert!(
        parsed.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        parsed.errors
    );
    let mut out = Vec::new();
    for doc in &parsed.documents {
        let Some(root) = doc.root else { continue };
        let value = to_json(&parsed.tree, root);
        if value["kind"] == "List" {
            out.extend(value["items"].as_array().cloned().unwrap_or_default());
        } else {
            out.push(value);
        }
    }
    out
}

fn index(version: &str) -> Value {
    read_json(
        &repo()
            .join("schemas/kubernetes")
            .join(version)
            .join("index.json"),
    )
}

fn file_for(index: &Value, api_version: &str, kind: &str) -> Option<String> {
    index["kinds"]
        .as_array()?
        .iter()
        .find(|k| k["apiVersion"] == api_version && k["kind"] == kind)
        .and_then(|k| k["file"].as_str())
        .map(str::to_string)
}

#[test]
fn valid_corpus_objects_pass_the_kubernetes_schema_files() {
    let dir = repo().join("../shared/corpus/valid");
    if !dir.is_dir() {
        eprintln!("schema corpus test skipped: ../shared/corpus is not there");
        return;
    }
    let index = index("v1.37");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        for object in objects(&entry.path()) {
            let (Some(api_version), Some(kind)) =
                (object["apiVersion"].as_str(), object["kind"].as_str())
            else {
                continue;
            };
            let Some(file) = file_for(&index, api_version, kind) else {
                continue; // a custom resource
            };
            let validator = kind_validator("v1.37", &file);
            let errors: Vec<String> = validator
                .iter_errors(&object)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{} ({kind}): {errors:?}",
                entry.path().display()
            );
            checked += 1;
        }
    }
    eprintln!("{checked} valid corpus objects pass the Kubernetes 1.37 schema files");
    assert!(checked > 50);
}

#[test]
fn kubernetes_schema_files_reject_typical_mistakes() {
    let validator = kind_validator("v1.37", "deployment-apps-v1.json");
    let base = serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "creationTimestamp": null},
        "spec": {"selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                        "resources": {"limits": {"cpu": 0.5, "memory": "128Mi"}}}]}}}
    });
    assert!(
        validator.is_valid(&base),
        "{:?}",
        validator
            .iter_errors(&base)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    let container = "/spec/template/spec/containers/0";
    for (pointer, bad) in [
        ("/imagePullPolcy", Value::from("Always")),
        ("/imagePullPolicy", Value::from("Sometimes")),
        ("/resources/limits/memory", Value::from("128mi")),
        ("/resources/limits/memory", Value::from(true)),
        (
            "/ports",
            serde_json::json!([{"containerPort": 80, "protocol": "tcp"}]),
        ),
    ] {
        let mut object = base.clone();
        let target = format!("{container}{}", pointer.rsplit_once('/').unwrap().0);
        let key = pointer.rsplit('/').next().unwrap();
        object.pointer_mut(&target).unwrap()[key] = bad.clone();
        assert!(
            !validator.is_valid(&object),
            "{pointer} = {bad} should fail"
        );
    }
    let mut object = base.clone();
    object["spec"]["replicas"] = Value::from(3_000_000_000u64);
    assert!(!validator.is_valid(&object), "int32 overflow");
}

#[test]
fn dialect_schema_files_accept_the_corpus_and_reject_mistakes() {
    let schemas = repo().join("schemas");
    let hkube =
        jsonschema::validator_for(&read_json(&schemas.join("hkube-algorithm.json"))).unwrap();
    let calyptia =
        jsonschema::validator_for(&read_json(&schemas.join("calyptia-sidecar.json"))).unwrap();
    let vela = jsonschema::validator_for(&read_json(&schemas.join("kubevela-sidecar-trait.json")))
        .unwrap();

    let corpus = repo().join("../shared/corpus/dialects");
    if corpus.is_dir() {
        for name in [
            "02-docs-sidecars-volumes-example.json",
            "04-examples-node2-ad-disable.json",
            "12-system-test-shared-volume.json",
        ] {
            let spec = objects(&corpus.join("hkube").join(name)).remove(0);
            assert!(hkube.is_valid(&spec), "hkube {name}");
        }
        let array_env = objects(&corpus.join("hkube/07-te-stub-algo-car-emptyDir.json")).remove(0);
        assert!(
            !hkube.is_valid(&array_env),
            "array-form environments are rejected"
        );
        for name in [
            "sidecar.json",
            "sidecarWithVolumes.json",
            "sidecarWithProbes.json",
        ] {
            let spec = objects(&corpus.join("calyptia").join(name)).remove(0);
            assert!(calyptia.is_valid(&spec), "calyptia {name}");
        }
        let app = objects(&corpus.join("kubevela/01-vela-app-with-sidecar.docgen.yaml")).remove(0);
        let props = &app["spec"]["components"][0]["traits"][0]["properties"];
        assert!(vela.is_valid(props), "kubevela trait properties");
    } else {
        eprintln!("dialect corpus checks skipped: ../shared/corpus is not there");
    }
    assert!(!calyptia.is_valid(&serde_json::json!({"name": "x", "image": "y", "livenessProbe": {"httpGet": {"port": "http"}}})));
    assert!(!vela.is_valid(
        &serde_json::json!({"name": "x", "image": "y", "readinessProbe": {"grpc": {"port": 1}}})
    ));
    assert!(!vela.is_valid(&serde_json::json!({"name": "x"})));
    assert!(
        !hkube.is_valid(
            &serde_json::json!({"name": "a", "sideCars": [{"container": {"name": "c"}}]})
        )
    );
}
