//! YAML streams → the spanned [`Tree`], built from a parser's steps (see [`steps`]).
//!
//! Most Kubernetes YAML is read by [`quick`], several times faster and step for step as
//! granit-parser reads it; anything else, and every error, is left to granit-parser.
//!
//! Each `---` document is independent: a syntax error in one never hides the others (the parser
//! resumes at the next document). Inside a broken document we recover too: the document is
//! parsed again with the offending lines blanked out (replaced by spaces, so every byte offset
//! stays true), a few times, and the fullest tree wins. Such a document is flagged
//! [`Document::broken`]: what it lacks may just be what could not be read.
//!
//! Long multi-document streams are read in parallel pieces (see [`parallel`]), with exactly the
//! result of one pass.
//!
//! Plain scalars are typed by YAML 1.1 rules, as Kubernetes reads them (see [`super::scalar`]).
//! Anchors, aliases and `<<` merge keys are resolved; alias expansion has a node budget, so an
//! alias bomb costs an error, not memory.

use std::collections::HashMap;

use granit_parser::ScalarStyle as GranitStyle;

use super::scalar::resolve_plain_scalar;
use super::tree::{Entry, NodeId, ScalarStyle, Tree, Value};
use super::{Comment, Document, Format, MAX_DEPTH, SyntaxError, SyntaxErrorKind, SyntaxTree};
use crate::text::Span;

/// Whether the quick reader goes first (`SIDECAR_LSP_QUICK_YAML=0` turns it off).
static QUICK_READER: std::sync::LazyLock<bool> =
    std::sync::LazyLock::new(|| std::env::var_os(QUICK_YAML_ENV).is_none_or(|v| v != "0"));

/// The environment variable that turns the quick reader off when `0`.
const QUICK_YAML_ENV: &str = "SIDECAR_LSP_QUICK_YAML";

/// How many nodes alias expansion may create in one text.
const ALIAS_BUDGET: usize = 100_000;
/// How many times a broken document is re-read with more lines blanked.
const RECOVERY_ATTEMPTS: usize = 8;

mod parallel;
mod quick;
mod steps;

use quick::Quick;
use steps::{GranitSteps, Next, Step, Steps};

pub(crate) use parallel::{Previous, Reusable};

/// Parse a YAML stream, taking over the pieces of `previous` (the parse of an earlier version
/// of the text) where the text is unchanged; also returns what the next parse may take over
/// from this one. The result is the same with or without `previous`.
pub(super) fn parse_reusing(text: &str, previous: Option<Previous>) -> (SyntaxTree, Reusable) {
    let (tree, first, reusable) = parallel::first_pass(text, previous).unwrap_or_else(|| {
        let (tree, first) = first_pass(text);
        (tree, first, Reusable::default())
    });
    (finish(text, tree, first), reusable)
}

/// The first pass over the whole stream, one document after the other.
fn first_pass(text: &str) -> (Tree, Pass) {
    let mut tree = Tree::new();
    let pass = Builder::new(&mut tree, 0).run(text, true);
    (tree, pass)
}

/// Recover the broken documents of a first pass (in document order, grafting into `tree`).
fn finish(text: &str, mut tree: Tree, first: Pass) -> SyntaxTree {
    let mut documents = Vec::with_capacity(first.documents.len());
    for parsed in first.documents {
        match parsed.failure {
            Some(failure) => {
                // The first pass's error is the one reported; recovery only rebuilds the tree.
                let recovered = recover_document(&mut tree, text, parsed.region, failure);
                documents.push(recovered.unwrap_or(parsed.document));
            }
            None => documents.push(parsed.document),
        }
    }
    SyntaxTree {
        format: Format::Yaml,
        tree,
        documents,
        errors: first.errors,
        comments: first.comments,
    }
}

/// The outcome of one pass of the builder over some text.
#[derive(Clone, Default)]
struct Pass {
    documents: Vec<ParsedDocument>,
    errors: Vec<SyntaxError>,
    comments: Vec<Comment>,
    /// Nodes created by alias expansion (counted against [`ALIAS_BUDGET`]).
    alias_nodes: usize,
    /// Whether an alias was read as null for lack of budget.
    alias_budget_reported: bool,
    /// Where a `---` marker at or after [`Builder::stop`] started a document, ending the pass.
    stopped_at: Option<usize>,
    /// Where `---` markers started documents with no syntax error since the previous document
    /// started, in order (the marker that stopped the pass included).
    clean_starts: Vec<CleanStart>,
}

