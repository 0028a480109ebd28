//! Object metadata, pod volumes and workload selectors (research: kubernetes-rules.md §6, §10).

use std::collections::HashMap;

use super::super::prelude::*;
use super::{is_templated, required_value};
use crate::k8s::names;

/// K130.
pub static METADATA_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::METADATA_NAME_INVALID,
        name: "metadata-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "`metadata.name`, a label or a selector value the API server rejects.",
        why: "Object names are DNS-1123 subdomains (Services and Namespaces: labels); label keys \
              are qualified names and label values at most 63 alphanumerics, `-`, `_` or `.`. A \
              copied template with `<YOUR-APP-NAME>` placeholders fails here. A manifest object \
              needs `metadata.name` or `metadata.generateName`. `{{ … }}` placeholders are left \
              alone until rendered.",
        mirrors: "Kubernetes `ValidateObjectMeta` (`NameIsDNSSubdomain`, `NameIsDNS1035Label` for \
                  Services) and `ValidateLabels` (apimachinery `IsQualifiedName`, `IsValidLabelValue`).",
        example: Some(Example {
            file: "deployment.yaml",
            bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: <YOUR-APP>\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
            good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_metadata),
};

fn check_metadata(cx: &mut Context) {
    for object in cx.objects() {
        let root = object.root;
        let Some(meta) = cx
            .tree
            .get(root, "metadata")
            .filter(|&m| cx.tree.entries(m).is_some())
        else {
            continue;
        };
        check_object_name(cx, object, meta);
        check_labels(cx, object, cx.tree.get(meta, "labels"));
        for path in [
            &["spec", "template", "metadata", "labels"][..],
            &[
                "spec",
                "jobTemplate",
                "spec",
                "template",
                "metadata",
                "labels",
            ],
            &["spec", "selector", "matchLabels"],
            &["spec", "jobTemplate", "metadata", "labels"],
        ] {
            check_labels(cx, object, cx.tree.get_path(root, path));
        }
        if object.kind.as_deref() == Some("Service") {
            check_labels(cx, object, cx.tree.get_path(root, &["spec", "selector"]));
        }
    }
}

fn check_object_name(cx: &mut Context, object: &Object, meta: NodeId) {
    let name = cx.tree.get(meta, "name");
    let generate = cx
        .tree
        .get_str(meta, "generateName")
        .is_some_and(|g| !g.is_empty());
    let text = name.and_then(|n| cx.tree.str(n));
    match text {
        None | Some("") if !generate => {
            if name.is_none() && cx.may_be_truncated(meta) {
                return;
            }
            let span = name.map_or_else(|| cx.tree.name_span(meta), |n| cx.tree.name_span(n));
            cx.report(
                object,
                span,
                "metadata.name: Required value: name or generateName is required",
            );
        }
        Some(s) if !s.is_empty() && !is_templated(s) => {
            let errors = match object.kind.as_deref() {
                Some("Service") => dns1035_label(s),
                Some("Namespace") => names::dns1123_label(s),
                _ => names::dns1123_subdomain(s),
            };
            let span = cx.tree.span(name.expect("has text"));
            for message in errors {
                cx.report(
                    object,
                    span,
                    format!("metadata.name: Invalid value: \"{s}\": {message}"),
                );
            }
        }
        _ => {}
    }
}

/// `IsDNS1035Label`: like a DNS-1123 label, but it must start with a letter.
fn dns1035_label(s: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if s.len() > 63 {
        errors.push(names::max_len_error(63));
    }
    let b = s.as_bytes();
    let ok = !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
    if !ok {
        errors.push("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')".into());
    }
    errors
}

fn check_labels(cx: &mut Context, object: &Object, labels: Option<NodeId>) {
    let Some(labels) = labels else {
        return;
    };
    let Some(entries) = cx.tree.entries(labels) else {
        return;
    };
    for e in entries {
        if !is_templated(&e.key) && !names::is_qualified_name(&e.key) {
            let path = cx.path(object, labels);
            cx.report(
                object,
                e.key_span,
                format!(
                    "{path}: Invalid value: \"{}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                    e.key
                ),
            );
        }
        if let Some(v) = cx.tree.str(e.value)
            && !is_templated(v)
            && !is_label_value(v)
        {
            let span = cx.tree.span(e.value);
            let path = cx.path(object, labels);
            cx.report(
                object,
                span,
                format!(
                    "{path}: Invalid value: \"{v}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
                ),
            );
        }
    }
}

