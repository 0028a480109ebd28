//! Code actions: quick fixes for the diagnostics in a range, and refactors of the sidecar under
//! the cursor.
//!
//! Each fix is built from the diagnostic the core actually reported (its code, span and, where the
//! rule words a suggestion, its message) and the model; the edits are written in the document's
//! own style by [`layout`]. Nothing is re-analysed: an action costs a few tree lookups.

mod fixes;
pub(crate) mod layout;
mod native;
mod volumes;

use crate::Analysis;
use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::ide::TextEdit;
use crate::model::{Container, Object, Workload};
use crate::syntax::{NodeId, Tree};
use crate::text::Span;
use layout::Layout;

/// What an action does, for the editor's menus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeActionKind {
    /// Fixes one or more diagnostics.
    QuickFix,
    /// Rewrites code without changing what it means to the user's intent (e.g. classic →
    /// native sidecar).
    RefactorRewrite,
}

/// A diagnostic an action fixes, so the editor can attach the one it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FixedDiagnostic {
    /// The rule code, e.g. `K115`.
    pub code: &'static str,
    /// The diagnostic's span.
    pub span: Span,
}

impl FixedDiagnostic {
    fn of(d: &Diagnostic) -> Self {
        FixedDiagnostic {
            code: d.code,
            span: d.span,
        }
    }
}

/// One code action: a title and the edits that carry it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    /// What the editor shows.
    pub title: String,
    /// Quick fix or refactor.
    pub kind: CodeActionKind,
    /// The diagnostics it fixes (empty for a refactor).
    pub diagnostics: Vec<FixedDiagnostic>,
    /// The edits, non-overlapping, in document byte offsets.
    pub edits: Vec<TextEdit>,
    /// Whether this is the fix to apply when the editor applies "the" fix.
    pub preferred: bool,
}

/// The actions available for `range` of `text` (the text `analysis` was made from): quick fixes
/// for every diagnostic touching the range, then refactors of the containers it touches.
pub fn code_actions(
    analysis: &Analysis,
    text: &str,
    range: Span,
    settings: &Settings,
) -> Vec<CodeAction> {
    let range = clamp(range, text.len());
    let cx = Cx::new(analysis, text, settings);
    let mut actions = Vec::new();
    for d in analysis
        .diagnostics
        .iter()
        .filter(|d| touches(d.span, range))
    {
        actions.extend(fixes::for_diagnostic(&cx, d));
    }
    native::refactors(&cx, range, &mut actions);
    actions
}

fn clamp(range: Span, len: usize) -> Span {
    let start = (range.start as usize).min(len);
    Span::new(start, (range.end as usize).min(len))
}

/// Whether a diagnostic's span and the requested range meet (a cursor touching its ends counts).
fn touches(span: Span, range: Span) -> bool {
    if range.is_empty() || span.is_empty() {
        span.start <= range.end && range.start <= span.end
    } else {
        span.start < range.end && range.start < span.end
    }
}

/// What every fix needs.
pub(super) struct Cx<'a> {
    pub analysis: &'a Analysis,
    pub text: &'a str,
    pub tree: &'a Tree,
    pub settings: &'a Settings,
    pub layout: Layout<'a>,
}

/// A container with the object and pod it belongs to.
pub(super) struct Found<'a> {
    pub object: &'a Object,
    pub workload: &'a Workload,
    pub container: &'a Container,
}

impl<'a> Cx<'a> {
    fn new(analysis: &'a Analysis, text: &'a str, settings: &'a Settings) -> Self {
        let tree = &analysis.syntax.tree;
        Cx {
            analysis,
            text,
            tree,
            settings,
            layout: Layout::new(text, tree, analysis.format),
        }
    }