/// A `---` marker where a document started with no syntax error since the previous one started:
/// the parser stands there as a new parser does at a `---`, so reading can start afresh there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CleanStart {
    /// The marker's offset.
    at: usize,
    /// How many nodes, documents and errors the pass had before the marker.
    nodes: usize,
    documents: usize,
    errors: usize,
    /// Alias expansion nodes counted before the marker.
    alias_nodes: usize,
}

impl Pass {
    /// Move every byte offset by `delta`: the pass of the same text read at another place.
    fn shift_offsets(&mut self, delta: isize) {
        let span = |s: &mut Span| {
            s.start = s.start.wrapping_add_signed(delta as i32);
            s.end = s.end.wrapping_add_signed(delta as i32);
        };
        for parsed in &mut self.documents {
            span(&mut parsed.document.span);
            span(&mut parsed.region);
            if let Some(failure) = &mut parsed.failure {
                failure.error_at = failure.error_at.wrapping_add_signed(delta);
                failure.last_good = failure.last_good.wrapping_add_signed(delta);
            }
        }
        self.errors.iter_mut().for_each(|e| span(&mut e.span));
        self.comments.iter_mut().for_each(|c| span(&mut c.span));
        if let Some(at) = &mut self.stopped_at {
            *at = at.wrapping_add_signed(delta);
        }
        for start in &mut self.clean_starts {
            start.at = start.at.wrapping_add_signed(delta);
        }
    }
}

#[derive(Clone)]
struct ParsedDocument {
    document: Document,
    /// The byte range of source the document came from (until the next document).
    region: Span,
    /// Where the document's first syntax error was, if any.
    failure: Option<Failure>,
}

#[derive(Clone, Copy, Debug)]
struct Failure {
    /// Offset of the error.
    error_at: usize,
    /// Offset of the last event read before the error.
    last_good: usize,
}

/// One re-read of a broken document with some lines blanked.
struct Attempt {
    source: Vec<u8>,
    scratch: Tree,
    document: Option<ParsedDocument>,
}

impl Attempt {
    /// Better attempts parse cleanly, else get further before failing; then keep more nodes.
    fn score(&self) -> (bool, usize, usize) {
        let nodes = self.scratch.len();
        match self.document.as_ref().and_then(|d| d.failure) {
            None => (true, usize::MAX, nodes),
            Some(f) => (false, f.error_at, nodes),
        }
    }
}

/// Re-read a broken document with offending lines blanked, keeping the best tree found.
///
/// A YAML error is often reported after the mistake that caused it (an unterminated quote is
/// noticed on the next line), so each step tries blanking the error's line and the line of the
/// last event read before it, and keeps the better result.
fn recover_document(
    tree: &mut Tree,
    text: &str,
    region: Span,
    failure: Failure,
) -> Option<Document> {
    let base = region.start as usize;
    let mut source: Vec<u8> = text.as_bytes()[region.range()].to_vec();
    let mut failure = failure;
    let mut best: Option<Attempt> = None;
    for _ in 0..RECOVERY_ATTEMPTS {
        let mut candidates = vec![
            line_start(&source, failure.error_at - base),
            line_start(&source, failure.last_good.saturating_sub(base)),
        ];
        candidates.dedup();
        candidates.retain(|&line| !is_blank_line(&source, line));
        let step = candidates
            .into_iter()
            .map(|line| {
                let mut attempt_source = source.clone();
                blank_line(&mut attempt_source, line);
                let attempt_text = String::from_utf8_lossy(&attempt_source).into_owned();
                let mut scratch = Tree::new();
                let pass = Builder::new(&mut scratch, base).run(&attempt_text, false);
                Attempt {
                    source: attempt_source,
                    scratch,
                    document: pass.documents.into_iter().next(),
                }
            })
            .max_by_key(Attempt::score)?;
        let next_failure = step.document.as_ref().and_then(|d| d.failure);
        source = step.source.clone();
        best = Some(step);
        match next_failure {
            None => break,
            Some(f) => failure = f,
        }
    }
    let best = best?;
    let parsed = best.document?;
    let mut document = parsed.document;
    document.broken = true;
    document.root = document.root.map(|r| graft(tree, &best.scratch, r));
    if let Some(root) = document.root {
        // Lines were blanked: anything may be missing anywhere in this document.
        tree.node_mut(root).incomplete = true;
        document.span = tree.span(root);
    }
    Some(document)
}

