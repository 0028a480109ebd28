//! The pod each platform would run: one renderer per dialect turns the model of an analysed
//! document into typed `k8s-openapi` objects, each with a [`Header`] saying what was filled in,
//! assumed or left out (research: `../shared/research/*.md`, cited per fact).
//!
//! [`render`] renders whole documents (the CLI's `sidecar-lsp render`), [`render_at`] the workload
//! under the cursor (the editor's "Preview rendered Pod"), and [`targets`] lists what can be
//! rendered (for code lenses). Like the rest of the core this does no I/O and re-parses nothing:
//! it reads the [`Analysis`] (tree and model) it is given.
//!
//! What the platform itself refuses or cannot produce blocks rendering (a syntax error, an HKube
//! API rejection, a KubeVela trait that fails to evaluate, a Calyptia CLI rule): the error carries
//! those diagnostics. What only Kubernetes rejects is rendered, so the user sees exactly what is
//! sent.

mod calyptia;
mod defaults;
pub mod header;
mod hkube;
mod kubernetes;
mod kubevela;
pub mod output;

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value as JsonValue;

use crate::analysis::Analysis;
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Dialect, Severity};
use crate::model::{Object, Workload};
use crate::rules::codes;
use crate::syntax::{NodeId, Tree};
use crate::text::Span;

pub use header::{Header, Section};
pub use output::{K8sObject, OutputFormat};

/// One rendered object.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedObject {
    /// The document it comes from.
    pub document: usize,
    /// The input's dialect.
    pub dialect: Dialect,
    /// Where the workload is written in the input (the object, component or spec).
    pub span: Span,
    /// What was filled in, assumed or left out.
    pub header: Header,
    /// The object, typed.
    pub object: K8sObject,
}

/// The objects rendered from a text, in document order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rendered {
    /// One per workload.
    pub objects: Vec<RenderedObject>,
}

impl Rendered {
    /// All objects as a YAML stream, each after its header comment.
    pub fn to_yaml(&self) -> String {
        output::yaml(&self.objects)
    }

    /// All objects as a JSON array of `{"header", "object"}`.
    pub fn to_json(&self) -> String {
        output::json(&self.objects)
    }

    /// The text in `format`.
    pub fn text(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Yaml => self.to_yaml(),
            OutputFormat::Json => self.to_json(),
        }
    }
}

/// Why nothing was rendered.
#[derive(Clone, Debug, PartialEq)]
pub enum RenderError {
    /// `document` is past the end of the stream.
    NoSuchDocument {
        /// The index asked for (0-based).
        index: usize,
        /// How many documents the text has.
        count: usize,
    },
    /// No recognised document runs a pod (a Service, a ConfigMap, an unrecognised file…).
    NothingToRender {
        /// What was found instead.
        reason: String,
    },
    /// Errors keep the platform from producing the pod.
    Blocked {
        /// The document.
        document: usize,
        /// One sentence: why the platform produces no pod.
        reason: String,
        /// The error diagnostics of the document that explain it.
        diagnostics: Vec<Diagnostic>,
    },
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::NoSuchDocument { index, count } => write!(
                f,
                "there is no document {index}: the text has {count} (numbered from 0)"
            ),
            RenderError::NothingToRender { reason } => write!(f, "nothing to render: {reason}"),
            RenderError::Blocked {
                document, reason, ..
            } => write!(f, "document {document} cannot be rendered: {reason}"),
        }
    }
}

impl std::error::Error for RenderError {}

impl RenderError {
    /// The error as YAML comment lines, for a preview pane: the reason, then each diagnostic
    /// with its 1-based line.
    pub fn to_comment(&self, analysis: &Analysis, text: &str) -> String {
        let mut out = format!("# Cannot render: {self}\n");
        if let RenderError::Blocked { diagnostics, .. } = self {
            for d in diagnostics {
                let line = analysis
                    .line_index
                    .line_col(text, d.span.start as usize, crate::text::ColumnUnit::Char)
                    .line
                    + 1;
                let message = d.message.replace(['\r', '\n'], " ");
                out.push_str(&format!("#   line {line}: {} {message}\n", d.code));
            }
        }
        out
    }
}

/// Something that can be rendered, for code lenses: one per workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The document.
    pub document: usize,
    /// Where the workload is written (the object, component or algorithm).
    pub span: Span,
    /// A short label (`Job for algorithm "x"`, `Deployment "web"`).
    pub label: String,
}

