//! The path at a cursor position, even in half-typed documents.
//!
//! For JSON the error-tolerant tree keeps the structure, so the path comes from the tree. For
//! block YAML the path comes from indentation: the line being typed is often not valid YAML yet
//! (`  ima` with no colon), and a syntax error may have cut the tree short, but the keys above the
//! cursor and their indentation still say where the cursor is.

use super::tree::{NodeId, Segment, Tree, Value};
use super::{Format, SyntaxTree};
use crate::text::Span;

/// Where a cursor is, in document terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CursorPath {
    /// Index of the document holding the cursor.
    pub document: usize,
    /// With `in_key`: the path of the object whose key is being typed. Otherwise: the path of
    /// the value being typed.
    pub segments: Vec<Segment>,
    /// Whether the cursor is where a key goes (as opposed to a value).
    pub in_key: bool,
    /// The part of the key or value already typed before the cursor.
    pub prefix: String,
    /// The range a completion should replace (the word around the cursor).
    pub replace: Span,
}

/// The path at byte `offset` of `text`, parsed as `parsed`.
pub fn path_at(parsed: &SyntaxTree, text: &str, offset: usize) -> CursorPath {
    let offset = crate::text::floor_char_boundary(text, offset);
    let document = document_at(parsed, offset);
    match parsed.format {
        Format::Json => json_path(parsed, text, offset, document),
        Format::Yaml => {
            if let Some(root) = parsed.documents.get(document).and_then(|d| d.root)
                && let Some(path) = flow_path(&parsed.tree, root, text, offset, document)
            {
                return path;
            }
            yaml_path(text, offset, document)
        }
    }
}

/// Index of the document that holds `offset` (the last one starting at or before it).
fn document_at(parsed: &SyntaxTree, offset: usize) -> usize {
    parsed
        .documents
        .iter()
        .rposition(|d| (d.span.start as usize) <= offset)
        .unwrap_or(0)
}

fn json_path(parsed: &SyntaxTree, text: &str, offset: usize, document: usize) -> CursorPath {
    let root = parsed.documents.get(document).and_then(|d| d.root);
    match root {
        Some(root) => tree_path(&parsed.tree, root, text, offset, document),
        None => CursorPath {
            document,
            segments: Vec::new(),
            in_key: false,
            prefix: String::new(),
            replace: Span::at(offset),
        },
    }
}

/// Inside YAML flow collections (`{...}`, `[...]`) indentation means nothing: use the tree.
fn flow_path(
    tree: &Tree,
    root: NodeId,
    text: &str,
    offset: usize,
    document: usize,
) -> Option<CursorPath> {
    let node = innermost(tree, root, offset);
    let mut current = Some(node);
    while let Some(id) = current {
        let span = tree.span(id);
        let opens = text.as_bytes().get(span.start as usize).copied();
        if matches!(tree.value(id), Value::Object(_) | Value::Array(_))
            && matches!(opens, Some(b'{') | Some(b'['))
            && span.start as usize != offset
        {
            return Some(tree_path(tree, root, text, offset, document));
        }
        current = tree.node(id).parent;
    }
    None
}

/// The innermost node whose span touches `offset`.
fn innermost(tree: &Tree, root: NodeId, offset: usize) -> NodeId {
    let mut node = root;
    loop {
        let next = match tree.value(node) {
            Value::Object(entries) => entries
                .iter()
                .find(|e| tree.span(e.value).touches(offset) && !tree.span(e.value).is_empty())
                .map(|e| e.value),
            Value::Array(items) => items
                .iter()
                .copied()
                .find(|&i| tree.span(i).touches(offset)),
            _ => None,
        };
        match next {
            Some(n) if n != node => node = n,
            _ => return node,
        }
    }
}

fn tree_path(tree: &Tree, root: NodeId, text: &str, offset: usize, document: usize) -> CursorPath {
    let node = innermost(tree, root, offset);
    let segments = tree.path_from(root, node);
    match tree.value(node) {
        Value::Object(entries) => {
            // On a key, or between members.
            if let Some(e) = entries.iter().find(|e| e.key_span.touches(offset)) {
                let start = e.key_span.start as usize;
                let inner = start + usize::from(text.as_bytes().get(start) == Some(&b'"'));
                let prefix = text.get(inner..offset.max(inner)).unwrap_or("").to_string();
                return CursorPath {
                    document,
                    segments,
                    in_key: true,
                    prefix,
                    replace: e.key_span,
                };
            }
            CursorPath {
                document,
                segments,
                in_key: true,
                prefix: String::new(),
                replace: Span::at(offset),
            }
        }
        Value::Array(_) => CursorPath {
            document,
            segments,
            in_key: false,
            prefix: String::new(),
            replace: Span::at(offset),
        },
        _ => {
            let span = tree.span(node);
            let start = span.start as usize;
            let quoted = matches!(text.as_bytes().get(start), Some(b'"') | Some(b'\''));
            let inner = start + usize::from(quoted);
            let prefix = text.get(inner..offset.max(inner)).unwrap_or("").to_string();
            CursorPath {
                document,
                segments,
                in_key: false,
                prefix,
                replace: span,
            }
        }
    }
}

