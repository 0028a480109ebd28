//! The cursor's place for completion and hover: [`crate::syntax::path_at`], refined where the
//! tree knows more (a JSON value right after its colon, a new item of a JSON or flow array).

use crate::analysis::Analysis;
use crate::syntax::{CursorPath, NodeId, Segment, Tree, Value, path_at};
use crate::text::Span;

/// Where the cursor is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cursor {
    /// The byte offset (clamped, on a character boundary).
    pub offset: usize,
    /// The path, the key/value position, the typed prefix and the range to replace.
    pub path: CursorPath,
    /// The cursor is where a new item of a JSON or flow array goes (`path.segments` ends with its
    /// index).
    pub new_item: bool,
    /// The cursor is inside a YAML flow collection (`{…}`, `[…]`) or a JSON document.
    pub flow: bool,
}

/// The cursor at byte `offset` of `text`.
pub(crate) fn cursor_at(analysis: &Analysis, text: &str, offset: usize) -> Cursor {
    let offset = crate::text::floor_char_boundary(text, offset.min(text.len()));
    let mut path = path_at(&analysis.syntax, text, offset);
    let tree = &analysis.syntax.tree;
    let root = analysis
        .syntax
        .documents
        .get(path.document)
        .and_then(|d| d.root);
    let json = analysis.format == crate::syntax::Format::Json;
    let flow = json || root.is_some_and(|r| inside_flow(tree, r, text, offset));
    let mut new_item = false;
    if flow && let Some(root) = root {
        let container = tree.resolve(root, &path.segments);
        if path.in_key {
            // `"key": |` — the value lost to the syntax error is not in the tree.
            let word_start = word_start(text, offset);
            if previous_char(text, word_start) == Some(b':')
                && let Some(object) = container
                && let Some(key) = key_before(tree, object, word_start)
            {
                path.segments.push(Segment::Key(key));
                path.in_key = false;
                path.prefix = text[word_start..offset].to_string();
                path.replace = Span::new(word_start, word_end(text, offset));
            }
        } else if let Some(array) = container
            && let Value::Array(items) = tree.value(array)
            && path.replace.is_empty()
            && (tree.span(array).start as usize) < offset
        {
            // Between the items of an array: a new item.
            let before = items
                .iter()
                .filter(|&&i| (tree.span(i).end as usize) <= offset)
                .count();
            path.segments.push(Segment::Index(before));
            let word_start = word_start(text, offset);
            path.prefix = text[word_start..offset].to_string();
            path.replace = Span::new(word_start, word_end(text, offset));
            new_item = true;
        }
    }
    Cursor {
        offset,
        path,
        new_item,
        flow,
    }
}

/// Whether `offset` is inside a YAML flow collection.
fn inside_flow(tree: &Tree, root: NodeId, text: &str, offset: usize) -> bool {
    let mut node = root;
    loop {
        let span = tree.span(node);
        if matches!(tree.value(node), Value::Object(_) | Value::Array(_))
            && matches!(text.as_bytes().get(span.start as usize), Some(b'{' | b'['))
            && (span.start as usize) < offset
            && (offset < span.end as usize || tree.node(node).incomplete)
        {
            return true;
        }
        let children: Vec<NodeId> = match tree.value(node) {
            Value::Object(entries) => entries.iter().map(|e| e.value).collect(),
            Value::Array(items) => items.clone(),
            _ => return false,
        };
        match children
            .into_iter()
            .find(|&c| tree.span(c).touches(offset) && !tree.span(c).is_empty())
        {
            Some(child) => node = child,
            None => return false,
        }
    }
}

/// The key of the last entry of `object` written before `offset`.
fn key_before(tree: &Tree, object: NodeId, offset: usize) -> Option<String> {
    tree.entries(object)?
        .iter()
        .rfind(|e| (e.key_span.end as usize) <= offset)
        .map(|e| e.key.to_string())
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/')
}

/// Start of the unquoted word ending at `offset`.
fn word_start(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = offset;
    while i > 0 && is_word_byte(bytes[i - 1]) {
        i -= 1;
    }
    i
}

/// End of the unquoted word starting at `offset`.
fn word_end(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = offset;
    while i < bytes.len() && is_word_byte(bytes[i]) {
        i += 1;
    }
    i
}

/// The last non-blank byte before `offset`.
pub(crate) fn previous_char(text: &str, offset: usize) -> Option<u8> {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .rev()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}

/// The first non-blank byte at or after `offset`.
pub(crate) fn next_char(text: &str, offset: usize) -> Option<u8> {
    text.as_bytes()
        .get(offset..)?
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;
    use crate::config::Settings;
    use crate::syntax::field_path;

    fn at(fixture: &str, path: &str) -> Cursor {
        let (text, offset) = crate::ide::strip_cursor(fixture);
        let analysis = analyze(&text, Some(path), &Settings::default());
        cursor_at(&analysis, &text, offset)
    }

    #[test]
    fn json_value_right_after_a_colon() {
        let c = at(r#"{"name": "a", "imagePullPolicy": $0}"#, "a.json");
        assert!(!c.path.in_key);
        assert_eq!(field_path(&c.path.segments), "imagePullPolicy");
        let typed = at(r#"{"name": "a", "tty": tr$0}"#, "a.json");
        assert!(!typed.path.in_key);
        assert_eq!(field_path(&typed.path.segments), "tty");
        assert_eq!(typed.path.prefix, "tr");
    }

    #[test]
    fn json_new_array_item() {
        let c = at(r#"{"sideCars": [{"container": {}}, $0]}"#, "a.json");
        assert!(c.new_item);
        assert_eq!(field_path(&c.path.segments), "sideCars[1]");
        let first = at(r#"{"sideCars": [$0]}"#, "a.json");
        assert_eq!(field_path(&first.path.segments), "sideCars[0]");
    }

    #[test]
    fn yaml_flow_and_block() {
        let flow = at("spec: {containers: [{name: a, $0}]}\n", "a.yaml");
        assert!(flow.flow);
        let block = at("spec:\n  containers:\n    - name: a\n      $0\n", "a.yaml");
        assert!(!block.flow);
    }
}
