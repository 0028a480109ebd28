//! A fast reader for the shape most Kubernetes YAML has: block mappings and sequences of
//! one-line scalars, one-line flow collections of scalars (`[a, "b"]`, `{cpu: 1}`), literal and
//! folded block scalars and comments, under `---` markers.
//!
//! It reads a line at a time (`\n` or `\r\n` ends) and gives the builder the very [`Step`]s
//! granit-parser would give, comments in the same order (the tests compare the two on every YAML
//! file we have, in both line endings, and on thousands of edits of them). It gives up, before
//! any error could be missed, at anything else: flow collections that nest or span lines,
//! multi-line plain and quoted scalars, anchors, aliases, tags, explicit keys, directives, `...`,
//! indentation indicators, tabs, other carriage returns, unusual escapes or characters, and every
//! malformed line. What it gives up on is read again by granit-parser, so it changes only how
//! fast the tree is built.

use std::borrow::Cow;
use std::collections::VecDeque;

use granit_parser::ScalarStyle;

use super::steps::{Next, Step, Steps};
use crate::text::Span;

mod scan;

use scan::{
    Chomp, Scalar, check_characters, flow_plain, fold, quoted, skip_spaces, space_or_end,
    starts_plain, trim_end,
};

/// How deep block collections may nest here (granit-parser's limit is 255).
const MAX_BLOCKS: usize = 200;
/// How long a key may be here (granit-parser looks 1,024 characters ahead for a key's `:`).
const MAX_KEY: usize = 1000;

/// The fast reader; see the module doc.
pub(super) struct Quick<'a> {
    text: &'a str,
    /// Where the next line starts.
    next_line: usize,
    /// Open block collections, innermost last.
    blocks: Vec<Block>,
    expect: Expect,
    queue: VecDeque<Step<'a>>,
    /// Comments read but not yet given: granit-parser gives them just before the next node or
    /// collection end, after the null of a key or dash with no value.
    comments: Vec<Step<'a>>,
    in_document: bool,
    /// Where the last step's span ends: an implicit document end is there.
    last_end: usize,
    finished: bool,
    gave_up: bool,
}

#[derive(Clone, Copy)]
struct Block {
    mapping: bool,
    /// The column of its keys or dashes.
    indent: usize,
    /// A sequence at the same column as the key that holds it (`key:\n- item`).
    indentless: bool,
}

/// What the next content line may be.
#[derive(Clone, Copy)]
enum Expect {
    /// A document's root value; null at `null_at` if none follows.
    Root { null_at: usize },
    /// The root was a scalar: only the document's end may follow.
    RootDone,
    /// The value of the key at column `indent`, on later lines; null at `null_at` if none.
    Value { null_at: usize, indent: usize },
    /// The item of the dash at column `indent`, on later lines; null at `null_at` if none.
    Item { null_at: usize, indent: usize },
    /// More entries of the open collections.
    Entries,
}

