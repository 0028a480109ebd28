//! Native sidecars: move a container from `containers` to `initContainers` (K124's fix, P202's
//! fix, and the classic → native refactor).
//!
//! A native sidecar is an init container with `restartPolicy: Always` (kubernetes-rules.md §1);
//! Kubernetes runs them by default from 1.29 (beta, on by default), so the move is offered from
//! that version on. The container is appended to `initContainers`: init containers start in
//! order, so it starts after the existing ones, as the classic sidecar did.

use super::layout::{ItemSource, Place, Snippet, reindent};
use super::{CodeAction, CodeActionKind, Cx, Found, quick_fix};
use crate::diagnostic::{Diagnostic, Dialect};
use crate::ide::{TextEdit, apply_edits};
use crate::model::{ContainerList, Role};
use crate::syntax::{NodeId, Value};
use crate::text::Span;

/// The first version that runs native sidecars by default.
const NATIVE_SIDECARS_FROM: u8 = 29;

/// K124: a container of `containers` with `restartPolicy: Always` wants to be a native sidecar.
pub(super) fn move_restarting_container(cx: &Cx, d: &Diagnostic) -> Option<CodeAction> {
    let found = cx
        .containers_near(Span::at(d.span.start as usize))
        .find(|f| {
            f.container
                .node
                .is_some_and(|n| cx.tree.span(n).contains(d.span.start as usize))
        })?;
    let policy = found.container.field(cx.tree, "restartPolicy")?;
    if cx.tree.str(policy) != Some("Always") {
        return None;
    }
    let edits = move_to_init(cx, &found, false)?;
    Some(quick_fix(
        d,
        format!(
            "Move {} to initContainers (a native sidecar)",
            found.container.label()
        ),
        edits,
        true,
    ))
}

/// P202: a classic sidecar in a Job keeps the pod running; the native form does not.
pub(super) fn convert_for_diagnostic(cx: &Cx, d: &Diagnostic) -> Option<CodeAction> {
    let found = cx.container_at(d.span)?;
    let edits = move_to_init(cx, &found, true)?;
    Some(quick_fix(d, convert_title(&found), edits, true))
}

fn convert_title(found: &Found) -> String {
    format!(
        "Convert {} into a native sidecar (initContainers with restartPolicy: Always)",
        found.container.label()
    )
}

/// The refactor, on classic sidecars the range touches (unless a P202 fix already does it).
pub(super) fn refactors(cx: &Cx, range: Span, actions: &mut Vec<CodeAction>) {
    for found in cx.containers_near(range) {
        let c = found.container;
        let Some(node) = c.node else { continue };
        if c.role != Role::Sidecar || !touches(item_area(cx, node), range) {
            continue;
        }
        let Some(edits) = move_to_init(cx, &found, true) else {
            continue;
        };
        // A P202 quick fix in the range already does it.
        if actions.iter().any(|a| a.edits == edits) {
            continue;
        }
        actions.push(CodeAction {
            title: convert_title(&found),
            kind: CodeActionKind::RefactorRewrite,
            diagnostics: Vec::new(),
            edits,
            preferred: false,
        });
    }
}

/// A container's span, from the start of its line when only its list dash precedes it.
fn item_area(cx: &Cx, node: NodeId) -> Span {
    let span = cx.tree.span(node);
    let line = cx.layout.line_start(span.start as usize);
    let lead = &cx.text[line..span.start as usize];
    if lead.bytes().all(|b| matches!(b, b' ' | b'-')) {
        Span::new(line, span.end as usize)
    } else {
        span
    }
}

fn touches(span: Span, range: Span) -> bool {
    span.start <= range.end && range.start <= span.end
}