/// One significant line above the cursor.
struct Line<'a> {
    indent: usize,
    content: &'a str,
}

fn yaml_path(text: &str, offset: usize, document: usize) -> CursorPath {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let after_cursor_len = text[offset..]
        .find(|c: char| c.is_whitespace() || c == ':')
        .unwrap_or(text.len() - offset);

    // Peel sequence dashes off the current line: each `- ` opens an item.
    let indent = before.len() - before.trim_start_matches(' ').len();
    let (item_dashes, column, rest) = peel_dashes(indent, &before[indent..]);

    // Key or value position on this line.
    // `typed` is what was typed before the cursor: it ends at the cursor.
    let (in_key, typed, key_here) = match split_key(rest) {
        Some((key, value)) => (false, value.trim_start(), Some(key.to_string())),
        None => (true, rest, None),
    };
    let quote = |c: char| c == '"' || c == '\'';
    let prefix = typed.trim_matches(quote).to_string();
    // The replacement starts after any opening quote; a closing one (the cursor just after a
    // quoted word) stays inside it and does not move its start.
    let opening = typed.len() - typed.trim_start_matches(quote).len();
    let replace = Span::new(
        (offset - typed.len() + opening).max(line_start),
        offset + after_cursor_len,
    );

    // The cursor's own column decides what it belongs to.
    let own_column = if key_here.is_some() || !item_dashes.is_empty() || !rest.is_empty() {
        column
    } else {
        offset - line_start
    };
    let mut segments = ancestors(text, line_start, own_column, item_dashes.first().copied());
    // Further dashes on the cursor's line (`- - x`) open first items of nested sequences.
    segments.extend(item_dashes.iter().skip(1).map(|_| Segment::Index(0)));
    if let Some(key) = key_here {
        segments.push(Segment::Key(key));
    }
    CursorPath {
        document,
        segments,
        in_key,
        prefix,
        replace,
    }
}

/// Split `key: value` (the value may be empty). Quoted keys are unquoted.
fn split_key(s: &str) -> Option<(&str, &str)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let quote = match bytes.first() {
        Some(b'"') => Some(b'"'),
        Some(b'\'') => Some(b'\''),
        _ => None,
    };
    if let Some(q) = quote {
        let close = s[1..].find(q as char)? + 1;
        let key = &s[1..close];
        let after = &s[close + 1..];
        let value = after.strip_prefix(':')?;
        return Some((key, value));
    }
    while i < bytes.len() {
        if bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
            return Some((s[..i].trim_end(), &s[i + 1..]));
        }
        if bytes[i] == b'#' && (i == 0 || bytes[i - 1] == b' ') {
            return None;
        }
        i += 1;
    }
    None
}

/// The keys and item indices enclosing a position at `column` on the line starting at
/// `line_start`. `dash` is the column of a `- ` that opens an item on the cursor's line.
///
/// Walking up the lines, we look either for the key that owns `want` (a `key:` line indented less
/// than `want`), or, while inside a sequence item, for the line that owns the sequence, counting
/// the earlier items (dashes at the same column) on the way.
fn ancestors(text: &str, line_start: usize, column: usize, dash: Option<usize>) -> Vec<Segment> {
    let lines = text[..line_start]
        .lines()
        .rev()
        .take_while(|l| !l.starts_with("---") && !l.starts_with("..."))
        .filter_map(significant_line);

    let mut segments_rev: Vec<Segment> = Vec::new();
    let mut want = column;
    // Inside an item of a sequence whose dashes sit at this column; earlier items counted so far.
    let mut item: Option<(usize, usize)> = dash.map(|d| (d, 0));
    for line in lines {
        let (dashes, col, rest) = peel_dashes(line.indent, line.content);
        if let Some((dash_col, count)) = item.as_mut() {
            if line.indent <= *dash_col && dashes.contains(dash_col) {
                *count += 1; // an earlier item
                continue;
            }
            if line.indent > *dash_col {
                continue; // the inside of an earlier item
            }
            // This line owns the sequence.
            segments_rev.push(Segment::Index(*count));
            item = None;
            match split_key(rest) {
                Some((key, value)) if value.trim().is_empty() || is_block_indicator(value) => {
                    segments_rev.push(Segment::Key(key.to_string()));
                    want = col;
                    item = dashes.last().map(|&d| (d, 0));
                    continue;
                }
                _ => break,
            }
        }
        let inner_dash = dashes.iter().copied().rfind(|&d| d < want);
        if col >= want {
            if let Some(d) = inner_dash {
                item = Some((d, 0)); // this line opens the item we are in
            }
            continue;
        }
        match split_key(rest) {
            Some((key, value)) if value.trim().is_empty() || is_block_indicator(value) => {
                segments_rev.push(Segment::Key(key.to_string()));
                want = col;
                item = dashes.last().map(|&d| (d, 0));
            }
            _ => break,
        }
    }
    if let Some((_, count)) = item {
        segments_rev.push(Segment::Index(count));
    }
    segments_rev.reverse();
    segments_rev
}

