//! Writing into the user's document in its own style.
//!
//! Every edit an action or a rename makes goes through here, so that new text looks like the text
//! around it: the indentation unit and list-dash placement of block YAML, flow collections kept
//! flow, JSON commas and indentation right, quoted scalars kept quoted. Nothing here re-parses:
//! the layout is read from the tree's spans and the bytes around them.

use crate::ide::TextEdit;
use crate::syntax::{Entry, Format, NodeId, ScalarStyle, Tree, Value, resolve_plain_scalar};
use crate::text::Span;

/// A value to write: built by the actions, rendered in the document's style.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Snippet {
    /// A string, quoted as the document needs.
    Str(String),
    /// Text written as is (a number, `Always`, or a scalar copied from the source).
    Raw(String),
    /// A mapping, in key order.
    Map(Vec<(String, Snippet)>),
    /// A sequence.
    List(Vec<Snippet>),
}

impl Snippet {
    /// A mapping from pairs.
    pub(crate) fn map<const N: usize>(pairs: [(&str, Snippet); N]) -> Snippet {
        Snippet::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    /// A string.
    pub(crate) fn str(s: impl Into<String>) -> Snippet {
        Snippet::Str(s.into())
    }

    /// A raw scalar.
    pub(crate) fn raw(s: impl Into<String>) -> Snippet {
        Snippet::Raw(s.into())
    }
}

/// How YAML strings are quoted in new text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quote {
    /// Plain where YAML reads it back as the same string, else double quotes.
    Plain,
    /// `"…"`.
    Double,
    /// `'…'`.
    Single,
}

/// The document's conventions, read once per action from the region being edited.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    /// Spaces per nesting level.
    pub indent: usize,
    /// YAML: whether a block sequence's dashes sit at its key's column (`key:\n- a`).
    pub compact_dash: bool,
    /// YAML: how new strings are quoted.
    pub quote: Quote,
    /// JSON: whether `:` is followed by a space.
    pub colon_space: bool,
    /// The line break of the text.
    pub newline: &'static str,
}

/// The text and tree being edited, with layout helpers.
#[derive(Clone, Copy)]
pub(crate) struct Layout<'a> {
    /// The document text.
    pub text: &'a str,
    /// Its tree.
    pub tree: &'a Tree,
    /// Its format.
    pub format: Format,
}