/// Copy a subtree from `from` into `to`, returning the new root id.
fn graft(to: &mut Tree, from: &Tree, root: NodeId) -> NodeId {
    let node = from.node(root);
    let value = match &node.value {
        Value::Array(items) => Value::Array(items.iter().map(|&i| graft(to, from, i)).collect()),
        Value::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|e| Entry {
                    key: e.key.clone(),
                    key_span: e.key_span,
                    value: graft(to, from, e.value),
                })
                .collect(),
        ),
        other => other.clone(),
    };
    let new = to.push(value, node.span, node.style);
    to.node_mut(new).incomplete = node.incomplete;
    to.adopt_children(new);
    new
}

fn line_start(source: &[u8], offset: usize) -> usize {
    let offset = offset.min(source.len());
    source[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

fn line_end(source: &[u8], start: usize) -> usize {
    source[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(source.len(), |i| start + i)
}

fn is_blank_line(source: &[u8], start: usize) -> bool {
    source[start..line_end(source, start)]
        .iter()
        .all(|b| b.is_ascii_whitespace())
}

fn blank_line(source: &mut [u8], start: usize) {
    let end = line_end(source, start);
    for b in &mut source[start..end] {
        if *b != b'\r' {
            *b = b' ';
        }
    }
}

/// An open collection while events stream in.
enum Frame {
    Sequence {
        start: usize,
        items: Vec<NodeId>,
        anchor: usize,
    },
    Mapping {
        start: usize,
        entries: Vec<Entry>,
        merges: Vec<NodeId>,
        pending_key: Option<PendingKey>,
        anchor: usize,
    },
}

struct PendingKey {
    text: Box<str>,
    span: Span,
    merge: bool,
    /// The key was not a scalar; the entry is dropped.
    unsupported: bool,
}

struct Builder<'t> {
    tree: &'t mut Tree,
    /// Added to every span (when a slice of the text is parsed).
    base: usize,
    /// The pass ends when a `---` marker at or after this offset starts a document.
    stop: usize,
    stack: Vec<Frame>,
    anchors: HashMap<usize, NodeId>,
    alias_nodes: usize,
    alias_budget_reported: bool,
}

impl<'t> Builder<'t> {
    fn new(tree: &'t mut Tree, base: usize) -> Self {
        Builder {
            tree,
            base,
            stop: usize::MAX,
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            alias_budget_reported: false,
        }
    }

    fn shifted(&self, span: Span) -> Span {
        Span::new(
            span.start as usize + self.base,
            span.end as usize + self.base,
        )
    }

    /// Read every event of `text`. With `all_documents`, resume after errors at the next document.
    ///
    /// The quick reader goes first; where it gives up, what it built is dropped and
    /// granit-parser reads the text.
    fn run(&mut self, text: &str, all_documents: bool) -> Pass {
        let nodes = self.tree.len();
        let (alias_nodes, alias_budget_reported) = (self.alias_nodes, self.alias_budget_reported);
        if *QUICK_READER && let Some(pass) = self.read(Quick::new(text), text, all_documents) {
            return pass;
        }
        self.tree.truncate(nodes);
        self.stack.clear();
        self.anchors.clear();
        self.alias_nodes = alias_nodes;
        self.alias_budget_reported = alias_budget_reported;
        // granit-parser never gives up.
        self.read(GranitSteps::new(text), text, all_documents)
            .unwrap_or_default()
    }

    /// Read every step of `source` (reading `text`); `None` when the source gives up.
    fn read<'a>(
        &mut self,
        mut source: impl Steps<'a>,
        text: &str,
        all_documents: bool,
    ) -> Option<Pass> {
        let mut pass = Pass::default();
        let mut doc_start: Option<usize> = None;
        let mut root: Option<NodeId> = None;
        let mut last_good = self.base;
        let mut broken: Option<Failure> = None;
        let mut previous_error_at: Option<usize> = None;
        let mut error_since_document_start = false;
        let end_of_text = self.base + text.len();
        loop {
            match source.next_step() {
                Next::Done => break,
                Next::GiveUp => return None,
                Next::Step(step) => match step {
                    Step::Skip => {}
                    Step::DocumentStart { explicit, at } => {
                        let at = at + self.base;
                        if let Some(start) = doc_start.take() {
                            // A document that ended in an error: close it before this one.
                            self.finish_document(&mut pass, start, at, root.take(), broken.take());
                        }
                        if explicit && !error_since_document_start {
                            pass.clean_starts.push(CleanStart {
                                at,
                                nodes: self.tree.len(),
                                documents: pass.documents.len(),
                                errors: pass.errors.len(),
                                alias_nodes: self.alias_nodes,
                            });
                        }
                        error_since_document_start = false;
                        if explicit && at >= self.stop {
                            pass.stopped_at = Some(at);
                            break;
                        }
                        doc_start = Some(at);
                        root = None;
                        broken = None;
                        self.anchors.clear();
                    }
                    Step::DocumentEnd { span } => {
                        let span = self.shifted(span);
                        let start = doc_start.take().unwrap_or(span.start as usize);
                        let end = span.end.max(span.start) as usize;
                        self.finish_document(&mut pass, start, end, root.take(), broken.take());
                    }
                    Step::Comment { span, text } => pass.comments.push(Comment {
                        span: self.shifted(span),
                        text: text.into_owned(),
                    }),
                    Step::Scalar {
                        value,
                        style,
                        core_tag,
                        anchor,
                        span,
                    } => {
                        let span = self.shifted(span);
                        last_good = span.start as usize;
                        let span = trim_line_breaks(text, span, self.base);
                        if let Some(node) =
                            self.scalar(&value, style, core_tag.as_deref(), span, anchor)
                        {
                            self.add(node, &mut root, &mut pass.errors);
                        }
                    }
                    Step::SequenceStart { anchor, at } | Step::MappingStart { anchor, at } => {
                        let at = at + self.base;
                        last_good = at;
                        self.open(if matches!(step, Step::SequenceStart { .. }) {
                            Frame::Sequence {
                                start: at,
                                items: Vec::new(),
                                anchor,
                            }
                        } else {
                            Frame::Mapping {
                                start: at,
                                entries: Vec::new(),
                                merges: Vec::new(),
                                pending_key: None,
                                anchor,
                            }
                        });
                        self.check_depth(at, &mut pass.errors);
                    }
                    Step::End { span } => {
                        let span = self.shifted(span);
                        last_good = span.start as usize;
                        if let Some(node) = self.close(span, &mut pass.errors) {
                            self.add(node, &mut root, &mut pass.errors);
                        }
                    }
                    Step::Alias { id, span } => {
                        let span = self.shifted(span);
                        last_good = span.start as usize;
                        let node = self.alias(id, span, &mut pass.errors);
                        self.add(node, &mut root, &mut pass.errors);
                    }
                },
                Next::Error(err) => {
                    error_since_document_start = true;
                    let at = err.marker().byte_offset().unwrap_or(0) + self.base;
                    let at = at.min(end_of_text);
                    if doc_start.is_none()
                        && let Some(last) = pass.documents.last_mut()
                        && !all_documents
                    {
                        // Re-reading one document: an error after its end still counts against it.
                        last.failure.get_or_insert(Failure {
                            error_at: at,
                            last_good,
                        });
                        last.document.broken = true;
                        break;
                    }
                    let span = error_span(text, at - self.base, self.base);
                    // The parser's own nesting limit (255 flow or block levels) ends the document
                    // there; below it, [`MAX_DEPTH`] cuts the tree first.
                    let too_deep =
                        matches!(err.kind(), granit_parser::ErrorKind::RecursionLimitExceeded);
                    pass.errors.push(SyntaxError {
                        span,
                        message: if too_deep {
                            "nesting deeper than the YAML parser's limit of 255 levels; the rest of the document is skipped".into()
                        } else {
                            err.info()
                        },
                        kind: if too_deep {
                            SyntaxErrorKind::TooDeep
                        } else {
                            SyntaxErrorKind::Syntax
                        },
                    });
                    let failure = Failure {
                        error_at: at,
                        last_good,
                    };
                    broken = Some(failure);
                    // Close what is open, flagged incomplete.
                    while !self.stack.is_empty() {
                        if let Some(node) = self.close_incomplete() {
                            self.add(node, &mut root, &mut pass.errors);
                        }
                    }
                    let start = doc_start.unwrap_or(at);
                    if !all_documents || previous_error_at == Some(at) || !source.resume() {
                        self.finish_document(
                            &mut pass,
                            start,
                            end_of_text,
                            root.take(),
                            Some(failure),
                        );
                        doc_start = None;
                        break;
                    }
                    previous_error_at = Some(at);
                }
            }
        }
        if let Some(start) = doc_start {
            self.finish_document(&mut pass, start, end_of_text, root.take(), broken);
        }
        pass.alias_nodes = self.alias_nodes;
        pass.alias_budget_reported = self.alias_budget_reported;
        Some(pass)
    }

    /// Record a finished document; `end` is where its region of source ends (the next document's
    /// start, or the end of the text). A document holding nothing but `null` is empty.
    fn finish_document(
        &mut self,
        pass: &mut Pass,
        start: usize,
        end: usize,
        root: Option<NodeId>,
        failure: Option<Failure>,
    ) {
        self.stack.clear();
        let root = root.filter(|&r| !(self.tree.is_null(r) && self.tree.span(r).is_empty()));
        let span = root.map_or(Span::at(start), |r| self.tree.span(r));
        pass.documents.push(ParsedDocument {
            document: Document {
                root,
                span,
                broken: failure.is_some(),
            },
            region: Span::new(start, end.max(start)),
            failure,
        });
    }

    fn check_depth(&mut self, at: usize, errors: &mut Vec<SyntaxError>) {
        if self.stack.len() == MAX_DEPTH + 1 {
            errors.push(SyntaxError {
                span: Span::new(at, at + 1),
                message: format!(
                    "nesting deeper than {MAX_DEPTH} levels; the nested value is skipped"
                ),
                kind: SyntaxErrorKind::TooDeep,
            });
        }
    }

    fn open(&mut self, frame: Frame) {
        self.stack.push(frame);
    }

    fn scalar(
        &mut self,
        value: &str,
        style: GranitStyle,
        core_tag: Option<&str>,
        span: Span,
        anchor: usize,
    ) -> Option<NodeId> {
        // A scalar in key position is not a node: it becomes the pending key.
        if let Some(Frame::Mapping {
            pending_key: pending @ None,
            ..
        }) = self.stack.last_mut()
        {
            let merge = style == GranitStyle::Plain && value == "<<";
            *pending = Some(PendingKey {
                text: value.into(),
                span,
                merge,
                unsupported: false,
            });
            return None;
        }
        let plain = style == GranitStyle::Plain;
        let typed = match core_tag {
            Some("str") => Value::String(value.into()),
            Some("null") => Value::Null,
            Some("bool" | "int" | "float") => resolve_plain_scalar(value),
            _ if plain => {
                if span.is_empty() {
                    Value::Null
                } else {
                    resolve_plain_scalar(value)
                }
            }
            _ => Value::String(value.into()),
        };
        let style = if plain && core_tag.is_none() {
            ScalarStyle::YamlPlain
        } else {
            ScalarStyle::YamlQuoted
        };
        let id = self.tree.push(typed, span, style);
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        Some(id)
    }

    fn alias(&mut self, anchor: usize, span: Span, errors: &mut Vec<SyntaxError>) -> NodeId {
        let Some(&target) = self.anchors.get(&anchor) else {
            return self.tree.push(Value::Null, span, ScalarStyle::Json);
        };
        let size = subtree_size(self.tree, target, ALIAS_BUDGET + 1);
        if self.alias_nodes + size > ALIAS_BUDGET {
            if !self.alias_budget_reported {
                errors.push(SyntaxError {
                    span,
                    message: format!(
                        "aliases here would expand to more than {ALIAS_BUDGET} nodes; the alias is read as null"
                    ),
                    kind: SyntaxErrorKind::AliasBudget,
                });
                self.alias_budget_reported = true;
            }
            return self.tree.push(Value::Null, span, ScalarStyle::Json);
        }
        self.alias_nodes += size;
        clone_subtree(self.tree, target)
    }

    fn add(&mut self, node: NodeId, root: &mut Option<NodeId>, errors: &mut Vec<SyntaxError>) {
        match self.stack.last_mut() {
            None => *root = Some(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping {
                entries,
                merges,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    // A collection in key position (`? [a, b]: x`): keep reading, drop it.
                    let span = self.tree.span(node);
                    *pending_key = Some(PendingKey {
                        text: "".into(),
                        span,
                        merge: false,
                        unsupported: true,
                    });
                    errors.push(SyntaxError {
                        span: Span::new(span.start as usize, span.start as usize + 1),
                        message: "complex mapping keys are not supported by Kubernetes".into(),
                        kind: SyntaxErrorKind::Syntax,
                    });
                }
                Some(key) if key.unsupported => {}
                Some(key) if key.merge => merges.push(node),
                Some(key) => entries.push(Entry {
                    key: key.text,
                    key_span: key.span,
                    value: node,
                }),
            },
        }
    }

    /// Close the innermost collection at its end event.
    fn close(&mut self, end_span: Span, errors: &mut Vec<SyntaxError>) -> Option<NodeId> {
        let frame = self.stack.pop()?;
        let flow_close = if end_span.is_empty() {
            None
        } else {
            Some(end_span.end as usize)
        };
        Some(self.build(frame, flow_close, false, errors))
    }

    /// Close the innermost collection after a syntax error.
    fn close_incomplete(&mut self) -> Option<NodeId> {
        let mut frame = self.stack.pop()?;
        if let Frame::Mapping {
            entries,
            pending_key,
            ..
        } = &mut frame
            && let Some(key) = pending_key.take()
            && !key.unsupported
            && !key.merge
        {
            // The key was read but its value was lost.
            let missing = self.tree.push(
                Value::Missing,
                Span::at(key.span.end as usize),
                ScalarStyle::Json,
            );
            entries.push(Entry {
                key: key.text,
                key_span: key.span,
                value: missing,
            });
        }
        // Duplicates in a cut-short collection were already seen, or will be by recovery.
        let mut ignored = Vec::new();
        Some(self.build(frame, None, true, &mut ignored))
    }

    fn build(
        &mut self,
        frame: Frame,
        flow_close: Option<usize>,
        incomplete: bool,
        errors: &mut Vec<SyntaxError>,
    ) -> NodeId {
        match frame {
            Frame::Sequence {
                start,
                items,
                anchor,
            } => {
                let end = flow_close
                    .or_else(|| items.last().map(|&i| self.tree.span(i).end as usize))
                    .unwrap_or(start);
                let id = self.tree.push(
                    Value::Array(items),
                    Span::new(start, end),
                    ScalarStyle::Json,
                );
                self.finish_collection(id, anchor, incomplete);
                id
            }
            Frame::Mapping {
                start,
                mut entries,
                merges,
                anchor,
                pending_key: _,
            } => {
                report_duplicates(&entries, errors);
                let end = flow_close
                    .or_else(|| {
                        entries
                            .last()
                            .map(|e| self.tree.span(e.value).end.max(e.key_span.end) as usize)
                    })
                    .unwrap_or(start);
                self.apply_merges(&mut entries, &merges);
                let id = self.tree.push(
                    Value::Object(entries),
                    Span::new(start, end),
                    ScalarStyle::Json,
                );
                self.finish_collection(id, anchor, incomplete);
                id
            }
        }
    }

    /// `<<: *base` (or a list of them): keys of the merged maps that the mapping does not set.
    fn apply_merges(&mut self, entries: &mut Vec<Entry>, merges: &[NodeId]) {
        for &merged in merges {
            let sources: Vec<NodeId> = match self.tree.value(merged) {
                Value::Array(items) => items.clone(),
                _ => vec![merged],
            };
            for source in sources {
                let Some(extra) = self.tree.entries(source).map(<[Entry]>::to_vec) else {
                    continue;
                };
                for e in extra {
                    if !entries.iter().any(|x| x.key == e.key) {
                        entries.push(e);
                    }
                }
            }
        }
    }

    fn finish_collection(&mut self, id: NodeId, anchor: usize, incomplete: bool) {
        self.tree.adopt_children(id);
        self.tree.node_mut(id).incomplete = incomplete;
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
    }
}

/// The span of a syntax error at `at` (relative to `text`): the character there, or an empty span
/// at the end of the text.
fn error_span(text: &str, at: usize, base: usize) -> Span {
    let at = crate::text::floor_char_boundary(text, at);
    let len = text[at..]
        .chars()
        .next()
        .map_or(0, |c| if c == '\n' { 0 } else { c.len_utf8() });
    Span::new(base + at, base + at + len)
}

/// Block scalars include their trailing line breaks in the span; diagnostics should not.
fn trim_line_breaks(text: &str, span: Span, base: usize) -> Span {
    let bytes = text.as_bytes();
    let start = span.start as usize - base;
    let mut end = (span.end as usize - base).min(bytes.len());
    while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    Span::new(start + base, end + base)
}

fn subtree_size(tree: &Tree, id: NodeId, cap: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![id];
    while let Some(n) = stack.pop() {
        count += 1;
        if count > cap {
            return count;
        }
        match tree.value(n) {
            Value::Array(items) => stack.extend(items.iter().copied()),
            Value::Object(entries) => stack.extend(entries.iter().map(|e| e.value)),
            _ => {}
        }
    }
    count
}

fn clone_subtree(tree: &mut Tree, id: NodeId) -> NodeId {
    let node = tree.node(id).clone();
    let value = match node.value {
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|i| clone_subtree(tree, i)).collect())
        }
        Value::Object(entries) => Value::Object(
            entries
                .into_iter()
                .map(|e| Entry {
                    key: e.key,
                    key_span: e.key_span,
                    value: clone_subtree(tree, e.value),
                })
                .collect(),
        ),
        other => other,
    };
    let new = tree.push(value, node.span, node.style);
    tree.node_mut(new).incomplete = node.incomplete;
    tree.adopt_children(new);
    new
}

