//! Schema validation: the generated schemas in `schemas/`, compiled once per definition, run over
//! the syntax tree. Errors come back as plain [`SchemaError`]s pointing at tree nodes; `report`
//! turns them into diagnostics in each platform's words.

mod embedded;
pub mod instance;
mod kube_index;
pub mod removed;
pub mod report;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::Registry;
use jsonschema::error::TypeKind;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value as JsonValue;

pub use kube_index::{KindInfo, KubeIndex, kubernetes_index};

use crate::diagnostic::KubeVersion;
use crate::syntax::{NodeId, Segment, Tree, pointer_segments};
use instance::{TreeJson, TreeNode};

/// Base URI under which the Kubernetes definitions are registered (never fetched).
const BASE: &str = "https://schemas.sidecar-lsp.invalid";

/// One of our schemas.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SchemaId {
    /// A Kubernetes definition of one version, e.g. `io.k8s.api.apps.v1.Deployment`.
    Kubernetes {
        /// The schema version (1.33–1.37).
        version: KubeVersion,
        /// The definition name.
        definition: String,
    },
    /// The HKube algorithm schema.
    Hkube,
    /// The KubeVela sidecar trait parameter schema.
    KubevelaTrait,
    /// The Calyptia sidecar spec schema.
    Calyptia,
}

/// Names accepted by `sidecar-lsp schema NAME`, with the text of each schema.
pub fn named_schema(name: &str, version: KubeVersion) -> Option<String> {
    let name = name.trim_end_matches(".json");
    match name {
        "hkube-algorithm" | "hkube" => Some(embedded::HKUBE.to_string()),
        "kubevela-sidecar-trait" | "kubevela" => Some(embedded::KUBEVELA_TRAIT.to_string()),
        "calyptia-sidecar" | "calyptia" => Some(embedded::CALYPTIA.to_string()),
        "kubernetes-definitions" | "_definitions" => {
            Some(kubernetes_text(version.schema_version()).0.to_string())
        }
        _ => {
            // A kind: `Deployment`, `deployment`, `apps/v1/Deployment` → a self-contained schema.
            let index = kubernetes_index(version);
            let info = index.find_kind(name)?;
            Some(self_contained(version.schema_version(), &info.definition))
        }
    }
}

/// The names `sidecar-lsp schema` lists.
pub fn schema_names(version: KubeVersion) -> Vec<String> {
    let mut names: Vec<String> = [
        "hkube-algorithm",
        "kubevela-sidecar-trait",
        "calyptia-sidecar",
        "kubernetes-definitions",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    names.extend(
        kubernetes_index(version)
            .kinds()
            .iter()
            .map(|k| format!("{}/{}", k.api_version, k.kind)),
    );
    names
}

/// A Kubernetes kind's schema with only the definitions it reaches, so that it stands alone.
fn self_contained(version: KubeVersion, definition: &str) -> String {
    let defs = kind_document(version, definition)
        .get("$defs")
        .cloned()
        .unwrap_or_default();
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{definition} (Kubernetes {version})"),
        "$ref": format!("#/$defs/{definition}"),
        "$defs": defs,
    });
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