/// What a line holds at some position.
enum Content<'a> {
    /// `key:` — the key and where its `:` is.
    Key(Scalar<'a>, usize),
    /// A scalar that is not a key.
    Scalar(Scalar<'a>),
    /// A one-line flow collection of scalars (`[a, "b"]`, `{k: v}`) opening at this offset.
    Flow { at: usize },
    /// A block scalar whose `|` or `>` is at this offset.
    Block { at: usize },
}

impl<'a> Quick<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Quick {
            text,
            next_line: 0,
            blocks: Vec::new(),
            expect: Expect::Entries,
            queue: VecDeque::new(),
            comments: Vec::new(),
            in_document: false,
            last_end: 0,
            finished: false,
            gave_up: false,
        }
    }

    fn push(&mut self, step: Step<'a>) {
        self.queue.push_back(step);
    }

    fn push_scalar(&mut self, scalar: Scalar<'a>) {
        self.last_end = scalar.end;
        self.push(Step::Scalar {
            value: scalar.value,
            style: scalar.style,
            core_tag: None,
            anchor: 0,
            span: Span::new(scalar.start, scalar.end),
        });
    }

    /// A value that fills the rest of its line.
    fn push_value(&mut self, content: Content<'a>, end: usize) -> Option<()> {
        match content {
            Content::Key(..) => return None,
            Content::Scalar(scalar) => self.push_scalar(scalar),
            Content::Flow { at } => self.flow(at, end)?,
            Content::Block { at } => return self.block_scalar(at, end),
        }
        self.rest_of_line(self.last_end, end)
    }

    fn push_null(&mut self, at: usize) {
        self.push_scalar(Scalar {
            value: Cow::Borrowed("~"),
            style: ScalarStyle::Plain,
            start: at,
            end: at,
        });
    }

    /// Hold the comment whose `#` is at `at` until the next step that comes after comments.
    fn hold_comment(&mut self, at: usize, end: usize) {
        self.comments.push(Step::Comment {
            span: Span::new(at, end),
            text: Cow::Borrowed(&self.text[at + 1..end]),
        });
    }

    fn give_comments(&mut self) {
        self.queue.extend(self.comments.drain(..));
    }

    /// After a value that ends at `from`: nothing but spaces and a comment may follow on the line.
    fn rest_of_line(&mut self, from: usize, end: usize) -> Option<()> {
        let bytes = self.text.as_bytes();
        let hash = skip_spaces(bytes, from, end);
        if hash == end {
            return Some(());
        }
        if bytes[hash] != b'#' || hash == from {
            return None;
        }
        self.hold_comment(hash, end);
        Some(())
    }

    fn push_end(&mut self, at: usize) {
        self.blocks.pop();
        self.last_end = at;
        self.push(Step::End { span: Span::at(at) });
    }

    /// Read one line (or the end of the text) into steps; `None` gives up.
    fn read_line(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        let start = self.next_line;
        if start >= bytes.len() {
            self.end_document(bytes.len());
            self.finished = true;
            return Some(());
        }
        let Line { end, next, indent } = line_at(self.text, start)?;
        self.next_line = next;
        let line = &bytes[start..end];
        if indent == line.len() {
            return Some(());
        }
        let at = start + indent;
        let first = line[indent];
        if first == b'#' {
            self.hold_comment(at, end);
            return Some(());
        }
        if indent == 0 {
            let marker = (line.starts_with(b"---") || line.starts_with(b"..."))
                && line.get(3).is_none_or(|&b| b == b' ');
            if marker {
                if first == b'.' {
                    return None;
                }
                self.start_document(at);
                return self.rest_of_line(at + 3, end);
            }
            if first == b'%' {
                return None;
            }
        }
        if !self.in_document {
            self.give_comments();
            self.in_document = true;
            self.push(Step::DocumentStart {
                explicit: false,
                at,
            });
            self.expect = Expect::Root { null_at: at };
        }
        let dash = first == b'-' && line.get(indent + 1).is_none_or(|&b| b == b' ');
        let expect = std::mem::replace(&mut self.expect, Expect::Entries);
        match expect {
            Expect::Root { .. } => {
                self.give_comments();
                return self.root(at, end, indent, dash);
            }
            Expect::RootDone => return None,
            // The value or item is on this line, deeper (or, for a key, a sequence at its column).
            Expect::Value { indent: key, .. } | Expect::Item { indent: key, .. }
                if indent > key =>
            {
                self.give_comments();
                return self.nested(at, end, indent, dash);
            }
            Expect::Value { indent: key, .. } if indent == key && dash => {
                self.give_comments();
                return self.indentless(at, end, indent);
            }
            Expect::Value { null_at, .. } | Expect::Item { null_at, .. } => {
                self.push_null(null_at);
            }
            Expect::Entries => {}
        }
        self.give_comments();
        while let Some(top) = self.blocks.last() {
            if top.indent > indent || (top.indentless && top.indent == indent && !dash) {
                self.push_end(at);
            } else {
                break;
            }
        }
        let top = *self.blocks.last()?;
        match (top.indent == indent, top.mapping, dash) {
            (true, true, false) => self.entry(at, end, indent),
            (true, false, true) => self.item(at, end, indent),
            _ => None,
        }
    }

    /// A `---` line at `at`: end the open document, begin the next.
    fn start_document(&mut self, at: usize) {
        self.end_document(at);
        self.in_document = true;
        self.push(Step::DocumentStart { explicit: true, at });
        self.last_end = at + 3;
        self.expect = Expect::Root { null_at: at + 3 };
    }

    /// End the open document (if any) where the next one or the text's end is.
    fn end_document(&mut self, at: usize) {
        if !self.in_document {
            self.give_comments();
            return;
        }
        match self.expect {
            Expect::Root { null_at } => {
                self.give_comments();
                self.push_null(null_at);
            }
            Expect::Value { null_at, .. } | Expect::Item { null_at, .. } => {
                self.push_null(null_at);
                self.give_comments();
            }
            Expect::RootDone | Expect::Entries => self.give_comments(),
        }
        while !self.blocks.is_empty() {
            self.push_end(at);
        }
        self.push(Step::DocumentEnd {
            span: Span::at(self.last_end),
        });
        self.in_document = false;
        self.expect = Expect::Entries;
    }

    fn open(&mut self, mapping: bool, at: usize, indent: usize, indentless: bool) -> Option<()> {
        if self.blocks.len() >= MAX_BLOCKS {
            return None;
        }
        self.blocks.push(Block {
            mapping,
            indent,
            indentless,
        });
        self.push(if mapping {
            Step::MappingStart { anchor: 0, at }
        } else {
            Step::SequenceStart { anchor: 0, at }
        });
        Some(())
    }

    /// The first content line of a document.
    fn root(&mut self, at: usize, end: usize, indent: usize, dash: bool) -> Option<()> {
        if dash {
            self.open(false, at, indent, false)?;
            return self.item(at, end, indent);
        }
        match self.content(at, end)? {
            Content::Key(..) => {
                self.open(true, at, indent, false)?;
                self.entry(at, end, indent)
            }
            value => {
                self.expect = Expect::RootDone;
                self.push_value(value, end)
            }
        }
    }

    /// A line deeper than the key or dash before it: a collection begins.
    fn nested(&mut self, at: usize, end: usize, indent: usize, dash: bool) -> Option<()> {
        if dash {
            self.open(false, at, indent, false)?;
            self.item(at, end, indent)
        } else if matches!(self.text.as_bytes()[at], b'{' | b'[') {
            // A flow collection on a line of its own (`key:\n  {}`).
            self.flow(at, end)?;
            self.rest_of_line(self.last_end, end)
        } else {
            self.open(true, at, indent, false)?;
            self.entry(at, end, indent)
        }
    }

    /// `key:` followed by `- item` at the key's column: the sequence begins at its first item.
    fn indentless(&mut self, at: usize, end: usize, indent: usize) -> Option<()> {
        let content = skip_spaces(self.text.as_bytes(), at + 1, end);
        if content == end || self.text.as_bytes()[content] == b'#' {
            return None;
        }
        self.open(false, content, indent, true)?;
        self.item(at, end, indent)
    }

    /// A `key: value` line (or the rest of `- key: value`) with the key at `at`, column `column`.
    fn entry(&mut self, at: usize, end: usize, column: usize) -> Option<()> {
        let Content::Key(key, colon) = self.content(at, end)? else {
            return None;
        };
        self.push_scalar(key);
        let value = skip_spaces(self.text.as_bytes(), colon + 1, end);
        if value == end || self.text.as_bytes()[value] == b'#' {
            self.rest_of_line(colon + 1, end)?;
            self.expect = Expect::Value {
                null_at: colon,
                indent: column,
            };
            return Some(());
        }
        let value = self.content(value, end)?;
        self.push_value(value, end)
    }

    /// A `- …` line with its dash at `at`, column `column`.
    fn item(&mut self, at: usize, end: usize, column: usize) -> Option<()> {
        let bytes = self.text.as_bytes();
        let content = skip_spaces(bytes, at + 1, end);
        if content == end || bytes[content] == b'#' {
            // A comment after a dash comes before the item's null (after a key, it comes after).
            self.rest_of_line(at + 1, end)?;
            self.give_comments();
            self.expect = Expect::Item {
                null_at: end,
                indent: column,
            };
            return Some(());
        }
        if bytes[content] == b'-' && space_or_end(bytes, content + 1, end) {
            return None;
        }
        match self.content(content, end)? {
            Content::Key(..) => {
                let key_column = column + (content - at);
                self.open(true, content, key_column, false)?;
                self.entry(content, end, key_column)
            }
            value => self.push_value(value, end),
        }
    }

    /// What starts at `at` and fills the rest of the line: a key (and then whatever follows its
    /// `:`) or a scalar.
    fn content(&self, at: usize, end: usize) -> Option<Content<'a>> {
        let bytes = self.text.as_bytes();
        let (scalar, after) = match bytes[at] {
            b'"' | b'\'' => quoted(self.text, at, end)?,
            b'{' | b'[' => return Some(Content::Flow { at }),
            b'|' | b'>' => return Some(Content::Block { at }),
            _ => return self.plain(at, end),
        };
        if after < end && bytes[after] == b':' && space_or_end(bytes, after + 1, end) {
            if after - at > MAX_KEY {
                return None;
            }
            return Some(Content::Key(scalar, after));
        }
        Some(Content::Scalar(scalar))
    }

    /// A flow sequence or mapping of scalars that opens at `at` and closes on the same line.
    fn flow(&mut self, at: usize, end: usize) -> Option<()> {
        let bytes = self.text.as_bytes();
        let mapping = bytes[at] == b'{';
        let close = if mapping { b'}' } else { b']' };
        self.push(if mapping {
            Step::MappingStart { anchor: 0, at }
        } else {
            Step::SequenceStart { anchor: 0, at }
        });
        let mut i = skip_spaces(bytes, at + 1, end);
        while i < end && bytes[i] != close {
            if mapping {
                let (key, after) = self.flow_scalar(i, end, close)?;
                self.push_scalar(key);
                if !(after < end && bytes[after] == b':' && bytes.get(after + 1) == Some(&b' ')) {
                    return None;
                }
                i = skip_spaces(bytes, after + 1, end);
            }
            let (scalar, after) = self.flow_scalar(i, end, close)?;
            self.push_scalar(scalar);
            i = skip_spaces(bytes, after, end);
            match bytes.get(i).filter(|_| i < end)? {
                b',' => i = skip_spaces(bytes, i + 1, end),
                &b if b == close => {}
                _ => return None,
            }
        }
        if i >= end {
            return None;
        }
        self.push(Step::End {
            span: Span::new(i, i + 1),
        });
        self.last_end = i + 1;
        Some(())
    }

    /// A scalar in a one-line flow collection closed by `close`, and where it ends.
    fn flow_scalar(&self, at: usize, end: usize, close: u8) -> Option<(Scalar<'a>, usize)> {
        if at >= end {
            return None;
        }
        match self.text.as_bytes()[at] {
            b'"' | b'\'' => quoted(self.text, at, end),
            _ => flow_plain(self.text, at, end, close),
        }
    }

    /// A block scalar (`|` or `>`, with `-` or `+`) whose header at `header` ends at `end`; its
    /// lines follow, more indented than the collection that holds it.
    fn block_scalar(&mut self, header: usize, end: usize) -> Option<()> {
        let bytes = self.text.as_bytes();
        let parent = self.blocks.last()?.indent;
        let folded = bytes[header] == b'>';
        let (chomp, after) = match bytes.get(header + 1).filter(|_| header + 1 < end) {
            Some(b'-') => (Chomp::Strip, header + 2),
            Some(b'+') => (Chomp::Keep, header + 2),
            _ => (Chomp::Clip, header + 1),
        };
        // The header's comment comes after the scalar, as it is held until the next line.
        self.rest_of_line(after, end)?;
        // Each content line, with how many empty lines come before it.
        let mut lines: Vec<(usize, &'a str)> = Vec::new();
        let mut indent: Option<usize> = None;
        let mut breaks = 0;
        let mut blank_spaces = 0;
        let mut line = self.next_line;
        let stop = loop {
            if line >= bytes.len() {
                break bytes.len();
            }
            let Line {
                end: line_end,
                next,
                indent: spaces,
            } = line_at(self.text, line)?;
            if next > bytes.len() {
                // A last line without a line break is left to granit-parser.
                return None;
            }
            let blank = spaces == line_end - line;
            let content_indent = match indent {
                None if blank => {
                    blank_spaces = blank_spaces.max(spaces);
                    breaks += 1;
                    line = next;
                    continue;
                }
                None if spaces <= parent => break line + spaces,
                None if blank_spaces > spaces => return None,
                None => *indent.insert(spaces),
                Some(n) if blank && spaces <= n => {
                    breaks += 1;
                    line = next;
                    continue;
                }
                Some(n) if spaces < n => break line + spaces,
                Some(n) => n,
            };
            lines.push((breaks, &self.text[line + content_indent..line_end]));
            breaks = 0;
            line = next;
        };
        let Some(&(_, first)) = lines.first() else {
            if stop == bytes.len() || matches!(chomp, Chomp::Keep) {
                // Empty up to the end of the text, granit-parser spans the header; kept
                // empty lines are left to it too.
                return None;
            }
            return self.push_block_scalar(String::new(), folded, stop, stop, line);
        };
        // Where the first content line's text starts in the text.
        let start = first.as_ptr() as usize - self.text.as_ptr() as usize;
        let mut value = if folded {
            fold(&lines)?
        } else {
            let mut value = String::new();
            for (breaks, text) in &lines {
                value.extend(std::iter::repeat_n('\n', *breaks));
                value.push_str(text);
                value.push('\n');
            }
            value
        };
        match chomp {
            Chomp::Clip => {}
            Chomp::Strip => {
                value.pop();
            }
            Chomp::Keep => value.extend(std::iter::repeat_n('\n', breaks)),
        }
        self.push_block_scalar(value, folded, start, stop, line)
    }

    fn push_block_scalar(
        &mut self,
        value: String,
        folded: bool,
        start: usize,
        stop: usize,
        next_line: usize,
    ) -> Option<()> {
        self.next_line = next_line.min(self.text.len());
        self.push_scalar(Scalar {
            value: Cow::Owned(value),
            style: if folded {
                ScalarStyle::Folded
            } else {
                ScalarStyle::Literal
            },
            start,
            end: stop,
        });
        Some(())
    }

    /// A plain scalar at `at`: a key if a `: ` (or a final `:`) follows it on the line.
    fn plain(&self, at: usize, end: usize) -> Option<Content<'a>> {
        let bytes = self.text.as_bytes();
        if !starts_plain(bytes, at, end, false) {
            return None;
        }
        let mut i = at;
        while i < end {
            match bytes[i] {
                b':' if space_or_end(bytes, i + 1, end) => {
                    let key = trim_end(self.text, at, i);
                    if key.end == key.start || i - at > MAX_KEY {
                        return None;
                    }
                    return Some(Content::Key(key, i));
                }
                b'#' if bytes[i - 1] == b' ' => break,
                _ => {}
            }
            i += 1;
        }
        Some(Content::Scalar(trim_end(self.text, at, i)))
    }
}

