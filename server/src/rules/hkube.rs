//! HKube: the api-server's own checks (hkube.md §1) and what the task-executor does with a spec
//! that passes them (§2).

use std::collections::HashMap;

use super::prelude::*;
use crate::dialect::hkube::{ALGORUNNER, WORKER, js_number};

const FIXTURE_OK: &str = r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2"}}]}"#;

/// H301.
pub static SIDECAR_NAMES: Rule = Rule {
    meta: RuleMeta {
        code: codes::HKUBE_SIDECAR_NAMES,
        name: "hkube-sidecar-names-not-unique",
        origin: Origin::Hkube,
        severity: Severity::Error,
        dialects: HKUBE,
        summary: "Two sidecars with the same `container.name`.",
        why: "The api-server answers HTTP 400 `Sidecar container names must be unique!`. The \
              comparison is exact and case-sensitive; elements without a `container` or with an \
              empty name are skipped. Two entirely identical elements fail earlier, on the \
              schema's `uniqueItems` (H302).",
        mirrors: "HKube api-server `_verifyUniqueSideCarContainerNames` (hkube.md §1.4; repo test \
                  in `algorithms-store.js`).",
        example: Some(Example {
            file: "algorithm.json",
            bad: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2"}}, {"container": {"name": "cache", "image": "memcached:1.6"}}]}"#,
            good: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2"}}, {"container": {"name": "memcache", "image": "memcached:1.6"}}]}"#,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_names),
};

/// The elements of an algorithm's `sideCars` list, when it is a list.
fn sidecar_items<'a>(cx: &Context<'a>, object: &Object) -> Option<&'a [NodeId]> {
    cx.tree
        .get(object.root, "sideCars")
        .and_then(|s| cx.tree.items(s))
}

fn check_names(cx: &mut Context) {
    for object in cx.objects() {
        let Some(items) = sidecar_items(cx, object) else {
            continue;
        };
        let mut seen: HashMap<String, (NodeId, NodeId)> = HashMap::new();
        for &element in items {
            let Some(name_node) = cx.tree.get_path(element, &["container", "name"]) else {
                continue;
            };
            // ajv coerces a number or boolean name to a string before the uniqueness check.
            let name = match cx.tree.value(name_node) {
                Value::String(s) => s.to_string(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => continue,
            };
            if name.is_empty() {
                continue;
            }
            match seen.get(&name) {
                Some(&(first_element, first_name)) => {
                    if same_value(cx.tree, first_element, element) {
                        continue; // reported as duplicate items (H302)
                    }
                    let span = cx.tree.span(name_node);
                    let first_span = cx.tree.span(first_name);
                    let path = cx.path(object, name_node);
                    cx.report(
                        object,
                        span,
                        format!(
                            "Sidecar container names must be unique! ({path} is \"{name}\" again)"
                        ),
                    )
                    .add_related(first_span, "the first sidecar with this name");
                }
                None => {
                    seen.insert(name, (element, name_node));
                }
            }
        }
    }
}

/// Deep equality of two JSON values (what ajv's `uniqueItems` compares).
pub(crate) fn same_value(tree: &Tree, a: NodeId, b: NodeId) -> bool {
    match (tree.value(a), tree.value(b)) {
        (Value::Null | Value::Missing, Value::Null | Value::Missing) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(&i, &j)| same_value(tree, i, j))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|e| {
                    tree.get(b, &e.key)
                        .is_some_and(|v| same_value(tree, e.value, v))
                })
        }
        _ => false,
    }
}