fn significant_line(l: &str) -> Option<Line<'_>> {
    let content = l.trim_start_matches(' ');
    if content.is_empty() || content.starts_with('#') {
        return None;
    }
    Some(Line {
        indent: l.len() - content.len(),
        content: content.trim_end(),
    })
}

/// Split leading `- ` markers off a line: their columns, the column of what follows, and it.
fn peel_dashes(indent: usize, content: &str) -> (Vec<usize>, usize, &str) {
    let mut rest = content;
    let mut col = indent;
    let mut dashes = Vec::new();
    while let Some(stripped) = rest
        .strip_prefix("- ")
        .or_else(|| (rest == "-").then_some(""))
    {
        dashes.push(col);
        let spaces = stripped.len() - stripped.trim_start_matches(' ').len();
        col += rest.len() - stripped.len() + spaces;
        rest = &stripped[spaces..];
    }
    (dashes, col, rest)
}

fn is_block_indicator(value: &str) -> bool {
    let v = value.trim();
    v.starts_with('|') || v.starts_with('>') || v.starts_with('&')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Format, parse};

    fn at(text_with_cursor: &str, format: Format) -> CursorPath {
        let offset = text_with_cursor.find('|').expect("cursor marker");
        let text = text_with_cursor.replacen('|', "", 1);
        let parsed = parse(&text, format);
        path_at(&parsed, &text, offset)
    }

    fn keys(p: &CursorPath) -> String {
        crate::syntax::field_path(&p.segments)
    }

    #[test]
    fn a_closing_quote_before_the_cursor_does_not_shift_the_replaced_word() {
        // Found by fuzzing: the closing quote was trimmed from the typed word's length, so the
        // replacement started one byte late, inside a multi-byte character before it.
        let text = "spec:\n  \"image\"|\n";
        let p = at(text, Format::Yaml);
        let clean = text.replacen('|', "", 1);
        assert_eq!(p.prefix, "image");
        assert_eq!(
            &clean[p.replace.start as usize..p.replace.end as usize],
            "image\""
        );
        let text = "spec:\n  \u{fffd}   \"image\"|\n";
        let p = at(text, Format::Yaml);
        let clean = text.replacen('|', "", 1);
        assert!(clean.is_char_boundary(p.replace.start as usize), "{p:?}");
        assert!(
            clean[p.replace.start as usize..].starts_with('\u{fffd}'),
            "{p:?}"
        );
    }

    #[test]
    fn yaml_half_typed_key_in_container() {
        let p = at(
            "spec:\n  containers:\n    - name: app\n      ima|\n",
            Format::Yaml,
        );
        assert!(p.in_key);
        assert_eq!(p.prefix, "ima");
        assert_eq!(keys(&p), "spec.containers[0]");
    }

    #[test]
    fn yaml_value_position() {
        let p = at(
            "spec:\n  containers:\n    - name: app\n      imagePullPolicy: Al|\n",
            Format::Yaml,
        );
        assert!(!p.in_key);
        assert_eq!(p.prefix, "Al");
        assert_eq!(keys(&p), "spec.containers[0].imagePullPolicy");
    }

    #[test]
    fn yaml_second_item_and_compact_sequence() {
        let p = at(
            "containers:\n- name: a\n  image: x\n- name: b\n  |\n",
            Format::Yaml,
        );
        assert!(p.in_key);
        assert_eq!(keys(&p), "containers[1]");
    }

    #[test]
    fn yaml_new_item_on_dash_line() {
        let p = at("initContainers:\n  - name: a\n  - |\n", Format::Yaml);
        assert!(p.in_key);
        assert_eq!(keys(&p), "initContainers[1]");
    }

    #[test]
    fn yaml_path_survives_a_syntax_error_above() {
        let p = at(
            "metadata:\n  name: \"oops\nspec:\n  template:\n    spec:\n      containers:\n        - name: x\n          |\n",
            Format::Yaml,
        );
        assert_eq!(keys(&p), "spec.template.spec.containers[0]");
    }

    #[test]
    fn yaml_second_document() {
        let p = at("a: 1\n---\nkind: Pod\nspec:\n  |\n", Format::Yaml);
        assert_eq!(p.document, 1);
        assert_eq!(keys(&p), "spec");
    }

    #[test]
    fn yaml_flow_mapping_uses_the_tree() {
        let p = at("spec: {containers: [{name: a, ima|}]}\n", Format::Yaml);
        assert_eq!(keys(&p), "spec.containers[0]");
    }

    #[test]
    fn json_half_typed_key() {
        let p = at(
            "{\"sideCars\": [{\"container\": {\"name\": \"a\", \"ima|\n}}]}",
            Format::Json,
        );
        assert!(p.in_key);
        assert_eq!(p.prefix, "ima");
        assert_eq!(keys(&p), "sideCars[0].container");
    }

    #[test]
    fn json_value_position() {
        let p = at("{\"imagePullPolicy\": \"Al|\"}", Format::Json);
        assert!(!p.in_key);
        assert_eq!(p.prefix, "Al");
        assert_eq!(keys(&p), "imagePullPolicy");
    }
}
