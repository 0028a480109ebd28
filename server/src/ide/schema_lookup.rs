//! The JSON Schema node that describes a place in a document, for completion and hover.
//!
//! Each dialect has its root: the Kubernetes definition of the document's `apiVersion`/`kind`
//! (in the Kubernetes version of the settings), the HKube algorithm schema, the Calyptia sidecar
//! spec schema, or for KubeVela a small hand-written description of an Application whose
//! `type: sidecar` trait `properties` switch to the sidecar trait schema. The schemas are parsed
//! once and shared; a lookup only walks references into them.
//!
//! Lookups work in half-typed documents: when the analysis found no dialect, cues in the tree or
//! the text (`apiVersion`/`kind` lines, `sideCars`, a JSON object of container fields) decide.

use std::sync::OnceLock;

use serde_json::Value as Json;

use crate::analysis::Analysis;
use crate::config::Settings;
use crate::diagnostic::Dialect;
use crate::dialect::{calyptia, hkube, kubernetes::split_api_version};
use crate::schema::{self, SchemaId, kubernetes_index};
use crate::syntax::{Format, NodeId, Segment, Tree};

/// How many `$ref`/`allOf`/`anyOf` levels one schema node may expand into (the generated schemas
/// need two; the bound keeps a cyclic reference from looping).
const MAX_EXPANSION: usize = 8;

/// The marker in the hand-written Application schema on a trait's `properties`.
const TRAIT_PROPERTIES_MARKER: &str = "x-sidecar-lsp-trait-properties";

/// One schema object and the document its `$ref`s resolve in.
#[derive(Clone, Copy)]
struct Part {
    doc: &'static Json,
    node: &'static Json,
    /// The `$defs` name when the node is a definition.
    definition: Option<&'static str>,
    /// Reached through `anyOf`/`oneOf`: one possibility, not a constraint.
    alternative: bool,
}

/// A place in one of our schemas: the schema object there with everything it refers to
/// (`$ref` targets, `allOf` parts, and `anyOf`/`oneOf` alternatives, merged).
#[derive(Clone)]
pub struct SchemaRef {
    parts: Vec<Part>,
}

impl std::fmt::Debug for SchemaRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaRef")
            .field("definition", &self.definition())
            .field("types", &self.types())
            .finish()
    }
}

/// One property of an object schema.
#[derive(Clone, Debug)]
pub struct Property {
    /// The key.
    pub name: &'static str,
    /// Its schema.
    pub schema: SchemaRef,
    /// Whether the object requires it.
    pub required: bool,
}

impl SchemaRef {
    /// The schema object `node` of document `doc`, with its references expanded.
    fn new(doc: &'static Json, node: &'static Json) -> SchemaRef {
        let mut parts = Vec::new();
        expand(doc, node, None, false, 0, &mut parts);
        SchemaRef { parts }
    }

    /// The definition `name` of `doc`'s `$defs`.
    fn definition_of(doc: &'static Json, name: &str) -> Option<SchemaRef> {
        let (key, node) = doc.get("$defs")?.as_object()?.get_key_value(name)?;
        let mut parts = Vec::new();
        expand(doc, node, Some(key.as_str()), false, 0, &mut parts);
        Some(SchemaRef { parts })
    }

