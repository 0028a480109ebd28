//! Structural checks of every generated file, and a few validations through the real
//! per-kind files (relative `$ref` into `_definitions.json`).

use std::collections::{BTreeMap, BTreeSet};

use jsonschema::Registry;
use serde_json::{Value, json};
use sidecar_schema_gen::{SchemaFile, dialect_files, kubernetes_dir, kubernetes_files};

fn parse(file: &SchemaFile) -> Value {
    serde_json::from_str(&file.contents).unwrap_or_else(|e| panic!("{}: {e}", file.path))
}

fn all_files() -> Vec<SchemaFile> {
    let mut files = kubernetes_files();
    files.extend(dialect_files());
    files
}

/// Every `$ref` string inside `value`.
fn refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match (key.as_str(), item) {
                    ("$ref", Value::String(r)) => {
                        out.insert(r.clone());
                    }
                    _ => refs(item, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
        _ => {}
    }
}

#[test]
fn every_file_is_a_valid_2020_12_schema() {
    for file in all_files() {
        let value = parse(&file);
        if file.path.ends_with("index.json") {
            continue;
        }
        if let Err(error) = jsonschema::draft202012::meta::validate(&value) {
            panic!("{}: not a valid 2020-12 schema: {error}", file.path);
        }
        assert_eq!(
            value["$schema"],
            json!("https://json-schema.org/draft/2020-12/schema"),
            "{}",
            file.path
        );
    }
}

#[test]
fn files_are_pretty_sorted_and_end_with_a_newline() {
    for file in all_files() {
        assert!(file.contents.ends_with("}\n"), "{}", file.path);
        let reparsed = sidecar_schema_gen::render(&parse(&file));
        assert_eq!(reparsed, file.contents, "{} is not canonical", file.path);
    }
}

#[test]
fn every_ref_resolves() {
    let files = kubernetes_files();
    let definitions_path = format!("{}/_definitions.json", kubernetes_dir());
    let definitions = parse(
        files
            .iter()
            .find(|f| f.path == definitions_path)
            .expect("_definitions.json"),
    );
    let defs = definitions["$defs"].as_object().expect("$defs");
    for file in files.iter().chain(dialect_files().iter()) {
        let value = parse(file);
        let mut found = BTreeSet::new();
        refs(&value, &mut found);
        let is_kind_file = file.path != definitions_path
            && !file.path.ends_with("index.json")
            && file.path.starts_with("kubernetes/");
        if is_kind_file {
            assert_eq!(found.len(), 1, "{}", file.path);
        }
        for reference in found {
            let (target_defs, name) =
                if let Some(name) = reference.strip_prefix("_definitions.json#/$defs/") {
                    assert!(is_kind_file, "{}: {reference}", file.path);
                    (defs, name)
                } else if let Some(name) = reference.strip_prefix("#/$defs/") {
                    (
                        value["$defs"]
                            .as_object()
                            .expect("$defs in a file with local refs"),
                        name,
                    )
                } else {
                    panic!("{}: unexpected $ref {reference}", file.path);
                };
            assert!(
                target_defs.contains_key(name),
                "{}: $ref {reference} has no target",
                file.path
            );
        }
    }
}

#[test]
fn index_lists_every_kind_file() {
    let files = kubernetes_files();
    let dir = kubernetes_dir();
    let index = parse(
        files
            .iter()
            .find(|f| f.path == format!("{dir}/index.json"))
            .expect("index.json"),
    );
    assert_eq!(
        index["kubernetesVersion"],
        json!(sidecar_schema_gen::KUBE_VERSION)
    );
    let kinds = index["kinds"].as_array().expect("kinds");
    assert!(kinds.len() >= 53, "{} kinds", kinds.len());
    let mut sort_keys = Vec::new();
    for kind in kinds {
        let file = kind["file"].as_str().expect("file");
        let path = format!("{dir}/{file}");
        let kind_file = parse(files.iter().find(|f| f.path == path).expect("kind file"));
        assert_eq!(
            kind_file["$ref"],
            json!(format!(
                "_definitions.json#/$defs/{}",
                kind["definition"].as_str().unwrap()
            ))
        );
        sort_keys.push((
            kind["apiVersion"].as_str().unwrap().to_owned(),
            kind["kind"].as_str().unwrap().to_owned(),
        ));
    }
    let mut sorted = sort_keys.clone();
    sorted.sort();
    assert_eq!(sort_keys, sorted);
    let groups: Vec<&str> = index["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    let mut sorted_groups = groups.clone();
    sorted_groups.sort();
    assert_eq!(groups, sorted_groups);
    for (api_version, _) in &sort_keys {
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        assert!(groups.contains(&group), "{group}");
    }
    assert_eq!(files.len(), kinds.len() + 2);
}

/// Compiles per-kind files with `_definitions.json` registered beside them, the way an editor
/// that fetched both files would resolve the relative `$ref`.
struct KindValidators {
    registry: Registry<'static>,
    kinds: BTreeMap<String, Value>,
}

impl KindValidators {
    const BASE: &'static str = "https://schemas.sidecar-lsp.invalid/kubernetes/";

    fn new() -> Self {
        let mut definitions = Value::Null;
        let mut kinds = BTreeMap::new();
        for file in kubernetes_files() {
            let name = file.path.rsplit('/').next().unwrap().to_owned();
            if name == "_definitions.json" {
                definitions = parse(&file);
            } else if name != "index.json" {
                kinds.insert(name, parse(&file));
            }
        }
        let registry = Registry::new()
            .add(format!("{}_definitions.json", Self::BASE), definitions)
            .expect("add definitions")
            .prepare()
            .expect("prepare registry");
        Self { registry, kinds }
    }

    fn validator(&self, file_name: &str) -> jsonschema::Validator {
        jsonschema::options()
            .with_registry(&self.registry)
            .with_base_uri(format!("{}{file_name}", Self::BASE))
            .offline()
            .build(&self.kinds[file_name])
            .unwrap_or_else(|e| panic!("{file_name}: {e}"))
    }

    fn errors(&self, file_name: &str, instance: &Value) -> Vec<String> {
        self.validator(file_name)
            .iter_errors(instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect()
    }
}

#[test]
fn every_schema_compiles() {
    let v = KindValidators::new();
    for name in v.kinds.keys() {
        let validator = v.validator(name);
        // A kind's own definition requires at least `metadata` in k8s-openapi's output.
        assert!(!validator.is_valid(&json!({"unknownField": 1})), "{name}");
    }
    for file in dialect_files() {
        jsonschema::options()
            .offline()
            .build(&parse(&file))
            .unwrap_or_else(|e| panic!("{}: {e}", file.path));
    }
}

fn pod(container: Value) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "creationTimestamp": null, "labels": {"app": "x"}},
        "spec": {"containers": [container]},
    })
}

