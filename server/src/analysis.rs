//! The one road: text → syntax tree → dialect model → schema and rule checks → diagnostics.
//!
//! [`analyze`] is pure: text and settings in, plain data out. The LSP, `lint` and `render` all call
//! it; none of them re-parses or re-implements a step.

use std::collections::HashSet;

use rayon::prelude::*;

use crate::config::{RuleLevel, Settings};
use crate::diagnostic::{Diagnostic, Dialect, Severity};
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
    /// What the analysis of an edited version of the text may take over from this one.
    pub(crate) reusable: syntax::Reusable,
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

/// Texts at least this long run their independent steps on the rayon pool: documents, schema
/// targets and rules (the parser cuts long YAML streams itself). Shorter ones are done before
/// the hand-off to other threads would pay.
const PARALLEL_MIN_LEN: usize = 64 * 1024;

/// Analyse `text` (read from `path`, if known) under `settings`.
pub fn analyze(text: &str, path: Option<&str>, settings: &Settings) -> Analysis {
    analyze_with(text, path, settings, in_parallel(text), None)
}

/// [`analyze`] `text`, an edited version of `before`, whose analysis was `previous`: the parts of
/// a long YAML stream whose bytes are unchanged are not read again. The result is exactly what
/// [`analyze`] gives.
pub fn analyze_edited(
    text: &str,
    path: Option<&str>,
    settings: &Settings,
    before: &str,
    previous: &Analysis,
) -> Analysis {
    let previous = syntax::Previous {
        text: before,
        tree: &previous.syntax.tree,
        reusable: &previous.reusable,
    };
    analyze_with(text, path, settings, in_parallel(text), Some(previous))
}

/// Whether `text` is long enough for its independent steps to go to the rayon pool.
fn in_parallel(text: &str) -> bool {
    text.len() >= PARALLEL_MIN_LEN && rayon::current_num_threads() > 1
}

/// [`analyze`], with the independent steps on the rayon pool or not. Every parallel step
/// collects its results in the order of the sequential loop, so the result is the same.
fn analyze_with(
    text: &str,
    path: Option<&str>,
    settings: &Settings,
    parallel: bool,
    previous: Option<syntax::Previous>,
) -> Analysis {
    let format = Format::detect(path, text);
    let ((syntax, reusable), line_index) = if parallel {
        rayon::join(
            || syntax::parse_reusing(text, format, previous),
            || LineIndex::new(text),
        )
    } else {
        (
            syntax::parse_reusing(text, format, previous),
            LineIndex::new(text),
        )
    };
    let directives = directives::parse(&syntax.comments, text, &line_index);
    let forced = settings.dialect_for(path);

    // Documents → dialects → models.
    let (documents, models): (Vec<DocumentInfo>, Vec<DocumentModel>) =
        map_in_order(parallel, &syntax.documents, |index, doc| {
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
                    format,
                    settings,
                };
                let modeline =
                    directives.dialect_for(doc.span.start as usize, doc.span.end as usize);
                if let Some((dialect, by)) = dialect::detect(&input, forced, modeline) {
                    info.dialect = Some(dialect);
                    info.detected_by = Some(by);
                    model = dialect::build(&input, dialect);
                }
            }
            (info, model)
        })
        .into_iter()
        .unzip();

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

    // Schema validation: the model's own findings, then each target's, document by document.
    let checked: Vec<(&DocumentModel, &DocumentInfo, Dialect)> = models
        .iter()
        .zip(&documents)
        .filter_map(|(model, info)| Some((model, info, info.dialect?)))
        .collect();
    let found = map_in_order(parallel, &checked, |_, &(model, info, dialect)| {
        let mut found = model.diagnostics.clone();
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
            found.extend(schema::report::report(&cx, &errors));
        }
        found
    });
    diagnostics.extend(found.into_iter().flatten());

    // Rules, in registry order.
    let file_index = dialect::file_index(&syntax.tree, &models);
    let objects: Vec<Object> = models.into_iter().flat_map(|m| m.objects).collect();
    let rules: Vec<_> = registry::all()
        .iter()
        .filter_map(|rule| Some((rule.check?, &rule.meta)))
        .filter(|(_, meta)| settings.rule_level(meta.code) != Some(RuleLevel::Off))
        .filter(|(_, meta)| objects.iter().any(|o| meta.applies_to(o.dialect)))
        .collect();
    let found = map_in_order(parallel, &rules, |_, &(check, meta)| {
        let mut cx = Context::new(
            text,
            &syntax.tree,
            settings,
            path,
            &objects,
            &file_index,
            meta,
        );
        check(&mut cx);
        cx.into_diagnostics()
    });
    diagnostics.extend(found.into_iter().flatten());

    let diagnostics = finish(diagnostics, settings, &directives, &line_index, text);
    Analysis {
        format,
        syntax,
        line_index,
        documents,
        objects,
        file_index,
        diagnostics,
        reusable,
    }
}

