//! Editor features over an [`Analysis`](crate::Analysis): completion, hover, symbols, navigation,
//! code actions, code lenses and inlay hints.
//!
//! Like the rest of the core, this layer speaks plain data with byte spans into the document text;
//! it knows nothing of LSP. The language server (`crate::lsp`) converts positions and types at its
//! edge, and other front doors (`explain`, tests) use the same answers.

pub mod actions;
pub mod completion;
mod cursor;
pub mod defaults;
pub mod hover;
pub mod inlay;
pub mod lens;
mod model_at;
pub mod navigation;
pub mod schema_lookup;
mod snippet;
pub mod symbols;

use crate::text::Span;

/// One replacement in the document text: replace the bytes of `span` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    /// The bytes replaced (empty for an insertion).
    pub span: Span,
    /// The new text.
    pub new_text: String,
}

impl TextEdit {
    /// Replace `span` with `new_text`.
    pub fn replace(span: Span, new_text: impl Into<String>) -> Self {
        TextEdit {
            span,
            new_text: new_text.into(),
        }
    }

    /// Insert `new_text` at byte `offset`.
    pub fn insert(offset: usize, new_text: impl Into<String>) -> Self {
        TextEdit::replace(Span::at(offset), new_text)
    }
}

/// Apply non-overlapping `edits` to `text` (tests and previews; the editor applies real edits).
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for edit in sorted {
        let start = (edit.span.start as usize).clamp(at, text.len());
        let end = (edit.span.end as usize).clamp(start, text.len());
        out.push_str(&text[at..start]);
        out.push_str(&edit.new_text);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// A test fixture with its cursor marked `$0`: the text without the marker, and the marker's
/// byte offset.
#[cfg(test)]
pub(crate) fn strip_cursor(fixture: &str) -> (String, usize) {
    let offset = fixture.find("$0").expect("a $0 cursor");
    (fixture.replacen("$0", "", 1), offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_offset_order() {
        let text = "name: a\nimage: b\n";
        let edits = [
            TextEdit::replace(Span::new(15, 16), "c"),
            TextEdit::insert(0, "# x\n"),
            TextEdit::replace(Span::new(6, 7), "z"),
        ];
        assert_eq!(apply_edits(text, &edits), "# x\nname: z\nimage: c\n");
    }
}