    /// The first value of `keyword`, constraints before alternatives.
    fn keyword(&self, keyword: &str) -> Option<&'static Json> {
        let ordered = self
            .parts
            .iter()
            .filter(|p| !p.alternative)
            .chain(self.parts.iter().filter(|p| p.alternative));
        ordered.into_iter().find_map(|p| p.node.get(keyword))
    }

    /// The description, the referring place's own before its target's.
    pub fn description(&self) -> Option<&'static str> {
        self.keyword("description").and_then(Json::as_str)
    }

    /// The JSON types allowed here, without `null` (see [`SchemaRef::nullable`]). Inferred from
    /// `properties`, `items` or `enum` when no `type` is written.
    pub fn types(&self) -> Vec<&'static str> {
        let declared = |alternative: bool| -> Vec<&'static str> {
            let mut out: Vec<&'static str> = Vec::new();
            for p in self.parts.iter().filter(|p| p.alternative == alternative) {
                let names: Vec<&'static str> = match p.node.get("type") {
                    Some(Json::String(t)) => vec![t.as_str()],
                    Some(Json::Array(ts)) => ts.iter().filter_map(Json::as_str).collect(),
                    _ => continue,
                };
                for t in names {
                    if t != "null" && !out.contains(&t) {
                        out.push(t);
                    }
                }
                if !alternative {
                    break; // the first declared constraint decides
                }
            }
            out
        };
        let mut types = declared(false);
        if types.is_empty() {
            types = declared(true);
        }
        if types.is_empty() {
            if self
                .parts
                .iter()
                .any(|p| p.node.get("properties").is_some())
            {
                types.push("object");
            } else if self.parts.iter().any(|p| p.node.get("items").is_some()) {
                types.push("array");
            } else {
                for v in self.enum_values() {
                    let t = json_type(v);
                    if !types.contains(&t) {
                        types.push(t);
                    }
                }
            }
        }
        types
    }

    /// Whether `null` is allowed.
    pub fn nullable(&self) -> bool {
        self.parts.iter().any(|p| match p.node.get("type") {
            Some(Json::Array(ts)) => ts.iter().any(|t| t == "null"),
            Some(Json::String(t)) => t == "null",
            _ => false,
        })
    }

    /// Whether the value may be a string or an integer (Kubernetes `IntOrString`).
    pub fn is_int_or_string(&self) -> bool {
        self.keyword("x-kubernetes-int-or-string") == Some(&Json::Bool(true))
            || (self.types().contains(&"integer") && self.types().contains(&"string"))
    }

    /// The allowed values, without `null` and `""` (which Kubernetes' schemas list for unset).
    pub fn enum_values(&self) -> Vec<&'static Json> {
        let mut out: Vec<&'static Json> = Vec::new();
        for p in &self.parts {
            if let Some(Json::Array(values)) = p.node.get("enum") {
                for v in values {
                    let unset = v.is_null() || v.as_str() == Some("");
                    if !unset && !out.contains(&v) {
                        out.push(v);
                    }
                }
            }
        }
        out
    }

    /// Typical values that are not the only ones allowed (`examples`).
    pub fn examples(&self) -> Vec<&'static Json> {
        match self.keyword("examples") {
            Some(Json::Array(values)) => values.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The schema's `default`.
    pub fn default(&self) -> Option<&'static Json> {
        self.keyword("default")
    }

    /// Whether the schema marks the field deprecated.
    pub fn is_deprecated(&self) -> bool {
        self.keyword("deprecated") == Some(&Json::Bool(true))
    }

    /// The `$defs` name this place refers to (`io.k8s.api.core.v1.Probe`, `SideCar`…).
    pub fn definition(&self) -> Option<&'static str> {
        self.parts.iter().find_map(|p| p.definition)
    }

    /// The definition's short name (`Probe` for `io.k8s.api.core.v1.Probe`).
    pub fn definition_short(&self) -> Option<&'static str> {
        self.definition().map(|d| d.rsplit('.').next().unwrap_or(d))
    }

    /// The names the object requires.
    pub fn required_names(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for p in self.parts.iter().filter(|p| !p.alternative) {
            if let Some(Json::Array(names)) = p.node.get("required") {
                for n in names.iter().filter_map(Json::as_str) {
                    if !out.contains(&n) {
                        out.push(n);
                    }
                }
            }
        }
        out
    }

    /// Whether the object requires `name`.
    pub fn requires(&self, name: &str) -> bool {
        self.required_names().contains(&name)
    }

    /// The declared properties, in key order (required ones flagged).
    pub fn properties(&self) -> Vec<Property> {
        let required = self.required_names();
        let mut out: Vec<Property> = Vec::new();
        for p in &self.parts {
            let Some(Json::Object(props)) = p.node.get("properties") else {
                continue;
            };
            for (name, schema) in props {
                if out.iter().any(|q| q.name == name) {
                    continue;
                }
                out.push(Property {
                    name: name.as_str(),
                    schema: SchemaRef::new(p.doc, schema),
                    required: required.contains(&name.as_str()),
                });
            }
        }
        out
    }

    /// The schema of property `name`: a declared property, else the schema of any other key
    /// (`additionalProperties`).
    pub fn property(&self, name: &str) -> Option<SchemaRef> {
        self.parts
            .iter()
            .find_map(|p| {
                p.node
                    .get("properties")
                    .and_then(|props| props.get(name))
                    .map(|s| SchemaRef::new(p.doc, s))
            })
            .or_else(|| self.additional())
    }

    /// Whether `name` is a declared property.
    pub fn declares(&self, name: &str) -> bool {
        self.parts.iter().any(|p| {
            p.node
                .get("properties")
                .is_some_and(|props| props.get(name).is_some())
        })
    }

    /// The schema of keys that are not declared (a map's values), if it is a schema.
    pub fn additional(&self) -> Option<SchemaRef> {
        self.parts
            .iter()
            .find_map(|p| match p.node.get("additionalProperties") {
                Some(s @ Json::Object(_)) => Some(SchemaRef::new(p.doc, s)),
                _ => None,
            })
    }

    /// Whether undeclared keys are rejected (`additionalProperties: false`).
    pub fn is_closed(&self) -> bool {
        self.parts
            .iter()
            .filter(|p| !p.alternative)
            .any(|p| p.node.get("additionalProperties") == Some(&Json::Bool(false)))
    }

    /// The schema of the array's items.
    pub fn items(&self) -> Option<SchemaRef> {
        self.parts.iter().find_map(|p| match p.node.get("items") {
            Some(s @ Json::Object(_)) => Some(SchemaRef::new(p.doc, s)),
            _ => None,
        })
    }

    /// Whether the value is (or may be) an object.
    pub fn is_object(&self) -> bool {
        self.types().contains(&"object")
    }

    /// "Allowed values: `a`, `b`" (markdown), or `None` when the schema lists none.
    pub fn allowed_values_markdown(&self) -> Option<String> {
        let values: Vec<String> = self
            .enum_values()
            .iter()
            .map(|v| match v.as_str() {
                Some(s) => format!("`{s}`"),
                None => format!("`{v}`"),
            })
            .collect();
        (!values.is_empty()).then(|| format!("Allowed values: {}", values.join(", ")))
    }

    /// Whether the value is (or may be) an array.
    pub fn is_array(&self) -> bool {
        self.types().contains(&"array")
    }

    /// A short type for people: `string`, `integer | string`, `Probe`, `array of Container`,
    /// `map of Quantity`.
    pub fn type_label(&self) -> String {
        let types = self.types();
        // Kubernetes' named scalars (`Quantity`) say more than their JSON types.
        let named_scalar = self
            .definition()
            .filter(|d| d.starts_with("io.k8s.") && !d.ends_with(".IntOrString"))
            .and_then(|_| self.definition_short());
        match types.as_slice() {
            ["array"] => match self.items() {
                Some(items) => format!("array of {}", items.type_label()),
                None => "array".into(),
            },
            ["object"] => {
                if let Some(name) = self.definition_short() {
                    name.to_string()
                } else if let (Some(values), false) = (self.additional(), self.declares_any()) {
                    format!("map of {}", values.type_label())
                } else {
                    "object".into()
                }
            }
            [] => self.definition_short().unwrap_or("any").to_string(),
            _ if named_scalar.is_some() => named_scalar.unwrap_or_default().to_string(),
            _ if self.is_int_or_string() => "integer | string".into(),
            many => many.join(" | "),
        }
    }

    /// The schema of property `key`, as [`SchemaRef::property`], except that a KubeVela trait's
    /// `properties` become the sidecar trait's parameters (for places named without a
    /// document, as `sidecar-lsp explain` names them).
    pub fn sidecar_child(&self, key: &str) -> Option<SchemaRef> {
        let next = self.property(key)?;
        if next.has_marker(TRAIT_PROPERTIES_MARKER) {
            platform_root(&SchemaId::KubevelaTrait)
        } else {
            Some(next)
        }
    }

    fn declares_any(&self) -> bool {
        self.parts.iter().any(|p| {
            p.node
                .get("properties")
                .and_then(Json::as_object)
                .is_some_and(|m| !m.is_empty())
        })
    }

    fn has_marker(&self, marker: &str) -> bool {
        self.parts.iter().any(|p| p.node.get(marker).is_some())
    }
}

