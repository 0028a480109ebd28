//! Container identity: names, uniqueness and images (research: kubernetes-rules.md §3).

use std::collections::HashMap;

use super::super::prelude::*;
use super::{is_templated, required_value};
use crate::k8s::names;
use crate::model::{ContainerList, PodOwner};

/// K101.
pub static CONTAINER_NAME_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::CONTAINER_NAME_INVALID,
        name: "container-name-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A container name that is empty or not a DNS-1123 label.",
        why: "Container names must be lowercase letters, digits and `-`, start and end with a letter \
              or digit, and be at most 63 characters. Every platform here puts the name into a \
              pod, so the pod is rejected. Names holding `{{ … }}` template placeholders are \
              left alone until rendered.",
        mirrors: "Kubernetes `validateContainerCommon` → `ValidateDNS1123Label` (kubernetes-rules.md §3).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n    - name: Log_Shipper\n      image: fluent/fluent-bit:3.1\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_name),
};

fn check_name(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            let Some(name) = c.field(cx.tree, "name") else {
                continue;
            };
            match cx.tree.value(name) {
                Value::Null | Value::Missing => {
                    let span = cx.tree.name_span(name);
                    cx.report_at(object, name, span, required_value);
                }
                Value::String(s) if s.is_empty() => {
                    let span = cx.tree.span(name);
                    cx.report_at(object, name, span, required_value);
                }
                Value::String(s) if !is_templated(s) => {
                    let span = cx.tree.span(name);
                    for message in names::dns1123_label(s) {
                        cx.report_at(object, name, span, |path| {
                            format!("{path}: Invalid value: \"{s}\": {message}")
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

/// K102.
pub static CONTAINER_NAME_DUPLICATE: Rule = Rule {
    meta: RuleMeta {
        code: codes::CONTAINER_NAME_DUPLICATE,
        name: "container-name-duplicate",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "Two containers of one pod share a name (across containers, initContainers and ephemeralContainers).",
        why: "Names identify containers in a pod, so they must be unique across all three lists: a \
              native sidecar named like the main container is rejected. The finding is at the \
              later container, in the order the API server checks: regular containers first, \
              then init containers against all of those, then ephemeral containers.",
        mirrors: "Kubernetes `validateContainers`, `validateInitContainers`, \
                  `validateEphemeralContainers` (`Duplicate value`; kubernetes-rules.md §3).",
        example: Some(Example {
            file: "deployment.yaml",
            bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n      initContainers:\n        - name: web\n          image: fluent/fluent-bit:3.1\n          restartPolicy: Always\n",
            good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n      initContainers:\n        - name: log-shipper\n          image: fluent/fluent-bit:3.1\n          restartPolicy: Always\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_duplicate),
};

fn check_duplicate(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        let mut seen: HashMap<&str, NodeId> = HashMap::new();
        // The API's order: containers, then init containers, then ephemeral containers.
        let order = [
            ContainerList::Containers,
            ContainerList::InitContainers,
            ContainerList::EphemeralContainers,
        ];
        for list in order {
            for c in workload.containers.iter().filter(|c| c.list == list) {
                let (Some(name), Some(node)) = (c.name.as_deref(), c.field(cx.tree, "name")) else {
                    continue;
                };
                if name.is_empty() {
                    continue;
                }
                match seen.get(name) {
                    Some(&first) => {
                        let path = cx.path(object, node);
                        let first_path = cx.path(object, first);
                        let first_span = cx.tree.span(first);
                        let span = cx.tree.span(node);
                        cx.report(object, span, format!("{path}: Duplicate value: \"{name}\""))
                            .add_related(first_span, format!("{first_path} has the same name"));
                    }
                    None => {
                        seen.insert(name, node);
                    }
                }
            }
        }
    }
}

/// K103.
pub static CONTAINER_IMAGE_REQUIRED: Rule = Rule {
    meta: RuleMeta {
        code: codes::CONTAINER_IMAGE_REQUIRED,
        name: "container-image-required",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A container without an image.",
        why: "The API server requires `image` on every container, in pods and in templates alike \
              (the OpenAPI schema marks it optional only for higher-level tools). An empty or null \
              image passes the HKube and Calyptia schemas but not Kubernetes. A missing `image` \
              in a KubeVela trait or an HKube/Calyptia spec is reported by those platforms' rules.",
        mirrors: "Kubernetes `validateContainerCommon` (`image: Required value`; kubernetes-rules.md §3).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: log-shipper\n      restartPolicy: Always\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy: Always\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_image),
};

fn check_image(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            let Some(node) = c.node else {
                continue;
            };
            match c.field(cx.tree, "image") {
                None => {
                    // Absent: the platforms' own schemas report it, except in plain Kubernetes.
                    if object.dialect == Dialect::Kubernetes && !cx.may_be_truncated(node) {
                        let path = format!("{}.image", cx.path(object, node));
                        let span = anchor(cx, c);
                        cx.report(object, span, required_value(&path));
                    }
                }
                Some(image) => {
                    let empty = match cx.tree.value(image) {
                        Value::Null | Value::Missing => true,
                        Value::String(s) => s.is_empty(),
                        _ => false,
                    };
                    if empty {
                        let path = cx.path(object, image);
                        let span = cx.tree.name_span(image);
                        cx.report(object, span, required_value(&path));
                    }
                }
            }
        }
    }
}

/// The span that identifies a container: its name value, else its first key, else the object.
pub(crate) fn anchor(cx: &Context, c: &Container) -> crate::text::Span {
    if let Some(name) = c.field(cx.tree, "name") {
        return cx.tree.span(name);
    }
    let Some(node) = c.node else {
        return crate::text::Span::default();
    };
    cx.tree
        .entries(node)
        .and_then(|e| e.first())
        .map_or_else(|| cx.tree.span(node), |e| e.key_span)
}

/// K104.
pub static IMAGE_WHITESPACE: Rule = Rule {
    meta: RuleMeta {
        code: codes::IMAGE_WHITESPACE,
        name: "image-whitespace",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "A container image with leading or trailing whitespace.",
        why: "The API server rejects it on Pods. It does not check templates, so a Deployment \
              or Job with such an image is accepted — but every Pod its controller then creates \
              is rejected, so none runs. Usually a stray space inside quotes.",
        mirrors: "Kubernetes `validateContainerOnlyForPod` (kubernetes-rules.md §3).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: \"nginx:1.27 \"\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: \"nginx:1.27\"\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_image_whitespace),
};

fn check_image_whitespace(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            let Some(image) = c.field(cx.tree, "image") else {
                continue;
            };
            if let Some(s) = cx.tree.str(image)
                && !s.is_empty()
                && s.trim() != s
            {
                let path = cx.path(object, image);
                let span = cx.tree.span(image);
                let note = if workload.owner == PodOwner::Pod {
                    ""
                } else {
                    " (accepted in the template, but every Pod created from it is rejected)"
                };
                cx.report(
                    object,
                    span,
                    format!("{path}: Invalid value: \"{s}\": must not have leading or trailing whitespace{note}"),
                );
            }
        }
    }
}