    /// Every container of every pod whose object meets `range`.
    fn containers_near(&self, range: Span) -> impl Iterator<Item = Found<'a>> + 'a {
        let tree = self.tree;
        self.analysis
            .objects
            .iter()
            .filter(move |o| touches(tree.span(o.root), range))
            .flat_map(|object| {
                object.workloads.iter().flat_map(move |workload| {
                    workload.containers.iter().map(move |container| Found {
                        object,
                        workload,
                        container,
                    })
                })
            })
    }

    /// The container a diagnostic points at: by its `name` value, else its first key, else the
    /// whole container.
    pub(super) fn container_at(&self, span: Span) -> Option<Found<'a>> {
        let tree = self.tree;
        self.containers_near(Span::at(span.start as usize))
            .find(|f| {
                let c = f.container;
                let Some(node) = c.node else { return false };
                c.field(tree, "name").is_some_and(|n| tree.span(n) == span)
                    || tree
                        .entries(node)
                        .and_then(|e| e.first())
                        .is_some_and(|e| e.key_span == span)
                    || tree.span(node) == span
            })
    }

    /// The root of the document holding a diagnostic.
    fn document_root(&self, d: &Diagnostic) -> Option<NodeId> {
        self.analysis.syntax.documents.get(d.document)?.root
    }

    /// The deepest node whose span is exactly the diagnostic's, in its document.
    pub(super) fn value_at(&self, d: &Diagnostic) -> Option<NodeId> {
        let mut node = self.document_root(d)?;
        for _ in 0..crate::syntax::MAX_DEPTH + 2 {
            match self.child_containing(node, d.span) {
                Some(child) => node = child,
                None => break,
            }
        }
        (self.tree.span(node) == d.span).then_some(node)
    }

    /// The object and entry whose key span is exactly `span`.
    pub(super) fn entry_at(&self, d: &Diagnostic) -> Option<(NodeId, usize)> {
        let mut node = self.document_root(d)?;
        let target = d.span;
        for _ in 0..crate::syntax::MAX_DEPTH + 2 {
            if let Some(i) = self
                .tree
                .entries(node)
                .and_then(|es| es.iter().position(|e| e.key_span == target))
            {
                return Some((node, i));
            }
            node = self.child_containing(node, target)?;
        }
        None
    }

    fn child_containing(&self, node: NodeId, target: Span) -> Option<NodeId> {
        let inside = |n: NodeId| {
            let s = self.tree.span(n);
            s.start <= target.start && target.end <= s.end
        };
        match self.tree.value(node) {
            crate::syntax::Value::Object(entries) => {
                entries.iter().map(|e| e.value).find(|&v| inside(v))
            }
            crate::syntax::Value::Array(items) => items.iter().copied().find(|&i| inside(i)),
            _ => None,
        }
    }
}

/// A quick fix for `d` made of `edits`.
fn quick_fix(d: &Diagnostic, title: String, edits: Vec<TextEdit>, preferred: bool) -> CodeAction {
    CodeAction {
        title,
        kind: CodeActionKind::QuickFix,
        diagnostics: vec![FixedDiagnostic::of(d)],
        edits,
        preferred,
    }
}

#[cfg(test)]
pub(super) mod test_support {
    //! Fixtures for action tests: analyse, pick the action, apply it, analyse again.

    use super::*;
    use crate::analyze;
    use crate::ide::apply_edits;

    /// Analyse `text` (with `$0` marking the cursor), and return the actions at the cursor.
    pub fn actions_at(
        text_with_cursor: &str,
        path: &str,
        settings: &Settings,
    ) -> (String, Vec<CodeAction>) {
        let offset = text_with_cursor.find("$0").expect("a $0 cursor");
        let text = text_with_cursor.replace("$0", "");
        let analysis = analyze(&text, Some(path), settings);
        let actions = code_actions(&analysis, &text, Span::at(offset), settings);
        (text, actions)
    }

    /// Apply the action titled like `title` (a prefix), check the fixed text is `expected`, and
    /// that analysing it again no longer reports `code`.
    pub fn check_fix(text_with_cursor: &str, path: &str, code: &str, title: &str, expected: &str) {
        check_fix_with(
            text_with_cursor,
            path,
            code,
            title,
            expected,
            &Settings::default(),
        );
    }