fn collect_refs(schema: &JsonValue, out: &mut Vec<String>) {
    match schema {
        JsonValue::Object(map) => {
            if let Some(JsonValue::String(r)) = map.get("$ref")
                && let Some(name) = r.strip_prefix("#/$defs/")
                && !out.iter().any(|n| n == name)
            {
                out.push(name.to_string());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        JsonValue::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn kubernetes_text(version: KubeVersion) -> (&'static str, &'static str) {
    embedded::KUBERNETES
        .iter()
        .find(|(minor, _, _)| *minor == version.minor)
        .or_else(|| embedded::KUBERNETES.last())
        .map(|(_, defs, index)| (*defs, *index))
        .expect("at least one bundled version")
}

/// The slot of a schema version in per-version caches.
fn slot(version: KubeVersion) -> usize {
    usize::from(version.schema_version().minor.saturating_sub(33)).min(4)
}

/// The text of every definition in a version's `_definitions.json`, by name, found without
/// parsing them (the generator pretty-prints with two-space indents, so each definition is the
/// block from a four-space-indented `"name": {` line to the next four-space-indented `}`).
/// Parsing all of them costs about as much as the rest of a first check, and a document uses a
/// quarter of them.
fn definition_texts(version: KubeVersion) -> &'static HashMap<&'static str, &'static str> {
    static TEXTS: [OnceLock<HashMap<&'static str, &'static str>>; 5] =
        [const { OnceLock::new() }; 5];
    TEXTS[slot(version)]
        .get_or_init(|| split_definitions(kubernetes_text(version.schema_version()).0))
}

/// `name → text` of each definition in a pretty-printed `{"$defs": {...}}` document: a
/// definition opens on a line `    "name": {` and closes on a line `    }` (deeper lines are
/// indented further), so two substring searches per definition find it.
fn split_definitions(text: &'static str) -> HashMap<&'static str, &'static str> {
    let mut out = HashMap::new();
    let mut at = 0;
    while let Some(found) = text[at..].find("\n    \"") {
        let line_start = at + found + 1;
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |n| line_start + n);
        let line = &text[line_start..line_end];
        at = line_end;
        let Some(name) = line
            .strip_prefix("    \"")
            .and_then(|r| r.strip_suffix("\": {"))
        else {
            continue;
        };
        let Some(close) = text[line_end..].find("\n    }") else {
            break;
        };
        let end = line_end + close + "\n    }".len();
        out.insert(name, &text[line_end - 1..end]);
        at = end;
    }
    out
}

/// One Kubernetes definition, parsed from the bundled text (not cached: for rare questions).
fn definition_value(version: KubeVersion, name: &str) -> Option<JsonValue> {
    let text = definition_texts(version).get(name)?;
    serde_json::from_str(text).ok()
}

/// A self-contained schema document `{"$defs": {...}}` with definition `name` of `version`
/// and every definition it reaches (built on first use, then shared): what editor features read
/// (descriptions included) and what a kind without a pod spec is validated against.
pub(crate) fn kind_document(version: KubeVersion, name: &str) -> &'static JsonValue {
    cached_document(version, name, false)
}

/// Like [`kind_document`], but with the pod spec definition replaced by `true` (accept
/// anything): a workload kind's own fields. Its pod spec is validated by the one validator
/// that every workload kind shares (see [`validate`]).
fn shell_document(version: KubeVersion, name: &str) -> &'static JsonValue {
    cached_document(version, name, true)
}

/// The definition every workload kind embeds (a Pod's `spec`, a Deployment's
/// `spec.template.spec`…).
const POD_SPEC: &str = "io.k8s.api.core.v1.PodSpec";

fn cached_document(version: KubeVersion, name: &str, without_pod_spec: bool) -> &'static JsonValue {
    type Documents = HashMap<(usize, String, bool), &'static JsonValue>;
    static DOCUMENTS: OnceLock<Mutex<Documents>> = OnceLock::new();
    let documents = DOCUMENTS.get_or_init(|| Mutex::new(HashMap::new()));
    let key = (slot(version), name.to_string(), without_pod_spec);
    if let Some(doc) = documents
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
    {
        return doc;
    }
    let texts = definition_texts(version);
    let mut defs = serde_json::Map::new();
    let mut queue = vec![name.to_string()];
    while let Some(next) = queue.pop() {
        if defs.contains_key(&next) {
            continue;
        }
        if without_pod_spec && next == POD_SPEC && name != POD_SPEC {
            defs.insert(next, JsonValue::Bool(true));
            continue;
        }
        let Some(value) = texts
            .get(next.as_str())
            .and_then(|t| serde_json::from_str::<JsonValue>(t).ok())
        else {
            continue;
        };
        let mut refs = Vec::new();
        collect_refs(&value, &mut refs);
        queue.extend(refs.into_iter().filter(|r| !defs.contains_key(r)));
        defs.insert(next, value);
    }
    let built: &'static JsonValue = Box::leak(Box::new(serde_json::json!({ "$defs": defs })));
    documents
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_insert(built)
}

