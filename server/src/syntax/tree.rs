//! One spanned tree shape for JSON and YAML.
//!
//! Nodes live in an arena ([`Tree`]) and refer to each other by [`NodeId`]. Every node knows its
//! byte span and its parent; every object entry knows the span of its key. A syntax error never
//! discards the tree: collections the error cut short are flagged [`Node::incomplete`], and a value
//! the error swallowed is a [`Value::Missing`] node.

use crate::text::Span;

/// Index of a node in its [`Tree`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The arena index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A number as written: integers stay exact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A signed integer.
    Int(i64),
    /// An unsigned integer too large for `i64`.
    UInt(u64),
    /// Anything with a fraction or exponent, or too large for an integer.
    Float(f64),
}

impl Number {
    /// The value as `f64` (integers beyond 2^53 lose precision).
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::UInt(u) => u as f64,
            Number::Float(f) => f,
        }
    }

    /// The value as `i64` when it is a whole number that fits.
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::UInt(u) => i64::try_from(u).ok(),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            Number::Float(_) => None,
        }
    }

    /// Whether the number was written as an integer.
    pub fn is_integer(self) -> bool {
        !matches!(self, Number::Float(_))
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::UInt(u) => write!(f, "{u}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

/// One key/value pair of an object.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The key's text after unescaping.
    pub key: Box<str>,
    /// The key's span in the source (quotes included).
    pub key_span: Span,
    /// The value.
    pub value: NodeId,
}

/// The value of a node.
#[derive(Clone, Debug)]
pub enum Value {
    /// `null`, `~` or an empty YAML value.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string after unescaping.
    String(Box<str>),
    /// An array, in source order.
    Array(Vec<NodeId>),
    /// An object, in source order; a duplicate key keeps both entries.
    Object(Vec<Entry>),
    /// A value lost to a syntax error (validators read it as `null`).
    Missing,
}

/// How a scalar was written in the source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScalarStyle {
    /// A JSON literal, a collection, or a synthetic node.
    #[default]
    Json,
    /// A plain (unquoted) YAML scalar, whose type came from YAML 1.1 resolution.
    YamlPlain,
    /// A quoted or block YAML scalar (always a string).
    YamlQuoted,
}

/// One node of the tree.
#[derive(Clone, Debug)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// The node's span (for a collection: from its first to its last byte).
    pub span: Span,
    /// The parent collection, or `None` for a document root.
    pub parent: Option<NodeId>,
    /// How the scalar was written.
    pub style: ScalarStyle,
    /// A syntax error cut this collection short: what is missing may just not have been read.
    pub incomplete: bool,
    /// The node's index in its parent array, or its entry's index in its parent object.
    slot: u32,
}