    /// [`check_fix`] under `settings`.
    pub fn check_fix_with(
        text_with_cursor: &str,
        path: &str,
        code: &str,
        title: &str,
        expected: &str,
        settings: &Settings,
    ) {
        let (text, actions) = actions_at(text_with_cursor, path, settings);
        let before = analyze(&text, Some(path), settings);
        assert!(
            before.diagnostics.iter().any(|d| d.code == code),
            "the fixture should report {code}: {:#?}",
            before.diagnostics
        );
        let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
        let action = actions
            .iter()
            .find(|a| a.title.starts_with(title))
            .unwrap_or_else(|| panic!("no action titled {title:?}; got {titles:?}"));
        if action.kind == CodeActionKind::QuickFix {
            assert!(
                action.diagnostics.iter().any(|f| f.code == code),
                "the fix should name {code}"
            );
        }
        let fixed = apply_edits(&text, &action.edits);
        assert_eq!(fixed, expected, "fixed text");
        let after = analyze(&fixed, Some(path), settings);
        let left: Vec<&Diagnostic> = after
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .collect();
        assert!(
            left.len() < before.diagnostics.iter().filter(|d| d.code == code).count(),
            "{code} is still reported after the fix: {left:#?}"
        );
        let new_codes: Vec<&Diagnostic> = after
            .diagnostics
            .iter()
            .filter(|a| a.severity <= crate::diagnostic::Severity::Warning)
            .filter(|a| !before.diagnostics.iter().any(|b| b.code == a.code))
            .collect();
        assert!(
            new_codes.is_empty(),
            "the fix brought new problems: {new_codes:#?}"
        );
    }
}

#[cfg(test)]
mod speed {
    //! Every editor feature of this layer on a 6,600-line stream, given its analysis.

    use std::time::{Duration, Instant};

    use super::*;
    use crate::ide::{navigation, symbols};

    /// 105 Deployments of 63 lines: a main container and a classic sidecar sharing a volume,
    /// named ports and probes, and a mount of an undeclared volume.
    fn big_stream() -> String {
        let mut text = String::new();
        for i in 0..105 {
            text.push_str(&format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\n  labels:\n    app: web-{i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web-{i}\n  template:\n    metadata:\n      labels:\n        app: web-{i}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n            - name: http\n              containerPort: 80\n          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n          livenessProbe:\n            tcpSocket:\n              port: http\n            successThreshold: 2\n          volumeMounts:\n            - name: logs\n              mountPath: /var/log/nginx\n            - name: cache\n              mountPath: /cache\n          resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi\n        - name: envoy\n          image: envoyproxy/envoy:v1.31.0\n          imagePullPolicy: always\n          ports:\n            - name: admin\n              containerPort: 9901\n          readinessProbe:\n            httpGet:\n              path: /ready\n              port: admin\n          volumeMounts:\n            - name: logs\n              mountPath: /logs\n          env:\n            - name: LEVEL\n              value: info\n            - name: POD\n              valueFrom:\n                fieldRef:\n                  fieldPath: metadata.name\n      volumes:\n        - name: logs\n          emptyDir: {{}}\n---\n"
            ));
        }
        text
    }

    fn time<T>(label: &str, budget: Duration, f: impl Fn() -> T) {
        f();
        let runs = 20;
        let start = Instant::now();
        for _ in 0..runs {
            std::hint::black_box(f());
        }
        let each = start.elapsed() / runs;
        eprintln!("{label}: {each:?}");
        assert!(each < budget, "{label} took {each:?}");
    }