/// Add `node` and what it refers to, in order: the node itself, then its `$ref` target, then
/// `allOf` parts, then `anyOf`/`oneOf` alternatives.
fn expand(
    doc: &'static Json,
    node: &'static Json,
    definition: Option<&'static str>,
    alternative: bool,
    depth: usize,
    out: &mut Vec<Part>,
) {
    if depth > MAX_EXPANSION || !node.is_object() {
        return;
    }
    out.push(Part {
        doc,
        node,
        definition,
        alternative,
    });
    if let Some(reference) = node.get("$ref").and_then(Json::as_str)
        && let Some(name) = reference
            .strip_prefix("#/$defs/")
            .or_else(|| reference.strip_prefix("#/definitions/"))
        && let Some((key, target)) = doc
            .get("$defs")
            .or_else(|| doc.get("definitions"))
            .and_then(Json::as_object)
            .and_then(|defs| defs.get_key_value(name))
    {
        expand(doc, target, Some(key.as_str()), alternative, depth + 1, out);
    }
    if let Some(Json::Array(all)) = node.get("allOf") {
        for s in all {
            expand(doc, s, None, alternative, depth + 1, out);
        }
    }
    for keyword in ["anyOf", "oneOf"] {
        if let Some(Json::Array(any)) = node.get(keyword) {
            for s in any {
                expand(doc, s, None, true, depth + 1, out);
            }
        }
    }
}