/// The key paths from definition `name` to its pod specs (`[["spec"]]` for a Pod,
/// `[["spec", "template", "spec"]]` for a Deployment; none for a ConfigMap), read from its
/// schema: `properties` whose `$ref` leads there.
fn pod_spec_paths(version: KubeVersion, name: &str) -> Vec<Vec<String>> {
    fn walk(
        defs: &serde_json::Map<String, JsonValue>,
        name: &str,
        prefix: &mut Vec<String>,
        out: &mut Vec<Vec<String>>,
    ) {
        if prefix.len() > 8 {
            return;
        }
        let Some(properties) = defs
            .get(name)
            .and_then(|d| d.get("properties"))
            .and_then(JsonValue::as_object)
        else {
            return;
        };
        for (key, property) in properties {
            let Some(target) = property
                .get("$ref")
                .and_then(JsonValue::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            else {
                continue;
            };
            prefix.push(key.clone());
            if target == POD_SPEC {
                out.push(prefix.clone());
            } else {
                walk(defs, target, prefix, out);
            }
            prefix.pop();
        }
    }
    if name == POD_SPEC {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(defs) = shell_document(version, name)
        .get("$defs")
        .and_then(JsonValue::as_object)
        && defs.contains_key(POD_SPEC)
    {
        walk(defs, name, &mut Vec::new(), &mut out);
    }
    out
}

/// A bundled Kubernetes definition's schema at a keyword location such as
/// `/$defs/io.k8s.api.core.v1.Container/additionalProperties` (without the last part).
pub(crate) fn kubernetes_schema_at(version: KubeVersion, pointer: &str) -> Option<JsonValue> {
    let rest = pointer.strip_prefix("/$defs/")?;
    let (name, inner) = rest.split_once('/').map_or((rest, ""), |(n, i)| (n, i));
    let definition = definition_value(version, name)?;
    if inner.is_empty() {
        return Some(definition);
    }
    definition.pointer(&format!("/{inner}")).cloned()
}

fn kind_uri(version: KubeVersion, definition: &str) -> String {
    format!(
        "{BASE}/kubernetes/v{}/{definition}.json",
        version.schema_version()
    )
}

/// Do ahead of the first document the schema work every Kubernetes workload check needs,
/// whatever its kind: index the bundled definitions of `version`, build the validator
/// library's meta-schema validator and compile the pod spec validator that all workload kinds
/// share (together most of the work of a first check). Idempotent; the language server calls
/// it on a blocking thread at start-up.
pub fn prewarm(version: KubeVersion) {
    definition_texts(version);
    kubernetes_index(version);
    // Compiling builds (once per process) the meta-schema validator; the pod spec validator
    // is shared by every workload kind.
    validator(&SchemaId::Kubernetes {
        version: version.schema_version(),
        definition: POD_SPEC.to_string(),
    });
}

type Validator = jsonschema::Validator<TreeJson>;

/// The compiled validator for `id` (compiled on first use, then shared; a second thread that
/// asks meanwhile waits for that compilation instead of repeating it).
pub fn validator(id: &SchemaId) -> Arc<Validator> {
    type Cells = HashMap<SchemaId, Arc<OnceLock<Arc<Validator>>>>;
    static CACHE: OnceLock<Mutex<Cells>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let cell = cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(id.clone())
        .or_default()
        .clone();
    cell.get_or_init(|| Arc::new(compile(id))).clone()
}

fn compile(id: &SchemaId) -> Validator {
    let options = jsonschema::options_for::<TreeJson>().should_validate_formats(false);
    let result = match id {
        SchemaId::Kubernetes {
            version,
            definition,
        } => {
            // Each kind gets a registry of only the definitions it reaches (kept for as long as
            // its validator, which is cached for the life of the process).
            let uri = kind_uri(*version, definition);
            let registry = match Registry::new()
                .add(uri.clone(), shell_document(*version, definition))
                .and_then(|b| b.prepare())
            {
                Ok(registry) => &*Box::leak(Box::new(registry)),
                Err(e) => panic!("generated schema {id:?} does not form a registry: {e}"),
            };
            let root = serde_json::json!({ "$ref": format!("{uri}#/$defs/{definition}") });
            options.with_registry(registry).build(&root)
        }
        SchemaId::Hkube | SchemaId::KubevelaTrait | SchemaId::Calyptia => {
            options.build(platform_document(id).expect("a platform schema"))
        }
    };
    result.unwrap_or_else(|e| panic!("generated schema {id:?} does not compile: {e}"))
}

/// The parsed schema document of a platform schema (parsed once); `None` for Kubernetes, whose
/// definitions are one document per version ([`document`]).
pub(crate) fn platform_document(id: &SchemaId) -> Option<&'static JsonValue> {
    static HKUBE: OnceLock<JsonValue> = OnceLock::new();
    static KUBEVELA_TRAIT: OnceLock<JsonValue> = OnceLock::new();
    static CALYPTIA: OnceLock<JsonValue> = OnceLock::new();
    let (cell, text) = match id {
        SchemaId::Kubernetes { .. } => return None,
        SchemaId::Hkube => (&HKUBE, embedded::HKUBE),
        SchemaId::KubevelaTrait => (&KUBEVELA_TRAIT, embedded::KUBEVELA_TRAIT),
        SchemaId::Calyptia => (&CALYPTIA, embedded::CALYPTIA),
    };
    Some(cell.get_or_init(|| parse_static(text)))
}

fn parse_static(text: &str) -> JsonValue {
    serde_json::from_str(text).expect("generated schemas are JSON")
}

/// What a schema says is wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaErrorKind {
    /// Keys the object may not have.
    UnknownFields(Vec<String>),
    /// The value has the wrong JSON type; the allowed types.
    Type(Vec<String>),
    /// A required key is missing.
    Required(String),
    /// The value is not one of these.
    Enum(Vec<JsonValue>),
    /// A string does not match the pattern.
    Pattern(String),
    /// A number below the minimum.
    Minimum(JsonValue),
    /// A number above the maximum.
    Maximum(JsonValue),
    /// Array items that are not unique.
    UniqueItems,
    /// Anything else, with the validator's message.
    Other(String),
}