/// The edits moving `found` from `containers` to the end of `initContainers` (created when
/// missing), setting `restartPolicy: Always` when `set_policy`. `None` where the move does not
/// apply: not plain Kubernetes, Kubernetes too old, or no other container would be left.
fn move_to_init(cx: &Cx, found: &Found, set_policy: bool) -> Option<Vec<TextEdit>> {
    let tree = cx.tree;
    let c = found.container;
    if found.object.dialect != Dialect::Kubernetes
        || c.list != ContainerList::Containers
        || !cx.settings.kube_version.at_least(NATIVE_SIDECARS_FROM)
    {
        return None;
    }
    let node = c.node?;
    let spec = found.workload.pod_spec?;
    let containers = tree.get(spec, "containers")?;
    let items = tree.items(containers)?;
    let index = items.iter().position(|&i| i == node)?;
    if items.len() < 2 {
        return None;
    }
    let layout = &cx.layout;
    let style = layout.style(node, c.field(tree, "name"));
    let source = layout.item_source(containers, index)?;

    // The container's text, with `restartPolicy: Always` written in.
    let mut inner = Vec::new();
    if set_policy {
        let always = Snippet::str("Always");
        inner.push(match tree.get(node, "restartPolicy") {
            Some(p) if tree.str(p).is_some() => layout.replace_string(p, "Always"),
            Some(_) => layout.set_entry(node, "restartPolicy", &always, &style)?,
            None => layout.add_entry(
                node,
                "restartPolicy",
                &always,
                Place::After("image"),
                &style,
            )?,
        });
    }
    let moved = Moved {
        node,
        source,
        text: shifted_text(cx.text, source.span, &inner)?,
        set_policy,
    };

    let remove = layout.remove_item(containers, index)?;
    let insert = insert_into_init(cx, spec, containers, &moved, &style)?;
    Some(vec![remove, insert])
}

/// The text of `span` with `edits` (inside it) applied.
fn shifted_text(text: &str, span: Span, edits: &[TextEdit]) -> Option<String> {
    let slice = text.get(span.range())?;
    let mut local = Vec::with_capacity(edits.len());
    for e in edits {
        if e.span.start < span.start || e.span.end > span.end {
            return None;
        }
        let shift = |o: u32| (o - span.start) as usize;
        local.push(TextEdit::replace(
            Span::new(shift(e.span.start), shift(e.span.end)),
            e.new_text.clone(),
        ));
    }
    Some(apply_edits(slice, &local))
}

/// The container being moved.
struct Moved {
    /// Its object.
    node: NodeId,
    /// Where its text is.
    source: ItemSource,
    /// Its text, with `restartPolicy` already written in when `set_policy`.
    text: String,
    /// Whether the move also sets `restartPolicy: Always`.
    set_policy: bool,
}

/// Insert the moved container's text into `initContainers`.
fn insert_into_init(
    cx: &Cx,
    spec: NodeId,
    containers: NodeId,
    moved: &Moved,
    style: &super::layout::Style,
) -> Option<TextEdit> {
    let tree = cx.tree;
    let layout = &cx.layout;
    let nl = style.newline;
    let init = tree.get(spec, "initContainers");
    let init_items = init.and_then(|l| tree.items(l)).filter(|i| !i.is_empty());

    if let (Some(list), Some(items)) = (init, init_items) {
        let last = *items.last()?;
        let first_at = tree.span(items[0]).start as usize;
        if !layout.is_flow(list) {
            // Block list: same dash column as its items.
            let dash_col = layout.col(dash_before(cx.text, first_at)?);
            let text = block_item(moved, dash_col);
            let at = layout.line_end(layout.content_end(last));
            return Some(TextEdit::insert(at, format!("{nl}{text}")));
        }
        let last_at = tree.span(last).start as usize;
        let open = tree.span(list).start as usize;
        let multiline = !layout.same_line(open, last_at) && layout.starts_line(last_at);
        let col = layout.col(last_at);
        let text = flow_item(cx, moved, col)?;
        let sep = if multiline {
            format!("{nl}{}", " ".repeat(col))
        } else {
            " ".into()
        };
        return Some(TextEdit::insert(
            layout.content_end(last),
            format!(",{sep}{text}"),
        ));
    }

    // No init containers yet: a new `initContainers` list right before `containers`.
    let containers_key = tree.key_span(containers)?;
    let key_col = layout.col(containers_key.start as usize);
    match init {
        // `initContainers: []`: fill the brackets.
        Some(list) if layout.is_flow(list) && tree.items(list).is_some() => {
            let open = tree.span(list).start as usize;
            let init_col = tree
                .key_span(list)
                .map_or(key_col, |k| layout.col(k.start as usize));
            let text = if moved.text.contains('\n') {
                let inner_col = init_col + style.indent;
                let body = flow_item(cx, moved, inner_col)?;
                format!(
                    "{nl}{}{body}{nl}{}",
                    " ".repeat(inner_col),
                    " ".repeat(init_col)
                )
            } else {
                flow_item(cx, moved, layout.col(open + 1))?
            };
            Some(TextEdit::insert(open + 1, text))
        }
        Some(_) => None,
        None if !layout.is_flow(spec) => {
            // Dashes like the `containers` list's (or the document's habit when it is flow).
            let dash_col = if layout.is_flow(containers) {
                if style.compact_dash {
                    key_col
                } else {
                    key_col + style.indent
                }
            } else {
                layout.col(dash_before(
                    cx.text,
                    tree.span(*tree.items(containers)?.first()?).start as usize,
                )?)
            };
            let text = block_item(moved, dash_col);
            let at = layout.line_start(containers_key.start as usize);
            Some(TextEdit::insert(
                at,
                format!("{}initContainers:{nl}{text}{nl}", " ".repeat(key_col)),
            ))
        }
        None => {
            let multiline = layout.starts_line(containers_key.start as usize);
            let key = layout.key("initContainers");
            let colon = layout.colon(style);
            let list = if multiline && moved.text.contains('\n') {
                let inner_col = key_col + style.indent;
                let body = flow_item(cx, moved, inner_col)?;
                format!(
                    "[{nl}{}{body}{nl}{}]",
                    " ".repeat(inner_col),
                    " ".repeat(key_col)
                )
            } else {
                format!("[{}]", flow_item(cx, moved, key_col)?)
            };
            let sep = if multiline {
                format!("{nl}{}", " ".repeat(key_col))
            } else {
                " ".into()
            };
            Some(TextEdit::insert(
                containers_key.start as usize,
                format!("{key}{colon}{list},{sep}"),
            ))
        }
    }
}

