//! `# sidecar-lsp: …` comments: the dialect modeline and inline suppressions.
//!
//! - `# sidecar-lsp: dialect=NAME` chooses the dialect of the document it is in and of the
//!   documents after it (until the next modeline).
//! - `# sidecar-lsp: ignore CODE[, CODE…]` suppresses findings starting on the comment's line, or,
//!   for a comment alone on its line, on the next line. Without codes it suppresses every finding
//!   there. Codes may be given by name.

use crate::diagnostic::{Diagnostic, Dialect, Severity};
use crate::rules::{codes, registry};
use crate::syntax::Comment;
use crate::text::{LineIndex, Span};

/// The directives of one text.
#[derive(Clone, Debug, Default)]
pub struct Directives {
    /// `(offset, dialect)` of every modeline, in order.
    pub modelines: Vec<(usize, Dialect)>,
    /// Suppressions: the lines they cover and the codes (empty: all).
    pub suppressions: Vec<Suppression>,
    /// Problems with the directives themselves.
    pub diagnostics: Vec<Diagnostic>,
}

/// One `ignore` directive.
#[derive(Clone, Debug)]
pub struct Suppression {
    /// Zero-based lines it covers.
    pub lines: Vec<u32>,
    /// Rule codes it covers (empty: every rule).
    pub codes: Vec<&'static str>,
}

const PREFIX: &str = "sidecar-lsp:";

/// Read the directives from a text's comments.
pub fn parse(comments: &[Comment], text: &str, index: &LineIndex) -> Directives {
    let mut directives = Directives::default();
    for comment in comments {
        let body = comment.text.trim();
        let Some(rest) = body.strip_prefix(PREFIX) else {
            continue;
        };
        let rest = rest.trim();
        let start = comment.span.start as usize;
        if let Some(name) = rest
            .strip_prefix("dialect=")
            .or_else(|| rest.strip_prefix("dialect ="))
        {
            let name = name.trim();
            match Dialect::parse(name) {
                Some(d) => directives.modelines.push((start, d)),
                None => directives.diagnostics.push(invalid(
                    comment.span,
                    format!(
                        "unknown dialect `{name}`: use hkube, kubevela, calyptia or kubernetes"
                    ),
                )),
            }
        } else if let Some(list) = rest.strip_prefix("ignore") {
            let mut found = Vec::new();
            for word in list
                .split([',', ' '])
                .map(str::trim)
                .filter(|w| !w.is_empty())
            {
                match registry::find(word) {
                    Some(meta) => found.push(meta.code),
                    None => directives.diagnostics.push(invalid(
                        comment.span,
                        format!("unknown rule `{word}` in ignore directive"),
                    )),
                }
            }
            let line = index.line_of(start);
            let line_start = index.line_start(line).unwrap_or(0);
            let alone = text[line_start..start].trim().is_empty();
            let lines = if alone {
                vec![line, line + 1]
            } else {
                vec![line]
            };
            directives.suppressions.push(Suppression {
                lines,
                codes: found,
            });
        } else {
            directives.diagnostics.push(invalid(
                comment.span,
                format!("unknown directive `{rest}`: use `dialect=NAME` or `ignore CODE`"),
            ));
        }
    }
    directives
}

fn invalid(span: Span, message: String) -> Diagnostic {
    Diagnostic::new(codes::INVALID_DIRECTIVE, Severity::Warning, span, message)
}

impl Directives {
    /// The modeline dialect for a document ending at `document_end`.
    pub fn dialect_for(&self, document_start: usize, document_end: usize) -> Option<Dialect> {
        let _ = document_start;
        self.modelines
            .iter()
            .rev()
            .find(|(offset, _)| *offset <= document_end)
            .map(|(_, d)| *d)
    }

    /// Whether a finding of `code` starting on `line` is suppressed.
    pub fn suppressed(&self, code: &str, line: u32) -> bool {
        self.suppressions
            .iter()
            .any(|s| s.lines.contains(&line) && (s.codes.is_empty() || s.codes.contains(&code)))
    }
}