/// A schema finding, located in the tree.
#[derive(Clone, Debug)]
pub struct SchemaError {
    /// What is wrong.
    pub kind: SchemaErrorKind,
    /// The deepest tree node the error's path reaches (the offending value, or the object that
    /// lacks a required key).
    pub node: NodeId,
    /// The path from the validated node to the error's instance.
    pub segments: Vec<Segment>,
    /// Where in the schema the failing keyword is (a JSON pointer into the schema document, e.g.
    /// `/$defs/io.k8s.apimachinery.pkg.api.resource.Quantity/pattern`).
    pub keyword: String,
}

/// Validate `node` against schema `id`. A Kubernetes workload is checked in two parts with the
/// same result as one: its own fields against the kind's schema with the pod spec left open,
/// and each pod spec against the pod spec validator all kinds share (compiled once, not once
/// per kind: it is most of every workload schema).
pub fn validate(tree: &Tree, node: NodeId, id: &SchemaId) -> Vec<SchemaError> {
    let mut errors = Vec::new();
    collect_errors(tree, node, &[], &validator(id), &mut errors);
    if let SchemaId::Kubernetes {
        version,
        definition,
    } = id
    {
        let paths = pod_spec_paths_cached(*version, definition);
        if !paths.is_empty() {
            let pod_spec = validator(&SchemaId::Kubernetes {
                version: *version,
                definition: POD_SPEC.to_string(),
            });
            for path in paths.iter() {
                if let Some(spec) = tree.resolve(node, path) {
                    collect_errors(tree, spec, path, &pod_spec, &mut errors);
                }
            }
        }
    }
    errors
}

/// [`pod_spec_paths`] as segments, once per kind.
fn pod_spec_paths_cached(version: KubeVersion, name: &str) -> Arc<Vec<Vec<Segment>>> {
    type Paths = HashMap<(usize, String), Arc<Vec<Vec<Segment>>>>;
    static PATHS: OnceLock<Mutex<Paths>> = OnceLock::new();
    let paths = PATHS.get_or_init(|| Mutex::new(HashMap::new()));
    let key = (slot(version), name.to_string());
    if let Some(found) = paths.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found.clone();
    }
    let computed: Vec<Vec<Segment>> = pod_spec_paths(version, name)
        .into_iter()
        .map(|p| p.into_iter().map(Segment::Key).collect())
        .collect();
    paths
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_insert_with(|| Arc::new(computed))
        .clone()
}