/// H302.
pub static SCHEMA: Rule = Rule {
    meta: RuleMeta {
        code: codes::HKUBE_SCHEMA,
        name: "hkube-schema",
        origin: Origin::Hkube,
        severity: Severity::Error,
        dialects: HKUBE,
        summary: "The HKube api-server's own schema rejects the algorithm (its message, verbatim).",
        why: "HKube validates algorithms with ajv: `sideCars` is an array or null; a sidecar's \
              `container` needs `name` and `image`; `volumeMounts` items need `name` and \
              `mountPath`; `environments` is an object or null — the array form \
              `[{\"name\", \"value\"}]` is rejected (`should be object,null`); identical elements \
              fail `uniqueItems`. The api-server reports only the first error; we report all.",
        mirrors: "HKube api-server ajv 6 validation of `sideCars.yaml`, `volumes.yaml`, \
                  `volumeMounts.yaml` (hkube.md §1.2–1.5, messages derived from ajv 6.12.6).",
        example: Some(Example {
            file: "algorithm.json",
            bad: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2"}, "environments": [{"name": "MODE", "value": "lru"}]}]}"#,
            good: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2"}, "environments": {"MODE": "lru"}}]}"#,
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// H303.
pub static ALGORITHM_NAME: Rule = Rule {
    meta: RuleMeta {
        code: codes::HKUBE_ALGORITHM_NAME,
        name: "hkube-algorithm-name",
        origin: Origin::Hkube,
        severity: Severity::Error,
        dialects: HKUBE,
        summary: "An algorithm spec without `name`.",
        why: "The api-server rejects it before anything else: `algorithm should have required \
              property \"name\"` — for a missing, empty or null name alike. Snippets copied from \
              the docs (`{\"sideCars\": […]}`) need the rest of the algorithm around them.",
        mirrors: "HKube api-server `applyAlgorithm` (hkube.md §1.1; repo test in `algorithms-store.js`).",
        example: Some(Example {
            file: "algorithm.json",
            bad: r#"{"algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2"}}]}"#,
            good: FIXTURE_OK,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_algorithm_name),
};

/// A present but empty or null `name` (a missing one is reported by the schema).
fn check_algorithm_name(cx: &mut Context) {
    for object in cx.objects() {
        let Some(name) = cx.tree.get(object.root, "name") else {
            continue;
        };
        let empty = match cx.tree.value(name) {
            Value::Null | Value::Missing => true,
            Value::String(s) => s.is_empty(),
            _ => false,
        };
        if empty {
            let span = cx.tree.name_span(name);
            cx.report(
                object,
                span,
                "algorithm should have required property \"name\"",
            );
        }
    }
}

/// H304.
pub static SIDECAR_WITHOUT_CONTAINER: Rule = Rule {
    meta: RuleMeta {
        code: codes::HKUBE_SIDECAR_WITHOUT_CONTAINER,
        name: "hkube-sidecar-without-container",
        origin: Origin::Hkube,
        severity: Severity::Error,
        dialects: HKUBE,
        summary: "A `sideCars` element without `container`.",
        why: "The schema does not require `container`, so the api-server accepts the element; the \
              task-executor then crashes building the Job (`Cannot read properties of undefined \
              (reading 'resources')`) and the algorithm never runs.",
        mirrors: "HKube task-executor `applySidecar` / `createJobSpec` (hkube.md §2.10, executed).",
        example: Some(Example {
            file: "algorithm.json",
            bad: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"environments": {"MODE": "lru"}}]}"#,
            good: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2"}, "environments": {"MODE": "lru"}}]}"#,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_without_container),
};

fn check_without_container(cx: &mut Context) {
    for object in cx.objects() {
        let Some(items) = sidecar_items(cx, object) else {
            continue;
        };
        for &element in items {
            if cx.tree.entries(element).is_none()
                || cx.tree.get(element, "container").is_some()
                || cx.may_be_truncated(element)
            {
                continue;
            }
            let path = cx.path(object, element);
            let span = cx
                .tree
                .entries(element)
                .and_then(|e| e.first())
                .map_or(cx.tree.span(element), |e| e.key_span);
            let span = if span.is_empty() {
                cx.tree.span(element)
            } else {
                span
            };
            cx.report(
                object,
                span,
                format!("{path} has no `container`: the api-server accepts it, but the task-executor crashes creating the Job (Cannot read properties of undefined (reading 'resources'))"),
            );
        }
    }
}

/// H305.
pub static RESERVED_NAME: Rule = Rule {
    meta: RuleMeta {
        code: codes::HKUBE_RESERVED_NAME,
        name: "hkube-reserved-container-name",
        origin: Origin::Hkube,
        severity: Severity::Error,
        dialects: HKUBE,
        summary: "A sidecar named `worker` or `algorunner`, HKube's own containers.",
        why: "HKube does not check it, but the Job already has containers with these names: \
              Kubernetes rejects it (`Kubernetes Job is invalid: worker.name: Duplicate value: \
              worker`), and the sidecar's `environments` and `volumeMounts` would land on HKube's \
              own container, which is looked up by name first.",
        mirrors: "HKube task-executor `applySidecar` (hkube.md §2.3, §2.10); Kubernetes container \
                  name uniqueness.",
        example: Some(Example {
            file: "algorithm.json",
            bad: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "worker", "image": "redis:7.2"}}]}"#,
            good: FIXTURE_OK,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_reserved),
};

fn check_reserved(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in workload.containers.iter().filter(|c| c.platform.is_none()) {
            let Some(name) = c
                .name
                .as_deref()
                .filter(|n| *n == WORKER || *n == ALGORUNNER)
            else {
                continue;
            };
            let node = c.field(cx.tree, "name").expect("named");
            let span = cx.tree.span(node);
            let path = cx.path(object, node);
            cx.report(
                object,
                span,
                format!("{path}: \"{name}\" is HKube's own container: Kubernetes rejects the Job (Duplicate value: \"{name}\"), and this sidecar's environments and volumeMounts would be applied to HKube's {name}"),
            );
        }
    }
}

/// H306.
pub static RESOURCE_DROPPED: Rule = Rule {
    meta: RuleMeta {
        code: codes::HKUBE_RESOURCE_DROPPED,
        name: "hkube-resource-dropped",
        origin: Origin::Hkube,
        severity: Severity::Warning,
        dialects: HKUBE,
        summary: "A sidecar resource other than `cpu` and `memory`, which HKube drops.",
        why: "When it computes a sidecar's resources the task-executor copies only `cpu` and \
              `memory`; GPUs (`nvidia.com/gpu`, `gpu`), `ephemeral-storage` and other keys never \
              reach the pod.",
        mirrors: "HKube task-executor `_applyDefaultResourcesSideCar` / `mergeResourceRequest` \
                  (hkube.md §2.6, executed).",
        example: Some(Example {
            file: "algorithm.json",
            bad: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "infer", "image": "tritonserver:24.08", "resources": {"limits": {"cpu": 1, "memory": "1Gi", "nvidia.com/gpu": 1}}}}]}"#,
            good: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "infer", "image": "tritonserver:24.08", "resources": {"limits": {"cpu": 1, "memory": "1Gi"}}}}]}"#,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_dropped),
};

