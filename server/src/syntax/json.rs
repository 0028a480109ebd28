//! An error-tolerant JSON parser producing the spanned [`Tree`].
//!
//! Strict JSON is accepted as is. Anything else is reported and recovered from, so the parts of
//! the document outside the broken region keep their structure: a missing comma or colon is
//! assumed, an unterminated string ends at the end of its line, a stray token is skipped, an
//! unclosed collection is closed at the end of the text and flagged incomplete.

use std::collections::HashMap;

use super::tree::{Entry, NodeId, Number, ScalarStyle, Tree, Value};
use super::{Document, MAX_DEPTH, SyntaxError, SyntaxErrorKind, SyntaxTree};
use crate::syntax::Format;
use crate::text::Span;

pub(super) fn parse(text: &str) -> SyntaxTree {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        tree: Tree::new(),
        errors: Vec::new(),
    };
    if parser.bytes.starts_with("\u{feff}".as_bytes()) {
        parser.pos = 3;
    }
    let mut documents = Vec::new();
    parser.skip_trivia();
    if parser.pos < parser.bytes.len() {
        let errors_before = parser.errors.len();
        let root = parser.value(0);
        let span = parser.tree.span(root);
        parser.skip_trivia();
        if parser.pos < parser.bytes.len() {
            let start = parser.pos;
            parser.error(
                Span::new(start, parser.bytes.len()),
                "unexpected content after the JSON value",
            );
        }
        let broken = parser.errors[errors_before..]
            .iter()
            .any(|e| !matches!(e.kind, SyntaxErrorKind::DuplicateKey { .. }));
        documents.push(Document {
            root: Some(root),
            span,
            broken,
        });
    }
    SyntaxTree {
        format: Format::Json,
        tree: parser.tree,
        documents,
        errors: parser.errors,
        comments: Vec::new(),
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    tree: Tree,
    errors: Vec<SyntaxError>,
}

/// What the next token is, without consuming it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Peek {
    ObjectOpen,
    ObjectClose,
    ArrayOpen,
    ArrayClose,
    Colon,
    Comma,
    String,
    Scalar,
    Eof,
}