/// The arena holding every node of every document of one text.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    /// An empty arena.
    pub fn new() -> Self {
        Tree::default()
    }

    /// Add a node and return its id.
    pub fn push(&mut self, value: Value, span: Span, style: ScalarStyle) -> NodeId {
        let id = NodeId(self.nodes.len() as u32);
        self.nodes.push(Node {
            value,
            span,
            parent: None,
            style,
            incomplete: false,
            slot: 0,
        });
        id
    }

    /// The node behind `id`.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// Mutable access for builders.
    pub(crate) fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id.index()]
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Drop the nodes from `len` on (nodes before it must not refer to them).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.nodes.truncate(len);
    }

    /// Whether the arena is empty.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Add `by` to every id this arena's nodes hold (children and parents), modulo 2^32 (so
    /// that ids can move down too): the first step of [`Tree::append`]ing it to another arena.
    pub(crate) fn shift_ids(&mut self, by: u32) {
        if by == 0 {
            return;
        }
        let shift = |id: &mut NodeId| id.0 = id.0.wrapping_add(by);
        for node in &mut self.nodes {
            if let Some(parent) = &mut node.parent {
                shift(parent);
            }
            match &mut node.value {
                Value::Array(items) => items.iter_mut().for_each(shift),
                Value::Object(entries) => entries.iter_mut().for_each(|e| shift(&mut e.value)),
                _ => {}
            }
        }
    }

    /// Add `by` to every byte offset this arena's nodes hold (node and key spans), modulo 2^32
    /// (so that offsets can move down too): for nodes read again at another place of a text.
    pub(crate) fn shift_spans(&mut self, by: u32) {
        if by == 0 {
            return;
        }
        let shift = |span: &mut Span| {
            span.start = span.start.wrapping_add(by);
            span.end = span.end.wrapping_add(by);
        };
        for node in &mut self.nodes {
            shift(&mut node.span);
            if let Value::Object(entries) = &mut node.value {
                entries.iter_mut().for_each(|e| shift(&mut e.key_span));
            }
        }
    }

    /// A copy of the nodes in `range` (which must refer to no node outside it) as an arena of
    /// their own; their ids are then off by `range.start` (see [`Tree::shift_ids`]).
    pub(crate) fn copy_range(&self, range: std::ops::Range<usize>) -> Tree {
        Tree {
            nodes: self.nodes[range].to_vec(),
        }
    }

    /// Keep only the nodes in `range` (which must refer to no node outside it), moved to the
    /// front; their ids are then off by `range.start` (see [`Tree::shift_ids`]).
    pub(crate) fn keep_range(&mut self, range: std::ops::Range<usize>) {
        self.nodes.truncate(range.end);
        self.nodes.drain(..range.start.min(range.end));
    }

    /// Move the nodes of `other` after this arena's, unchanged: `other`'s ids must already be
    /// shifted by [`Tree::len`] (see [`Tree::shift_ids`]).
    pub(crate) fn append(&mut self, mut other: Tree) {
        self.nodes.append(&mut other.nodes);
    }

    /// Room for `additional` more nodes.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.nodes.reserve(additional);
    }

    /// Set the parent of every child of `id` to `id`, and the child's slot in it (builders call
    /// this when a collection closes).
    pub(crate) fn adopt_children(&mut self, id: NodeId) {
        let count = match &self.nodes[id.index()].value {
            Value::Array(items) => items.len(),
            Value::Object(entries) => entries.len(),
            _ => return,
        };
        for slot in 0..count {
            let child = match &self.nodes[id.index()].value {
                Value::Array(items) => items[slot],
                Value::Object(entries) => entries[slot].value,
                _ => return,
            };
            let node = &mut self.nodes[child.index()];
            node.parent = Some(id);
            node.slot = slot as u32;
        }
    }

    /// The value of `id`.
    pub fn value(&self, id: NodeId) -> &Value {
        &self.node(id).value
    }

    /// The span of `id`.
    pub fn span(&self, id: NodeId) -> Span {
        self.node(id).span
    }

    /// The entries when `id` is an object.
    pub fn entries(&self, id: NodeId) -> Option<&[Entry]> {
        match self.value(id) {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items when `id` is an array.
    pub fn items(&self, id: NodeId) -> Option<&[NodeId]> {
        match self.value(id) {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The entry of `key` in object `id` (the last one when a key is duplicated, as decoders do).
    pub fn entry(&self, id: NodeId, key: &str) -> Option<&Entry> {
        self.entries(id)?.iter().rev().find(|e| &*e.key == key)
    }

    /// The value of `key` in object `id`.
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.entry(id, key).map(|e| e.value)
    }

    /// Follow a path of keys through nested objects.
    pub fn get_path(&self, id: NodeId, keys: &[&str]) -> Option<NodeId> {
        keys.iter().try_fold(id, |node, key| self.get(node, key))
    }

    /// The string when `id` is a string.
    pub fn str(&self, id: NodeId) -> Option<&str> {
        match self.value(id) {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The string value of `key` in object `id`.
    pub fn get_str(&self, id: NodeId, key: &str) -> Option<&str> {
        self.get(id, key).and_then(|v| self.str(v))
    }

    /// The number when `id` is a number.
    pub fn number(&self, id: NodeId) -> Option<Number> {
        match self.value(id) {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The boolean when `id` is a boolean.
    pub fn bool(&self, id: NodeId) -> Option<bool> {
        match self.value(id) {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether `id` is null or missing.
    pub fn is_null(&self, id: NodeId) -> bool {
        matches!(self.value(id), Value::Null | Value::Missing)
    }

    /// The entry in the parent object whose value is `id`, if the parent is an object.
    pub fn entry_of(&self, id: NodeId) -> Option<&Entry> {
        let node = self.node(id);
        let entries = self.entries(node.parent?)?;
        entries
            .get(node.slot as usize)
            .filter(|e| e.value == id)
            .or_else(|| entries.iter().find(|e| e.value == id))
    }

    /// The key span of `id` in its parent object, if any.
    pub fn key_span(&self, id: NodeId) -> Option<Span> {
        self.entry_of(id).map(|e| e.key_span)
    }

    /// The span that best names `id`: its key in the parent object, else its own span.
    pub fn name_span(&self, id: NodeId) -> Span {
        self.key_span(id).unwrap_or_else(|| self.span(id))
    }

    /// Whether `id` or any ancestor was cut short by a syntax error.
    pub fn is_incomplete(&self, id: NodeId) -> bool {
        let mut current = Some(id);
        while let Some(node) = current {
            if self.node(node).incomplete {
                return true;
            }
            current = self.node(node).parent;
        }
        false
    }

    /// A short name for the JSON type of `id`, for messages.
    pub fn type_name(&self, id: NodeId) -> &'static str {
        match self.value(id) {
            Value::Null | Value::Missing => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_integer() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// The steps from `root` down to `id`, as borrowed keys and indices (no allocation per step).
    fn steps_from(&self, root: NodeId, id: NodeId) -> Vec<Step<'_>> {
        let mut steps = Vec::new();
        let mut current = id;
        while current != root {
            let node = self.node(current);
            let Some(parent) = node.parent else {
                break;
            };
            match self.value(parent) {
                Value::Array(_) => steps.push(Step::Index(node.slot as usize)),
                Value::Object(_) => {
                    if let Some(e) = self.entry_of(current) {
                        steps.push(Step::Key(&e.key));
                    }
                }
                _ => {}
            }
            current = parent;
        }
        steps.reverse();
        steps
    }

    /// The path segments from `root` down to `id` (keys and indices).
    pub fn path_from(&self, root: NodeId, id: NodeId) -> Vec<Segment> {
        self.steps_from(root, id)
            .into_iter()
            .map(|s| match s {
                Step::Key(k) => Segment::Key(k.to_string()),
                Step::Index(i) => Segment::Index(i),
            })
            .collect()
    }

    /// The field path from `root` to `id` as the API writes it (`spec.containers[0].name`).
    pub fn field_path_from(&self, root: NodeId, id: NodeId) -> String {
        let mut out = String::new();
        for step in self.steps_from(root, id) {
            match step {
                Step::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Step::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// Follow path segments from `root`; `None` when the path leaves the tree.
    pub fn resolve(&self, root: NodeId, segments: &[Segment]) -> Option<NodeId> {
        segments.iter().try_fold(root, |node, seg| match seg {
            Segment::Key(k) => self.get(node, k),
            Segment::Index(i) => self.items(node)?.get(*i).copied(),
        })
    }
}

/// A borrowed step of a path.
enum Step<'t> {
    Key(&'t str),
    Index(usize),
}

/// One step of a path through the tree.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// Render segments the way the Kubernetes API names fields: `spec.containers[0].name`.
pub fn field_path(segments: &[Segment]) -> String {
    join_segments(segments, |out, i| {
        out.push('[');
        out.push_str(&i.to_string());
        out.push(']');
    })
}

/// Render segments as a schema path, any item of a list standing for all: `spec.containers[].image`.
pub fn schema_path(segments: &[Segment]) -> String {
    join_segments(segments, |out, _| out.push_str("[]"))
}

fn join_segments(segments: &[Segment], index: impl Fn(&mut String, usize)) -> String {
    let mut out = String::new();
    for seg in segments {
        match seg {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(i) => index(&mut out, *i),
        }
    }
    out
}

/// Parse an RFC 6901 JSON pointer (`/spec/containers/0`) into segments, using the tree to tell
/// array indices from object keys.
pub fn pointer_segments(tree: &Tree, root: NodeId, pointer: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut node = Some(root);
    for raw in pointer.split('/').skip(1) {
        let token = raw.replace("~1", "/").replace("~0", "~");
        let is_array = node.is_some_and(|n| tree.items(n).is_some());
        let seg = match (is_array, token.parse::<usize>()) {
            (true, Ok(i)) => Segment::Index(i),
            _ => Segment::Key(token),
        };
        node = node.and_then(|n| tree.resolve(n, std::slice::from_ref(&seg)));
        segments.push(seg);
    }
    segments
}