fn is_label_value(v: &str) -> bool {
    let b = v.as_bytes();
    b.is_empty()
        || (b.len() <= 63
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')))
}

/// K131.
pub static VOLUME_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::VOLUME_NAME_INVALID,
        name: "volume-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A pod volume with an invalid or duplicate name, or more than one source.",
        why: "Volume names are DNS-1123 labels, unique in the pod, and each volume has exactly \
              one source (`emptyDir`, `configMap`…; none at all means `emptyDir`). Applies to \
              HKube algorithm `volumes` and Calyptia spec `volumes` too: they become pod volumes.",
        mirrors: "Kubernetes `ValidateVolumes` and `validateVolumeSource` (kubernetes-rules.md §6).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  volumes:\n    - name: data\n      emptyDir: {}\n    - name: data\n      configMap:\n        name: settings\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  volumes:\n    - name: data\n      emptyDir: {}\n    - name: settings\n      configMap:\n        name: settings\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_volumes),
};

fn check_volumes(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        let mut seen: HashMap<&str, NodeId> = HashMap::new();
        for v in &workload.volumes {
            let Some(node) = v.node else {
                continue;
            };
            if v.source.as_deref() == Some("volumeClaimTemplates")
                || object.dialect == Dialect::Kubevela
            {
                continue;
            }
            let Some(name_node) = cx.tree.get(node, "name") else {
                continue;
            };
            let path = cx.path(object, name_node);
            let span = cx.tree.span(name_node);
            if v.name.is_empty() {
                cx.report(object, span, required_value(&path));
                continue;
            }
            if !is_templated(&v.name) {
                for message in names::dns1123_label(&v.name) {
                    cx.report(
                        object,
                        span,
                        format!("{path}: Invalid value: \"{}\": {message}", v.name),
                    );
                }
            }
            if let Some(&first) = seen.get(v.name.as_str()) {
                let first_span = cx.tree.span(first);
                cx.report(
                    object,
                    span,
                    format!("{path}: Duplicate value: \"{}\"", v.name),
                )
                .add_related(first_span, "the first volume with this name");
            } else {
                seen.insert(&v.name, name_node);
            }
            // Exactly one source.
            let sources: Vec<&crate::syntax::Entry> = cx
                .tree
                .entries(node)
                .unwrap_or(&[])
                .iter()
                .filter(|e| &*e.key != "name" && !cx.tree.is_null(e.value))
                .collect();
            for extra in sources.iter().skip(1) {
                let p = cx.path(object, node);
                cx.report(
                    object,
                    extra.key_span,
                    format!(
                        "{p}.{}: Forbidden: may not specify more than 1 volume type",
                        extra.key
                    ),
                );
            }
        }
    }
}

/// A ReplicationController's selector is a plain map; empty means "the template's labels".
fn check_rc_selector(cx: &mut Context, object: &Object) {
    let Some(spec) = cx.tree.get(object.root, "spec") else {
        return;
    };
    let Some(selector) = cx
        .tree
        .get(spec, "selector")
        .and_then(|s| cx.tree.entries(s))
    else {
        return;
    };
    if selector.is_empty() {
        return;
    }
    let labels_node = cx.tree.get_path(spec, &["template", "metadata", "labels"]);
    let labels = labels_node.and_then(|l| cx.tree.entries(l)).unwrap_or(&[]);
    let matches = selector.iter().all(|s| {
        cx.tree.str(s.value).is_some_and(|v| {
            labels
                .iter()
                .any(|l| l.key == s.key && cx.tree.str(l.value) == Some(v))
        })
    });
    if matches || labels.iter().chain(selector).any(|e| is_templated(&e.key)) {
        return;
    }
    let span = labels_node.map_or_else(|| cx.tree.name_span(spec), |l| cx.tree.name_span(l));
    let mut pairs: Vec<String> = labels
        .iter()
        .filter_map(|e| {
            cx.tree
                .str(e.value)
                .map(|v| format!("\"{}\":\"{v}\"", e.key))
        })
        .collect();
    pairs.sort();
    let selector_span = cx
        .tree
        .name_span(cx.tree.get(spec, "selector").expect("has a selector"));
    cx.report(
        object,
        span,
        format!(
            "spec.template.metadata.labels: Invalid value: map[string]string{{{}}}: selector does not match template labels",
            pairs.join(", ")
        ),
    )
    .add_related(selector_span, "the selector");
}