/// Render every workload of the text, or of one document (0-based). A document whose errors
/// keep its platform from producing a pod makes the whole call fail with those errors.
pub fn render(
    analysis: &Analysis,
    text: &str,
    document: Option<usize>,
    settings: &Settings,
) -> Result<Rendered, RenderError> {
    let count = analysis.documents.len();
    if let Some(index) = document
        && index >= count
    {
        return Err(RenderError::NoSuchDocument { index, count });
    }
    let mut rendered = Rendered::default();
    for object in &analysis.objects {
        if document.is_some_and(|d| d != object.document) {
            continue;
        }
        for workload in &object.workloads {
            rendered
                .objects
                .push(render_workload(analysis, text, settings, object, workload)?);
        }
    }
    if rendered.objects.is_empty() {
        return Err(nothing_to_render(analysis, document));
    }
    Ok(rendered)
}

/// Render the workload at byte `offset` (clamped): the component, sidecar or object under the
/// cursor; in a document with several workloads and the cursor on none, all of them.
pub fn render_at(
    analysis: &Analysis,
    text: &str,
    offset: usize,
    settings: &Settings,
) -> Result<Rendered, RenderError> {
    let offset = offset.min(text.len());
    let Some(document) = document_at(analysis, offset) else {
        return Err(RenderError::NothingToRender {
            reason: "the text has no document".into(),
        });
    };
    let tree = &analysis.syntax.tree;
    let candidates: Vec<(&Object, &Workload)> = analysis
        .objects
        .iter()
        .filter(|o| o.document == document)
        .flat_map(|o| o.workloads.iter().map(move |w| (o, w)))
        .collect();
    let under_cursor: Vec<(&Object, &Workload)> = candidates
        .iter()
        .copied()
        .filter(|(o, w)| workload_span(tree, o, w).touches(offset))
        .collect();
    // The innermost workload wins (a List item inside the List).
    let chosen = match under_cursor
        .iter()
        .min_by_key(|(o, w)| workload_span(tree, o, w).len())
    {
        Some(&one) => vec![one],
        None => candidates,
    };
    let mut rendered = Rendered::default();
    for (object, workload) in chosen {
        rendered
            .objects
            .push(render_workload(analysis, text, settings, object, workload)?);
    }
    if rendered.objects.is_empty() {
        return Err(nothing_to_render(analysis, Some(document)));
    }
    Ok(rendered)
}

/// Every workload that can be asked for, with where it is written.
pub fn targets(analysis: &Analysis) -> Vec<Target> {
    let tree = &analysis.syntax.tree;
    analysis
        .objects
        .iter()
        .flat_map(|o| {
            o.workloads.iter().map(move |w| Target {
                document: o.document,
                span: workload_span(tree, o, w),
                label: target_label(o, w),
            })
        })
        .collect()
}

/// What renders from a workload, for lenses and messages.
fn target_label(object: &Object, workload: &Workload) -> String {
    let name = workload.name.as_deref().unwrap_or("");
    match object.dialect {
        Dialect::Hkube => format!("Job for algorithm \"{name}\""),
        Dialect::Kubevela => format!("pod of component \"{name}\""),
        Dialect::Calyptia => format!("pipeline pod with sidecar \"{name}\""),
        Dialect::Kubernetes => {
            format!("{} \"{name}\"", object.kind.as_deref().unwrap_or("object"))
        }
    }
}

/// The document holding `offset`.
fn document_at(analysis: &Analysis, offset: usize) -> Option<usize> {
    analysis
        .documents
        .iter()
        .rev()
        .find(|d| (d.span.start as usize) <= offset)
        .or_else(|| analysis.documents.first())
        .map(|d| d.index)
}

/// Where a workload is written: the whole object when it has one workload, else the workload's
/// own node (a KubeVela component).
fn workload_span(tree: &Tree, object: &Object, workload: &Workload) -> Span {
    if object.workloads.len() == 1 {
        tree.span(object.root)
    } else {
        tree.span(workload.anchor)
    }
}