/// Where a new entry goes in an object.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Place<'k> {
    /// After the last entry.
    End,
    /// Right after the entry with this key (else at the end).
    After(&'k str),
    /// Right before the entry with this key (else at the end).
    Before(&'k str),
}

impl<'a> Layout<'a> {
    /// A layout over one analysed text.
    pub(crate) fn new(text: &'a str, tree: &'a Tree, format: Format) -> Self {
        Layout { text, tree, format }
    }

    // ---- Positions -------------------------------------------------------------------------

    /// The byte at `offset`, if any.
    fn byte(&self, offset: usize) -> Option<u8> {
        self.text.as_bytes().get(offset).copied()
    }

    /// Start of the line holding `offset`.
    pub(crate) fn line_start(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.text[..offset].rfind('\n').map_or(0, |i| i + 1)
    }

    /// End of the line holding `offset` (before `\r\n` or `\n`).
    pub(crate) fn line_end(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let end = self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i);
        if end > offset && self.byte(end - 1) == Some(b'\r') {
            end - 1
        } else {
            end
        }
    }

    /// The offset just past the line break ending the line of `offset` (or the text's end).
    fn next_line_start(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i + 1)
    }

    /// Column (in bytes) of `offset` on its line.
    pub(crate) fn col(&self, offset: usize) -> usize {
        offset.min(self.text.len()) - self.line_start(offset)
    }

    /// Whether only spaces precede `offset` on its line.
    pub(crate) fn starts_line(&self, offset: usize) -> bool {
        let start = self.line_start(offset);
        self.text[start..offset.min(self.text.len())]
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
    }

    /// The end of a node's content, ignoring trailing whitespace its span may carry.
    pub(crate) fn content_end(&self, node: NodeId) -> usize {
        let span = self.tree.span(node);
        let (start, end) = (
            span.start as usize,
            (span.end as usize).min(self.text.len()),
        );
        if start >= end || !self.text.is_char_boundary(start) || !self.text.is_char_boundary(end) {
            return end.max(start.min(self.text.len()));
        }
        start + self.text[start..end].trim_end().len()
    }

    /// Whether two offsets are on one line.
    pub(crate) fn same_line(&self, a: usize, b: usize) -> bool {
        let (lo, hi) = (a.min(b).min(self.text.len()), a.max(b).min(self.text.len()));
        !self.text[lo..hi].contains('\n')
    }

    /// Whether `node` is written with JSON or YAML flow syntax (`{…}` / `[…]`).
    pub(crate) fn is_flow(&self, node: NodeId) -> bool {
        if self.format == Format::Json {
            return true;
        }
        let start = self.tree.span(node).start as usize;
        match self.tree.value(node) {
            // A block collection starts at its first child; a flow one at its bracket.
            Value::Object(entries) => {
                self.byte(start) == Some(b'{')
                    && entries
                        .first()
                        .is_none_or(|e| e.key_span.start as usize > start)
            }
            Value::Array(items) => {
                self.byte(start) == Some(b'[')
                    && items
                        .first()
                        .is_none_or(|&i| self.tree.span(i).start as usize > start)
            }
            _ => false,
        }
    }

    /// The `-` of a block sequence item starting at `item_start`.
    fn dash_of(&self, item_start: usize) -> Option<usize> {
        let before = self.text.get(..item_start)?;
        let trimmed = before.trim_end();
        trimmed.ends_with('-').then(|| trimmed.len() - 1)
    }

    // ---- Style -----------------------------------------------------------------------------

    /// The conventions around `near` (a node of the region being edited), with strings quoted
    /// like `quote_like` when given.
    pub(crate) fn style(&self, near: NodeId, quote_like: Option<NodeId>) -> Style {
        // The first line break tells (a whole-text scan would cost more than the edit).
        let first_break = self.text.find('\n');
        let newline = if first_break.is_some_and(|i| i > 0 && self.byte(i - 1) == Some(b'\r')) {
            "\r\n"
        } else {
            "\n"
        };
        let root = self.root_of(near);
        Style {
            indent: self.indent_unit(root),
            compact_dash: self.compact_dash(root),
            quote: quote_like.map_or(Quote::Plain, |n| self.quote_of(n)),
            colon_space: self.colon_space(root),
            newline,
        }
    }

    fn root_of(&self, node: NodeId) -> NodeId {
        let mut current = node;
        while let Some(parent) = self.tree.node(current).parent {
            current = parent;
        }
        current
    }

    /// Visit up to `budget` collection nodes under `root`, breadth first.
    fn find_in(
        &self,
        root: NodeId,
        budget: usize,
        mut f: impl FnMut(NodeId) -> Option<usize>,
    ) -> Option<usize> {
        let mut queue = std::collections::VecDeque::from([root]);
        let mut seen = 0;
        while let Some(node) = queue.pop_front() {
            seen += 1;
            if seen > budget {
                break;
            }
            if let Some(found) = f(node) {
                return Some(found);
            }
            match self.tree.value(node) {
                Value::Object(entries) => queue.extend(entries.iter().map(|e| e.value)),
                Value::Array(items) => queue.extend(items.iter().copied()),
                _ => {}
            }
        }
        None
    }

    /// Spaces per level: YAML from a block mapping nested in another, JSON from an object whose
    /// keys sit on their own lines. Two when nothing says.
    fn indent_unit(&self, root: NodeId) -> usize {
        let found = self.find_in(root, 400, |node| {
            let entries = self.tree.entries(node)?;
            let parent_col = self.col(entries.first()?.key_span.start as usize);
            if self.format == Format::Json {
                let open = self.tree.span(node).start as usize;
                let first = entries.first()?.key_span.start as usize;
                if self.same_line(open, first) {
                    return None;
                }
                let base = self.col(self.first_non_space(self.line_start(open)));
                return self.col(first).checked_sub(base).filter(|&d| d > 0);
            }
            entries.iter().find_map(|e| {
                let child = self.tree.entries(e.value)?.first()?;
                if self.is_flow(e.value)
                    || self.same_line(e.key_span.start as usize, child.key_span.start as usize)
                {
                    return None;
                }
                self.col(child.key_span.start as usize)
                    .checked_sub(parent_col)
                    .filter(|&d| d > 0 && d <= 8)
            })
        });
        found.unwrap_or(2)
    }

    fn first_non_space(&self, from: usize) -> usize {
        from + self.text[from..]
            .bytes()
            .take_while(|&b| b == b' ' || b == b'\t')
            .count()
    }

    /// Whether block sequences under a key put their dashes at the key's column.
    fn compact_dash(&self, root: NodeId) -> bool {
        if self.format == Format::Json {
            return false;
        }
        self.find_in(root, 400, |node| {
            let entries = self.tree.entries(node)?;
            entries.iter().find_map(|e| {
                let first = *self.tree.items(e.value)?.first()?;
                if self.is_flow(e.value) {
                    return None;
                }
                let dash = self.dash_of(self.tree.span(first).start as usize)?;
                Some(usize::from(
                    self.col(dash) == self.col(e.key_span.start as usize),
                ))
            })
        })
        .is_some_and(|c| c == 1)
    }

    /// JSON: whether the document writes `"key": value` (else `"key":value`).
    fn colon_space(&self, root: NodeId) -> bool {
        let Some(e) = self.tree.entries(root).and_then(|e| e.first()) else {
            return true;
        };
        let between = self
            .text
            .get(e.key_span.end as usize..self.tree.span(e.value).start as usize)
            .unwrap_or(": ");
        between.contains(' ') || between.contains('\n')
    }

    /// How a scalar is quoted.
    pub(crate) fn quote_of(&self, node: NodeId) -> Quote {
        if self.tree.node(node).style != ScalarStyle::YamlQuoted {
            return Quote::Plain;
        }
        match self.byte(self.tree.span(node).start as usize) {
            Some(b'\'') => Quote::Single,
            _ => Quote::Double,
        }
    }

    // ---- Scalars ---------------------------------------------------------------------------

    /// `s` as a scalar of this format, quoted as `quote` asks (and as YAML needs).
    pub(crate) fn scalar(&self, s: &str, quote: Quote, in_flow: bool) -> String {
        if self.format == Format::Json {
            return json_string(s);
        }
        match quote {
            Quote::Single => format!("'{}'", s.replace('\'', "''")),
            Quote::Double => json_string(s),
            Quote::Plain if plain_is_safe(s, in_flow) => s.to_string(),
            Quote::Plain => json_string(s),
        }
    }

    /// The text inside a scalar's quotes (the whole scalar when it is plain).
    pub(crate) fn inner_span(&self, node: NodeId) -> Span {
        self.inside_quotes(self.tree.span(node))
    }

    /// `span` without its quotes (a string a syntax error left unterminated has only one).
    fn inside_quotes(&self, span: Span) -> Span {
        let (start, end) = (span.start as usize, span.end as usize);
        let Some(quote) = self.byte(start).filter(|b| matches!(b, b'"' | b'\'')) else {
            return span;
        };
        let closed = end >= start + 2 && self.byte(end - 1) == Some(quote);
        Span::new(start + 1, if closed { end - 1 } else { end })
    }

    /// Replace a string scalar by `new`, keeping its quotes (a plain YAML scalar is quoted only
    /// when YAML would read `new` as something else).
    pub(crate) fn replace_string(&self, node: NodeId, new: &str) -> TextEdit {
        let span = self.tree.span(node);
        let in_flow = self.in_flow(node);
        match (self.format, self.byte(span.start as usize)) {
            (Format::Json, Some(b'"')) | (Format::Yaml, Some(b'"')) => {
                let quoted = json_string(new);
                TextEdit::replace(self.inner_span(node), &quoted[1..quoted.len() - 1])
            }
            (Format::Yaml, Some(b'\'')) => {
                TextEdit::replace(self.inner_span(node), new.replace('\'', "''"))
            }
            (Format::Yaml, _) if self.tree.node(node).style == ScalarStyle::YamlPlain => {
                TextEdit::replace(span, self.scalar(new, Quote::Plain, in_flow))
            }
            _ => TextEdit::replace(span, self.scalar(new, Quote::Double, in_flow)),
        }
    }

    /// Replace a key's text by `new`, keeping its quotes.
    pub(crate) fn replace_key(&self, entry: &Entry, new: &str) -> TextEdit {
        let span = entry.key_span;
        match self.byte(span.start as usize) {
            Some(b'"') => {
                let quoted = json_string(new);
                TextEdit::replace(self.inside_quotes(span), &quoted[1..quoted.len() - 1])
            }
            Some(b'\'') => TextEdit::replace(self.inside_quotes(span), new.replace('\'', "''")),
            _ => TextEdit::replace(span, new),
        }
    }

    /// Whether `node` sits inside a flow collection (where `,[]{}` end a plain scalar).
    fn in_flow(&self, node: NodeId) -> bool {
        if self.format == Format::Json {
            return true;
        }
        let mut current = self.tree.node(node).parent;
        while let Some(p) = current {
            if self.is_flow(p) {
                return true;
            }
            current = self.tree.node(p).parent;
        }
        false
    }

    // ---- Rendering -------------------------------------------------------------------------

    /// A snippet on one line: JSON, or YAML flow.
    pub(crate) fn inline(&self, value: &Snippet, style: &Style) -> String {
        let colon = self.colon(style);
        match value {
            Snippet::Str(s) => self.scalar(s, style.quote, true),
            Snippet::Raw(r) => r.clone(),
            Snippet::Map(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}{colon}{}", self.key(k), self.inline(v, style)))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            Snippet::List(items) => {
                let inner: Vec<String> = items.iter().map(|v| self.inline(v, style)).collect();
                format!("[{}]", inner.join(", "))
            }
        }
    }

    /// A key as this format writes it.
    pub(crate) fn key(&self, k: &str) -> String {
        match self.format {
            Format::Json => json_string(k),
            Format::Yaml if plain_is_safe(k, true) => k.to_string(),
            Format::Yaml => json_string(k),
        }
    }

    /// JSON over several lines; the first line is not indented, the others sit under `col`.
    fn json_pretty(&self, value: &Snippet, col: usize, style: &Style) -> String {
        let nl = style.newline;
        let colon = if style.colon_space { ": " } else { ":" };
        let pad = |c: usize| " ".repeat(c);
        match value {
            Snippet::Map(entries) if !entries.is_empty() => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{}{}{colon}{}",
                            pad(col + style.indent),
                            json_string(k),
                            self.json_pretty(v, col + style.indent, style)
                        )
                    })
                    .collect();
                format!("{{{nl}{}{nl}{}}}", inner.join(&format!(",{nl}")), pad(col))
            }
            Snippet::List(items) if !items.is_empty() => {
                let inner: Vec<String> = items
                    .iter()
                    .map(|v| {
                        format!(
                            "{}{}",
                            pad(col + style.indent),
                            self.json_pretty(v, col + style.indent, style)
                        )
                    })
                    .collect();
                format!("[{nl}{}{nl}{}]", inner.join(&format!(",{nl}")), pad(col))
            }
            other => self.inline(other, style),
        }
    }

    /// The YAML lines of a block mapping's entries, each indented to `col`.
    fn yaml_entries(
        &self,
        entries: &[(String, Snippet)],
        col: usize,
        style: &Style,
        out: &mut Vec<String>,
    ) {
        for (k, v) in entries {
            let head = format!("{}{}:", " ".repeat(col), self.key(k));
            self.yaml_value(head, v, col, style, out);
        }
    }

    /// `head` (`key:` or `- key:`) followed by `value`: on the same line for scalars and empty
    /// collections, else as a nested block under `col`.
    fn yaml_value(
        &self,
        head: String,
        value: &Snippet,
        col: usize,
        style: &Style,
        out: &mut Vec<String>,
    ) {
        match value {
            Snippet::Map(entries) if !entries.is_empty() => {
                out.push(head);
                self.yaml_entries(entries, col + style.indent, style, out);
            }
            Snippet::List(items) if !items.is_empty() => {
                out.push(head);
                let dash = if style.compact_dash {
                    col
                } else {
                    col + style.indent
                };
                for item in items {
                    self.yaml_item(item, dash, 2, style, out);
                }
            }
            scalar => out.push(format!("{head} {}", self.yaml_scalar(scalar, style))),
        }
    }

    fn yaml_scalar(&self, value: &Snippet, style: &Style) -> String {
        match value {
            Snippet::Str(s) => self.scalar(s, style.quote, false),
            other => self.inline(other, style),
        }
    }

    /// The YAML lines of one block sequence item: `- ` at column `dash`, content `gap` after it.
    fn yaml_item(
        &self,
        item: &Snippet,
        dash: usize,
        gap: usize,
        style: &Style,
        out: &mut Vec<String>,
    ) {
        let lead = format!("{}-{}", " ".repeat(dash), " ".repeat(gap - 1));
        match item {
            Snippet::Map(entries) if !entries.is_empty() => {
                let mut lines = Vec::new();
                self.yaml_entries(entries, dash + gap, style, &mut lines);
                for (i, line) in lines.into_iter().enumerate() {
                    if i == 0 {
                        out.push(format!("{lead}{}", &line[dash + gap..]));
                    } else {
                        out.push(line);
                    }
                }
            }
            other => out.push(format!("{lead}{}", self.yaml_scalar(other, style))),
        }
    }

    /// Render `key: value` for an entry whose key starts at column `col` (first line unindented).
    fn entry_text(
        &self,
        key: &str,
        value: &Snippet,
        col: usize,
        flow: bool,
        style: &Style,
    ) -> String {
        if flow {
            let colon = self.colon(style);
            let rendered = if self.format == Format::Json {
                self.json_pretty(value, col, style)
            } else {
                self.inline(value, style)
            };
            return format!("{}{colon}{rendered}", self.key(key));
        }
        let mut lines = Vec::new();
        self.yaml_value(
            format!("{}{}:", " ".repeat(col), self.key(key)),
            value,
            col,
            style,
            &mut lines,
        );
        lines.join(style.newline)[col..].to_string()
    }

    /// Render a whole block-YAML item (all lines indented, dash at `dash`).
    pub(crate) fn yaml_item_text(
        &self,
        item: &Snippet,
        dash: usize,
        gap: usize,
        style: &Style,
    ) -> String {
        let mut lines = Vec::new();
        self.yaml_item(item, dash, gap.max(1), style, &mut lines);
        lines.join(style.newline)
    }

    // ---- Edits -----------------------------------------------------------------------------

    /// Add `key: value` to `object`. `None` when the object cannot take it (not a mapping).
    pub(crate) fn add_entry(
        &self,
        object: NodeId,
        key: &str,
        value: &Snippet,
        place: Place,
        style: &Style,
    ) -> Option<TextEdit> {
        let entries = self.tree.entries(object)?;
        let flow = self.is_flow(object);
        let find = |k: &str| entries.iter().rposition(|e| &*e.key == k);
        let (anchor, before) = match place {
            Place::End => (entries.len().checked_sub(1), false),
            Place::After(k) => (find(k).or(entries.len().checked_sub(1)), false),
            Place::Before(k) => match find(k) {
                Some(i) => (Some(i), true),
                None => (entries.len().checked_sub(1), false),
            },
        };
        let nl = style.newline;
        let Some(anchor) = anchor else {
            // An empty flow mapping: write inside the braces.
            let open = self.tree.span(object).start as usize;
            if !flow || self.byte(open) != Some(b'{') {
                return None;
            }
            let rendered = self.entry_text_inline(key, value, style);
            return Some(TextEdit::insert(open + 1, rendered));
        };
        let e = &entries[anchor];
        let key_at = e.key_span.start as usize;
        let col = self.col(key_at);
        if flow {
            let open = self.tree.span(object).start as usize;
            // Multi-line when the neighbour entry sits on its own line.
            let multiline = !self.same_line(open, key_at) && self.starts_line(key_at);
            let rendered = if multiline {
                self.entry_text(key, value, col, true, style)
            } else {
                self.entry_text_inline(key, value, style)
            };
            let sep = if multiline {
                format!("{nl}{}", " ".repeat(col))
            } else {
                " ".to_string()
            };
            return Some(if before {
                TextEdit::insert(key_at, format!("{rendered},{sep}"))
            } else {
                TextEdit::insert(self.content_end(e.value), format!(",{sep}{rendered}"))
            });
        }
        let rendered = self.entry_text(key, value, col, false, style);
        if before && self.starts_line(key_at) {
            let at = self.line_start(key_at);
            return Some(TextEdit::insert(
                at,
                format!("{}{rendered}{nl}", " ".repeat(col)),
            ));
        }
        let last = &entries[if before { entries.len() - 1 } else { anchor }];
        let at = self.line_end(self.content_end(last.value).max(last.key_span.end as usize));
        Some(TextEdit::insert(
            at,
            format!("{nl}{}{rendered}", " ".repeat(col)),
        ))
    }

    /// `": "`, or `":"` in JSON that writes no space.
    pub(crate) fn colon(&self, style: &Style) -> &'static str {
        if self.format == Format::Json && !style.colon_space {
            ":"
        } else {
            ": "
        }
    }

    fn entry_text_inline(&self, key: &str, value: &Snippet, style: &Style) -> String {
        let colon = self.colon(style);
        format!("{}{colon}{}", self.key(key), self.inline(value, style))
    }

    /// Replace the whole entry `key: …` of `object` by `key: value`, or add it at the end.
    pub(crate) fn set_entry(
        &self,
        object: NodeId,
        key: &str,
        value: &Snippet,
        style: &Style,
    ) -> Option<TextEdit> {
        let Some(e) = self.tree.entry(object, key) else {
            return self.add_entry(object, key, value, Place::End, style);
        };
        let flow = self.is_flow(object);
        let col = self.col(e.key_span.start as usize);
        let rendered = if flow && !self.is_multiline(object) {
            self.entry_text_inline(key, value, style)
        } else {
            self.entry_text(key, value, col, flow, style)
        };
        let end = self.content_end(e.value).max(e.key_span.end as usize);
        Some(TextEdit::replace(
            Span::new(e.key_span.start as usize, end),
            rendered,
        ))
    }

    fn is_multiline(&self, node: NodeId) -> bool {
        let span = self.tree.span(node);
        !self.same_line(span.start as usize, span.end as usize)
    }

    /// Append `item` to the sequence `list`.
    pub(crate) fn append_item(
        &self,
        list: NodeId,
        item: &Snippet,
        style: &Style,
    ) -> Option<TextEdit> {
        let items = self.tree.items(list)?;
        let nl = style.newline;
        if self.is_flow(list) {
            let Some(&last) = items.last() else {
                let open = self.tree.span(list).start as usize;
                return (self.byte(open) == Some(b'['))
                    .then(|| TextEdit::insert(open + 1, self.inline(item, style)));
            };
            let open = self.tree.span(list).start as usize;
            let last_at = self.tree.span(last).start as usize;
            let multiline = !self.same_line(open, last_at) && self.starts_line(last_at);
            let col = self.col(last_at);
            let rendered = if self.format == Format::Json && self.is_multiline(last) {
                self.json_pretty(item, col, style)
            } else {
                let text = self.inline(item, style);
                self.pad_like(last, text)
            };
            let sep = if multiline {
                format!("{nl}{}", " ".repeat(col))
            } else {
                " ".to_string()
            };
            return Some(TextEdit::insert(
                self.content_end(last),
                format!(",{sep}{rendered}"),
            ));
        }
        let (&first, &last) = (items.first()?, items.last()?);
        let first_at = self.tree.span(first).start as usize;
        let dash = self.dash_of(first_at)?;
        let gap = if self.same_line(dash, first_at) {
            first_at - dash
        } else {
            2
        };
        let text = self.yaml_item_text(item, self.col(dash), gap, style);
        Some(TextEdit::insert(
            self.line_end(self.content_end(last)),
            format!("{nl}{text}"),
        ))
    }

    /// `{ a }` rather than `{a}` when the neighbour item pads its braces.
    fn pad_like(&self, neighbour: NodeId, text: String) -> String {
        let span = self.tree.span(neighbour);
        let padded = self.text.get(span.start as usize..span.start as usize + 2) == Some("{ ");
        if padded && text.starts_with('{') && text.len() > 2 {
            format!("{{ {} }}", &text[1..text.len() - 1])
        } else {
            text
        }
    }

    /// The text of item `index` of `list`, for moving it: the whole lines of a block YAML item
    /// (dash included), else the item itself; with the column its text is laid out from.
    pub(crate) fn item_source(&self, list: NodeId, index: usize) -> Option<ItemSource> {
        let &item = self.tree.items(list)?.get(index)?;
        let start = self.tree.span(item).start as usize;
        let end = self.content_end(item);
        if self.is_flow(list) {
            return Some(ItemSource {
                span: Span::new(start, end),
                col: self.col(start),
                block: false,
            });
        }
        let dash = self.dash_of(start)?;
        if !self.starts_line(dash) {
            return None;
        }
        Some(ItemSource {
            span: Span::new(self.line_start(dash), self.line_end(end)),
            col: self.col(dash),
            block: true,
        })
    }

    /// Remove entry `index` of `object`, with its separator. `None` for the only entry of a block
    /// mapping (removing it would leave no mapping).
    pub(crate) fn remove_entry(&self, object: NodeId, index: usize) -> Option<TextEdit> {
        let entries = self.tree.entries(object)?;
        let e = entries.get(index)?;
        let key_at = e.key_span.start as usize;
        let end = self.content_end(e.value).max(e.key_span.end as usize);
        if self.is_flow(object) {
            let span = if index > 0 {
                let prev = &entries[index - 1];
                Span::new(
                    self.content_end(prev.value).max(prev.key_span.end as usize),
                    end,
                )
            } else if let Some(next) = entries.get(1) {
                Span::new(key_at, next.key_span.start as usize)
            } else {
                Span::new(key_at, end)
            };
            return Some(TextEdit::replace(span, ""));
        }
        if self.starts_line(key_at) {
            if entries.len() == 1 {
                return None;
            }
            let from = self.line_start(key_at);
            return Some(TextEdit::replace(
                Span::new(from, self.next_line_start(end)),
                "",
            ));
        }
        // The first key of a sequence item (`- key: …`): the next key moves up after the dash.
        let next = entries.get(index + 1)?;
        Some(TextEdit::replace(
            Span::new(key_at, next.key_span.start as usize),
            "",
        ))
    }

    /// Remove item `index` from `list`, with its separator.
    pub(crate) fn remove_item(&self, list: NodeId, index: usize) -> Option<TextEdit> {
        let items = self.tree.items(list)?;
        let &item = items.get(index)?;
        if !self.is_flow(list) {
            let source = self.item_source(list, index)?;
            let end = self.next_line_start(source.span.end as usize);
            return Some(TextEdit::replace(
                Span::new(source.span.start as usize, end),
                "",
            ));
        }
        let start = self.tree.span(item).start as usize;
        let end = self.content_end(item);
        let span = if index > 0 {
            Span::new(self.content_end(items[index - 1]), end)
        } else if let Some(&next) = items.get(1) {
            Span::new(start, self.tree.span(next).start as usize)
        } else {
            Span::new(start, end)
        };
        Some(TextEdit::replace(span, ""))
    }
}