/// K132.
pub static SELECTOR_MISMATCH: Rule = Rule {
    meta: RuleMeta {
        code: codes::SELECTOR_MISMATCH,
        name: "selector-mismatch",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "A workload's selector does not match its pod template's labels.",
        why: "Deployments, ReplicaSets, StatefulSets, DaemonSets and ReplicationControllers find \
              their pods by `spec.selector`; the API server rejects a template whose labels the \
              selector does not select, and (except for a ReplicationController, whose empty \
              selector means the template's labels) an empty selector.",
        mirrors: "Kubernetes `ValidateDeploymentSpec` and siblings (`selector` does not match \
                  template `labels`).",
        example: Some(Example {
            file: "deployment.yaml",
            bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: frontend}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
            good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_selector),
};

fn check_selector(cx: &mut Context) {
    for object in cx.objects() {
        if object.kind.as_deref() == Some("ReplicationController") {
            check_rc_selector(cx, object);
            continue;
        }
        if !matches!(
            object.kind.as_deref(),
            Some("Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet")
        ) || !object
            .api_version
            .as_deref()
            .is_some_and(|v| v.starts_with("apps/"))
        {
            continue;
        }
        let root = object.root;
        let Some(spec) = cx.tree.get(root, "spec") else {
            continue;
        };
        let Some(selector) = cx
            .tree
            .get(spec, "selector")
            .filter(|&s| cx.tree.entries(s).is_some())
        else {
            continue; // absent: the schema's `required` reports it
        };
        let match_labels = cx
            .tree
            .get(selector, "matchLabels")
            .and_then(|m| cx.tree.entries(m));
        let expressions = cx
            .tree
            .get(selector, "matchExpressions")
            .and_then(|m| cx.tree.items(m));
        let empty =
            match_labels.is_none_or(<[_]>::is_empty) && expressions.is_none_or(<[_]>::is_empty);
        if empty {
            let span = cx.tree.name_span(selector);
            let kind = object.kind.as_deref().unwrap_or("").to_lowercase();
            cx.report(
                object,
                span,
                format!(
                    "spec.selector: Invalid value: \"null\": empty selector is invalid for {kind}"
                ),
            );
            continue;
        }
        let Some(labels_node) = cx.tree.get_path(spec, &["template", "metadata", "labels"]) else {
            if cx.may_be_truncated(spec) {
                continue;
            }
            let span = cx
                .tree
                .get(spec, "template")
                .map_or(cx.tree.name_span(spec), |t| cx.tree.name_span(t));
            cx.report(object, span, "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`");
            continue;
        };
        let labels: HashMap<&str, &str> = cx
            .tree
            .entries(labels_node)
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| cx.tree.str(e.value).map(|v| (&*e.key, v)))
            .collect();
        if labels
            .values()
            .chain(labels.keys())
            .any(|s| is_templated(s))
        {
            continue;
        }
        let mut matches = match_labels.unwrap_or(&[]).iter().all(|e| {
            cx.tree
                .str(e.value)
                .is_some_and(|v| labels.get(&*e.key) == Some(&v))
        });
        for &expr in expressions.unwrap_or(&[]) {
            let key = cx.tree.get_str(expr, "key").unwrap_or("");
            let values: Vec<&str> = cx
                .tree
                .get(expr, "values")
                .and_then(|v| cx.tree.items(v))
                .unwrap_or(&[])
                .iter()
                .filter_map(|&v| cx.tree.str(v))
                .collect();
            let has = labels.get(key);
            matches &= match cx.tree.get_str(expr, "operator") {
                Some("In") => has.is_some_and(|v| values.contains(v)),
                Some("NotIn") => has.is_none_or(|v| !values.contains(v)),
                Some("Exists") => has.is_some(),
                Some("DoesNotExist") => has.is_none(),
                _ => true,
            };
        }
        if !matches {
            let mut pairs: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("\"{k}\":\"{v}\""))
                .collect();
            pairs.sort();
            let span = cx.tree.name_span(labels_node);
            let selector_span = cx.tree.name_span(selector);
            cx.report(
                object,
                span,
                format!(
                    "spec.template.metadata.labels: Invalid value: map[string]string{{{}}}: `selector` does not match template `labels`",
                    pairs.join(", ")
                ),
            )
            .add_related(selector_span, "the selector");
        }
    }
}
