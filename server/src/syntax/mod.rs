//! Text → spanned syntax tree. Parsing never fails: it returns the tree *and* the syntax errors.

mod json;
pub mod path_at;
mod scalar;
mod tree;
mod yaml;

pub use path_at::{CursorPath, path_at};
pub use scalar::resolve_plain_scalar;
pub use tree::{
    Entry, Node, NodeId, Number, ScalarStyle, Segment, Tree, Value, field_path, pointer_segments,
    schema_path,
};
pub(crate) use yaml::{Previous, Reusable};

use crate::text::Span;

/// Collections nested deeper than this are cut off with an error, so that every later walk over
/// the tree can recurse without risking the stack. Real manifests stay far below it.
pub const MAX_DEPTH: usize = 200;

/// The two source formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON (one value per file).
    Json,
    /// YAML (a stream of `---`-separated documents).
    Yaml,
}

impl Format {
    /// Guess the format from a file name, falling back to the content: a text whose first
    /// non-blank character is `{` or `[` is JSON.
    pub fn detect(path: Option<&str>, text: &str) -> Format {
        if let Some(path) = path {
            let lower = path.to_ascii_lowercase();
            if lower.ends_with(".json") {
                return Format::Json;
            }
            if lower.ends_with(".yaml") || lower.ends_with(".yml") {
                return Format::Yaml;
            }
        }
        match text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .chars()
            .next()
        {
            Some('{') | Some('[') => Format::Json,
            _ => Format::Yaml,
        }
    }

    /// Lowercase name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }
}

/// What kind of syntax problem was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The text is not valid JSON/YAML here.
    Syntax,
    /// A key appears twice in one object; `first` is the earlier occurrence.
    DuplicateKey {
        /// Span of the first occurrence of the key.
        first: Span,
    },
    /// Nesting beyond [`MAX_DEPTH`]; the deeper part was skipped.
    TooDeep,
    /// YAML aliases would expand beyond the expansion budget; the alias was read as `null`.
    AliasBudget,
}

/// A syntax problem with its position.
#[derive(Clone, Debug)]
pub struct SyntaxError {
    /// Where the problem is (the smallest range that shows it).
    pub span: Span,
    /// A sentence for the user.
    pub message: String,
    /// The kind of problem.
    pub kind: SyntaxErrorKind,
}

/// A YAML comment (`#` to end of line).
#[derive(Clone, Debug)]
pub struct Comment {
    /// The comment including `#`.
    pub span: Span,
    /// The text after `#`.
    pub text: String,
}

/// One document of a stream.
#[derive(Clone, Debug)]
pub struct Document {
    /// The root node, or `None` for an empty document.
    pub root: Option<NodeId>,
    /// The document's span (from its first to its last byte of content).
    pub span: Span,
    /// Whether a syntax error cut this document short.
    pub broken: bool,
}

/// The result of parsing one text.
#[derive(Clone, Debug)]
pub struct SyntaxTree {
    /// The format that was parsed.
    pub format: Format,
    /// Every node of every document.
    pub tree: Tree,
    /// The documents in source order.
    pub documents: Vec<Document>,
    /// Every syntax problem, in source order.
    pub errors: Vec<SyntaxError>,
    /// YAML comments, in source order (used for modelines and inline suppressions).
    pub comments: Vec<Comment>,
}

/// Parse `text` as `format`. Never fails.
pub fn parse(text: &str, format: Format) -> SyntaxTree {
    parse_reusing(text, format, None).0
}

/// [`parse`], taking over from `previous` (the parse of an earlier version of the text) the
/// pieces of a long YAML stream whose bytes are unchanged; also returns what a later parse may
/// take over from this one. The tree is exactly what [`parse`] gives.
pub(crate) fn parse_reusing(
    text: &str,
    format: Format,
    previous: Option<Previous>,
) -> (SyntaxTree, Reusable) {
    let (mut parsed, reusable) = match format {
        Format::Json => (json::parse(text), Reusable::default()),
        Format::Yaml => yaml::parse_reusing(text, previous),
    };
    parsed.errors.sort_by_key(|e| (e.span.start, e.span.end));
    (parsed, reusable)
}

/// The sample files of the repository (`examples/`, `tests/fixtures/`) and of the shared corpus
/// (`../shared/corpus` beside the repository, or `/work/shared/corpus`; skipped when absent)
/// whose names end in one of `extensions`, sorted.
#[cfg(test)]
pub(crate) fn sample_files(extensions: &[&str]) -> Vec<std::path::PathBuf> {
    use std::path::{Path, PathBuf};

    fn walk(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, extensions, out);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
            {
                out.push(path);
            }
        }
    }

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    walk(&root.join("examples"), extensions, &mut files);
    walk(&root.join("tests/fixtures"), extensions, &mut files);
    match [root.join("../shared/corpus"), "/work/shared/corpus".into()]
        .into_iter()
        .find(|dir| dir.is_dir())
    {
        Some(corpus) => walk(&corpus, extensions, &mut files),
        None => eprintln!("no corpus beside the repository: sample files of the repository only"),
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_format_from_name_then_content() {
        assert_eq!(Format::detect(Some("a.JSON"), "x: 1"), Format::Json);
        assert_eq!(Format::detect(Some("a.yml"), "{}"), Format::Yaml);
        assert_eq!(Format::detect(None, "  \n{\"a\":1}"), Format::Json);
        assert_eq!(Format::detect(None, "a: 1"), Format::Yaml);
    }
}
