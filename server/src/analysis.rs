//! The one road: text → syntax tree → dialect model → schema and rule checks → diagnostics.
//!
//! [`analyze`] is pure: text and settings in, plain data out. The LSP, `lint` and `render` all call
//! it; none of them re-parses or re-implements a step.

use crate::config::{RuleLevel, Settings};
use crate::diagnostic::{Diagnostic, Dialect};
use crate::dialect::{self, DetectedBy, DocumentInput, DocumentModel};
use crate::directives::{self, Directives};
use crate::model::{FileIndex, Object};
use crate::rules::{Context, codes, registry};
use crate::schema::{self, report::ReportContext};
use crate::syntax::{self, Format, SyntaxErrorKind, SyntaxTree};
use crate::text::{LineIndex, Span};

/// What the analysis knows about one document of the stream.
#[derive(Clone, Debug)]
pub struct DocumentInfo {
    /// Index in the stream.
    pub index: usize,
    /// The document's span.
    pub span: Span,
    /// Its dialect, if it is a sidecar spec or Kubernetes object we check.
    pub dialect: Option<Dialect>,
    /// Why it got that dialect.
    pub detected_by: Option<DetectedBy>,
    /// Whether a syntax error cut it short.
    pub broken: bool,
}

/// Everything one analysis found.
#[derive(Debug)]
pub struct Analysis {
    /// The source format.
    pub format: Format,
    /// The syntax tree and syntax errors.
    pub syntax: SyntaxTree,
    /// Line starts, for position conversion at the edges.
    pub line_index: LineIndex,
    /// One entry per document.
    pub documents: Vec<DocumentInfo>,
    /// The model of every recognised document.
    pub objects: Vec<Object>,
    /// ConfigMaps and Secrets of the file.
    pub file_index: FileIndex,
    /// The findings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// The dialect of the document holding `offset`, if any.
    pub fn dialect_at(&self, offset: usize) -> Option<Dialect> {
        self.documents
            .iter()
            .rev()
            .find(|d| (d.span.start as usize) <= offset)
            .and_then(|d| d.dialect)
    }

    /// Whether any document is one we check.
    pub fn is_recognised(&self) -> bool {
        self.documents.iter().any(|d| d.dialect.is_some())
    }
}

/// Analyse `text` (read from `path`, if known) under `settings`.
pub fn analyze(text: &str, path: Option<&str>, settings: &Settings) -> Analysis {
    let format = Format::detect(path, text);
    let syntax = syntax::parse(text, format);
    let line_index = LineIndex::new(text);
    let directives = directives::parse(&syntax.comments, text, &line_index);
    let forced = settings.dialect_for(path);

    // Documents → dialects → models.
    let mut documents = Vec::with_capacity(syntax.documents.len());
    let mut models: Vec<DocumentModel> = Vec::with_capacity(syntax.documents.len());
    for (index, doc) in syntax.documents.iter().enumerate() {
        let mut info = DocumentInfo {
            index,
            span: doc.span,
            dialect: None,
            detected_by: None,
            broken: doc.broken,
        };
        let mut model = DocumentModel::default();
        if let Some(root) = doc.root {
            let input = DocumentInput {
                tree: &syntax.tree,
                root,
                document: index,
                path,
                settings,
            };
            let modeline = directives.dialect_for(doc.span.start as usize, doc.span.end as usize);
            if let Some((dialect, by)) = dialect::detect(&input, forced, modeline) {
                info.dialect = Some(dialect);
                info.detected_by = Some(by);
                model = dialect::build(&input, dialect);
            }
        }
        documents.push(info);
        models.push(model);
    }

    let mut diagnostics = Vec::new();
    syntax_diagnostics(
        &syntax,
        &documents,
        forced.or(settings.report_unrecognised.then_some(Dialect::Kubernetes)),
        &mut diagnostics,
    );
    if documents.iter().any(|d| d.dialect.is_some()) {
        diagnostics.extend(directives.diagnostics.iter().cloned());
    }

    // Schema validation.
    for (model, info) in models.iter().zip(&documents) {
        let Some(dialect) = info.dialect else {
            continue;
        };
        diagnostics.extend(model.diagnostics.iter().cloned());
        for target in &model.schema_targets {
            let errors = schema::validate(&syntax.tree, target.node, &target.schema);
            if errors.is_empty() {
                continue;
            }
            let cx = ReportContext {
                text,
                tree: &syntax.tree,
                dialect,
                document: info.index,
                target: target.node,
                object_root: target.object_root,
                schema: &target.schema,
                kube_version: settings.kube_version,
            };
            diagnostics.extend(schema::report::report(&cx, &errors));
        }
    }

    // Rules.
    let file_index = dialect::file_index(&syntax.tree, &models);
    let objects: Vec<Object> = models.into_iter().flat_map(|m| m.objects).collect();
    for rule in registry::all() {
        let Some(check) = rule.check else { continue };
        if settings.rule_level(rule.meta.code) == Some(RuleLevel::Off) {
            continue;
        }
        if !objects.iter().any(|o| rule.meta.applies_to(o.dialect)) {
            continue;
        }
        let mut cx = Context::new(
            text,
            &syntax.tree,
            settings,
            path,
            &objects,
            &file_index,
            &rule.meta,
        );
        check(&mut cx);
        diagnostics.extend(cx.into_diagnostics());
    }

    let diagnostics = finish(diagnostics, settings, &directives, &line_index, text);
    Analysis {
        format,
        syntax,
        line_index,
        documents,
        objects,
        file_index,
        diagnostics,
    }
}