/// A line of the text, as offsets.
struct Line {
    /// Where its content ends (before `\n` or `\r\n`).
    end: usize,
    /// Where the next line starts (past the end of the text when the last line has no break).
    next: usize,
    /// How many spaces it starts with.
    indent: usize,
}

/// The line that starts at `start`; `None` if it holds a character not read here.
fn line_at(text: &str, start: usize) -> Option<Line> {
    let bytes = text.as_bytes();
    let (end, next) = match memchr::memchr(b'\n', &bytes[start..]) {
        Some(i) => {
            let newline = start + i;
            let crlf = newline > start && bytes[newline - 1] == b'\r';
            (newline - usize::from(crlf), newline + 1)
        }
        None => (bytes.len(), bytes.len() + 1),
    };
    let line = &bytes[start..end];
    if !line.iter().all(|&b| (0x20..0x7f).contains(&b)) {
        check_characters(&text[start..end])?;
    }
    let indent = line.iter().take_while(|&&b| b == b' ').count();
    Some(Line { end, next, indent })
}

impl<'a> Steps<'a> for Quick<'a> {
    fn next_step(&mut self) -> Next<'a> {
        loop {
            if let Some(step) = self.queue.pop_front() {
                return Next::Step(step);
            }
            if self.gave_up {
                return Next::GiveUp;
            }
            if self.finished {
                return Next::Done;
            }
            if self.read_line().is_none() {
                self.gave_up = true;
                self.queue.clear();
            }
        }
    }

    fn resume(&mut self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::yaml::steps::GranitSteps;

    /// Every step of a source, or `None` if it gave up or met an error.
    fn steps<'a>(mut source: impl Steps<'a>) -> Option<Vec<Step<'a>>> {
        let mut all = Vec::new();
        loop {
            match source.next_step() {
                Next::Step(Step::Skip) => {}
                Next::Step(step) => all.push(step),
                Next::Done => return Some(all),
                Next::GiveUp | Next::Error(_) => return None,
            }
        }
    }

    /// Whether the quick reader read `text`; when it did, its steps must be granit-parser's.
    fn same_as_granit(name: &str, text: &str) -> bool {
        let Some(quick) = steps(Quick::new(text)) else {
            return false;
        };
        let granit = steps(GranitSteps::new(text));
        assert!(
            granit.as_ref() == Some(&quick),
            "{name}: the quick reader differs from granit-parser\n--- text ---\n{text}\n--- quick ---\n{quick:#?}\n--- granit ---\n{granit:#?}"
        );
        true
    }

    #[test]
    fn reads_what_granit_reads_in_the_common_shape() {
        let common = [
            "",
            "\n\n  \n",
            "a: 1\n",
            "a: 1",
            "---\na: 1\nb:\n  c: \"x\\ty\"\n  d:\n  - e\n  - f: g\n    h: 'it''s'\n---\nk: v\n",
            "a:\nb: x y  \nc:\n  - \n  -\n    - z\n  - k:\n    l: m\n\n---\n---\n- a\n---   \nz: 1\n",
            "\n\na:   \n\"q k\":    v w   \n",
            "x:\n- a: b\n  c: d\n-   e: f\n- \n  g: h\n\n\n",
            "plain\n---\n\"q\"\n--- \n",
            "- \n-\n-   \n- a:\n  b:   \n-\n",
            "---\n\n\n---   \n\n",
            "a:\n  - x\nb:\n\n  c: d\n",
            "image: nginx:1.27\nurl: http://x/#frag\nv: -1\nw: --flag\nq: 'a # b'\nr: \"c # d\"\n",
            "k: \"\\\\ \\\" \\/ \\n\"\n'': ''\n\"\": x\n",
            "unicode: héllo wörld ✓\nemoji: 🚀\n",
            "a:\n    deep:\n        deeper: 1\n    back: 2\nnext: 3\n",
            "a: {}\nb: []\nc:\n- {}\n- []\n",
            "{}\n---\n[]\n",
            "\"a\":\n  'b':\n    - \"c\"\n",
            // One-line flow sequences of scalars.
            "a: [\"x\", 'y', z, -1]\nb: [ \"x\" , y b ]  # c\nc: [x,]\nd:\n- [\"a\"]\n- [a:b, http://x, a/b]\n",
            "command: ['sh', '-c', 'echo \"hi\" > /tmp/x; sleep 1']\nargs: [\"--a=1\", \"-b\"]\n",
            // One-line flow mappings of scalars.
            "a: {b: 1, \"c\": x y}\ne: { f: 1 }\ng: {h: 1,}\ni: {}\nj: { }\n---\n- {a: b}\n",
            "a:\n  {}\nb:\n  - [x]\nc:\n    [y, z]  # c\n",
            // Folded block scalars.
            "a: >\n  one\n  two\n\n  three\n    more\n  four\n\n\nb: >-\n  x\n  y\nc: >+\n  z\n\n",
            // Literal block scalars.
            "a: |\n  line1\n\n    indented\n  line3\n\nb: |-\n  x\n\n\nc: |+\n  y\n\nd: | # c\n  z\ne: |\nf: 1\n",
            "x:\n  a: |\n    t\n\n  b: |\n  c: |-\n     u\n  d: 1\n",
            "x:\n  - |\n   t\n  - |\n\n# c\n  - 1\n---\n- k: |\n    # not a comment\n    ---\n",
            // Comments, in granit-parser's order around nulls and collection ends.
            "a: 1 # comment\n# own line\nb: 2\n",
            "# head\n\n# head2\na:\n  b: 1   \n  # inner\n# outer\nc: 2 # right  \n#end\n---\n# top\n- x\n  # in seq\n- y: 1\n  # in map\n#\n",
            "a:\n# c1\nb: 1\nc: # c2\n  # c3\n  d: 1\nl:\n# c4\n- x\n-\n# c5\n- y\n---\n# c6\n---\n# c7\n",
            "a: \"q\" # c\nb: [] # d\nc: x #e\n",
            "a: # c\nb: 1\nl:\n  - # d\n  # e\n  - x\n",
            "--- # f\n# g\n--- #h\n",
            "# i\n---\na: 1 #j\n#k\n",
            "# only a comment\n",
            "a: b #c: d\nurl: x#y\n",
        ];
        for text in common {
            assert!(
                same_as_granit(&format!("{text:?}"), text),
                "{text:?} not read"
            );
        }
        // Near misses: read or left, they must never be read otherwise.
        for text in [
            "----\n",
            "---x: 1\n",
            "- - a\n",
            "a: b: c\n",
            "a: {} x\n",
            "--- {}\n",
            "---#x\n",
            "a: \"q\"# c\n",
            "l:\n- # d\n# e\n- x\n",
            "a #b: c\n",
            "a: [x\n",
            "a: [x, [y]]\n",
            "a: [x: y]\n",
            "a: [,]\n",
            "a: [x,,y]\n",
            "a: [x] y\n",
            "a: [x #c\n  ]\n",
            "a: [-]\n",
            "a: [- x]\n",
            "a: [x]#c\n",
            "a: |\n  x",
            "a: >\n\n  x\n",
            "a: [x}\n",
            "a: {x]\n",
            "a: {x}\n",
            "a: {x: }\n",
            "a: {x:y}\n",
            "a: {x: [y]}\n",
            "a: {x: y: z}\n",
            "a: {x: 1, x: 2}\n",
            "a: |\n    \n  x\n",
            "a: |2\n   x\n",
            "a: |x\n  y\n",
            "a: |+\n\nb: 1\n",
            "- |\n",
            "a: |\n\n",
            "--- |\n  x\n",
            "|\n x\n",
        ] {
            same_as_granit(&format!("{text:?}"), text);
        }
    }

    #[test]
    fn gives_up_on_what_it_does_not_read() {
        for text in [
            "a: [1, [2]]\n",
            "a: {b: {c: 1}}\n",
            "a: -\n",
            "- -\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "? a\n: b\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
            "a:\tb\n",
            "a: 1\rb: 2\n",
            "a: plain\n  continued\n",
            "a: \"open\n  quote\"\n",
            "a: \"\\x41\"\n",
            "\u{feff}a: 1\n",
            "--- a: 1\n",
            "a:\n  b: 1\n c: 2\n",
            "a: 1\n  b: 2\n",
        ] {
            assert!(
                steps(Quick::new(text)).is_none(),
                "{text:?} should be left to granit-parser"
            );
        }
    }

    /// A small deterministic generator (no test reaches for randomness it cannot replay).
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    /// One random edit of a text's lines: a line dropped, doubled, indented or outdented by a
    /// space, or a piece of YAML syntax inserted.
    fn edit(lines: &mut Vec<String>, rng: &mut Lcg, pieces: &[&str]) {
        if lines.is_empty() {
            return;
        }
        let at = rng.below(lines.len());
        match rng.below(6) {
            0 => {
                lines.remove(at);
            }
            1 => {
                let line = lines[at].clone();
                lines.insert(at, line);
            }
            2 => lines[at].insert(0, ' '),
            3 if lines[at].starts_with(' ') => {
                lines[at].remove(0);
            }
            _ => {
                let line = &mut lines[at];
                let mut col = rng.below(line.trim_end().len() + 1);
                while !line.is_char_boundary(col) {
                    col -= 1;
                }
                line.insert_str(col, pieces[rng.below(pieces.len())]);
            }
        }
    }

    /// Every YAML file we have, and thousands of small edits of them: whatever the quick reader
    /// reads, it reads as granit-parser does, and it reads most files itself (112 of 119 today).
    #[test]
    fn every_file_and_edits_of_it_read_as_granit_reads_them() {
        let files = crate::syntax::sample_files(&["yaml", "yml"]);
        assert!(files.len() > 20, "found only {files:?}");
        let pieces = [
            "", " ", "  ", "- ", "-", ": ", ":", "#", " #c", "\"", "'", "''", "\\\"", "[", "]",
            "{}", "[]", "&a ", "*a", "!!str ", "|", ">-", "\t", "\r", "?", "%", "---", "...",
            "x: y", "x:", "é", "\u{85}", "\u{2028}", "\\", "\\x", "-1", "a b", "  - z", "k: v: w",
        ];
        let mut rng = Lcg(7);
        let (mut read, mut edits_read, mut edits) = (0, 0, 0);
        for file in &files {
            let text = std::fs::read_to_string(file).expect("read a YAML file");
            let name = file.display().to_string();
            // Each file as it is and with CRLF line ends, and edits of each that it reads: every
            // one either read as granit-parser reads it, or left.
            let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
            let crlf_name = format!("{name} (CRLF)");
            let as_is = same_as_granit(&name, &text);
            let with_crlf = same_as_granit(&crlf_name, &crlf);
            assert_eq!(as_is, with_crlf, "{name}: read in one line ending only");
            if !as_is {
                continue;
            }
            read += 1;
            for (name, text) in [(&name, &text), (&crlf_name, &crlf)] {
                let lines: Vec<&str> = text.split_inclusive('\n').collect();
                for _ in 0..150 {
                    let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                    for _ in 0..1 + rng.below(3) {
                        edit(&mut edited, &mut rng, &pieces);
                    }
                    let edited = edited.concat();
                    edits += 1;
                    if same_as_granit(&format!("{name} (edited)"), &edited) {
                        edits_read += 1;
                    }
                }
            }
        }
        assert!(
            read * 10 > files.len() * 9,
            "the quick reader read only {read} of {} files",
            files.len()
        );
        assert!(edits_read * 4 > edits, "{edits_read} of {edits} edits read");
    }

    /// Texts made of lines in the shapes the reader handles and a few it does not, at assorted
    /// indents and line ends: whatever the reader reads, it reads as granit-parser does.
    #[test]
    fn generated_texts_read_as_granit_reads_them() {
        let keys = [
            "a", "b", "name", "\"q k\"", "'s'", "a b", "k#x", "-k", "x:y",
        ];
        let values = [
            "v",
            "1",
            "x y",
            "\"q\"",
            "'s''t'",
            "\"e\\n\"",
            "[a, \"b\"]",
            "{c: 1, d: 'e'}",
            "{}",
            "[]",
            "|",
            "|-",
            ">",
            ">+",
            "~",
            "null",
            "a # c",
            "http://x",
            "-1",
            "é",
            "[a, [b]]",
            "&x 1",
            "*x",
            "!!str 1",
        ];
        let mut rng = Lcg(5);
        let (mut read, texts) = (0, 40_000);
        for _ in 0..texts {
            let mut text = String::new();
            for _ in 0..1 + rng.below(12) {
                text.push_str(&" ".repeat([0, 0, 2, 2, 4, 1, 3, 6][rng.below(8)]));
                let key = keys[rng.below(keys.len())];
                let value = values[rng.below(values.len())];
                let line = match rng.below(10) {
                    0 => format!("{key}: {value}"),
                    1 => format!("{key}:"),
                    2 => format!("- {value}"),
                    3 => format!("- {key}: {value}"),
                    4 => "-".into(),
                    5 => "# c".into(),
                    6 => "---".into(),
                    7 => value.into(),
                    8 => format!("{key}: {value} # r"),
                    _ => String::new(),
                };
                text.push_str(&line);
                text.push_str(["\n", "\n", "\n", "\r\n", "\n\n"][rng.below(5)]);
            }
            if same_as_granit("a generated text", &text) {
                read += 1;
            }
        }
        assert!(read * 20 > texts, "only {read} of {texts} texts read");
    }
}
