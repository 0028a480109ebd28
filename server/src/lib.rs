//! sidecar-lsp: one analysis core for Kubernetes sidecar specs in four dialects (HKube, KubeVela,
//! Calyptia, plain Kubernetes), serving a language server, a CI linter and editor clients.
//!
//! The one road through the core: text → [`syntax`] tree with spans → [`dialect`] model → checks
//! ([`schema`] + [`rules`]) → [`diagnostic::Diagnostic`]s with byte ranges, in
//! [`analysis::analyze`]. The core does no I/O and knows nothing of LSP. See `ARCHITECTURE.md`.

pub mod analysis;
pub mod config;
pub mod diagnostic;
pub mod dialect;
pub mod directives;
pub mod explain;
pub mod ide;
pub mod k8s;
pub mod lint;
pub mod lsp;
pub mod model;
pub mod render;
pub mod rules;
pub mod schema;
pub mod suggest;
pub mod syntax;
pub mod text;
pub mod threads;

pub use analysis::{Analysis, analyze};
