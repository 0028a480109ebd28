//! What a rule's check sees and how it reports.

use super::RuleMeta;
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Dialect, Severity};
use crate::model::{FileIndex, Object, Workload};
use crate::syntax::{NodeId, Tree};
use crate::text::Span;

/// The input of every check, and the sink of its findings.
pub struct Context<'a> {
    /// The document text.
    pub text: &'a str,
    /// The syntax tree.
    pub tree: &'a Tree,
    /// The analysis settings.
    pub settings: &'a Settings,
    /// The file's path, if known.
    pub path: Option<&'a str>,
    /// ConfigMaps and Secrets defined in the file.
    pub file_index: &'a FileIndex,
    objects: &'a [Object],
    rule: &'static RuleMeta,
    out: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    /// A context over the objects of one text.
    pub fn new(
        text: &'a str,
        tree: &'a Tree,
        settings: &'a Settings,
        path: Option<&'a str>,
        objects: &'a [Object],
        file_index: &'a FileIndex,
        rule: &'static RuleMeta,
    ) -> Self {
        Context {
            text,
            tree,
            settings,
            path,
            file_index,
            objects,
            rule,
            out: Vec::new(),
        }
    }

    /// The findings reported so far.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.out
    }

    /// The objects this rule applies to (by dialect).
    pub fn objects(&self) -> impl Iterator<Item = &'a Object> + 'a {
        let rule = self.rule;
        self.objects
            .iter()
            .filter(move |o| rule.applies_to(o.dialect))
    }

    /// Every pod of the objects this rule applies to.
    pub fn workloads(&self) -> impl Iterator<Item = (&'a Object, &'a Workload)> + 'a {
        self.objects()
            .flat_map(|o| o.workloads.iter().map(move |w| (o, w)))
    }

    /// Report a finding of this rule in `object` at `span`, at the rule's severity.
    pub fn report(
        &mut self,
        object: &Object,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.report_in(object.dialect, object.document, span, message)
    }

    /// Report a finding with an explicit dialect and document.
    pub fn report_in(
        &mut self,
        dialect: Dialect,
        document: usize,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out.push(
            Diagnostic::new(self.rule.code, self.rule.severity, span, message)
                .dialect(dialect, document),
        );
        self.out.last_mut().expect("just pushed")
    }

    /// Report with a severity other than the rule's default (for findings that the platform
    /// treats more leniently in some cases).
    pub fn report_with(
        &mut self,
        object: &Object,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = self.report(object, span, message);
        d.severity = severity;
        d
    }

    /// Report a finding whose message starts from `node`'s field path; the path is only built
    /// here, when there is something to report.
    pub fn report_at(
        &mut self,
        object: &Object,
        node: NodeId,
        span: Span,
        message: impl FnOnce(&str) -> String,
    ) -> &mut Diagnostic {
        let path = self.path(object, node);
        self.report(object, span, message(&path))
    }

    /// The field path of `node` in `object`, as the API names it.
    pub fn path(&self, object: &Object, node: NodeId) -> String {
        object.path(self.tree, node)
    }

    /// Whether a syntax error may have cut `node` (or what contains it) short: then the absence
    /// of something there proves nothing, and rules that report absence stay quiet.
    pub fn may_be_truncated(&self, node: NodeId) -> bool {
        self.tree.is_incomplete(node)
    }

    /// The value span of `key` in object `node`, else the span of `node`'s key, else `node`'s span.
    pub fn span_of(&self, node: NodeId, key: &str) -> Span {
        self.tree
            .get(node, key)
            .map_or_else(|| self.tree.name_span(node), |v| self.tree.span(v))
    }

    /// The integer value of `node`, if it is a whole number.
    pub fn int(&self, node: Option<NodeId>) -> Option<i64> {
        node.and_then(|n| self.tree.number(n))
            .and_then(|n| n.as_i64())
    }
}

impl Diagnostic {
    /// Set the dialect and document of a diagnostic.
    pub fn dialect(mut self, dialect: Dialect, document: usize) -> Self {
        self.dialect = Some(dialect);
        self.document = document;
        self
    }
}
