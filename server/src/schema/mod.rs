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
    let defs = definitions(version);
    let mut needed: Vec<String> = vec![definition.to_string()];
    let mut i = 0;
    while i < needed.len() {
        if let Some(schema) = defs.get(&needed[i]) {
            collect_refs(schema, &mut needed);
        }
        i += 1;
    }
    needed.sort();
    needed.dedup();
    let mut out_defs = serde_json::Map::new();
    for name in &needed {
        if let Some(schema) = defs.get(name) {
            out_defs.insert(name.clone(), schema.clone());
        }
    }
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{definition} (Kubernetes {version})"),
        "$ref": format!("#/$defs/{definition}"),
        "$defs": out_defs,
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

/// The parsed `_definitions.json` `$defs` of a version.
fn definitions(version: KubeVersion) -> &'static serde_json::Map<String, JsonValue> {
    document(version)
        .get("$defs")
        .and_then(JsonValue::as_object)
        .expect("generated definitions have $defs")
}

/// The parsed `_definitions.json` of a version (parsed once).
pub(crate) fn document(version: KubeVersion) -> &'static JsonValue {
    static DOCS: [OnceLock<JsonValue>; 5] = [const { OnceLock::new() }; 5];
    let version = version.schema_version();
    let slot = usize::from(version.minor.saturating_sub(33)).min(4);
    DOCS[slot].get_or_init(|| {
        serde_json::from_str(kubernetes_text(version).0).expect("generated definitions are JSON")
    })
}

fn definitions_uri(version: KubeVersion) -> String {
    format!("{BASE}/kubernetes/v{version}/_definitions.json")
}

/// The registry holding a version's definitions (built once).
fn registry(version: KubeVersion) -> &'static Registry<'static> {
    static REGISTRIES: [OnceLock<Registry<'static>>; 5] = [const { OnceLock::new() }; 5];
    let version = version.schema_version();
    let slot = usize::from(version.minor.saturating_sub(33)).min(4);
    REGISTRIES[slot].get_or_init(|| {
        Registry::new()
            .add(definitions_uri(version), document(version))
            .and_then(|b| b.prepare())
            .expect("generated definitions form a valid registry")
    })
}

type Validator = jsonschema::Validator<TreeJson>;

/// The compiled validator for `id` (compiled on first use, then shared).
pub fn validator(id: &SchemaId) -> Arc<Validator> {
    static CACHE: OnceLock<Mutex<HashMap<SchemaId, Arc<Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(v) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
        return v.clone();
    }
    let compiled = Arc::new(compile(id));
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(id.clone())
        .or_insert(compiled)
        .clone()
}

fn compile(id: &SchemaId) -> Validator {
    let options = jsonschema::options_for::<TreeJson>().should_validate_formats(false);
    let result = match id {
        SchemaId::Kubernetes {
            version,
            definition,
        } => {
            let root = serde_json::json!({ "$ref": format!("{}#/$defs/{definition}", definitions_uri(*version)) });
            options.with_registry(registry(*version)).build(&root)
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

/// Validate `node` against schema `id`.
pub fn validate(tree: &Tree, node: NodeId, id: &SchemaId) -> Vec<SchemaError> {
    let validator = validator(id);
    validator
        .iter_errors(TreeNode::Node(tree, node))
        .map(|e| {
            let segments = pointer_segments(tree, node, e.instance_path().as_str());
            let located = deepest(tree, node, &segments);
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
                ValidationErrorKind::Pattern { pattern } => {
                    SchemaErrorKind::Pattern(pattern.clone())
                }
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
        })
        .collect()
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