fn report_duplicates(entries: &[Entry], errors: &mut Vec<SyntaxError>) {
    let mut report = |first: Span, e: &Entry| {
        errors.push(SyntaxError {
            span: e.key_span,
            message: format!(
                "duplicate key \"{}\": Kubernetes rejects it (strict decoding), lenient YAML readers silently keep only one of the two values",
                e.key
            ),
            kind: SyntaxErrorKind::DuplicateKey { first },
        });
    };
    if entries.len() <= 16 {
        for (i, e) in entries.iter().enumerate() {
            if let Some(first) = entries[..i].iter().find(|f| f.key == e.key) {
                report(first.key_span, e);
            }
        }
        return;
    }
    let mut seen: HashMap<&str, Span> = HashMap::with_capacity(entries.len());
    for e in entries {
        match seen.get(&*e.key) {
            Some(&first) => report(first, e),
            None => {
                seen.insert(&e.key, e.key_span);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse as parse_text;
    use super::*;
    use crate::syntax::Number;

    fn parse(text: &str) -> SyntaxTree {
        parse_text(text, Format::Yaml)
    }

    fn root(t: &SyntaxTree, doc: usize) -> NodeId {
        t.documents[doc].root.expect("document root")
    }

    #[test]
    fn spans_of_keys_and_values_are_exact() {
        let text = "a: \"quoted\" # c\nb: [x, 'y']\nc: >\n  folded\n  text\nd:\n";
        let t = parse(text);
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        let r = root(&t, 0);
        let a = t.tree.entry(r, "a").unwrap();
        assert_eq!(&text[a.key_span.range()], "a");
        assert_eq!(&text[t.tree.span(a.value).range()], "\"quoted\"");
        let b = t.tree.get(r, "b").unwrap();
        assert_eq!(&text[t.tree.span(b).range()], "[x, 'y']");
        let c = t.tree.get(r, "c").unwrap();
        assert_eq!(&text[t.tree.span(c).range()], "folded\n  text");
        assert!(t.tree.is_null(t.tree.get(r, "d").unwrap()));
        assert_eq!(t.comments.len(), 1);
        assert_eq!(t.comments[0].text, " c");
    }

    #[test]
    fn plain_scalars_are_typed_like_kubernetes_quoted_ones_are_strings() {
        let t = parse("a: yes\nb: \"yes\"\nc: 0755\nd: 8080\ne: !!str 10\n");
        let r = root(&t, 0);
        assert_eq!(t.tree.bool(t.tree.get(r, "a").unwrap()), Some(true));
        assert_eq!(t.tree.get_str(r, "b"), Some("yes"));
        assert_eq!(
            t.tree.number(t.tree.get(r, "c").unwrap()),
            Some(Number::Int(493))
        );
        assert_eq!(
            t.tree.number(t.tree.get(r, "d").unwrap()),
            Some(Number::Int(8080))
        );
        assert_eq!(t.tree.get_str(r, "e"), Some("10"));
        assert_eq!(
            t.tree.node(t.tree.get(r, "a").unwrap()).style,
            ScalarStyle::YamlPlain
        );
    }

    #[test]
    fn multi_document_stream() {
        let t = parse("kind: A\n---\nkind: B\n---\n# only a comment\n");
        let kinds: Vec<_> = t
            .documents
            .iter()
            .filter_map(|d| d.root)
            .map(|r| t.tree.get_str(r, "kind").unwrap().to_string())
            .collect();
        assert_eq!(kinds, ["A", "B"]);
    }

    #[test]
    fn an_error_in_one_document_does_not_hide_the_others() {
        let text = "kind: A\n---\nbad: [unclosed\nnext: 1\n---\nkind: C\n";
        let t = parse(text);
        assert_eq!(t.errors.len(), 1, "{:?}", t.errors);
        let good: Vec<_> = t
            .documents
            .iter()
            .filter(|d| !d.broken)
            .filter_map(|d| d.root)
            .filter_map(|r| t.tree.get_str(r, "kind"))
            .collect();
        assert_eq!(good, ["A", "C"]);
        assert!(t.documents.iter().any(|d| d.broken));
    }

    #[test]
    fn a_broken_document_is_recovered_past_the_error() {
        let text = "metadata:\n  name: \"oops\nspec:\n  replicas: 2\n  selector: {}\n";
        let t = parse(text);
        assert_eq!(t.errors.len(), 1);
        let doc = &t.documents[0];
        assert!(doc.broken);
        let r = doc.root.unwrap();
        assert!(
            t.tree.get_path(r, &["spec", "replicas"]).is_some(),
            "spec survives recovery"
        );
        assert!(t.tree.is_incomplete(t.tree.get(r, "spec").unwrap()));
        let replicas = t.tree.get_path(r, &["spec", "replicas"]).unwrap();
        assert_eq!(&text[t.tree.span(replicas).range()], "2");
    }

    #[test]
    fn tabs_in_indentation_are_errors_and_the_rest_survives() {
        let t = parse("a:\n\tb: 1\nc: 2\n");
        assert!(!t.errors.is_empty());
        let r = root(&t, 0);
        assert!(t.tree.get(r, "c").is_some());
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let text = "spec:\n  containers: []\n  containers: [1]\n";
        let t = parse(text);
        let dup = t
            .errors
            .iter()
            .find(|e| matches!(e.kind, SyntaxErrorKind::DuplicateKey { .. }))
            .expect("duplicate reported");
        assert_eq!(&text[dup.span.range()], "containers");
        assert_eq!(dup.span.start, 25);
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let t = parse("base: &b\n  x: 1\n  y: 2\nc: *b\nd:\n  <<: *b\n  y: 3\n");
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        let r = root(&t, 0);
        let c = t.tree.get(r, "c").unwrap();
        assert_eq!(
            t.tree.number(t.tree.get(c, "x").unwrap()),
            Some(Number::Int(1))
        );
        assert_eq!(t.tree.node(t.tree.get(c, "x").unwrap()).parent, Some(c));
        let d = t.tree.get(r, "d").unwrap();
        assert_eq!(
            t.tree.number(t.tree.get(d, "y").unwrap()),
            Some(Number::Int(3))
        );
        assert_eq!(
            t.tree.number(t.tree.get(d, "x").unwrap()),
            Some(Number::Int(1))
        );
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let t = parse(&text);
        assert!(
            t.errors
                .iter()
                .any(|e| e.kind == SyntaxErrorKind::AliasBudget)
        );
        assert!(t.tree.len() < 400_000);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = "[".repeat(50_000);
        let t = parse(&text);
        assert!(!t.errors.is_empty());
    }

    #[test]
    fn nesting_past_the_parsers_own_limit_is_reported_as_too_deep() {
        // 300 levels: past MAX_DEPTH (cut by us) and the parser's 255 (where it stops).
        for text in [
            "{a: ".repeat(300) + "1" + &"}".repeat(300),
            "- ".repeat(300) + "x\n",
        ] {
            let t = parse(&text);
            let deep: Vec<_> = t
                .errors
                .iter()
                .filter(|e| e.kind == SyntaxErrorKind::TooDeep)
                .collect();
            assert!(!deep.is_empty(), "{:?}", t.errors);
            assert!(
                t.errors
                    .iter()
                    .all(|e| !e.message.contains("recursion limit")),
                "{:?}",
                t.errors
            );
        }
    }
}