fn nothing_to_render(analysis: &Analysis, document: Option<usize>) -> RenderError {
    let docs: Vec<_> = analysis
        .documents
        .iter()
        .filter(|d| document.is_none_or(|i| i == d.index))
        .collect();
    let reason = if docs.iter().all(|d| d.dialect.is_none()) {
        "not an HKube algorithm, KubeVela Application with sidecar traits, Calyptia sidecar spec or Kubernetes workload".to_string()
    } else {
        match analysis
            .objects
            .iter()
            .find(|o| document.is_none_or(|i| i == o.document))
        {
            Some(o) if o.dialect == Dialect::Kubevela => {
                "no component has a sidecar trait".to_string()
            }
            Some(o) if o.dialect == Dialect::Kubernetes => format!(
                "a {} runs no pod (renderable kinds: {})",
                o.kind.as_deref().unwrap_or("document without a kind"),
                output::KINDS.join(", ")
            ),
            _ => "the document describes no pod".to_string(),
        }
    };
    RenderError::NothingToRender { reason }
}

/// What a renderer needs.
struct Context<'a> {
    analysis: &'a Analysis,
    tree: &'a Tree,
    settings: &'a Settings,
    document: usize,
}

impl Context<'_> {
    /// An error: the platform produces no pod, because of `reason`.
    fn blocked(&self, reason: impl Into<String>) -> RenderError {
        RenderError::Blocked {
            document: self.document,
            reason: reason.into(),
            diagnostics: self
                .analysis
                .diagnostics
                .iter()
                .filter(|d| d.document == self.document && d.severity == Severity::Error)
                .cloned()
                .collect(),
        }
    }

    /// The JSON of a node.
    fn json(&self, node: NodeId) -> JsonValue {
        crate::schema::instance::to_json(self.tree, node)
    }

    /// The top-level keys of `input` (not null) that `typed` does not have: fields the
    /// Kubernetes type does not know, which the API server drops or rejects.
    fn dropped_fields(&self, input: &JsonValue, typed: &impl serde::Serialize) -> Vec<String> {
        let output = serde_json::to_value(typed).unwrap_or(JsonValue::Null);
        input
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(key, value)| !value.is_null() && output.get(key.as_str()).is_none())
            .map(|(key, _)| key.clone())
            .collect()
    }

    /// Read a JSON value as a Kubernetes type; `what` names it for the error.
    fn typed<T: DeserializeOwned>(&self, value: JsonValue, what: &str) -> Result<T, RenderError> {
        serde_json::from_value(value)
            .map_err(|e| self.blocked(format!("{what} cannot be read as Kubernetes reads it: {e}")))
    }
}

fn render_workload(
    analysis: &Analysis,
    text: &str,
    settings: &Settings,
    object: &Object,
    workload: &Workload,
) -> Result<RenderedObject, RenderError> {
    let cx = Context {
        analysis,
        tree: &analysis.syntax.tree,
        settings,
        document: object.document,
    };
    check_blocking(&cx, object.dialect)?;
    let (mut header, rendered) = match object.dialect {
        Dialect::Hkube => hkube::render(&cx, object, workload)?,
        Dialect::Kubevela => kubevela::render(&cx, object, workload)?,
        Dialect::Calyptia => calyptia::render(&cx, object, workload)?,
        Dialect::Kubernetes => kubernetes::render(&cx, object, workload)?,
    };
    let span = workload_span(cx.tree, object, workload);
    header.line = Some(
        analysis
            .line_index
            .line_col(text, span.start as usize, crate::text::ColumnUnit::Char)
            .line
            + 1,
    );
    Ok(RenderedObject {
        document: object.document,
        dialect: object.dialect,
        span,
        header,
        object: rendered,
    })
}

/// Errors that mean the platform never produces a pod, by dialect, with why.
fn blocking_reason(dialect: Dialect, code: &str) -> Option<&'static str> {
    let reason = match code {
        codes::SYNTAX_ERROR | codes::DUPLICATE_KEY => "the text does not parse",
        _ => match dialect {
            // hkube.md §1: the api-server rejects the algorithm; §2.10: the task-executor throws.
            Dialect::Hkube => match code {
                codes::HKUBE_SIDECAR_NAMES | codes::HKUBE_SCHEMA | codes::HKUBE_ALGORITHM_NAME => {
                    "HKube's api-server rejects the algorithm"
                }
                codes::HKUBE_SIDECAR_WITHOUT_CONTAINER | codes::HKUBE_MEMORY_UNIT => {
                    "HKube's task-executor fails while creating the Job"
                }
                _ => return None,
            },
            // kubevela.md §4: admission rejects it, or the trait fails to render.
            Dialect::Kubevela => match code {
                codes::VELA_NAME_REQUIRED
                | codes::VELA_IMAGE_REQUIRED
                | codes::VELA_PROBE_FIELD
                | codes::VELA_TYPE_MISMATCH
                | codes::VELA_INCOMPLETE_VALUE => "KubeVela cannot evaluate the sidecar trait",
                _ => return None,
            },
            // calyptia.md §4.1: the documented CLI rules.
            Dialect::Calyptia => match code {
                codes::CALYPTIA_EXTENSION
                | codes::CALYPTIA_VOLUME_TYPE
                | codes::CALYPTIA_PROBE_PORT
                | codes::CALYPTIA_REQUIRED => "the Calyptia CLI rejects the spec",
                _ => return None,
            },
            Dialect::Kubernetes => return None,
        },
    };
    Some(reason)
}