#[test]
fn pod_schema_lints_containers() {
    let v = KindValidators::new();
    let good = json!({
        "name": "app",
        "image": "nginx:1.27",
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"containerPort": 80, "protocol": "TCP"}],
        "resources": {"limits": {"cpu": 0.5, "memory": "128Mi"}, "requests": {"cpu": "100m"}},
        "livenessProbe": {"httpGet": {"path": "/", "port": "http"}, "periodSeconds": 10},
        "env": null,
        "restartPolicy": "Sometimes",
    });
    assert_eq!(
        v.errors("pod-v1.json", &pod(good.clone())),
        Vec::<String>::new()
    );
    let broken = |key: &str, value: Value| {
        let mut container = good.clone();
        container[key] = value;
        v.errors("pod-v1.json", &pod(container))
    };
    assert!(
        !broken("imagePullPolcy", json!("Always")).is_empty(),
        "typo"
    );
    assert!(
        !broken("imagePullPolicy", json!("always")).is_empty(),
        "enum case"
    );
    assert!(
        !broken("resources", json!({"limits": {"memory": true}})).is_empty(),
        "quantity type"
    );
    assert!(
        !broken("resources", json!({"limits": {"memory": "1mi"}})).is_empty(),
        "quantity suffix"
    );
    assert!(
        !broken("ports", json!([{"containerPort": 4_294_967_296_i64}])).is_empty(),
        "int32 range"
    );
    assert!(
        !broken("livenessProbe", json!({"httpGet": {"port": true}})).is_empty(),
        "int-or-string"
    );
}

#[test]
fn deployment_schema_checks_the_pod_template() {
    let v = KindValidators::new();
    let deployment = |strategy: &str| {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "d"},
            "spec": {
                "selector": {"matchLabels": {"app": "d"}},
                "strategy": {"type": strategy},
                "template": {
                    "metadata": {"labels": {"app": "d"}},
                    "spec": {
                        "initContainers": [{"name": "proxy", "image": "envoy", "restartPolicy": "Always"}],
                        "containers": [{"name": "app", "image": "app"}],
                    },
                },
            },
        })
    };
    assert_eq!(
        v.errors("deployment-apps-v1.json", &deployment("RollingUpdate")),
        Vec::<String>::new()
    );
    assert!(
        !v.errors("deployment-apps-v1.json", &deployment("Rolling"))
            .is_empty()
    );
}

#[test]
fn crd_schema_accepts_any_json_in_enum_and_default() {
    let v = KindValidators::new();
    let crd = |extra: Value| {
        let mut props = json!({"type": "string", "enum": ["a", "b"], "default": "a"});
        props
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {
                "group": "example.com",
                "names": {"kind": "Widget", "plural": "widgets"},
                "scope": "Namespaced",
                "versions": [{
                    "name": "v1",
                    "served": true,
                    "storage": true,
                    "schema": {"openAPIV3Schema": {
                        "type": "object",
                        "x-kubernetes-preserve-unknown-fields": true,
                        "properties": {"size": props},
                    }},
                }],
            },
        })
    };
    let file = "customresourcedefinition-apiextensions.k8s.io-v1.json";
    assert_eq!(v.errors(file, &crd(json!({}))), Vec::<String>::new());
    assert!(
        !v.errors(file, &crd(json!({"minLenght": 1}))).is_empty(),
        "typo"
    );
}