fn json_type(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// The hand-written KubeVela Application description (parsed once).
fn kubevela_application() -> &'static Json {
    static DOC: OnceLock<Json> = OnceLock::new();
    DOC.get_or_init(|| {
        serde_json::from_str(include_str!("kubevela-application.schema.json"))
            .expect("the Application description is JSON")
    })
}

/// The root schema of a platform schema document.
fn platform_root(id: &SchemaId) -> Option<SchemaRef> {
    schema::platform_document(id).map(|doc| SchemaRef::new(doc, doc))
}

/// The root schema of a dialect's documents, without a document: the HKube algorithm, the
/// KubeVela Application (its sidecar traits' `properties` lead to the trait's parameters), the
/// Calyptia sidecar spec, or for Kubernetes the definition of `kind` under `api_version` in the
/// settings' version.
pub fn dialect_root(
    dialect: Dialect,
    kubernetes_kind: Option<(&str, &str)>,
    settings: &Settings,
) -> Option<SchemaRef> {
    match dialect {
        Dialect::Hkube => platform_root(&SchemaId::Hkube),
        Dialect::Calyptia => platform_root(&SchemaId::Calyptia),
        Dialect::Kubevela => {
            let doc = kubevela_application();
            Some(SchemaRef::new(doc, doc))
        }
        Dialect::Kubernetes => {
            let (api_version, kind) = kubernetes_kind?;
            kubernetes_root(Some(api_version), kind, settings)
        }
    }
}

/// The parameters of KubeVela's sidecar trait.
pub fn kubevela_sidecar_trait() -> Option<SchemaRef> {
    platform_root(&SchemaId::KubevelaTrait)
}

/// What a document is, as far as schemas go.
#[derive(Clone, Debug)]
pub struct DocumentSchema {
    /// The dialect (from the analysis, or guessed from cues when it found none).
    pub dialect: Dialect,
    /// The schema of the document root (for a Kubernetes `List`: `None`, see [`schema_at`]).
    pub root: Option<SchemaRef>,
    /// The document's `apiVersion`, from the tree or its line.
    pub api_version: Option<String>,
    /// The document's `kind`, from the tree or its line.
    pub kind: Option<String>,
}

impl DocumentSchema {
    /// Whether the document is a KubeVela Application (not a file of trait parameters).
    pub fn is_kubevela_application(&self) -> bool {
        self.dialect == Dialect::Kubevela
            && (self.kind.as_deref() == Some("Application")
                || self
                    .api_version
                    .as_deref()
                    .is_some_and(|v| v.starts_with("core.oam.dev/")))
    }
}