    #[test]
    fn each_feature_stays_within_a_keystroke_budget() {
        let text = big_stream();
        assert!(text.lines().count() >= 6_600);
        let settings = Settings::default();
        let analysis = crate::analyze(&text, Some("big.yaml"), &settings);
        let last = text.rfind("apiVersion").unwrap();
        let mount = last + text[last..].find("name: logs").unwrap() + 7;
        let cache = last + text[last..].find("name: cache").unwrap() + 7;
        let policy = last + text[last..].find("always").unwrap() + 2;
        let envoy = last + text[last..].find("envoyproxy").unwrap();
        let threshold = last + text[last..].find("successThreshold").unwrap() + 18;
        // Debug builds are several times slower than release: the budget here is generous, the
        // release target is well under 1 ms.
        let budget = Duration::from_millis(if cfg!(debug_assertions) { 5 } else { 1 });
        for (label, offset) in [
            ("cache", cache),
            ("policy", policy),
            ("envoy", envoy),
            ("threshold", threshold),
        ] {
            let actions = code_actions(&analysis, &text, Span::at(offset), &settings);
            assert!(!actions.is_empty(), "{label}: no action");
            time(&format!("code_actions at {label}"), budget, || {
                code_actions(&analysis, &text, Span::at(offset), &settings)
            });
        }
        let everything = code_actions(&analysis, &text, Span::new(0, text.len()), &settings);
        let refactors = everything
            .iter()
            .filter(|a| a.kind == CodeActionKind::RefactorRewrite)
            .count();
        assert_eq!(refactors, 105, "one refactor per envoy sidecar");
        time("whole-document code_actions", budget * 20, || {
            code_actions(&analysis, &text, Span::new(0, text.len()), &settings)
        });
        time("references", budget, || {
            navigation::references(&analysis, &text, mount, true)
        });
        time("definition", budget, || {
            navigation::definition(&analysis, &text, mount)
        });
        time("rename", budget, || {
            navigation::rename(&analysis, &text, mount, "logs-2")
        });
        time("document_symbols", budget * 4, || {
            symbols::document_symbols(&analysis, &text)
        });
    }
}

#[cfg(test)]
mod on_real_files {
    //! Every action offered on the repository's examples (and, when present, the shared corpus)
    //! applies cleanly: the text still parses, and the diagnostic it fixes is gone.

    use std::path::Path;

    use super::*;
    use crate::ide::apply_edits;

    fn check_file(path: &Path, failures: &mut Vec<String>) -> usize {
        let Ok(text) = std::fs::read_to_string(path) else {
            return 0;
        };
        let name = path.to_string_lossy().to_string();
        let settings = Settings::default();
        let analysis = crate::analyze(&text, Some(&name), &settings);
        let mut applied = 0;
        for d in &analysis.diagnostics {
            for action in code_actions(&analysis, &text, d.span, &settings) {
                let mut spans: Vec<Span> = action.edits.iter().map(|e| e.span).collect();
                spans.sort();
                if spans.windows(2).any(|w| w[0].end > w[1].start) {
                    failures.push(format!("{name}: {}: overlapping edits", action.title));
                }
                let fixed = apply_edits(&text, &action.edits);
                let after = crate::analyze(&fixed, Some(&name), &settings);
                let syntax =
                    |a: &Analysis| a.diagnostics.iter().filter(|d| d.code == "S001").count();
                if syntax(&after) > syntax(&analysis) {
                    failures.push(format!(
                        "{name}: {}: breaks the syntax:\n{fixed}",
                        action.title
                    ));
                }
                for fixed_d in &action.diagnostics {
                    let count = |a: &Analysis| {
                        a.diagnostics
                            .iter()
                            .filter(|x| x.code == fixed_d.code)
                            .count()
                    };
                    if count(&after) >= count(&analysis) {
                        failures.push(format!(
                            "{name}: {}: {} still reported:\n{fixed}",
                            action.title, fixed_d.code
                        ));
                    }
                }
                applied += 1;
            }
        }
        applied
    }

    fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                out.push(path);
            }
        }
    }

    #[test]
    fn actions_on_the_examples_and_corpus_apply_cleanly() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        files_under(&root.join("examples"), &mut files);
        // The shared corpus sits next to the repository (or next to the worktrees' folder).
        if let Some(corpus) = root
            .ancestors()
            .map(|a| a.join("shared/corpus"))
            .find(|c| c.is_dir())
        {
            files_under(&corpus, &mut files);
        }
        files.sort();
        let mut failures = Vec::new();
        let applied: usize = files.iter().map(|f| check_file(f, &mut failures)).sum();
        assert!(applied >= 10, "only {applied} actions on the examples");
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }
}

#[cfg(test)]
mod robustness {
    //! Half-typed documents: every prefix of real files, every feature, no panic, and edits that
    //! stay inside the text on character boundaries and never overlap.

    use super::*;
    use crate::ide::{navigation, symbols};

    fn check_edits(text: &str, edits: &[TextEdit], what: &str) {
        let mut spans: Vec<Span> = edits.iter().map(|e| e.span).collect();
        spans.sort();
        for s in &spans {
            assert!(
                s.start <= s.end && (s.end as usize) <= text.len(),
                "{what}: {s:?} out of the text"
            );
            assert!(
                text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize),
                "{what}: {s:?} splits a character"
            );
        }
        assert!(
            spans.windows(2).all(|w| w[0].end <= w[1].start),
            "{what}: overlapping edits"
        );
    }

    #[test]
    fn every_prefix_of_every_example() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut files: Vec<_> = ["calyptia", "hkube", "kubernetes", "kubevela"]
            .iter()
            .flat_map(|d| {
                std::fs::read_dir(root.join(d))
                    .into_iter()
                    .flatten()
                    .flatten()
            })
            .map(|e| e.path())
            .collect();
        files.sort();
        assert!(!files.is_empty());
        let settings = Settings::default();
        for path in files {
            let full = std::fs::read_to_string(&path).unwrap();
            let name = path.to_string_lossy().to_string();
            // A CRLF copy and one with multi-byte text too.
            let variants = [
                full.clone(),
                full.replace('\n', "\r\n"),
                full.replace("name", "nämé"),
            ];
            for text in &variants {
                let mut end = 0;
                while end <= text.len() {
                    let prefix = &text[..crate::text::floor_char_boundary(text, end)];
                    let a = crate::analyze(prefix, Some(&name), &settings);
                    for action in code_actions(&a, prefix, Span::new(0, prefix.len()), &settings) {
                        check_edits(prefix, &action.edits, &action.title);
                    }
                    let _ = symbols::document_symbols(&a, prefix);
                    for offset in (0..=prefix.len()).step_by(5) {
                        let _ = navigation::definition(&a, prefix, offset);
                        let _ = navigation::references(&a, prefix, offset, true);
                        if navigation::prepare_rename(&a, prefix, offset).is_some()
                            && let Ok(edits) = navigation::rename(&a, prefix, offset, "renamed")
                        {
                            check_edits(prefix, &edits, "rename");
                        }
                    }
                    end += 97;
                }
            }
        }
    }

    #[test]
    fn crlf_documents_get_crlf_edits() {
        let text = "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: web\r\nspec:\r\n  containers:\r\n    - name: web\r\n      image: nginx:1.27\r\n      volumeMounts:\r\n        - name: data\r\n          mountPath: /data\r\n";
        let settings = Settings::default();
        let a = crate::analyze(text, Some("pod.yaml"), &settings);
        let at = text.find("name: data").unwrap() + 7;
        let actions = code_actions(&a, text, Span::at(at), &settings);
        let declare = actions
            .iter()
            .find(|x| x.title.starts_with("Declare volume"))
            .unwrap();
        assert_eq!(
            crate::ide::apply_edits(text, &declare.edits),
            format!("{text}  volumes:\r\n    - name: data\r\n      emptyDir: {{}}\r\n")
        );
    }
}