/// The errors of `validator` on node `at`, whose path from the validated node is `prefix`.
fn collect_errors(
    tree: &Tree,
    at: NodeId,
    prefix: &[Segment],
    validator: &Validator,
    out: &mut Vec<SchemaError>,
) {
    out.extend(validator.iter_errors(TreeNode::Node(tree, at)).map(|e| {
        let relative = pointer_segments(tree, at, e.instance_path().as_str());
        let located = deepest(tree, at, &relative);
        let mut segments = prefix.to_vec();
        segments.extend(relative);
        let keyword = e
            .absolute_keyword_location()
            .and_then(|uri| uri.as_str().split_once('#').map(|(_, f)| f.to_string()))
            .unwrap_or_else(|| e.schema_path().as_str().to_string());
        let kind = match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                SchemaErrorKind::UnknownFields(unexpected.clone())
            }
            ValidationErrorKind::Type { kind } => {
                let mut types: Vec<String> = match kind {
                    TypeKind::Single(t) => vec![t.to_string()],
                    TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
                };
                // Our schemas write `[T, "null"]`: keep that order, as ajv prints it.
                types.sort_by_key(|t| t == "null");
                SchemaErrorKind::Type(types)
            }
            ValidationErrorKind::Required { property } => {
                SchemaErrorKind::Required(property.as_str().unwrap_or_default().to_string())
            }
            ValidationErrorKind::Enum { options } => {
                SchemaErrorKind::Enum(options.as_array().cloned().unwrap_or_default())
            }
            ValidationErrorKind::Pattern { pattern } => SchemaErrorKind::Pattern(pattern.clone()),
            ValidationErrorKind::Minimum { limit } => SchemaErrorKind::Minimum(limit.clone()),
            ValidationErrorKind::Maximum { limit } => SchemaErrorKind::Maximum(limit.clone()),
            ValidationErrorKind::UniqueItems => SchemaErrorKind::UniqueItems,
            _ => SchemaErrorKind::Other(e.to_string()),
        };
        SchemaError {
            kind,
            node: located,
            segments,
            keyword,
        }
    }));
}

