//! The rules catalogue: every check the schema cannot express, one rule per place, each with a
//! stable code, a default severity and a doc that says what it mirrors.
//!
//! A rule is a static [`Rule`]: its metadata and a check over the model. Rules whose findings come
//! from schema validation (unknown fields, wrong types…) have no check of their own; the schema
//! layer reports under their codes. Each rule's doc example is also its test fixture: the example
//! must fire the rule and the fix must not.

pub mod codes;
mod context;
pub mod registry;

mod best_practice;
mod calyptia;
mod hkube;
mod k8s;
mod kubevela;
mod pod;
mod syntax;

#[cfg(test)]
mod examples;

pub use context::Context;
pub(crate) use hkube::same_value;
pub(crate) use k8s::quantity_message;

use crate::diagnostic::{Dialect, Severity};

/// Where a rule comes from, which groups the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// JSON/YAML syntax and schema validation.
    Schema,
    /// Kubernetes API validation.
    Kubernetes,
    /// Pod-level sidecar problems no single container shows.
    Pod,
    /// HKube's api-server and task-executor.
    Hkube,
    /// KubeVela's sidecar trait.
    Kubevela,
    /// Calyptia's sidecar spec files.
    Calyptia,
    /// Best practice (can be turned off).
    BestPractice,
}

impl Origin {
    /// A heading for docs and tables.
    pub fn title(self) -> &'static str {
        match self {
            Origin::Schema => "Syntax and schema",
            Origin::Kubernetes => "Kubernetes API",
            Origin::Pod => "Pod-level sidecar rules",
            Origin::Hkube => "HKube",
            Origin::Kubevela => "KubeVela",
            Origin::Calyptia => "Calyptia",
            Origin::BestPractice => "Best practice",
        }
    }
}

/// A fixture for a rule's doc and test: a file that fires the rule and one that does not.
#[derive(Clone, Copy, Debug)]
pub struct Example {
    /// A file name (it decides the format and, for Calyptia, the dialect).
    pub file: &'static str,
    /// A document that fires the rule.
    pub bad: &'static str,
    /// The same document, fixed.
    pub good: &'static str,
    /// A `sidecar-lsp.toml` applied to both (empty: the defaults).
    pub config: &'static str,
    /// The fixed document's file name, when the fix is a rename (empty: `file`).
    pub good_file: &'static str,
}

/// A rule's metadata and documentation.
#[derive(Clone, Copy, Debug)]
pub struct RuleMeta {
    /// Stable code, e.g. `K101`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `container-name-invalid`.
    pub name: &'static str,
    /// Which family it belongs to.
    pub origin: Origin,
    /// Default severity.
    pub severity: Severity,
    /// The dialects it applies to (empty: all).
    pub dialects: &'static [Dialect],
    /// One line: what it reports.
    pub summary: &'static str,
    /// Why it matters (markdown).
    pub why: &'static str,
    /// The platform rule it mirrors, with the research it cites.
    pub mirrors: &'static str,
    /// The doc example, also the rule's test fixture.
    pub example: Option<Example>,
}

impl RuleMeta {
    /// Whether the rule applies to `dialect`.
    pub fn applies_to(&self, dialect: Dialect) -> bool {
        self.dialects.is_empty() || self.dialects.contains(&dialect)
    }
}

/// A rule: metadata plus an optional check over the model.
pub struct Rule {
    /// Metadata and documentation.
    pub meta: RuleMeta,
    /// The check, or `None` when the schema layer reports under this code.
    pub check: Option<fn(&mut Context)>,
}

/// Report every resource of `c` other than cpu and memory, which the platform drops (HKube's
/// task-executor, Calyptia's operator CRD): `message` says who drops it.
pub(crate) fn report_dropped_resources(
    cx: &mut Context,
    object: &crate::model::Object,
    c: &crate::model::Container,
    message: impl Fn(&str) -> String,
) {
    for (_, _, e) in c.resource_entries(cx.tree) {
        if matches!(&*e.key, "cpu" | "memory") {
            continue;
        }
        let span = e.key_span.cover(cx.tree.span(e.value));
        cx.report(object, span, message(&e.key))
            .add_tag(crate::diagnostic::Tag::Unnecessary);
    }
}

/// Shorthands for rule definitions.
pub(crate) mod prelude {
    pub use super::{Context, Example, Origin, Rule, RuleMeta};
    pub use crate::diagnostic::{Dialect, Severity};
    pub use crate::model::{Container, Object, ProbeKind, Role};
    pub use crate::rules::codes;
    pub use crate::syntax::{NodeId, Tree, Value};

    /// Every dialect.
    pub const ALL: &[Dialect] = &[];
    /// Plain Kubernetes only.
    pub const KUBERNETES: &[Dialect] = &[Dialect::Kubernetes];
    /// HKube only.
    pub const HKUBE: &[Dialect] = &[Dialect::Hkube];
    /// KubeVela only.
    pub const KUBEVELA: &[Dialect] = &[Dialect::Kubevela];
    /// Calyptia only.
    pub const CALYPTIA: &[Dialect] = &[Dialect::Calyptia];
}
