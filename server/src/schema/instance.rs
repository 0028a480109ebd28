//! The syntax tree as a jsonschema instance: validation walks the spanned tree directly, with no
//! copy into `serde_json::Value` (only error messages build values, on their cold path).

use std::borrow::Cow;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object};
use serde_json::Value as JsonValue;

use crate::syntax::{Entry, NodeId, Number, Tree, Value};

/// The tree representation, for `jsonschema::options_for::<TreeJson>()`.
pub struct TreeJson;

/// A handle on one node (or on a scratch string, for `propertyNames`).
#[derive(Clone, Copy)]
pub enum TreeNode<'a> {
    /// A node of the tree.
    Node(&'a Tree, NodeId),
    /// A bare string.
    Str(&'a str),
}

impl Json for TreeJson {
    type Node<'a> = TreeNode<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = String;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>(
        buffer: &mut String,
        string: &str,
        f: impl FnOnce(TreeNode<'_>) -> T,
    ) -> T {
        buffer.clear();
        buffer.push_str(string);
        f(TreeNode::Str(buffer))
    }
}

/// A number of the tree.
pub struct TreeNumber(Number);

impl JsonNumber for TreeNumber {
    fn as_u64(&self) -> Option<u64> {
        match self.0 {
            Number::Int(i) => u64::try_from(i).ok(),
            Number::UInt(u) => Some(u),
            Number::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self.0 {
            Number::Int(i) => Some(i),
            Number::UInt(u) => i64::try_from(u).ok(),
            Number::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        Some(self.0.as_f64())
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.0.to_string())
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match self.0 {
            Number::Int(i) => serde_json::Number::from(i),
            Number::UInt(u) => serde_json::Number::from(u),
            Number::Float(f) => {
                serde_json::Number::from_f64(f).unwrap_or_else(|| serde_json::Number::from(0))
            }
        })
    }
}

/// An object of the tree.
#[derive(Clone, Copy)]
pub struct TreeObject<'a> {
    tree: &'a Tree,
    entries: &'a [Entry],
}

/// An array of the tree.
#[derive(Clone, Copy)]
pub struct TreeArray<'a> {
    tree: &'a Tree,
    items: &'a [NodeId],
}

impl<'a> Node<'a, TreeJson> for TreeNode<'a> {
    type Object = TreeObject<'a>;
    type Array = TreeArray<'a>;
    type Number = TreeNumber;

    fn as_object(&self) -> Option<TreeObject<'a>> {
        match *self {
            TreeNode::Node(tree, id) => match tree.value(id) {
                Value::Object(entries) => Some(TreeObject { tree, entries }),
                _ => None,
            },
            TreeNode::Str(_) => None,
        }
    }

    fn as_array(&self) -> Option<TreeArray<'a>> {
        match *self {
            TreeNode::Node(tree, id) => match tree.value(id) {
                Value::Array(items) => Some(TreeArray { tree, items }),
                _ => None,
            },
            TreeNode::Str(_) => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match *self {
            TreeNode::Node(tree, id) => match tree.value(id) {
                Value::String(s) => Some(Cow::Borrowed(s)),
                _ => None,
            },
            TreeNode::Str(s) => Some(Cow::Borrowed(s)),
        }
    }

    fn as_number(&self) -> Option<TreeNumber> {
        match *self {
            TreeNode::Node(tree, id) => tree.number(id).map(TreeNumber),
            TreeNode::Str(_) => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match *self {
            TreeNode::Node(tree, id) => tree.bool(id),
            TreeNode::Str(_) => None,
        }
    }

    fn is_null(&self) -> bool {
        match *self {
            TreeNode::Node(tree, id) => tree.is_null(id),
            TreeNode::Str(_) => false,
        }
    }

    fn json_type(&self) -> JsonType {
        match *self {
            TreeNode::Node(tree, id) => match tree.value(id) {
                Value::Null | Value::Missing => JsonType::Null,
                Value::Bool(_) => JsonType::Boolean,
                Value::Number(_) => JsonType::Number,
                Value::String(_) => JsonType::String,
                Value::Array(_) => JsonType::Array,
                Value::Object(_) => JsonType::Object,
            },
            TreeNode::Str(_) => JsonType::String,
        }
    }

    fn to_value(&self) -> Cow<'a, JsonValue> {
        Cow::Owned(match *self {
            TreeNode::Node(tree, id) => to_json(tree, id),
            TreeNode::Str(s) => JsonValue::String(s.to_string()),
        })
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(match *self {
            TreeNode::Node(tree, id) => {
                NodeIdentity::new(std::ptr::from_ref(tree.node(id)) as usize)
            }
            TreeNode::Str(s) => NodeIdentity::tagged(s.as_ptr() as usize, 1),
        })
    }
}

impl<'a> Object<'a, TreeJson> for TreeObject<'a> {
    type Node = TreeNode<'a>;
    type MemberName = &'a str;
    type MembersIter = Box<dyn Iterator<Item = (&'a str, TreeNode<'a>)> + 'a>;

    fn len(&self) -> usize {
        self.entries.len()
    }

    fn get(&self, key: &Box<str>) -> Option<TreeNode<'a>> {
        // Decoders keep the last of duplicated keys.
        self.entries
            .iter()
            .rev()
            .find(|e| e.key == *key)
            .map(|e| TreeNode::Node(self.tree, e.value))
    }

    fn members(&self) -> Self::MembersIter {
        let tree = self.tree;
        Box::new(
            self.entries
                .iter()
                .map(move |e| (&*e.key, TreeNode::Node(tree, e.value))),
        )
    }
}

impl<'a> Array<'a, TreeJson> for TreeArray<'a> {
    type Node = TreeNode<'a>;
    type ElementsIter = Box<dyn Iterator<Item = TreeNode<'a>> + 'a>;

    fn len(&self) -> usize {
        self.items.len()
    }

    fn elements(&self) -> Self::ElementsIter {
        let tree = self.tree;
        Box::new(self.items.iter().map(move |&i| TreeNode::Node(tree, i)))
    }
}

/// Convert a subtree to `serde_json::Value` (error messages only; depth is bounded by the parser).
pub fn to_json(tree: &Tree, id: NodeId) -> JsonValue {
    match tree.value(id) {
        Value::Null | Value::Missing => JsonValue::Null,
        Value::Bool(b) => JsonValue::Bool(*b),
        Value::Number(n) => JsonValue::Number(TreeNumber(*n).to_number().into_owned()),
        Value::String(s) => JsonValue::String(s.to_string()),
        Value::Array(items) => JsonValue::Array(items.iter().map(|&i| to_json(tree, i)).collect()),
        Value::Object(entries) => JsonValue::Object(
            entries
                .iter()
                .map(|e| (e.key.to_string(), to_json(tree, e.value)))
                .collect(),
        ),
    }
}