/// The schema that describes one place of a document.
#[derive(Clone, Debug)]
pub struct SchemaLookup {
    /// The document's dialect.
    pub dialect: Dialect,
    /// The schema at the place.
    pub schema: SchemaRef,
    /// The schema of the object or array holding it (`None` at an object root).
    pub parent: Option<SchemaRef>,
    /// Whether the place is a key its parent object requires.
    pub required: bool,
    /// How many leading segments lead to the object the schema describes (2 inside a Kubernetes
    /// `List` item, else 0).
    pub object_depth: usize,
}

/// The dialect and root schema of document `document`.
pub fn document_schema(
    analysis: &Analysis,
    text: &str,
    document: usize,
    settings: &Settings,
) -> Option<DocumentSchema> {
    let cues = Cues::read(analysis, text, document);
    let dialect = analysis
        .documents
        .get(document)
        .and_then(|d| d.dialect)
        .or_else(|| cues.guess_dialect(analysis.format))?;
    let root = match dialect {
        Dialect::Kubernetes if cues.kind.as_deref() == Some("List") => None,
        Dialect::Kubernetes => Some(kubernetes_root(
            cues.api_version.as_deref(),
            cues.kind.as_deref()?,
            settings,
        )?),
        Dialect::Hkube => platform_root(&SchemaId::Hkube),
        Dialect::Calyptia => platform_root(&SchemaId::Calyptia),
        Dialect::Kubevela => {
            let application = cues.kind.as_deref() == Some("Application")
                || cues
                    .api_version
                    .as_deref()
                    .is_some_and(|v| v.starts_with("core.oam.dev/"));
            if application {
                let doc = kubevela_application();
                Some(SchemaRef::new(doc, doc))
            } else {
                // A file of trait parameters.
                platform_root(&SchemaId::KubevelaTrait)
            }
        }
    };
    Some(DocumentSchema {
        dialect,
        root,
        api_version: cues.api_version,
        kind: cues.kind,
    })
}

/// The schema describing the place at `segments` (from the document root, as
/// [`crate::syntax::path_at`] gives them) of document `document`.
pub fn schema_at(
    analysis: &Analysis,
    text: &str,
    document: usize,
    segments: &[Segment],
    settings: &Settings,
) -> Option<SchemaLookup> {
    let doc = document_schema(analysis, text, document, settings)?;
    let tree = &analysis.syntax.tree;
    let doc_root = analysis.syntax.documents.get(document).and_then(|d| d.root);
    let (root, object_depth) = match doc.root {
        Some(root) => (root, 0),
        None => {
            // A `List`: the item's own apiVersion and kind.
            let [Segment::Key(items), Segment::Index(i), ..] = segments else {
                return None;
            };
            if items != "items" {
                return None;
            }
            let item = doc_root.and_then(|r| tree.get(r, "items"))?;
            let item = tree.items(item)?.get(*i).copied()?;
            let kind = tree.get_str(item, "kind")?;
            (
                kubernetes_root(tree.get_str(item, "apiVersion"), kind, settings)?,
                2,
            )
        }
    };
    let mut schema = root;
    let mut parent = None;
    let mut required = false;
    for (i, seg) in segments.iter().enumerate().skip(object_depth) {
        let next = match seg {
            Segment::Key(key) => {
                required = schema.requires(key);
                schema.property(key)?
            }
            Segment::Index(_) => {
                required = false;
                schema.items()?
            }
        };
        let next = if next.has_marker(TRAIT_PROPERTIES_MARKER)
            && is_sidecar_trait(tree, doc_root, &segments[..i])
        {
            platform_root(&SchemaId::KubevelaTrait)?
        } else {
            next
        };
        parent = Some(std::mem::replace(&mut schema, next));
    }
    Some(SchemaLookup {
        dialect: doc.dialect,
        schema,
        parent,
        required,
        object_depth,
    })
}

/// Whether the trait at `trait_path` is a sidecar trait (or cannot be read yet: the user is
/// typing it, and the sidecar trait is the one we describe).
pub(crate) fn is_sidecar_trait(tree: &Tree, root: Option<NodeId>, trait_path: &[Segment]) -> bool {
    let Some(node) = root.and_then(|r| tree.resolve(r, trait_path)) else {
        return true;
    };
    match tree.get(node, "type") {
        Some(t) => tree.str(t) == Some("sidecar"),
        None => true,
    }
}