impl<'a> Parser<'a> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(SyntaxError {
            span,
            message: message.into(),
            kind: SyntaxErrorKind::Syntax,
        });
    }

    /// Skip whitespace, and comments (reported: JSON has none).
    fn skip_trivia(&mut self) {
        loop {
            while let Some(&b) = self.bytes.get(self.pos) {
                if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                    self.pos += 1;
                } else {
                    break;
                }
            }
            let rest = &self.bytes[self.pos..];
            if rest.starts_with(b"//") {
                let start = self.pos;
                let end = memchr(b'\n', rest).map_or(self.bytes.len(), |i| self.pos + i);
                self.error(Span::new(start, end), "comments are not allowed in JSON");
                self.pos = end;
            } else if rest.starts_with(b"/*") {
                let start = self.pos;
                let end = find(rest, b"*/").map_or(self.bytes.len(), |i| self.pos + i + 2);
                self.error(Span::new(start, end), "comments are not allowed in JSON");
                self.pos = end;
            } else {
                return;
            }
        }
    }

    fn peek(&mut self) -> Peek {
        self.skip_trivia();
        match self.bytes.get(self.pos) {
            None => Peek::Eof,
            Some(b'{') => Peek::ObjectOpen,
            Some(b'}') => Peek::ObjectClose,
            Some(b'[') => Peek::ArrayOpen,
            Some(b']') => Peek::ArrayClose,
            Some(b':') => Peek::Colon,
            Some(b',') => Peek::Comma,
            Some(b'"') | Some(b'\'') => Peek::String,
            Some(_) => Peek::Scalar,
        }
    }

    fn value(&mut self, depth: usize) -> NodeId {
        match self.peek() {
            Peek::ObjectOpen | Peek::ArrayOpen if depth >= MAX_DEPTH => self.too_deep(),
            Peek::ObjectOpen => self.object(depth),
            Peek::ArrayOpen => self.array(depth),
            Peek::String => {
                let (text, span) = self.string();
                self.tree
                    .push(Value::String(text.into()), span, ScalarStyle::Json)
            }
            Peek::Scalar => self.scalar(),
            Peek::Eof => {
                let at = self.bytes.len();
                self.error(Span::at(at), "expected a value, found the end of the text");
                self.missing(at)
            }
            Peek::ObjectClose | Peek::ArrayClose | Peek::Colon | Peek::Comma => {
                let at = self.pos;
                self.error(Span::new(at, at + 1), "expected a value");
                self.missing(at)
            }
        }
    }

    fn missing(&mut self, at: usize) -> NodeId {
        self.tree
            .push(Value::Missing, Span::at(at), ScalarStyle::Json)
    }

    /// Skip a collection nested too deep, without recursion.
    fn too_deep(&mut self) -> NodeId {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'"' => {
                    self.string();
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        break;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.errors.push(SyntaxError {
            span: Span::new(start, start + 1),
            message: format!("nesting deeper than {MAX_DEPTH} levels; the nested value is skipped"),
            kind: SyntaxErrorKind::TooDeep,
        });
        self.tree.push(
            Value::Missing,
            Span::new(start, self.pos),
            ScalarStyle::Json,
        )
    }

    fn object(&mut self, depth: usize) -> NodeId {
        let start = self.pos;
        self.pos += 1; // {
        let mut entries: Vec<Entry> = Vec::new();
        let mut incomplete = false;
        let end;
        loop {
            match self.peek() {
                Peek::ObjectClose => {
                    self.pos += 1;
                    end = self.pos;
                    break;
                }
                Peek::Eof => {
                    self.error(Span::new(start, start + 1), "this object is never closed");
                    incomplete = true;
                    end = self.bytes.len();
                    break;
                }
                Peek::ArrayClose => {
                    let at = self.pos;
                    self.error(Span::new(at, at + 1), "expected `}` to close the object");
                    incomplete = true;
                    end = at;
                    break;
                }
                Peek::Comma => {
                    let at = self.pos;
                    self.error(Span::new(at, at + 1), "unexpected `,`");
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            // The key.
            let (key, key_span) = match self.peek() {
                Peek::String => self.string(),
                Peek::Scalar => {
                    let (word, span) = self.word();
                    self.error(span, "object keys must be double-quoted strings");
                    (word.to_string(), span)
                }
                Peek::Colon => {
                    let at = self.pos;
                    self.error(Span::at(at), "expected a key before `:`");
                    (String::new(), Span::at(at))
                }
                _ => {
                    // A nested collection where a key belongs: read it and drop it.
                    let at = self.pos;
                    self.error(Span::new(at, at + 1), "expected a key");
                    self.value(depth + 1);
                    incomplete = true;
                    continue;
                }
            };
            // The colon.
            let mut value_expected = true;
            if self.peek() == Peek::Colon {
                self.pos += 1;
            } else {
                self.error(
                    Span::new(key_span.end as usize, key_span.end as usize),
                    format!("expected `:` after the key \"{key}\""),
                );
                // A half-typed key (`"ima`) is often followed by the next key or the close.
                value_expected = matches!(
                    self.peek(),
                    Peek::ObjectOpen | Peek::ArrayOpen | Peek::Scalar
                ) || (self.peek() == Peek::String && !self.string_is_key());
            }
            let value = if value_expected {
                self.value(depth + 1)
            } else {
                incomplete = true;
                self.missing(key_span.end as usize)
            };
            entries.push(Entry {
                key: key.into(),
                key_span,
                value,
            });
            // Comma, close, or recovery.
            match self.peek() {
                Peek::Comma => {
                    let comma = self.pos;
                    self.pos += 1;
                    if self.peek() == Peek::ObjectClose {
                        self.error(Span::new(comma, comma + 1), "trailing comma before `}`");
                    }
                }
                Peek::ObjectClose | Peek::Eof | Peek::ArrayClose => {}
                Peek::String => {
                    let at = self.pos;
                    self.error(Span::at(at), "expected `,` between members");
                }
                _ => {
                    let at = self.pos;
                    self.error(Span::new(at, at + 1), "expected `,` or `}`");
                    self.skip_to_recovery_point();
                    incomplete = true;
                }
            }
        }
        self.report_duplicates(&entries);
        let id = self.tree.push(
            Value::Object(entries),
            Span::new(start, end),
            ScalarStyle::Json,
        );
        self.tree.adopt_children(id);
        self.tree.node_mut(id).incomplete = incomplete;
        id
    }

    /// Whether the string at the cursor is followed by `:` (so it is the next key).
    fn string_is_key(&mut self) -> bool {
        let saved = self.pos;
        let errors = self.errors.len();
        self.string();
        let is_key = self.peek() == Peek::Colon;
        self.pos = saved;
        self.errors.truncate(errors);
        is_key
    }

    /// Skip tokens until a `,`, `}` or `]` at this level, or a `"key":` that starts a new member.
    fn skip_to_recovery_point(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Peek::Eof => return,
                Peek::Comma | Peek::ObjectClose | Peek::ArrayClose if depth == 0 => return,
                Peek::ObjectOpen | Peek::ArrayOpen => {
                    depth += 1;
                    self.pos += 1;
                }
                Peek::ObjectClose | Peek::ArrayClose => {
                    depth -= 1;
                    self.pos += 1;
                }
                Peek::String => {
                    if depth == 0 && self.string_is_key() {
                        return;
                    }
                    self.string();
                }
                Peek::Scalar => {
                    self.word();
                }
                Peek::Colon | Peek::Comma => self.pos += 1,
            }
        }
    }

    fn report_duplicates(&mut self, entries: &[Entry]) {
        if entries.len() < 2 {
            return;
        }
        if entries.len() <= 16 {
            for (i, e) in entries.iter().enumerate() {
                if let Some(first) = entries[..i].iter().find(|f| f.key == e.key) {
                    self.duplicate(first.key_span, e);
                }
            }
        } else {
            let mut seen: HashMap<&str, Span> = HashMap::with_capacity(entries.len());
            for e in entries {
                if let Some(&first) = seen.get(&*e.key) {
                    self.duplicate(first, e);
                } else {
                    seen.insert(&e.key, e.key_span);
                }
            }
        }
    }

    fn duplicate(&mut self, first: Span, e: &Entry) {
        self.errors.push(SyntaxError {
            span: e.key_span,
            message: format!(
                "duplicate key \"{}\": decoders keep only one of the two values",
                e.key
            ),
            kind: SyntaxErrorKind::DuplicateKey { first },
        });
    }

    fn array(&mut self, depth: usize) -> NodeId {
        let start = self.pos;
        self.pos += 1; // [
        let mut items = Vec::new();
        let mut incomplete = false;
        let end;
        loop {
            match self.peek() {
                Peek::ArrayClose => {
                    self.pos += 1;
                    end = self.pos;
                    break;
                }
                Peek::Eof => {
                    self.error(Span::new(start, start + 1), "this array is never closed");
                    incomplete = true;
                    end = self.bytes.len();
                    break;
                }
                Peek::ObjectClose => {
                    let at = self.pos;
                    self.error(Span::new(at, at + 1), "expected `]` to close the array");
                    incomplete = true;
                    end = at;
                    break;
                }
                Peek::Comma => {
                    let at = self.pos;
                    self.error(Span::new(at, at + 1), "unexpected `,`");
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            items.push(self.value(depth + 1));
            match self.peek() {
                Peek::Comma => {
                    let comma = self.pos;
                    self.pos += 1;
                    if self.peek() == Peek::ArrayClose {
                        self.error(Span::new(comma, comma + 1), "trailing comma before `]`");
                    }
                }
                Peek::ArrayClose | Peek::Eof | Peek::ObjectClose => {}
                Peek::Colon => {
                    let at = self.pos;
                    self.error(Span::new(at, at + 1), "unexpected `:` in an array");
                    self.pos += 1;
                    incomplete = true;
                }
                _ => {
                    let at = self.pos;
                    self.error(Span::at(at), "expected `,` between array items");
                }
            }
        }
        let id = self.tree.push(
            Value::Array(items),
            Span::new(start, end),
            ScalarStyle::Json,
        );
        self.tree.adopt_children(id);
        self.tree.node_mut(id).incomplete = incomplete;
        id
    }

    /// A bare word: a literal, a number, or junk.
    fn word(&mut self) -> (&'a str, Span) {
        let start = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(
                b,
                b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b'{' | b'}' | b'[' | b']' | b'"'
            ) {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            // A byte that starts nothing: consume one character.
            let len = self.text[start..].chars().next().map_or(1, char::len_utf8);
            self.pos += len;
        }
        (&self.text[start..self.pos], Span::new(start, self.pos))
    }

    fn scalar(&mut self) -> NodeId {
        let (word, span) = self.word();
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => match parse_number(word) {
                Some((number, strict)) => {
                    if !strict {
                        self.error(span, format!("`{word}` is not a valid JSON number"));
                    }
                    Value::Number(number)
                }
                None => {
                    self.error(
                        span,
                        format!("unexpected `{word}`: strings must be in double quotes"),
                    );
                    Value::Missing
                }
            },
        };
        self.tree.push(value, span, ScalarStyle::Json)
    }

    /// Read a string token. An unterminated string ends at the end of its line.
    fn string(&mut self) -> (String, Span) {
        let start = self.pos;
        let quote = self.bytes[start];
        if quote == b'\'' {
            self.error(
                Span::new(start, start + 1),
                "strings must use double quotes",
            );
        }
        self.pos += 1;
        let content_start = self.pos;
        // Fast path: no escapes.
        loop {
            match self.bytes.get(self.pos) {
                Some(&b) if b == quote => {
                    let s = self.text[content_start..self.pos].to_string();
                    self.pos += 1;
                    return (s, Span::new(start, self.pos));
                }
                Some(b'\\') => break,
                Some(b'\n') | None => {
                    let s = self.text[content_start..self.pos]
                        .trim_end_matches('\r')
                        .to_string();
                    self.error(
                        Span::new(start, self.pos),
                        "unterminated string: add the closing `\"`",
                    );
                    return (s, Span::new(start, self.pos));
                }
                Some(&b) if b < 0x20 => {
                    let at = self.pos;
                    self.error(
                        Span::new(at, at + 1),
                        "control characters must be escaped in JSON strings",
                    );
                    self.pos += 1;
                }
                Some(_) => self.pos += 1,
            }
        }
        // Slow path: unescape.
        let mut out = String::from(&self.text[content_start..self.pos]);
        loop {
            match self.bytes.get(self.pos) {
                Some(&b) if b == quote => {
                    self.pos += 1;
                    return (out, Span::new(start, self.pos));
                }
                Some(b'\\') => {
                    let esc_start = self.pos;
                    self.pos += 1;
                    match self.bytes.get(self.pos) {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'\'') if quote == b'\'' => out.push('\''),
                        Some(b'u') => {
                            self.pos += 1;
                            out.push(self.unicode_escape(esc_start));
                            continue;
                        }
                        _ => {
                            let end = (self.pos + 1).min(self.bytes.len());
                            let end =
                                crate::text::floor_char_boundary(self.text, end).max(self.pos);
                            self.error(Span::new(esc_start, end), "invalid escape sequence");
                            if self.pos >= self.bytes.len() || self.bytes[self.pos] == b'\n' {
                                continue;
                            }
                            let ch = self.text[self.pos..].chars().next().unwrap_or('?');
                            out.push(ch);
                            self.pos += ch.len_utf8();
                            continue;
                        }
                    }
                    self.pos += 1;
                }
                Some(b'\n') | None => {
                    self.error(
                        Span::new(start, self.pos),
                        "unterminated string: add the closing `\"`",
                    );
                    while out.ends_with('\r') {
                        out.pop();
                    }
                    return (out, Span::new(start, self.pos));
                }
                Some(_) => {
                    let rest = &self.text[self.pos..];
                    let run = rest.find([quote as char, '\\', '\n']).unwrap_or(rest.len());
                    let run = run.max(1);
                    let run = crate::text::floor_char_boundary(rest, run)
                        .max(rest.chars().next().map_or(1, char::len_utf8));
                    out.push_str(&rest[..run]);
                    self.pos += run;
                }
            }
        }
    }

    /// Read the 4 hex digits after `\u` (and a following low surrogate).
    fn unicode_escape(&mut self, esc_start: usize) -> char {
        let Some(high) = self.hex4() else {
            self.error(
                Span::new(esc_start, self.pos),
                "invalid \\u escape: expected 4 hex digits",
            );
            return '\u{fffd}';
        };
        if (0xD800..0xDC00).contains(&high) {
            if self.bytes[self.pos..].starts_with(b"\\u") {
                let saved = self.pos;
                self.pos += 2;
                if let Some(low) = self.hex4()
                    && (0xDC00..0xE000).contains(&low)
                {
                    let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    return char::from_u32(c).unwrap_or('\u{fffd}');
                }
                self.pos = saved;
            }
            self.error(Span::new(esc_start, self.pos), "unpaired UTF-16 surrogate");
            return '\u{fffd}';
        }
        char::from_u32(high).unwrap_or_else(|| {
            self.error(Span::new(esc_start, self.pos), "unpaired UTF-16 surrogate");
            '\u{fffd}'
        })
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4)?;
        let s = std::str::from_utf8(digits).ok()?;
        let v = u32::from_str_radix(s, 16).ok()?;
        self.pos += 4;
        Some(v)
    }
}