fn check_dropped(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in workload.containers.iter().filter(|c| c.platform.is_none()) {
            super::report_dropped_resources(cx, object, c, |key| {
                format!(
                    "HKube drops `{key}` from sidecar resources: only cpu and memory reach the pod"
                )
            });
        }
    }
}

/// H307.
pub static CPU_LIMIT_LOST: Rule = Rule {
    meta: RuleMeta {
        code: codes::HKUBE_CPU_LIMIT_LOST,
        name: "hkube-cpu-limit-lost",
        origin: Origin::Hkube,
        severity: Severity::Warning,
        dialects: HKUBE,
        summary: "A CPU request that is not a plain number, with no CPU limit: HKube gives the sidecar none.",
        why: "HKube computes a missing CPU limit as the request times 2 (1 with \
              `USE_RESOURCE_LIMITS`). For a request like `\"500m\"` that multiplication is `NaN` \
              in JavaScript, and the limit is dropped, so the sidecar runs without a CPU limit. \
              Write the request as a number (`0.5`) or set `limits.cpu`.",
        mirrors: "HKube task-executor `createContainerResource` (hkube.md §2.6 item 8, executed).",
        example: Some(Example {
            file: "algorithm.json",
            bad: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2", "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}}}}]}"#,
            good: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2", "resources": {"requests": {"cpu": 0.5, "memory": "256Mi"}}}}]}"#,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_cpu_limit),
};