/// Syntax errors and duplicate keys, for documents we check (a file that is none of our dialects
/// gets no diagnostics at all).
fn syntax_diagnostics(
    syntax: &SyntaxTree,
    documents: &[DocumentInfo],
    fallback: Option<Dialect>,
    out: &mut Vec<Diagnostic>,
) {
    // A file that is none of our dialects gets no diagnostics, unless `fallback` says whose it is.
    let Some(file_dialect) = documents.iter().find_map(|d| d.dialect).or(fallback) else {
        return;
    };
    for error in &syntax.errors {
        let doc = documents
            .iter()
            .rev()
            .find(|d| d.span.start <= error.span.start)
            .or_else(|| documents.first());
        let (code, related) = match &error.kind {
            SyntaxErrorKind::DuplicateKey { first } => (codes::DUPLICATE_KEY, Some(*first)),
            _ => (codes::SYNTAX_ERROR, None),
        };
        let mut d = Diagnostic::new(
            code,
            registry::meta(code).severity,
            error.span,
            error.message.clone(),
        );
        d.document = doc.map_or(0, |d| d.index);
        d.dialect = Some(doc.and_then(|d| d.dialect).unwrap_or(file_dialect));
        if let Some(first) = related {
            d.add_related(first, "the first occurrence of this key");
        }
        out.push(d);
    }
}