/// Where an item's text is, for moving it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ItemSource {
    /// The text to move (block YAML: whole lines, dash included; else the item).
    pub span: Span,
    /// The column the text is laid out from (the dash, or the item's first byte).
    pub col: usize,
    /// Whether it is a block YAML item.
    pub block: bool,
}

/// Shift every line of `text` but the first by `delta` columns (block YAML items shift their first
/// line too: pass `first: true`). Lines are only ever shortened by spaces they have.
pub(crate) fn reindent(text: &str, delta: isize, first: bool) -> String {
    if delta == 0 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i == 0 && !first || line.trim().is_empty() {
            out.push_str(line);
            continue;
        }
        if delta > 0 {
            out.push_str(&" ".repeat(delta as usize));
            out.push_str(line);
        } else {
            let spaces = line.bytes().take_while(|&b| b == b' ').count();
            out.push_str(&line[spaces.min(delta.unsigned_abs())..]);
        }
    }
    out
}

/// A JSON string literal (also a valid YAML double-quoted scalar).
pub(crate) fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Whether `s` can be written as a plain YAML scalar and read back as the same string.
pub(crate) fn plain_is_safe(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !matches!(resolve_plain_scalar(s), Value::String(_)) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !(first == '-' && s.len() > 1 && !s[1..].starts_with(' '))
    {
        return false;
    }
    if s != s.trim() || s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\n')
    {
        return false;
    }
    !(in_flow && s.contains([',', '[', ']', '{', '}']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::apply_edits;
    use crate::syntax::parse;

    fn layout(text: &str, format: Format) -> (crate::syntax::SyntaxTree, String) {
        (parse(text, format), text.to_string())
    }

    #[test]
    fn plain_scalars_that_yaml_would_retype_are_quoted() {
        assert!(plain_is_safe("log-shipper", false));
        assert!(!plain_is_safe("on", false));
        assert!(!plain_is_safe("8080", false));
        assert!(!plain_is_safe("a: b", false));
        assert!(!plain_is_safe("a,b", true));
        assert!(plain_is_safe("a,b", false));
    }

    #[test]
    fn reindent_shifts_lines_by_spaces_only() {
        assert_eq!(reindent("- a\n  b\n", 2, true), "  - a\n    b\n");
        assert_eq!(reindent("    - a\n      b", -2, true), "  - a\n    b");
        assert_eq!(
            reindent("{\n    \"a\": 1\n  }", -2, false),
            "{\n  \"a\": 1\n}"
        );
    }

    #[test]
    fn block_yaml_entries_follow_the_indent_unit_and_dash_style() {
        let (parsed, text) = layout(
            "spec:\n    containers:\n    - name: a\n      image: b\n",
            Format::Yaml,
        );
        let l = Layout::new(&text, &parsed.tree, Format::Yaml);
        let root = parsed.documents[0].root.unwrap();
        let spec = parsed.tree.get(root, "spec").unwrap();
        let style = l.style(spec, None);
        assert_eq!(style.indent, 4);
        assert!(style.compact_dash);
        let value = Snippet::List(vec![Snippet::map([
            ("name", Snippet::str("v")),
            ("emptyDir", Snippet::Map(vec![])),
        ])]);
        let edit = l
            .add_entry(spec, "volumes", &value, Place::End, &style)
            .unwrap();
        assert_eq!(
            apply_edits(&text, &[edit]),
            "spec:\n    containers:\n    - name: a\n      image: b\n    volumes:\n    - name: v\n      emptyDir: {}\n"
        );
    }

    #[test]
    fn json_entries_keep_commas_and_indentation() {
        let text = "{\n  \"name\": \"a\",\n  \"image\": \"b\"\n}\n";
        let parsed = parse(text, Format::Json);
        let l = Layout::new(text, &parsed.tree, Format::Json);
        let root = parsed.documents[0].root.unwrap();
        let style = l.style(root, None);
        let value = Snippet::map([("requests", Snippet::map([("cpu", Snippet::str("100m"))]))]);
        let edit = l
            .add_entry(root, "resources", &value, Place::End, &style)
            .unwrap();
        assert_eq!(
            apply_edits(text, &[edit]),
            "{\n  \"name\": \"a\",\n  \"image\": \"b\",\n  \"resources\": {\n    \"requests\": {\n      \"cpu\": \"100m\"\n    }\n  }\n}\n"
        );
        let edit = l
            .add_entry(
                root,
                "restartPolicy",
                &Snippet::str("Always"),
                Place::After("name"),
                &style,
            )
            .unwrap();
        assert_eq!(
            apply_edits(text, &[edit]),
            "{\n  \"name\": \"a\",\n  \"restartPolicy\": \"Always\",\n  \"image\": \"b\"\n}\n"
        );
    }

    #[test]
    fn flow_yaml_stays_flow() {
        let text = "spec: {containers: [{name: a, image: b}]}\n";
        let parsed = parse(text, Format::Yaml);
        let l = Layout::new(text, &parsed.tree, Format::Yaml);
        let root = parsed.documents[0].root.unwrap();
        let spec = parsed.tree.get(root, "spec").unwrap();
        let style = l.style(spec, None);
        let item = Snippet::map([
            ("name", Snippet::str("v")),
            ("emptyDir", Snippet::Map(vec![])),
        ]);
        let edit = l
            .add_entry(
                spec,
                "volumes",
                &Snippet::List(vec![item]),
                Place::End,
                &style,
            )
            .unwrap();
        assert_eq!(
            apply_edits(text, &[edit]),
            "spec: {containers: [{name: a, image: b}], volumes: [{name: v, emptyDir: {}}]}\n"
        );
    }

    #[test]
    fn renames_keep_quotes() {
        let text = "a: 'x'\nb: \"y\"\nc: z\n";
        let parsed = parse(text, Format::Yaml);
        let l = Layout::new(text, &parsed.tree, Format::Yaml);
        let root = parsed.documents[0].root.unwrap();
        let edits: Vec<TextEdit> = ["a", "b", "c"]
            .iter()
            .map(|k| l.replace_string(parsed.tree.get(root, k).unwrap(), "on"))
            .collect();
        assert_eq!(apply_edits(text, &edits), "a: 'on'\nb: \"on\"\nc: \"on\"\n");
    }
}