fn check_cpu_limit(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in workload.containers.iter().filter(|c| c.platform.is_none()) {
            let Some(resources) = c.field(cx.tree, "resources") else {
                continue;
            };
            let Some(cpu) = cx.tree.get_path(resources, &["requests", "cpu"]) else {
                continue;
            };
            let has_limit = cx
                .tree
                .get_path(resources, &["limits", "cpu"])
                .is_some_and(|l| !cx.tree.is_null(l));
            if has_limit
                || js_number(cx.tree, cpu).is_some()
                || cx.tree.str(cpu).is_none_or(str::is_empty)
            {
                continue;
            }
            let text = cx.tree.str(cpu).unwrap_or_default();
            let span = cx.tree.span(cpu);
            cx.report(
                object,
                span,
                format!("HKube computes the default CPU limit as this request × factor; \"{text}\" is not a number, so the sidecar gets no CPU limit: write it as a number or set limits.cpu"),
            );
        }
    }
}

/// H308.
pub static UNKNOWN_CONTAINER_FIELD: Rule = Rule {
    meta: RuleMeta {
        code: codes::HKUBE_UNKNOWN_CONTAINER_FIELD,
        name: "hkube-unknown-container-field",
        origin: Origin::Hkube,
        severity: Severity::Warning,
        dialects: HKUBE,
        summary: "A sidecar `container` field that Kubernetes does not know.",
        why: "HKube accepts any key in `container` and passes the object to Kubernetes unchanged \
              (except `resources`). The task-executor does not ask for strict field validation, \
              so the API server drops unknown fields — a typo like `imagePullPolcy` silently does \
              nothing.",
        mirrors: "HKube api-server schema (no `additionalProperties`; hkube.md §1.2) and \
                  task-executor (§2.7); Kubernetes field validation.",
        example: Some(Example {
            file: "algorithm.json",
            bad: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2", "imagePullPolcy": "Always"}}]}"#,
            good: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2", "imagePullPolicy": "Always"}}]}"#,
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// H309.
pub static MEMORY_UNIT: Rule = Rule {
    meta: RuleMeta {
        code: codes::HKUBE_MEMORY_UNIT,
        name: "hkube-memory-unit",
        origin: Origin::Hkube,
        severity: Severity::Error,
        dialects: HKUBE,
        summary: "A sidecar memory request without a unit, which HKube's task-executor cannot convert.",
        why: "To compute a sidecar's default limits the task-executor converts `requests.memory` to \
              mebibytes (`getMemoryInMi`), which needs a unit: `256` (a number of bytes to \
              Kubernetes) makes it throw `memory unit must be one of …`, and the Job is never \
              created. Write `256Mi`.",
        mirrors: "HKube task-executor `createContainerResource` → `@hkube/units-converter` \
                  `getMemoryInMi` (hkube.md §2.6 item 7).",
        example: Some(Example {
            file: "algorithm.json",
            bad: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2", "resources": {"requests": {"cpu": 0.2, "memory": "256"}}}}]}"#,
            good: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2", "resources": {"requests": {"cpu": 0.2, "memory": "256Mi"}}}}]}"#,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_memory_unit),
};

fn check_memory_unit(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in workload.containers.iter().filter(|c| c.platform.is_none()) {
            let Some(memory) = c
                .field(cx.tree, "resources")
                .and_then(|r| cx.tree.get_path(r, &["requests", "memory"]))
            else {
                continue;
            };
            let text = match cx.tree.value(memory) {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.to_string(),
                _ => continue,
            };
            let has_unit = text.trim_end().ends_with(|c: char| c.is_ascii_alphabetic());
            if !has_unit && !text.trim().is_empty() {
                let span = cx.tree.span(memory);
                cx.report(
                    object,
                    span,
                    format!("HKube's task-executor cannot convert memory \"{text}\" without a unit (memory unit must be one of …) and never creates the Job: write e.g. \"{text}Mi\""),
                );
            }
        }
    }
}

/// The HKube rules, in code order.
pub static RULES: &[&Rule] = &[
    &SIDECAR_NAMES,
    &SCHEMA,
    &ALGORITHM_NAME,
    &SIDECAR_WITHOUT_CONTAINER,
    &RESERVED_NAME,
    &RESOURCE_DROPPED,
    &CPU_LIMIT_LOST,
    &UNKNOWN_CONTAINER_FIELD,
    &MEMORY_UNIT,
];