/// The `-` before a block item starting at `at`.
fn dash_before(text: &str, at: usize) -> Option<usize> {
    let trimmed = text.get(..at)?.trim_end();
    trimmed.ends_with('-').then(|| trimmed.len() - 1)
}

/// The moved text as a block item with its dash at `dash_col`.
fn block_item(moved: &Moved, dash_col: usize) -> String {
    let shift = |to: usize| to as isize - moved.source.col as isize;
    if moved.source.block {
        return reindent(&moved.text, shift(dash_col), true);
    }
    // A flow item (`{…}`) is a valid block item as it is.
    let body = reindent(&moved.text, shift(dash_col + 2), false);
    format!("{}- {body}", " ".repeat(dash_col))
}

/// The moved text as a flow item whose first byte sits at `col`. A block item is rewritten in
/// flow syntax from the tree, with `restartPolicy: Always` when the move sets it (comments inside
/// it cannot follow; block scalars cannot be written flow: `None`).
fn flow_item(cx: &Cx, moved: &Moved, col: usize) -> Option<String> {
    if !moved.source.block {
        let shift = col as isize - moved.source.col as isize;
        return Some(reindent(&moved.text, shift, false));
    }
    let mut snippet = flow_snippet(cx, moved.node)?;
    if moved.set_policy
        && let Snippet::Map(entries) = &mut snippet
    {
        let always = Snippet::raw("Always");
        match entries.iter().position(|(k, _)| k == "restartPolicy") {
            Some(i) => entries[i].1 = always,
            None => {
                let at = entries
                    .iter()
                    .position(|(k, _)| k == "image")
                    .map_or(entries.len(), |i| i + 1);
                entries.insert(at, ("restartPolicy".into(), always));
            }
        }
    }
    let style = cx.layout.style(moved.node, None);
    Some(cx.layout.inline(&snippet, &style))
}