/// `f(index, item)` for every item, in order; on the rayon pool when `parallel`.
fn map_in_order<T: Sync, R: Send>(
    parallel: bool,
    items: &[T],
    f: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    if parallel {
        items
            .par_iter()
            .enumerate()
            .map(|(i, item)| f(i, item))
            .collect()
    } else {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| f(i, item))
            .collect()
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
    // A rule's precise *error* at exactly the same place replaces the schema's generic one (both
    // describe the same value); anything else, warnings included, leaves it alone.
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
        let precise: HashSet<Span> = diagnostics
            .iter()
            .filter(|d| !generic(d.code) && d.severity == Severity::Error)
            .map(|d| d.span)
            .collect();
        diagnostics.retain(|d| !generic(d.code) || !precise.contains(&d.span));
    }
    // Every span on character boundaries, inside the text.
    for d in &mut diagnostics {
        let start = crate::text::floor_char_boundary(text, d.span.start as usize);
        let end = crate::text::floor_char_boundary(text, d.span.end as usize).max(start);
        d.span = Span::new(start, end);
    }
    // Stable: findings at one place keep the order their rule reported them in (the API's order).
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end, d.code));
    let mut seen = HashSet::new();
    diagnostics.retain(|d| seen.insert((d.span, d.code, d.message.clone())));
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

    /// Every sample file, and long streams made of them, analyse the same with the independent
    /// steps on the rayon pool as one after the other.
    #[test]
    fn parallel_steps_give_the_sequential_analysis() {
        let mut settings = Settings::default();
        let files = syntax::sample_files(&["yaml", "yml", "json"]);
        assert!(files.len() > 20, "found only {files:?}");
        let mut stream = String::new();
        for file in &files {
            let text = std::fs::read_to_string(file).expect("read a sample file");
            let path = file.to_str();
            for unrecognised in [false, true] {
                settings.report_unrecognised = unrecognised;
                let sequential = format!("{:?}", analyze_with(&text, path, &settings, false, None));
                let parallel = format!("{:?}", analyze_with(&text, path, &settings, true, None));
                assert!(sequential == parallel, "{}", file.display());
            }
            if Format::detect(path, &text) == Format::Yaml {
                stream.push_str(text.trim_end());
                stream.push_str("\n---\n");
            }
        }
        settings.report_unrecognised = false;
        let long = stream.repeat((PARALLEL_MIN_LEN / stream.len()).max(1) + 1);
        assert!(long.len() >= PARALLEL_MIN_LEN);
        let sequential = analyze_with(&long, Some("all.yaml"), &settings, false, None);
        assert!(sequential.diagnostics.len() > 100 && sequential.objects.len() > 100);
        let parallel = analyze(&long, Some("all.yaml"), &settings);
        assert_eq!(format!("{sequential:?}"), format!("{parallel:?}"));
    }

    /// A long stream edited here and there, each version analysed taking over from the one
    /// before, analyses exactly as when read afresh.
    #[test]
    fn an_edited_long_stream_analyses_as_if_read_afresh() {
        let settings = Settings::default();
        let mut stream = String::new();
        for file in syntax::sample_files(&["yaml", "yml"]) {
            let text = std::fs::read_to_string(&file).expect("read a sample file");
            stream.push_str(text.trim_end());
            stream.push_str("\n---\n");
        }
        let mut text = stream.repeat((PARALLEL_MIN_LEN / stream.len()).max(1) + 1);
        let mut analysis = run(&text, "all.yaml");
        let edits = [
            "x",
            "\n",
            "name: extra\n",
            "\"",
            "---\n",
            "  - [\n",
            "é",
            "",
        ];
        for (i, insert) in edits.iter().cycle().take(24).enumerate() {
            let at = crate::text::floor_char_boundary(&text, text.len() * (i * 7 % 24) / 24);
            // Every third edit deletes a line instead.
            let edited = if i % 3 == 2 {
                let end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
                format!("{}{}", &text[..at], &text[end..])
            } else {
                format!("{}{insert}{}", &text[..at], &text[at..])
            };
            let taken_over = analyze_edited(&edited, Some("all.yaml"), &settings, &text, &analysis);
            let afresh = run(&edited, "all.yaml");
            assert_eq!(
                format!("{taken_over:?}"),
                format!("{afresh:?}"),
                "edit {i} at {at}"
            );
            (text, analysis) = (edited, taken_over);
        }
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

    /// A file, its text, the findings it must report (code, part of the message), and the codes
    /// it must not report.
    type Case<'a> = (&'a str, String, Vec<(&'a str, &'a str)>, Vec<&'a str>);

    /// Cases found in review.
    #[test]
    fn review_regressions() {
        let hk = |side_cars: &str| {
            format!(
                r#"{{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": {side_cars}}}"#
            )
        };
        let cases: Vec<Case> = vec![
            // A warning at the same place must not hide a schema error.
            ("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{image: nginx:1.27}]}\n".into(),
             vec![("S103", "spec.containers[0].name: Required value")], vec![]),
            // An empty httpGet.path is defaulted to "/".
            ("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    livenessProbe: {httpGet: {path: \"\", port: 80}}\n".into(),
             vec![], vec!["K111"]),
            // HKube does not check environments values; Kubernetes checks the valueFrom.
            ("a.json", hk(r#"[{"container": {"name": "c", "image": "r:1"}, "environments": {"F": {"foo": 1}, "N": 5}}]"#),
             vec![("K120", "environments.F")], vec!["H302"]),
            ("a.json", hk(r#"[{"container": {"name": "c", "image": "r:1"}, "environments": {"J": [1, 2]}}]"#),
             vec![("K120", "HKube turns an array")], vec!["H302"]),
            // One ajv message for a non-object container.
            ("a.json", hk(r#"[{"container": "redis"}]"#), vec![("H302", "container should be object")], vec![]),
            // ajv's uniqueItems indices.
            ("a.json", hk(r#"[{"container": {"name": "c", "image": "r:1"}}, {"container": {"name": "c", "image": "r:1"}}]"#),
             vec![("H302", "items ## 0 and 1 are identical")], vec!["H301"]),
            // ajv coerces names and images to strings.
            ("a.json", hk(r#"[{"container": {"name": 123, "image": true}}, {"container": {"name": "123", "image": "r:2"}}]"#),
             vec![("H301", "must be unique")], vec!["S102", "H302"]),
            // An empty or null algorithm name.
            ("a.json", r#"{"name": "", "algorithmImage": "x:1", "sideCars": []}"#.into(), vec![("H303", "")], vec![]),
            ("a.json", r#"{"name": null, "algorithmImage": "x:1", "sideCars": []}"#.into(), vec![("H303", "")], vec![]),
            // Hugepages and extended resources.
            ("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    resources:\n      limits: {hugepages-2Mi: 3Mi, nvidia.com/gpu: 1.5}\n      requests: {hugepages-2Mi: 3Mi}\n".into(),
             vec![("K121", "not positive integer multiple of hugepages-2Mi"), ("K121", "must be an integer"), ("K123", "HugePages require cpu or memory")], vec![]),
            // hostNetwork: templates too, regular containers only.
            ("ds.yaml", "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      hostNetwork: true\n      containers:\n      - name: a\n        image: nginx:1.27\n        ports: [{containerPort: 81, hostPort: 8081}]\n      initContainers:\n      - name: s\n        image: envoyproxy/envoy:v1.31.0\n        restartPolicy: Always\n        ports: [{containerPort: 90, hostPort: 9090}]\n".into(),
             vec![("K105", "containers[0].ports[0].hostPort: Invalid value: 8081: must match")], vec![]),
            // Bidirectional propagation needs privilege; subPathExpr shows its own value.
            ("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    volumeMounts:\n    - {name: v, mountPath: /v, mountPropagation: Bidirectional, subPath: x, subPathExpr: $(POD)}\n  volumes: [{name: v, emptyDir: {}}]\n".into(),
             vec![("K117", "Bidirectional mount propagation"), ("K117", "Invalid value: \"$(POD)\": subPathExpr and subPath")], vec![]),
            // A YAML file with just name and image is not a Calyptia spec.
            ("values.yaml", "name: s\nimage: nginx:1.27\n".into(), vec![], vec!["C501"]),
            // Upper-case .JSON is only a warning.
            ("PROXY.JSON", r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0"}"#.into(), vec![("C501", "not documented")], vec![]),
            // KubeVela env items pass through; CUE list notation; non-mapping properties.
            ("app.yaml", "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: a}\nspec:\n  components:\n  - name: c\n    type: worker\n    properties: {image: \"x:1\"}\n    traits:\n    - type: sidecar\n      properties: {name: s, image: \"y:1\", cmd: \"sleep 10\", env: [{name: B, extra: 1}]}\n    - type: sidecar\n      properties: \"x\"\n".into(),
             vec![("V404", "[...string] (mismatched types string and list)"), ("V404", "mismatched types string and struct")], vec!["V406", "V401"]),
            // List items that are not objects; a Pod without a spec.
            ("list.yaml", "apiVersion: v1\nkind: List\nitems: [1, {}]\n".into(), vec![("S107", "List item"), ("S107", "missing `apiVersion` and `kind`")], vec![]),
            ("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n".into(), vec![("K128", "spec.containers: Required value")], vec![]),
            // ReplicationController selectors; image whitespace in a template.
            ("rc.yaml", "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: r}\nspec:\n  selector: {app: rc}\n  template:\n    metadata: {labels: {app: other}}\n    spec:\n      containers: [{name: a, image: \"nginx:1.27 \"}]\n".into(),
             vec![("K132", "selector does not match template labels"), ("K104", "every Pod created from it is rejected")], vec![]),
            // A trait parameter file chosen by $schema.
            ("trait.json", r#"{"$schema": "https://x/kubevela-sidecar-trait.json", "name": "Bad_Name", "image": "y:1", "livenessProbe": {"grpc": {}}}"#.into(),
             vec![("K101", "Bad_Name"), ("V403", "field grpc not allowed")], vec!["V406"]),
            // .nan is a float (go-yaml), not a string.
            ("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    env: [{name: X, value: .NaN}]\n".into(),
             vec![("S102", "must be a string, not a number")], vec![]),
        ];
        let mut failures = Vec::new();
        for (file, text, expected, forbidden) in &cases {
            let a = run(text, file);
            let found: Vec<(&str, &str)> = a
                .diagnostics
                .iter()
                .map(|d| (d.code, d.message.as_str()))
                .collect();
            for (code, part) in expected {
                if !found.iter().any(|(c, m)| c == code && m.contains(part)) {
                    failures.push(format!(
                        "{file}: expected {code} containing {part:?}, got {found:#?}"
                    ));
                }
            }
            for code in forbidden {
                if found.iter().any(|(c, _)| c == code) {
                    failures.push(format!("{file}: must not report {code}, got {found:#?}"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }
}
