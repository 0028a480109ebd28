//! The model around a place of a document: the pod (workload) and the container it is in, as far
//! as a half-typed tree lets us follow the path.

use crate::analysis::Analysis;
use crate::model::{Object, Workload};
use crate::syntax::{NodeId, Segment, Tree};

/// The deepest node the tree has along `segments`, and how many segments it took.
pub(crate) fn deepest(tree: &Tree, root: NodeId, segments: &[Segment]) -> (NodeId, usize) {
    let mut node = root;
    for (i, seg) in segments.iter().enumerate() {
        match tree.resolve(node, std::slice::from_ref(seg)) {
            Some(next) => node = next,
            None => return (node, i),
        }
    }
    (node, segments.len())
}

/// Whether `ancestor` is `node` or one of its ancestors.
pub(crate) fn is_within(tree: &Tree, node: NodeId, ancestor: NodeId) -> bool {
    let mut current = Some(node);
    while let Some(n) = current {
        if n == ancestor {
            return true;
        }
        current = tree.node(n).parent;
    }
    false
}

/// The object of document `document` that holds `node`.
pub(crate) fn object_at(analysis: &Analysis, document: usize, node: NodeId) -> Option<&Object> {
    let tree = &analysis.syntax.tree;
    analysis
        .objects
        .iter()
        .filter(|o| o.document == document)
        .find(|o| is_within(tree, node, o.root))
}

/// The workload (pod) of document `document` that holds `node`: the one whose pod spec,
/// anchor or containers hold it, else the object's only workload.
pub(crate) fn workload_at(
    analysis: &Analysis,
    document: usize,
    node: NodeId,
) -> Option<(&Object, &Workload)> {
    let tree = &analysis.syntax.tree;
    let object = object_at(analysis, document, node)?;
    let holds = |w: &Workload| {
        w.pod_spec.is_some_and(|s| is_within(tree, node, s))
            || is_within(tree, node, w.anchor) && w.anchor != object.root
            || w.containers
                .iter()
                .filter_map(|c| c.node)
                .any(|c| is_within(tree, node, c))
    };
    let only = match object.workloads.as_slice() {
        [only] => Some(only),
        _ => None,
    };
    let workload = object.workloads.iter().find(|w| holds(w)).or(only)?;
    Some((object, workload))
}

/// The keys under which a container keeps probe and lifecycle handlers.
const HANDLER_OWNERS: &[&str] = &[
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
];

/// The container object around a probe or lifecycle handler at `segments`: the segments before
/// the last `livenessProbe`/`readinessProbe`/`startupProbe`/`lifecycle` key.
pub(crate) fn handler_container(tree: &Tree, root: NodeId, segments: &[Segment]) -> Option<NodeId> {
    let at = segments
        .iter()
        .rposition(|s| matches!(s, Segment::Key(k) if HANDLER_OWNERS.contains(&k.as_str())))?;
    let container = tree.resolve(root, &segments[..at])?;
    tree.entries(container)?;
    Some(container)
}

/// One declared container port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PortInfo {
    /// `name`, if set.
    pub name: Option<String>,
    /// `containerPort`, if a number.
    pub number: Option<i64>,
    /// `protocol`, if set.
    pub protocol: Option<String>,
}

/// The `ports` of a container object.
pub(crate) fn ports_of(tree: &Tree, container: NodeId) -> Vec<PortInfo> {
    tree.get(container, "ports")
        .and_then(|p| tree.items(p))
        .unwrap_or(&[])
        .iter()
        .filter(|&&p| tree.entries(p).is_some())
        .map(|&p| PortInfo {
            name: tree.get_str(p, "name").map(str::to_string),
            number: tree
                .get(p, "containerPort")
                .and_then(|n| tree.number(n))
                .and_then(|n| n.as_i64()),
            protocol: tree.get_str(p, "protocol").map(str::to_string),
        })
        .collect()
}
