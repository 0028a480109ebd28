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

    /// Every container of every pod whose object holds `offset`.
    fn containers_near(&self, offset: usize) -> impl Iterator<Item = Found<'a>> + 'a {
        let tree = self.tree;
        self.analysis
            .objects
            .iter()
            .filter(move |o| tree.span(o.root).touches(offset))
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
        self.containers_near(span.start as usize).find(|f| {
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

    /// The node whose span is exactly `span`, in the diagnostic's document.
    pub(super) fn value_at(&self, d: &Diagnostic) -> Option<NodeId> {
        let mut node = self.document_root(d)?;
        let target = d.span;
        for _ in 0..crate::syntax::MAX_DEPTH + 2 {
            if self.tree.span(node) == target {
                return Some(node);
            }
            node = self.child_containing(node, target)?;
        }
        None
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
            s.start <= target.start && target.end <= s.end && s != self.tree.span(node)
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