/// Follow `segments` as far as the tree goes.
fn deepest(tree: &Tree, root: NodeId, segments: &[Segment]) -> NodeId {
    let mut node = root;
    for seg in segments {
        match tree.resolve(node, std::slice::from_ref(seg)) {
            Some(next) => node = next,
            None => break,
        }
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_definition_is_found_without_parsing_the_file() {
        for &(minor, text, _) in embedded::KUBERNETES {
            let whole: JsonValue = serde_json::from_str(text).expect("JSON");
            let defs = whole["$defs"].as_object().expect("$defs");
            let split = definition_texts(KubeVersion::new(minor));
            assert_eq!(split.len(), defs.len(), "1.{minor}");
            for (name, schema) in defs {
                let text = split.get(name.as_str()).expect("every name is found");
                let parsed: JsonValue = serde_json::from_str(text).expect("a definition's text");
                assert_eq!(&parsed, schema, "1.{minor} {name}");
            }
        }
    }

    #[test]
    fn a_kind_document_holds_what_the_kind_reaches_and_nothing_else() {
        let pod = kind_document(KubeVersion::LATEST, "io.k8s.api.core.v1.Pod");
        let defs = pod["$defs"].as_object().expect("$defs");
        for reached in [
            "io.k8s.api.core.v1.Pod",
            "io.k8s.api.core.v1.PodSpec",
            "io.k8s.api.core.v1.Container",
            "io.k8s.apimachinery.pkg.api.resource.Quantity",
        ] {
            assert!(defs.contains_key(reached), "{reached}");
        }
        assert!(!defs.contains_key("io.k8s.api.apps.v1.Deployment"));
        let mut refs = Vec::new();
        collect_refs(pod, &mut refs);
        assert!(
            refs.iter().all(|r| defs.contains_key(r)),
            "closed under $ref"
        );
        // Built once.
        assert!(std::ptr::eq(
            pod,
            kind_document(KubeVersion::LATEST, "io.k8s.api.core.v1.Pod")
        ));
    }

    #[test]
    fn kinds_validate_against_their_own_documents() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: x\n      ports:\n        - containerPort: http\n";
        let parsed = crate::syntax::parse(text, crate::syntax::Format::Yaml);
        let root = parsed.documents[0].root.expect("a root");
        let id = SchemaId::Kubernetes {
            version: KubeVersion::LATEST,
            definition: "io.k8s.api.core.v1.Pod".into(),
        };
        let errors = validate(&parsed.tree, root, &id);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(matches!(errors[0].kind, SchemaErrorKind::Type(_)));
        assert_eq!(
            errors[0].keyword,
            "/$defs/io.k8s.api.core.v1.ContainerPort/properties/containerPort/type"
        );
    }

    /// The errors of one validator compiled from the kind's whole document (no shared pod spec).
    fn unsplit(tree: &Tree, node: NodeId, definition: &str) -> Vec<(String, String)> {
        let version = KubeVersion::LATEST;
        let uri = format!("{BASE}/whole/{definition}.json");
        let registry = Registry::new()
            .add(uri.clone(), kind_document(version, definition))
            .and_then(|b| b.prepare())
            .expect("a registry");
        let root = serde_json::json!({ "$ref": format!("{uri}#/$defs/{definition}") });
        let validator = jsonschema::options_for::<TreeJson>()
            .should_validate_formats(false)
            .with_registry(&registry)
            .build(&root)
            .expect("compiles");
        let mut out: Vec<(String, String)> = validator
            .iter_errors(TreeNode::Node(tree, node))
            .map(|e| {
                let keyword = e
                    .absolute_keyword_location()
                    .and_then(|u| u.as_str().split_once('#').map(|(_, f)| f.to_string()))
                    .unwrap_or_default();
                (e.instance_path().as_str().to_string(), keyword)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn workloads_validated_in_two_parts_find_what_one_validator_finds() {
        let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  labelz: {}\nspec:\n  replicas: many\n  selector:\n    matchLabels: {app: a}\n  template:\n    metadata:\n      labels: {app: a}\n    spec:\n      restartPolicy: Sometimes\n      containers:\n        - name: a\n          image: x\n          imagePullPolicy: Sometimes\n          ports:\n            - containerPort: http\n          extra: 1\n";
        let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: a\nspec:\n  schedule: 5\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: a\n              resources:\n                limits:\n                  cpu: lots\n";
        let pod_spec_not_an_object = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec: [1]\n";
        for (text, definition, expected) in [
            (deployment, "io.k8s.api.apps.v1.Deployment", 6),
            (cron, "io.k8s.api.batch.v1.CronJob", 2),
            (pod_spec_not_an_object, "io.k8s.api.core.v1.Pod", 1),
        ] {
            let parsed = crate::syntax::parse(text, crate::syntax::Format::Yaml);
            let root = parsed.documents[0].root.expect("a root");
            let id = SchemaId::Kubernetes {
                version: KubeVersion::LATEST,
                definition: definition.into(),
            };
            let mut split: Vec<(String, String)> = validate(&parsed.tree, root, &id)
                .into_iter()
                .map(|e| {
                    let path: String = e
                        .segments
                        .iter()
                        .map(|s| match s {
                            Segment::Key(k) => format!("/{k}"),
                            Segment::Index(i) => format!("/{i}"),
                        })
                        .collect();
                    (path, e.keyword)
                })
                .collect();
            split.sort();
            assert_eq!(
                split,
                unsplit(&parsed.tree, root, definition),
                "{definition}"
            );
            assert_eq!(split.len(), expected, "{definition}: {split:?}");
        }
    }

    #[test]
    fn pod_spec_paths_come_from_the_schemas() {
        let latest = KubeVersion::LATEST;
        let keys = |d: &str| pod_spec_paths(latest, d);
        assert_eq!(keys("io.k8s.api.core.v1.Pod"), [vec!["spec".to_string()]]);
        assert_eq!(
            keys("io.k8s.api.apps.v1.Deployment"),
            [vec!["spec".to_string(), "template".into(), "spec".into()]]
        );
        assert_eq!(
            keys("io.k8s.api.batch.v1.CronJob"),
            [vec![
                "spec".to_string(),
                "jobTemplate".into(),
                "spec".into(),
                "template".into(),
                "spec".into()
            ]]
        );
        assert!(keys("io.k8s.api.core.v1.ConfigMap").is_empty());
        assert!(keys(POD_SPEC).is_empty());
    }
}