/// A node as a snippet, scalars copied from the source.
fn flow_snippet(cx: &Cx, node: NodeId) -> Option<Snippet> {
    let tree = cx.tree;
    Some(match tree.value(node) {
        Value::Object(entries) => Snippet::Map(
            entries
                .iter()
                .map(|e| Some((e.key.to_string(), flow_snippet(cx, e.value)?)))
                .collect::<Option<_>>()?,
        ),
        Value::Array(items) => Snippet::List(
            items
                .iter()
                .map(|&i| flow_snippet(cx, i))
                .collect::<Option<_>>()?,
        ),
        Value::String(s) => {
            let raw = cx.text.get(tree.span(node).range())?;
            if raw.starts_with(['|', '>']) || raw.contains('\n') {
                return None;
            }
            if raw.starts_with(['"', '\'']) {
                Snippet::raw(raw)
            } else {
                Snippet::str(s.to_string())
            }
        }
        _ => Snippet::raw(cx.text.get(tree.span(node).range())?.trim()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{actions_at, check_fix, check_fix_with};
    use super::*;
    use crate::config::Settings;
    use crate::diagnostic::KubeVersion;

    #[test]
    fn k124_moves_the_container_into_a_new_init_list() {
        check_fix(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy$0: Always\n",
            "pod.yaml",
            "K124",
            "Move container \"log-shipper\" to initContainers",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy: Always\n  containers:\n    - name: app\n      image: nginx:1.27\n",
        );
    }

    #[test]
    fn p202_converts_into_an_existing_compact_init_list() {
        check_fix(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      initContainers:\n      - name: wait\n        image: busybox:1.36.1\n        command: [sh, -c, 'true']\n      containers:\n      - name: migrate\n        image: registry.example.com/migrate:5.0.1\n        resources: {requests: {cpu: 100m, memory: 256Mi}}\n      - name: sql-$0proxy  # talks to the database\n        image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0\n        resources: {requests: {cpu: 100m, memory: 64Mi}}\n",
            "job.yaml",
            "P202",
            "Convert container \"sql-proxy\" into a native sidecar",
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      initContainers:\n      - name: wait\n        image: busybox:1.36.1\n        command: [sh, -c, 'true']\n      - name: sql-proxy  # talks to the database\n        image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0\n        restartPolicy: Always\n        resources: {requests: {cpu: 100m, memory: 64Mi}}\n      containers:\n      - name: migrate\n        image: registry.example.com/migrate:5.0.1\n        resources: {requests: {cpu: 100m, memory: 256Mi}}\n",
        );
    }

    #[test]
    fn refactor_json_deployment() {
        let text = "{\n  \"apiVersion\": \"apps/v1\",\n  \"kind\": \"Deployment\",\n  \"metadata\": {\"name\": \"web\"},\n  \"spec\": {\n    \"selector\": {\"matchLabels\": {\"app\": \"web\"}},\n    \"template\": {\n      \"metadata\": {\"labels\": {\"app\": \"web\"}},\n      \"spec\": {\n        \"containers\": [\n          {\"name\": \"web\", \"image\": \"nginx:1.27\"},\n          {\n            \"name\": \"envoy\",\n            \"image\": \"envoyproxy/en$0voy:v1.31.0\"\n          }\n        ]\n      }\n    }\n  }\n}\n";
        let (clean, actions) = actions_at(text, "deploy.json", &Settings::default());
        let action = actions
            .iter()
            .find(|a| a.kind == CodeActionKind::RefactorRewrite)
            .expect("the refactor");
        assert!(action.diagnostics.is_empty());
        let fixed = crate::ide::apply_edits(&clean, &action.edits);
        assert_eq!(
            fixed,
            "{\n  \"apiVersion\": \"apps/v1\",\n  \"kind\": \"Deployment\",\n  \"metadata\": {\"name\": \"web\"},\n  \"spec\": {\n    \"selector\": {\"matchLabels\": {\"app\": \"web\"}},\n    \"template\": {\n      \"metadata\": {\"labels\": {\"app\": \"web\"}},\n      \"spec\": {\n        \"initContainers\": [\n          {\n            \"name\": \"envoy\",\n            \"image\": \"envoyproxy/envoy:v1.31.0\",\n            \"restartPolicy\": \"Always\"\n          }\n        ],\n        \"containers\": [\n          {\"name\": \"web\", \"image\": \"nginx:1.27\"}\n        ]\n      }\n    }\n  }\n}\n"
        );
        let after = crate::analyze(&fixed, Some("deploy.json"), &Settings::default());
        let w = &after.objects[0].workloads[0];
        let envoy = w
            .containers
            .iter()
            .find(|c| c.name.as_deref() == Some("envoy"))
            .unwrap();
        assert_eq!(envoy.role, Role::NativeSidecar);
        assert!(
            after.diagnostics.iter().all(|d| d.code != "S001"),
            "{:?}",
            after.diagnostics
        );
    }

    #[test]
    fn refactor_in_flow_yaml() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: web, image: 'nginx:1.27'}, {name: envoy, image: 'envoyproxy/envoy:v1.31.0'$0}]}\n";
        let (clean, actions) = actions_at(text, "pod.yaml", &Settings::default());
        let action = actions
            .iter()
            .find(|a| a.kind == CodeActionKind::RefactorRewrite)
            .expect("the refactor");
        assert_eq!(
            crate::ide::apply_edits(&clean, &action.edits),
            "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {initContainers: [{name: envoy, image: 'envoyproxy/envoy:v1.31.0', restartPolicy: Always}], containers: [{name: web, image: 'nginx:1.27'}]}\n"
        );
    }

    #[test]
    fn block_items_join_a_flow_list_and_flow_items_a_new_block_list() {
        let refactored = |text: &str| {
            let (clean, actions) = actions_at(text, "pod.yaml", &Settings::default());
            let action = actions
                .iter()
                .find(|a| a.kind == CodeActionKind::RefactorRewrite)
                .expect("the refactor");
            crate::ide::apply_edits(&clean, &action.edits)
        };
        assert_eq!(
            refactored(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers: [{name: init, image: 'busybox:1.36'}]\n  containers:\n    - name: app\n      image: nginx:1.27\n    - name: envoy$0\n      image: envoyproxy/envoy:v1.31.0\n      args: [--log-level, info]\n"
            ),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers: [{name: init, image: 'busybox:1.36'}, {name: envoy, image: envoyproxy/envoy:v1.31.0, restartPolicy: Always, args: [--log-level, info]}]\n  containers:\n    - name: app\n      image: nginx:1.27\n"
        );
        assert_eq!(
            refactored(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers: [{name: app, image: nginx:1.27}, {name: envoy$0, image: envoyproxy/envoy:v1.31.0}]\n"
            ),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    - {name: envoy, image: envoyproxy/envoy:v1.31.0, restartPolicy: Always}\n  containers: [{name: app, image: nginx:1.27}]\n"
        );
    }

    #[test]
    fn refactor_needs_kubernetes_1_29_and_a_classic_sidecar() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n    - name: envoy$0\n      image: envoyproxy/envoy:v1.31.0\n";
        let (_, actions) = actions_at(text, "pod.yaml", &Settings::default());
        assert!(
            actions
                .iter()
                .any(|a| a.kind == CodeActionKind::RefactorRewrite)
        );
        let old = Settings {
            kube_version: KubeVersion::new(28),
            ..Settings::default()
        };
        let (_, actions) = actions_at(text, "pod.yaml", &old);
        assert!(
            actions
                .iter()
                .all(|a| a.kind != CodeActionKind::RefactorRewrite)
        );
        // On the list dash of the sidecar too.
        let on_dash = text
            .replace("envoy$0", "envoy")
            .replace("    - name: envoy", "   $0 - name: envoy");
        let (_, actions) = actions_at(&on_dash, "pod.yaml", &Settings::default());
        assert!(
            actions
                .iter()
                .any(|a| a.kind == CodeActionKind::RefactorRewrite)
        );
        // On the main container: nothing to convert.
        let on_main = text
            .replace("envoy$0", "envoy")
            .replace("name: app", "name: a$0pp");
        let (_, actions) = actions_at(&on_main, "pod.yaml", &Settings::default());
        assert!(
            actions
                .iter()
                .all(|a| a.kind != CodeActionKind::RefactorRewrite),
            "{actions:?}"
        );
    }

    #[test]
    fn refactor_replaces_a_wrong_restart_policy_and_appends_to_existing_init_list() {
        let settings = Settings::default();
        check_fix_with(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    - name: init\n      image: busybox:1.36\n  containers:\n    - name: app\n      image: nginx:1.27\n    - name: envoy\n      image: envoyproxy/envoy:v1.31.0\n      restartPolicy$0: OnFailure\n",
            "pod.yaml",
            "K124",
            "Convert container \"envoy\"",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    - name: init\n      image: busybox:1.36\n    - name: envoy\n      image: envoyproxy/envoy:v1.31.0\n      restartPolicy: Always\n  containers:\n    - name: app\n      image: nginx:1.27\n",
            &settings,
        );
    }
}
