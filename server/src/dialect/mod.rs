//! Which platform a document is written for, and its mapping into the one [`crate::model`].
//!
//! Each dialect is a module of one shape: `detect` says whether a document's content is its own,
//! `build` maps it into [`Object`]s and names what to validate against which schema. Adding a
//! platform means adding one module here (plus its rules and renderer).

pub mod calyptia;
mod heuristics;
pub mod hkube;
pub mod kubernetes;
pub mod kubevela;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Dialect};
use crate::model::{FileIndex, Object};
use crate::schema::SchemaId;
use crate::syntax::{NodeId, Tree};

/// What a dialect needs to look at one document.
pub struct DocumentInput<'a> {
    /// The syntax tree of the whole text.
    pub tree: &'a Tree,
    /// The document's root.
    pub root: NodeId,
    /// Its index in the stream.
    pub document: usize,
    /// The file's path, if known (for name-based rules such as Calyptia's `.json`).
    pub path: Option<&'a str>,
    /// The source format.
    pub format: crate::syntax::Format,
    /// The analysis settings.
    pub settings: &'a Settings,
}

/// A node to validate against a schema.
#[derive(Clone, Debug)]
pub struct SchemaTarget {
    /// The node to validate.
    pub node: NodeId,
    /// The object it belongs to (paths in messages are relative to it).
    pub object_root: NodeId,
    /// The schema.
    pub schema: SchemaId,
}

impl SchemaTarget {
    /// Validate the whole object at `root` against `schema`.
    pub fn whole_object(root: NodeId, schema: SchemaId) -> SchemaTarget {
        SchemaTarget {
            node: root,
            object_root: root,
            schema,
        }
    }
}

/// A document mapped into the model.
#[derive(Clone, Debug, Default)]
pub struct DocumentModel {
    /// The objects of the document (several for a `List`).
    pub objects: Vec<Object>,
    /// What to validate against which schema.
    pub schema_targets: Vec<SchemaTarget>,
    /// Problems found while mapping (a missing `apiVersion`, an unserved kind…).
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a document got its dialect (for hover and debugging).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetectedBy {
    /// `--dialect` on the command line, or a glob in the config file.
    Setting,
    /// A `# sidecar-lsp: dialect=NAME` comment.
    Modeline,
    /// A `$schema` key naming one of our schemas.
    SchemaKey,
    /// The document's content.
    Content,
}

/// Decide a document's dialect. `forced` comes from settings (CLI or config glob), `modeline`
/// from a comment; both win over content.
pub fn detect(
    input: &DocumentInput,
    forced: Option<Dialect>,
    modeline: Option<Dialect>,
) -> Option<(Dialect, DetectedBy)> {
    if let Some(d) = forced {
        return Some((d, DetectedBy::Setting));
    }
    if let Some(d) = modeline {
        return Some((d, DetectedBy::Modeline));
    }
    if let Some(d) = schema_key_dialect(input.tree, input.root) {
        return Some((d, DetectedBy::SchemaKey));
    }
    let tree = input.tree;
    let root = input.root;
    let by_content = if kubevela::detect(tree, root) {
        Some(Dialect::Kubevela)
    } else if kubernetes::detect(tree, root, input.settings) {
        Some(Dialect::Kubernetes)
    } else if hkube::detect(tree, root) {
        Some(Dialect::Hkube)
    } else if calyptia::detect(tree, root, input.path, input.format) {
        Some(Dialect::Calyptia)
    } else {
        None
    };
    by_content.map(|d| (d, DetectedBy::Content))
}

/// Map a document into the model for `dialect`.
pub fn build(input: &DocumentInput, dialect: Dialect) -> DocumentModel {
    match dialect {
        Dialect::Kubernetes => kubernetes::build(input),
        Dialect::Hkube => hkube::build(input),
        Dialect::Kubevela => kubevela::build(input),
        Dialect::Calyptia => calyptia::build(input),
    }
}

/// ConfigMaps and Secrets defined anywhere in the file, for cross-document references.
pub fn file_index(tree: &Tree, models: &[DocumentModel]) -> FileIndex {
    kubernetes::file_index(tree, models)
}

/// A JSON `$schema` key naming one of our schemas.
fn schema_key_dialect(tree: &Tree, root: NodeId) -> Option<Dialect> {
    let url = tree.get_str(root, "$schema")?;
    let file = url.rsplit('/').next().unwrap_or(url);
    match file {
        "hkube-algorithm.json" => Some(Dialect::Hkube),
        "calyptia-sidecar.json" => Some(Dialect::Calyptia),
        "kubevela-sidecar-trait.json" => Some(Dialect::Kubevela),
        _ if url.contains("/kubernetes/v1.") => Some(Dialect::Kubernetes),
        _ => None,
    }
}