/// Fail with the blocking errors of the document, if it has any.
fn check_blocking(cx: &Context, dialect: Dialect) -> Result<(), RenderError> {
    let blocking: Vec<Diagnostic> = cx
        .analysis
        .diagnostics
        .iter()
        .filter(|d| {
            d.document == cx.document
                && d.severity == Severity::Error
                && blocking_reason(dialect, d.code).is_some()
        })
        .cloned()
        .collect();
    match blocking.first() {
        None => Ok(()),
        Some(first) => Err(RenderError::Blocked {
            document: cx.document,
            reason: blocking_reason(dialect, first.code)
                .unwrap_or_default()
                .to_string(),
            diagnostics: blocking,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::strip_cursor;

    fn names(rendered: &Rendered) -> Vec<String> {
        rendered
            .objects
            .iter()
            .map(|o| {
                o.object.to_json()["metadata"]["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    const TWO_COMPONENTS: &str = "apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: {name: shop}
spec:
  components:
    - name: web
      type: webservice
      properties: {image: nginx:1.27}
      traits:
        - type: sidecar
          properties: {name: log, image: busybox:1.36}
    - name: jobs
      type: worker
      properties: {image: busybox:1.36}
      traits:
        - type: sidecar
          properties: {name: proxy$0, image: envoyproxy/envoy:v1.31.0}
";

    #[test]
    fn the_sidecar_under_the_cursor_renders_its_component_only() {
        let (text, offset) = strip_cursor(TWO_COMPONENTS);
        let settings = Settings::default();
        let analysis = crate::analyze(&text, Some("app.yaml"), &settings);
        let rendered = render_at(&analysis, &text, offset, &settings).unwrap();
        assert_eq!(names(&rendered), ["jobs"]);
        let yaml = rendered.to_yaml();
        assert!(
            yaml.starts_with("# KubeVela: the Deployment component \"jobs\""),
            "{yaml}"
        );
        assert!(
            yaml.contains("  - image: envoyproxy/envoy:v1.31.0\n        name: proxy\n"),
            "{yaml}"
        );
    }

    #[test]
    fn a_cursor_outside_every_component_renders_all_of_them() {
        let (text, _) = strip_cursor(TWO_COMPONENTS);
        let settings = Settings::default();
        let analysis = crate::analyze(&text, Some("app.yaml"), &settings);
        let rendered = render_at(&analysis, &text, 0, &settings).unwrap();
        assert_eq!(names(&rendered), ["web", "jobs"]);
        assert_eq!(rendered.to_yaml().matches("\n---\n").count(), 1);
        // An offset past the end is clamped to the last document.
        let clamped = render_at(&analysis, &text, usize::MAX, &settings).unwrap();
        assert_eq!(clamped.objects.len(), 2);
    }

    #[test]
    fn targets_name_each_workload_where_it_is_written() {
        let (text, _) = strip_cursor(TWO_COMPONENTS);
        let analysis = crate::analyze(&text, Some("app.yaml"), &Settings::default());
        let found: Vec<(String, &str)> = targets(&analysis)
            .into_iter()
            .map(|t| (t.label, &text[t.span.range()]))
            .collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "pod of component \"web\"");
        assert!(found[1].1.starts_with("name: jobs"), "{:?}", found[1].1);
    }

    #[test]
    fn a_platform_rejection_blocks_with_its_diagnostics() {
        let text = r#"{"algorithmImage": "x/y:1", "sideCars": [{"container": {"name": "c", "image": "r:1"}}]}"#;
        let settings = Settings::default();
        let analysis = crate::analyze(text, Some("algo.json"), &settings);
        match render(&analysis, text, None, &settings) {
            Err(RenderError::Blocked {
                reason,
                diagnostics,
                ..
            }) => {
                assert_eq!(reason, "HKube's api-server rejects the algorithm");
                assert_eq!(diagnostics[0].code, codes::HKUBE_ALGORITHM_NAME);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_blocked_preview_explains_itself_in_comments() {
        let text = "{\n  \"algorithmImage\": \"x/y:1\",\n  \"sideCars\": []\n}\n";
        let settings = Settings::default();
        let analysis = crate::analyze(text, Some("algo.json"), &settings);
        let err = render_at(&analysis, text, 5, &settings).unwrap_err();
        assert_eq!(
            err.to_comment(&analysis, text),
            "# Cannot render: document 0 cannot be rendered: HKube's api-server rejects the algorithm\n#   line 2: H303 algorithm should have required property \"name\"\n"
        );
    }

    #[test]
    fn a_kubernetes_only_error_still_renders() {
        // The mount names no volume: Kubernetes rejects it, and the preview shows why.
        let text = r#"{"name": "a", "algorithmImage": "x/y:1", "sideCars": [{"container": {"name": "c", "image": "r:1"}, "volumeMounts": [{"name": "nope", "mountPath": "/x"}]}]}"#;
        let settings = Settings::default();
        let analysis = crate::analyze(text, Some("algo.json"), &settings);
        assert!(
            analysis
                .diagnostics
                .iter()
                .any(|d| d.code == codes::VOLUME_MOUNT_NOT_FOUND)
        );
        let rendered = render(&analysis, text, None, &settings).unwrap();
        assert!(
            rendered
                .to_yaml()
                .contains("- mountPath: /x\n          name: nope\n")
        );
    }

    #[test]
    fn a_merge_conflict_fails_as_kubevela_does() {
        let text = "apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: {name: a}
spec:
  components:
    - name: web
      type: worker
      properties: {image: nginx:1.27}
      traits:
        - type: sidecar
          properties: {name: web, image: busybox:1.36}
";
        let settings = Settings::default();
        let analysis = crate::analyze(text, Some("app.yaml"), &settings);
        let err = render(&analysis, text, None, &settings).unwrap_err();
        assert_eq!(
            err.to_string(),
            "document 0 cannot be rendered: invalid patch trait sidecar into workload: spec.template.spec.containers.image: conflicting values \"busybox:1.36\" and \"nginx:1.27\" (kubevela.md §2.1)"
        );
    }

    #[test]
    fn a_cron_task_sidecar_never_reaches_the_pod() {
        let text = "apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: {name: a}
spec:
  components:
    - name: nightly
      type: cron-task
      properties: {image: busybox:1.36, schedule: '0 1 * * *'}
      traits:
        - type: sidecar
          properties: {name: log, image: busybox:1.36}
";
        let settings = Settings::default();
        let analysis = crate::analyze(text, Some("app.yaml"), &settings);
        let err = render(&analysis, text, None, &settings).unwrap_err();
        assert!(err.to_string().contains("never reaches the pod"), "{err}");
    }

    #[test]
    fn documents_are_checked_and_numbered_from_0() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx:1.27}]\n";
        let settings = Settings::default();
        let analysis = crate::analyze(text, Some("s.yaml"), &settings);
        assert_eq!(
            render(&analysis, text, Some(2), &settings),
            Err(RenderError::NoSuchDocument { index: 2, count: 2 })
        );
        assert!(matches!(
            render(&analysis, text, Some(0), &settings),
            Err(RenderError::NothingToRender { .. })
        ));
        let pod = render(&analysis, text, Some(1), &settings).unwrap();
        assert_eq!(names(&pod), ["p"]);
        assert!(pod.to_yaml().contains("# Source: line 5\n"));
    }

    #[test]
    fn half_typed_text_never_panics() {
        let settings = Settings::default();
        for text in [
            "",
            "{",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: \"ngi",
            r#"{"name": "a", "sideCars": [{"container": {"name": 1, "image": []}}]}"#,
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nspec:\n  components:\n    - traits: [{type: sidecar, properties: {name: x, image: y, cmd: 5}}]\n",
        ] {
            let analysis = crate::analyze(text, Some("t.yaml"), &settings);
            for offset in [0, text.len() / 2, text.len(), text.len() + 10] {
                let _ = render_at(&analysis, text, offset, &settings);
            }
            let _ = render(&analysis, text, None, &settings);
        }
    }
}
