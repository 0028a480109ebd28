//! sidecar-lsp: one analysis core for Kubernetes sidecar specs in four dialects (HKube, KubeVela,
//! Calyptia, plain Kubernetes), serving a language server, a CI linter and editor clients.
//!
//! The one road through the core: text → [`syntax`] tree with spans → [`dialect`] model → checks
//! ([`schema`] + [`rules`]) → [`diagnostic::Diagnostic`]s with byte ranges. See
//! `ARCHITECTURE.md` for the code map and the invariants.

pub mod syntax;
pub mod text;