/// Parse a JSON number; also accepts near-misses (leading `+`, leading zeros, `1.`), reporting
/// them as not strict.
fn parse_number(word: &str) -> Option<(Number, bool)> {
    let b = word.as_bytes();
    let first = *b.first()?;
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return None;
    }
    if !word
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    let strict = is_strict_json_number(b);
    let integer = !word.contains(['.', 'e', 'E']);
    if integer {
        if let Ok(i) = word.parse::<i64>() {
            return Some((Number::Int(i), strict));
        }
        if let Ok(u) = word.trim_start_matches('+').parse::<u64>() {
            return Some((Number::UInt(u), strict));
        }
    }
    word.trim_start_matches('+')
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(|f| (Number::Float(f), strict))
}

fn is_strict_json_number(b: &[u8]) -> bool {
    let mut i = 0;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(c) if c.is_ascii_digit() => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    i == b.len()
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::super::parse as parse_text;
    use super::*;

    fn parse(text: &str) -> SyntaxTree {
        parse_text(text, Format::Json)
    }

    fn root(t: &SyntaxTree) -> NodeId {
        t.documents[0].root.unwrap()
    }

    #[test]
    fn strict_json_has_exact_spans_and_no_errors() {
        let text = r#"{"name": "a", "n": [1, 2.5, -3e2], "ok": true, "z": null}"#;
        let t = parse(text);
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        let r = root(&t);
        let e = t.tree.entry(r, "name").unwrap();
        assert_eq!(&text[e.key_span.range()], "\"name\"");
        assert_eq!(&text[t.tree.span(e.value).range()], "\"a\"");
        let n = t.tree.get(r, "n").unwrap();
        let items = t.tree.items(n).unwrap();
        assert_eq!(t.tree.number(items[0]), Some(Number::Int(1)));
        assert_eq!(t.tree.number(items[2]), Some(Number::Float(-300.0)));
        assert_eq!(t.tree.node(items[1]).parent, Some(n));
        assert!(!t.documents[0].broken);
    }

    #[test]
    fn escapes_are_unescaped() {
        let t = parse(r#"{"a": "x\n\"\u00e9\ud83d\ude00"}"#);
        assert!(t.errors.is_empty());
        assert_eq!(t.tree.get_str(root(&t), "a"), Some("x\n\"é😀"));
    }

    #[test]
    fn missing_comma_is_assumed_and_later_members_survive() {
        let t = parse("{\"a\": 1\n \"b\": 2}");
        assert_eq!(t.errors.len(), 1);
        assert!(t.errors[0].message.contains("expected `,`"));
        assert!(t.tree.get(root(&t), "b").is_some());
    }

    #[test]
    fn unterminated_string_ends_at_line_end() {
        let text = "{\"image\": \"ngin\n, \"name\": \"x\"}";
        let t = parse(text);
        assert!(t.errors.iter().any(|e| e.message.contains("unterminated")));
        let r = root(&t);
        assert_eq!(t.tree.get_str(r, "image"), Some("ngin"));
        assert_eq!(t.tree.get_str(r, "name"), Some("x"));
    }

    #[test]
    fn half_typed_key_without_colon_keeps_the_key() {
        let t = parse("{\"container\": {\"ima\n}}");
        let c = t.tree.get(root(&t), "container").unwrap();
        assert!(t.tree.entry(c, "ima").is_some());
        assert!(t.tree.node(c).incomplete);
    }

    #[test]
    fn unclosed_collections_close_at_end() {
        let t = parse("{\"a\": [1, {\"b\": 2");
        assert!(t.documents[0].broken);
        let r = root(&t);
        assert!(t.tree.node(r).incomplete);
        let a = t.tree.get(r, "a").unwrap();
        let obj = t.tree.items(a).unwrap()[1];
        assert_eq!(
            t.tree.number(t.tree.get(obj, "b").unwrap()),
            Some(Number::Int(2))
        );
    }

    #[test]
    fn trailing_comma_and_comments_are_reported_but_tolerated() {
        let t = parse("{\"a\": 1, // note\n}");
        assert_eq!(t.errors.len(), 2);
        assert!(t.tree.get(root(&t), "a").is_some());
    }

    #[test]
    fn duplicate_keys_are_reported_at_the_second_key() {
        let text = "{\"a\": 1, \"a\": 2}";
        let t = parse(text);
        assert_eq!(t.errors.len(), 1);
        let e = &t.errors[0];
        assert_eq!(e.span, Span::new(9, 12));
        assert!(
            matches!(e.kind, SyntaxErrorKind::DuplicateKey { first } if first == Span::new(1, 4))
        );
        assert!(
            !t.documents[0].broken,
            "a duplicate key does not break the document"
        );
        // Decoders keep the last value.
        assert_eq!(
            t.tree.number(t.tree.get(root(&t), "a").unwrap()),
            Some(Number::Int(2))
        );
    }

    #[test]
    fn deep_nesting_is_cut_off_without_recursion() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let t = parse(&text);
        assert!(t.errors.iter().any(|e| e.kind == SyntaxErrorKind::TooDeep));
    }

    #[test]
    fn bare_words_and_junk_do_not_stop_parsing() {
        let t = parse("{\"a\": nginx, \"b\": 1, @@ \"c\": 3}");
        assert!(!t.errors.is_empty());
        let r = root(&t);
        assert!(t.tree.get(r, "b").is_some());
        assert!(t.tree.get(r, "c").is_some());
    }

    #[test]
    fn empty_text_has_no_documents() {
        assert!(parse("  \n").documents.is_empty());
    }

    #[test]
    fn content_after_the_value_is_reported() {
        let t = parse("{} {}");
        assert_eq!(t.errors.len(), 1);
    }

    #[test]
    fn non_ascii_spans_are_on_char_boundaries() {
        let text = "{\"é\": \"😀\", \"x\": é}";
        let t = parse(text);
        for e in &t.errors {
            assert!(text.is_char_boundary(e.span.start as usize));
            assert!(text.is_char_boundary(e.span.end as usize));
        }
    }
}