/// The Kubernetes definition for `apiVersion`/`kind` in the settings' version: the served
/// one, else the replacement of a removed API, else the kind's preferred API.
fn kubernetes_root(
    api_version: Option<&str>,
    kind: &str,
    settings: &Settings,
) -> Option<SchemaRef> {
    let version = settings.kube_version;
    let index = kubernetes_index(version);
    if let Some(av) = api_version
        && !index.is_builtin_group(split_api_version(av).0)
    {
        return None; // a custom resource is not ours to describe
    }
    let info = api_version
        .and_then(|av| index.kind(av, kind))
        .or_else(|| {
            let av = api_version?;
            let (_, replacement) = schema::removed::removed(av, kind, version)?;
            index.kind(replacement, kind)
        })
        .or_else(|| index.find_kind(kind).filter(|k| k.kind == kind))?;
    SchemaRef::definition_of(
        schema::kind_document(version, &info.definition),
        &info.definition,
    )
}

/// What a document shows about its dialect, from the tree, else from its text.
#[derive(Debug, Default)]
struct Cues {
    api_version: Option<String>,
    kind: Option<String>,
    /// The document is HKube's by its keys.
    hkube: bool,
    /// The document is a JSON object of container fields only (or empty): Calyptia's shape.
    calyptia_shape: bool,
    /// The document has no content yet.
    empty: bool,
}

impl Cues {
    fn read(analysis: &Analysis, text: &str, document: usize) -> Cues {
        let tree = &analysis.syntax.tree;
        let root = analysis.syntax.documents.get(document).and_then(|d| d.root);
        let mut cues = Cues::default();
        match root {
            Some(root) if tree.entries(root).is_some() => {
                let entries = tree.entries(root).unwrap_or(&[]);
                cues.api_version = tree.get_str(root, "apiVersion").map(str::to_string);
                cues.kind = tree.get_str(root, "kind").map(str::to_string);
                cues.hkube = hkube::detect(tree, root);
                // A key still without its value is being typed: it says nothing yet.
                let mut typed = entries
                    .iter()
                    .filter(|e| !matches!(tree.value(e.value), crate::syntax::Value::Missing));
                let undecided = analysis.format == Format::Json
                    && cues.api_version.is_none()
                    && cues.kind.is_none()
                    && !cues.hkube;
                cues.calyptia_shape = undecided
                    && typed.clone().all(|e| {
                        calyptia::FIELDS.contains(&&*e.key)
                            || &*e.key == "$schema"
                            || crate::suggest::closest(&e.key, calyptia::FIELDS.iter().copied())
                                .is_some()
                    });
                cues.empty = typed.next().is_none();
            }
            Some(_) => {}
            None => cues.empty = true,
        }
        if analysis.format == Format::Yaml && (cues.api_version.is_none() || cues.kind.is_none()) {
            let (api_version, kind, side_cars) = scan_top_level_lines(analysis, text, document);
            cues.api_version = cues.api_version.or(api_version);
            cues.kind = cues.kind.or(kind);
            cues.hkube |= side_cars;
            cues.empty &= cues.api_version.is_none() && cues.kind.is_none() && !side_cars;
        }
        cues
    }

    /// The dialect the cues point to, in the order detection uses.
    fn guess_dialect(&self, format: Format) -> Option<Dialect> {
        let av = self.api_version.as_deref();
        if av.is_some_and(|v| v.starts_with("core.oam.dev/"))
            || self.kind.as_deref() == Some("Application") && av.is_none()
        {
            return Some(Dialect::Kubevela);
        }
        if self.kind.is_some() {
            return Some(Dialect::Kubernetes);
        }
        if self.hkube {
            return Some(Dialect::Hkube);
        }
        if format == Format::Json && av.is_none() && (self.calyptia_shape || self.empty) {
            return Some(Dialect::Calyptia);
        }
        None
    }
}

/// The `apiVersion` and `kind` lines at column 0 of a YAML document, whatever the tree made of
/// them.
pub(crate) fn head_lines(
    analysis: &Analysis,
    text: &str,
    document: usize,
) -> (Option<String>, Option<String>) {
    let (api_version, kind, _) = scan_top_level_lines(analysis, text, document);
    (api_version, kind)
}

