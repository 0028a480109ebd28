//! The edge between the core's byte spans and LSP's positions, and between core diagnostics and
//! LSP diagnostics.

use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Position, PositionEncodingKind, Range, Uri,
};

use crate::diagnostic::{Diagnostic, Severity, Tag};
use crate::rules::registry;
use crate::text::{ColumnUnit, LineIndex, Span};

/// The position encoding negotiated with the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Encoding(pub ColumnUnit);

impl Default for Encoding {
    fn default() -> Self {
        Encoding(ColumnUnit::Utf16)
    }
}

impl Encoding {
    /// Choose from the client's offer: UTF-8 when offered (no conversion), else UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => {
                Encoding(ColumnUnit::Utf8)
            }
            _ => Encoding(ColumnUnit::Utf16),
        }
    }

    /// The kind announced in the server capabilities.
    pub fn kind(self) -> PositionEncodingKind {
        match self.0 {
            ColumnUnit::Utf8 => PositionEncodingKind::UTF8,
            _ => PositionEncodingKind::UTF16,
        }
    }
}

/// Converts spans of one text to LSP ranges.
#[derive(Clone, Copy)]
pub struct Positions<'a> {
    /// The text.
    pub text: &'a str,
    /// Its line index.
    pub index: &'a LineIndex,
    /// The negotiated encoding.
    pub encoding: Encoding,
}

impl Positions<'_> {
    /// The LSP position of byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let lc = self.index.line_col(self.text, offset, self.encoding.0);
        Position {
            line: lc.line,
            character: lc.col,
        }
    }

    /// The LSP range of `span`.
    pub fn range(&self, span: Span) -> Range {
        Range {
            start: self.position(span.start as usize),
            end: self.position(span.end as usize),
        }
    }

    /// The byte offset of an LSP position (clamped into the text).
    pub fn offset(&self, position: Position) -> usize {
        let offset = self.index.offset(
            self.text,
            crate::text::LineCol {
                line: position.line,
                col: position.character,
            },
            self.encoding.0,
        );
        crate::text::floor_char_boundary(self.text, offset)
    }

    /// The byte span of an LSP range (clamped, never reversed).
    pub fn span(&self, range: Range) -> Span {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        Span::new(start, end)
    }
}

/// An LSP diagnostic for a core diagnostic of the document at `uri`.
pub fn diagnostic(d: &Diagnostic, uri: &Uri, at: &Positions) -> lsp::Diagnostic {
    let meta = registry::meta(d.code);
    let href = registry::doc_url(meta).parse::<Uri>().ok();
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: at.range(r.span),
            },
            message: r.message.clone(),
        })
        .collect();
    let tags: Vec<DiagnosticTag> = d
        .tags
        .iter()
        .map(|t| match t {
            Tag::Unnecessary => DiagnosticTag::UNNECESSARY,
            Tag::Deprecated => DiagnosticTag::DEPRECATED,
        })
        .collect();
    lsp::Diagnostic {
        range: at.range(d.span),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some("sidecar-lsp".into()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: (!tags.is_empty()).then_some(tags),
        data: None,
    }
}

/// The LSP severity of a core severity.
pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// The text a snippet inserts when the client cannot expand snippets: each placeholder's default
/// (the first choice of a choice list), tab stops removed, escapes resolved.
pub fn snippet_to_plain(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut chars = snippet.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(&next) = chars.peek()
                    && matches!(next, '$' | '}' | '\\' | ',' | '|')
                {
                    out.push(next);
                    chars.next();
                } else {
                    out.push('\\');
                }
            }
            '$' => match chars.peek().copied() {
                Some(d) if d.is_ascii_digit() => {
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                }
                Some('{') => {
                    chars.next();
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                    match chars.next() {
                        // ${1:default}: keep the default (which may nest further snippets).
                        Some(':') => {
                            let mut depth = 1;
                            let mut inner = String::new();
                            for c in chars.by_ref() {
                                match c {
                                    '{' => depth += 1,
                                    '}' => {
                                        depth -= 1;
                                        if depth == 0 {
                                            break;
                                        }
                                    }
                                    _ => {}
                                }
                                inner.push(c);
                            }
                            out.push_str(&snippet_to_plain(&inner));
                        }
                        // ${1|a,b|}: the first choice.
                        Some('|') => {
                            let mut first = String::new();
                            let mut done = false;
                            for c in chars.by_ref() {
                                if c == '}' {
                                    break;
                                }
                                if c == ',' || c == '|' {
                                    done = true;
                                }
                                if !done {
                                    first.push(c);
                                }
                            }
                            out.push_str(&first);
                        }
                        // ${1}
                        _ => {}
                    }
                }
                _ => out.push('$'),
            },
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_become_their_defaults_for_clients_without_snippets() {
        assert_eq!(
            snippet_to_plain("name: ${1:sidecar}\nimage: $2\npolicy: ${3|Always,Never|}$0"),
            "name: sidecar\nimage: \npolicy: Always"
        );
        assert_eq!(
            snippet_to_plain("cost: \\$5 ${1:{a: \\}}}"),
            "cost: $5 {a: }}"
        );
        assert_eq!(snippet_to_plain("${1:outer ${2:inner}}"), "outer inner");
    }

    #[test]
    fn ranges_count_utf16_units_or_bytes() {
        let text = "a: \"😀名\"\nb: x\n";
        let index = LineIndex::new(text);
        let utf16 = Positions {
            text,
            index: &index,
            encoding: Encoding(ColumnUnit::Utf16),
        };
        let utf8 = Positions {
            encoding: Encoding(ColumnUnit::Utf8),
            ..utf16
        };
        // The closing quote follows `a: "` (4), then the emoji (4 bytes, 2 UTF-16 units) and the
        // CJK character (3 bytes, 1 unit).
        let quote = text.find("\"\n").unwrap();
        assert_eq!(utf16.position(quote), Position::new(0, 7));
        assert_eq!(utf8.position(quote), Position::new(0, 11));
        assert_eq!(utf16.offset(Position::new(0, 7)), quote);
        assert_eq!(utf8.offset(Position::new(0, 11)), quote);
        // Out of range clamps.
        assert_eq!(utf16.offset(Position::new(9, 9)), text.len());
        assert_eq!(utf16.offset(Position::new(1, 99)), text.len() - 1);
    }

    #[test]
    fn negotiation_prefers_utf8_when_offered() {
        assert_eq!(Encoding::negotiate(None).0, ColumnUnit::Utf16);
        let offer = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offer)).0, ColumnUnit::Utf8);
    }
}