/// Apply configured severities and inline suppressions, report each problem once, and sort.
fn finish(
    mut diagnostics: Vec<Diagnostic>,
    settings: &Settings,
    directives: &Directives,
    index: &LineIndex,
    text: &str,
) -> Vec<Diagnostic> {
    // Configured severities.
    diagnostics.retain_mut(|d| match settings.rule_level(d.code) {
        Some(RuleLevel::Off) => false,
        Some(RuleLevel::Severity(s)) => {
            d.severity = s;
            true
        }
        None => true,
    });
    // Inline suppressions.
    if !directives.suppressions.is_empty() {
        diagnostics.retain(|d| {
            let line = index.line_of(d.span.start as usize);
            !directives.suppressed(d.code, line)
        });
    }
    // A rule's precise finding wins over the schema's generic one at the same place.
    let generic = |code: &str| {
        matches!(
            code,
            codes::UNKNOWN_FIELD
                | codes::WRONG_TYPE
                | codes::REQUIRED_FIELD
                | codes::UNSUPPORTED_VALUE
                | codes::INVALID_VALUE
        )
    };
    if diagnostics.iter().any(|d| generic(d.code)) {
        // Spans of precise findings, as (start, end) with empty spans widened to one byte.
        let mut specific: Vec<(u32, u32)> = diagnostics
            .iter()
            .filter(|d| !generic(d.code))
            .map(|d| (d.span.start, d.span.end.max(d.span.start + 1)))
            .collect();
        specific.sort_unstable();
        // The furthest end among spans starting at or before each index.
        let mut reach = Vec::with_capacity(specific.len());
        let mut furthest = 0;
        for &(_, end) in &specific {
            furthest = furthest.max(end);
            reach.push(furthest);
        }
        diagnostics.retain(|d| {
            if !generic(d.code) {
                return true;
            }
            let (start, end) = (d.span.start, d.span.end.max(d.span.start + 1));
            // Precise spans starting before `end`; one of them overlaps if it reaches past `start`.
            let before_end = specific.partition_point(|&(s, _)| s < end);
            before_end == 0 || reach[before_end - 1] <= start
        });
    }
    // Every span on character boundaries, inside the text.
    for d in &mut diagnostics {
        let start = crate::text::floor_char_boundary(text, d.span.start as usize);
        let end = crate::text::floor_char_boundary(text, d.span.end as usize).max(start);
        d.span = Span::new(start, end);
    }
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code, &a.message).cmp(&(
            b.span.start,
            b.span.end,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup_by(|a, b| a.span == b.span && a.code == b.code && a.message == b.message);
    diagnostics
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config;

    fn codes(a: &Analysis) -> Vec<&'static str> {
        a.diagnostics.iter().map(|d| d.code).collect()
    }

    fn run(text: &str, path: &str) -> Analysis {
        analyze(text, Some(path), &Settings::default())
    }

    #[test]
    fn a_schema_key_chooses_the_dialect() {
        let text = r#"{"$schema": "https://example.com/schemas/calyptia-sidecar.json", "name": "p", "image": "envoyproxy/envoy:v1.31.0", "volumes": [{"name": "v", "emptyDir": {}}], "extra": {"a": 1, "b": 2}}"#;
        let a = run(text, "spec.json");
        assert_eq!(a.documents[0].dialect, Some(Dialect::Calyptia));
        assert_eq!(a.documents[0].detected_by, Some(DetectedBy::SchemaKey));
        assert!(codes(&a).contains(&"C502"));
        assert!(
            !a.diagnostics.iter().any(|d| d.message.contains("$schema")),
            "the $schema key is not an unknown field"
        );
    }

    #[test]
    fn config_globs_choose_the_dialect() {
        let mut settings = Settings::default();
        config::apply(
            Path::new("/repo/sidecar-lsp.toml"),
            "[dialects]\nhkube = [\"algorithms/*.json\"]\n",
            &mut settings,
        )
        .unwrap();
        let text =
            r#"{"name": "a", "extra": [{"container": {"name": "x", "image": "redis:7.2"}}]}"#;
        let a = analyze(text, Some("/repo/algorithms/a.json"), &settings);
        assert_eq!(a.documents[0].dialect, Some(Dialect::Hkube));
        let b = analyze(text, Some("/repo/elsewhere/a.json"), &settings);
        assert_eq!(b.documents[0].dialect, None);
        assert!(
            b.diagnostics.is_empty(),
            "an unrecognised file gets no findings"
        );
    }

    #[test]
    fn unrecognised_yaml_gets_nothing_custom_resources_are_skipped() {
        assert!(
            run("name: x\nitems: [1, 2]\n", "values.yaml")
                .diagnostics
                .is_empty()
        );
        let vs = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: x\nspec:\n  anything: [1]\n";
        let a = run(vs, "vs.yaml");
        assert!(a.diagnostics.is_empty() && !a.is_recognised());
    }

    #[test]
    fn list_items_are_checked_one_by_one() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: ok}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: web}\n  spec:\n    containers:\n    - name: Bad_Name\n      image: nginx:1.27\n";
        let a = run(text, "list.yaml");
        let k101 = a
            .diagnostics
            .iter()
            .find(|d| d.code == "K101")
            .expect("K101 in the second item");
        assert!(
            k101.message.starts_with("spec.containers[0].name:"),
            "paths are relative to the item: {}",
            k101.message
        );
    }

    #[test]
    fn broken_json_is_still_checked_outside_the_broken_region() {
        // A missing comma in `metadata`; the probe below still gets its diagnostic.
        let text = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web" "labels": {}},
 "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
   "livenessProbe": {"tcpSocket": {"port": 80}, "successThreshold": 2}}]}}"#;
        let a = run(text, "pod.json");
        let found = codes(&a);
        assert!(found.contains(&"S001"), "{found:?}");
        assert!(found.contains(&"K110"), "{found:?}");
    }

    #[test]
    fn a_broken_yaml_document_does_not_hide_the_others() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: A\n      image: nginx:1.27\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: c\nspec:\n  containers:\n    - name: C\n      image: nginx:1.27\n";
        let a = run(text, "pods.yaml");
        let k101: Vec<usize> = a
            .diagnostics
            .iter()
            .filter(|d| d.code == "K101")
            .map(|d| d.document)
            .collect();
        assert_eq!(k101, [0, 2]);
        assert!(
            a.diagnostics
                .iter()
                .any(|d| d.code == "S001" && d.document == 1)
        );
    }

    #[test]
    fn a_half_typed_document_still_gets_diagnostics_but_no_false_absences() {
        // The user is typing a new key under the container; the image line is fine, the rest of
        // the container is not there yet.
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: Web\n      image: \"nginx:1.27\n      imagePu";
        let a = run(text, "pod.yaml");
        let found = codes(&a);
        assert!(found.contains(&"S001"), "{found:?}");
        assert!(
            found.contains(&"K101"),
            "present problems are still reported: {found:?}"
        );
        assert!(
            !found.contains(&"K103") && !found.contains(&"S103"),
            "no absence reported in a cut region: {found:?}"
        );
    }

    #[test]
    fn yaml_1_1_booleans_are_explained() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: DEBUG\n          value: on\n";
        let a = run(text, "pod.yaml");
        let d = a
            .diagnostics
            .iter()
            .find(|d| d.code == "S102")
            .expect("a type error");
        assert!(
            d.message.contains("unquoted on as a boolean"),
            "{}",
            d.message
        );
        assert_eq!(&text[d.span.range()], "on");
    }

    #[test]
    fn severities_and_suppressions_from_settings() {
        let mut settings = Settings::default();
        config::apply(
            Path::new("/x/sidecar-lsp.toml"),
            "[rules]\nB601 = \"off\"\nB602 = \"hint\"\n",
            &mut settings,
        )
        .unwrap();
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx\n";
        let a = analyze(text, Some("pod.yaml"), &settings);
        assert!(!codes(&a).contains(&"B601"));
        let b602 = a.diagnostics.iter().find(|d| d.code == "B602").unwrap();
        assert_eq!(b602.severity, crate::diagnostic::Severity::Hint);
    }

    #[test]
    fn every_span_is_inside_the_text_on_char_boundaries() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: wéb😀\nspec:\n  containers:\n    - name: 名前\n      image: \"ngi😀nx \"\n      ports:\n        - containerPort: 0\n";
        let a = run(text, "pod.yaml");
        assert!(!a.diagnostics.is_empty());
        for d in &a.diagnostics {
            assert!(d.span.end as usize <= text.len());
            assert!(
                text.is_char_boundary(d.span.start as usize)
                    && text.is_char_boundary(d.span.end as usize)
            );
        }
    }
}