/// `apiVersion:`, `kind:` and `sideCars:` lines at column 0 of a YAML document the tree could
/// not read (yet).
fn scan_top_level_lines(
    analysis: &Analysis,
    text: &str,
    document: usize,
) -> (Option<String>, Option<String>, bool) {
    let docs = &analysis.syntax.documents;
    let start = docs.get(document).map_or(0, |d| d.span.start as usize);
    let end = docs
        .get(document + 1)
        .map_or(text.len(), |d| d.span.start as usize);
    let start = crate::text::floor_char_boundary(text, start.min(text.len()));
    let end = crate::text::floor_char_boundary(text, end.clamp(start, text.len()));
    let (mut api_version, mut kind, mut side_cars) = (None, None, false);
    for line in text[start..end].lines() {
        let value = |key: &str| {
            line.strip_prefix(key)
                .map(|v| v.split(" #").next().unwrap_or(v))
                .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\''))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        if api_version.is_none() {
            api_version = value("apiVersion:");
        }
        if kind.is_none() {
            kind = value("kind:");
        }
        side_cars |= line.starts_with("sideCars:");
    }
    (api_version, kind, side_cars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;
    use crate::ide::cursor::cursor_at;

    /// The lookup at the `$0` cursor of `fixture`, analysed as `path`.
    fn at(fixture: &str, path: &str) -> Option<SchemaLookup> {
        at_with(fixture, path, &Settings::default())
    }

    fn at_with(fixture: &str, path: &str, settings: &Settings) -> Option<SchemaLookup> {
        let (text, offset) = crate::ide::strip_cursor(fixture);
        let analysis = analyze(&text, Some(path), settings);
        let cursor = cursor_at(&analysis, &text, offset).path;
        schema_at(
            &analysis,
            &text,
            cursor.document,
            &cursor.segments,
            settings,
        )
    }

    fn names(props: &[Property]) -> Vec<&'static str> {
        props.iter().map(|p| p.name).collect()
    }

    #[test]
    fn kubernetes_container_in_a_deployment() {
        let l = at(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          $0\n",
            "deploy.yaml",
        )
        .unwrap();
        assert_eq!(l.dialect, Dialect::Kubernetes);
        assert_eq!(l.schema.definition(), Some("io.k8s.api.core.v1.Container"));
        assert_eq!(l.schema.type_label(), "Container");
        let props = l.schema.properties();
        assert!(names(&props).contains(&"imagePullPolicy"));
        assert!(props.iter().any(|p| p.name == "name" && p.required));
    }

    #[test]
    fn enum_values_skip_unset_markers() {
        let l = at(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      imagePullPolicy: $0\n",
            "pod.yaml",
        )
        .unwrap();
        let values: Vec<&str> = l
            .schema
            .enum_values()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(values, ["Always", "IfNotPresent", "Never"]);
        assert_eq!(l.schema.types(), ["string"]);
        assert!(l.schema.nullable());
        assert!(!l.required);
        assert!(
            l.schema
                .description()
                .unwrap()
                .starts_with("Image pull policy.")
        );
    }

    #[test]
    fn int_or_string_and_maps() {
        let l = at(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      readinessProbe:\n        httpGet:\n          port: $0\n",
            "pod.yaml",
        )
        .unwrap();
        assert!(l.schema.is_int_or_string());
        assert_eq!(l.schema.type_label(), "integer | string");
        assert!(l.required, "httpGet requires port");
        assert!(
            l.schema
                .description()
                .unwrap()
                .starts_with("Name or number"),
            "the property's description wins over the IntOrString definition's"
        );
        let limits = at(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      resources:\n        limits:\n          $0\n",
            "pod.yaml",
        )
        .unwrap();
        assert_eq!(limits.schema.type_label(), "map of Quantity");
    }

    #[test]
    fn kubernetes_version_follows_the_settings() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      $0\n";
        let old = Settings {
            kube_version: crate::diagnostic::KubeVersion::new(33),
            ..Settings::default()
        };
        let before = at_with(text, "pod.yaml", &old).unwrap();
        let now = at(text, "pod.yaml").unwrap();
        assert!(!before.schema.declares("restartPolicyRules"));
        assert!(now.schema.declares("restartPolicyRules"));
    }

    #[test]
    fn hkube_sidecar_container_and_environments() {
        let l = at(
            r#"{"name": "algo", "algorithmImage": "a:1", "sideCars": [{"container": {"name": "c", $0}}]}"#,
            "algo.json",
        )
        .unwrap();
        assert_eq!(l.dialect, Dialect::Hkube);
        assert_eq!(l.schema.definition(), Some("io.k8s.api.core.v1.Container"));
        assert_eq!(l.schema.required_names(), ["name", "image"]);
        let env = at(
            r#"{"name": "algo", "sideCars": [{"container": {"name": "c"}, "environments": {"A": $0}}]}"#,
            "algo.json",
        )
        .unwrap();
        assert_eq!(env.schema.definition(), Some("EnvironmentValue"));
        assert_eq!(
            env.schema.types(),
            ["string", "number", "boolean", "object"],
            "anyOf alternatives merge"
        );
    }

    #[test]
    fn kubevela_application_switches_to_the_trait_schema() {
        let app = "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: app\nspec:\n  components:\n    - name: web\n      type: worker\n      traits:\n        - type: sidecar\n          properties:\n            $0\n";
        let l = at(app, "app.yaml").unwrap();
        assert_eq!(l.dialect, Dialect::Kubevela);
        assert_eq!(
            names(&l.schema.properties()),
            [
                "args",
                "cmd",
                "env",
                "image",
                "livenessProbe",
                "name",
                "readinessProbe",
                "volumes"
            ]
        );
        let scaler = app.replace("type: sidecar", "type: scaler");
        let other = at(&scaler, "app.yaml").unwrap();
        assert!(other.schema.properties().is_empty());
        let component = at(
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: app\nspec:\n  components:\n    - $0\n",
            "app.yaml",
        )
        .unwrap();
        assert_eq!(component.schema.required_names(), ["name", "type"]);
    }

    #[test]
    fn kubevela_probe_defaults_come_from_the_trait_schema() {
        let l = at(
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: app\nspec:\n  components:\n    - name: web\n      type: worker\n      traits:\n        - type: sidecar\n          properties:\n            livenessProbe:\n              periodSeconds: $0\n",
            "app.yaml",
        )
        .unwrap();
        assert_eq!(l.schema.default(), Some(&Json::from(10)));
    }

    #[test]
    fn calyptia_spec_by_shape_and_when_empty() {
        let l = at(r#"{"name": "s", "image": "x:1", $0}"#, "spec.json").unwrap();
        assert_eq!(l.dialect, Dialect::Calyptia);
        assert!(l.schema.is_closed());
        let empty = at("$0", "new.json").unwrap();
        assert_eq!(empty.dialect, Dialect::Calyptia);
        assert!(empty.schema.declares("volumeMounts"));
    }

    #[test]
    fn half_typed_yaml_uses_the_apiversion_and_kind_lines() {
        // A broken line above: the kind is read from the text.
        let l = at(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"p\nspec:\n  initContainers:\n    - name: s\n      rest$0",
            "pod.yaml",
        )
        .unwrap();
        assert_eq!(l.dialect, Dialect::Kubernetes);
        assert_eq!(l.schema.definition(), Some("io.k8s.api.core.v1.Container"));
    }

    #[test]
    fn list_items_use_their_own_kind() {
        let l = at(
            "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n    spec:\n      containers:\n        - name: a\n          $0\n",
            "list.yaml",
        )
        .unwrap();
        assert_eq!(l.object_depth, 2);
        assert_eq!(l.schema.definition(), Some("io.k8s.api.core.v1.Container"));
    }

    #[test]
    fn custom_resources_and_unknown_places_have_no_schema() {
        assert!(
            at(
                "apiVersion: example.com/v1\nkind: Pod\nspec:\n  $0\n",
                "cr.yaml"
            )
            .is_none()
        );
        assert!(
            at(
                "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nope:\n    $0\n",
                "pod.yaml"
            )
            .is_none()
        );
        assert!(at("values:\n  $0\n", "values.yaml").is_none());
    }
}
