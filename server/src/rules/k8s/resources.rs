//! Resource requirements (research: kubernetes-rules.md §9).

use super::super::prelude::*;
use crate::dialect::hkube::{EffectiveValue, effective_resources};
use crate::k8s::names;
use crate::k8s::quantity::{Quantity, suffix_hint};

/// A quantity node's text and parse result (strings and numbers are both quantities).
pub(crate) fn quantity_of(
    tree: &Tree,
    node: NodeId,
) -> Option<(
    String,
    Result<Quantity, crate::k8s::quantity::QuantityError>,
)> {
    let text = match tree.value(node) {
        Value::String(s) => s.to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let parsed = Quantity::parse(&text);
    Some((text, parsed))
}

/// The message for a quantity that does not parse, with a hint for a mis-cased suffix.
pub(crate) fn quantity_message(
    path: &str,
    text: &str,
    error: crate::k8s::quantity::QuantityError,
) -> String {
    let hint = suffix_hint(text)
        .map(|fix| format!(" (suffixes are case-sensitive: did you mean \"{fix}\"?)"))
        .unwrap_or_default();
    format!("{path}: Invalid value: \"{text}\": {error}{hint}")
}

/// K121.
pub static RESOURCE_QUANTITY_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::RESOURCE_QUANTITY_INVALID,
        name: "resource-quantity-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A resource quantity that does not parse, is negative, or is not a valid amount of its resource.",
        why: "Quantities are a number with an optional suffix, and the suffixes are \
              case-sensitive: `Mi` is mebibytes, `mi` is nothing, `m` is milli (so `memory: 128m` \
              is 0.128 bytes). An exponent (`1e3`) must be an integer. Resource amounts cannot be \
              negative; extended resources (`nvidia.com/gpu`) are whole numbers; a hugepages \
              amount is a positive multiple of its page size. Quantities anywhere in a Kubernetes object are checked (`sizeLimit`, PVC \
              requests…), not only container resources.",
        mirrors: "apimachinery `ParseQuantity` (`unable to parse quantity's suffix`…) and \
                  `ValidateResourceQuantityValue` (kubernetes-rules.md §9).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        requests:\n          memory: 256mi\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        requests:\n          memory: 256Mi\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_quantities),
};

fn check_quantities(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            for (_, list, e) in c.resource_entries(cx.tree) {
                let Some((text, parsed)) = quantity_of(cx.tree, e.value) else {
                    continue;
                };
                let span = cx.tree.span(e.value);
                let key = &e.key;
                match parsed {
                    // Parse errors in schema-typed quantities are reported by the schema layer
                    // under this rule's code; the Calyptia schema types them as plain strings.
                    Err(err) if object.dialect == Dialect::Calyptia => {
                        cx.report_at(object, list, span, |path| {
                            quantity_message(&format!("{path}[{key}]"), &text, err)
                        });
                    }
                    Ok(q) if q.is_negative() => {
                        cx.report_at(object, list, span, |path| {
                            format!("{path}[{key}]: Invalid value: \"{text}\": must be greater than or equal to 0")
                        });
                    }
                    // Extended resources (GPUs…) are counted in whole units.
                    Ok(q) if is_extended_resource(key) && !q.is_integer() => {
                        cx.report_at(object, list, span, |path| {
                            format!("{path}[{key}]: Invalid value: \"{text}\": must be an integer")
                        });
                    }
                    Ok(q) if key.starts_with("hugepages-") => {
                        let page = key
                            .strip_prefix("hugepages-")
                            .and_then(|s| Quantity::parse(s).ok());
                        if let Some(page) = page.filter(|p| p.nanos > 0)
                            && (q.nanos <= 0 || q.nanos % page.nanos != 0)
                        {
                            cx.report_at(object, list, span, |path| {
                                format!("{path}[{key}]: Invalid value: \"{text}\": {text} is not positive integer multiple of {key}")
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Extended resources: a domain-prefixed name outside `kubernetes.io/` (`nvidia.com/gpu`).
fn is_extended_resource(name: &str) -> bool {
    name.contains('/') && !name.starts_with("kubernetes.io/") && !name.starts_with("requests.")
}

/// K122.
pub static RESOURCE_REQUEST_EXCEEDS_LIMIT: Rule = Rule {
    meta: RuleMeta {
        code: codes::RESOURCE_REQUEST_EXCEEDS_LIMIT,
        name: "resource-request-exceeds-limit",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A resource request above its limit (or, for hugepages and extended resources, not equal to it).",
        why: "A container cannot be guaranteed more than it is allowed. For HKube sidecars the \
              check runs on the values the task-executor will set: a missing request takes \
              HKube's default (0.1 CPU, 128Mi), so `limits: {cpu: 0.05}` alone is already \
              rejected.",
        mirrors: "Kubernetes `validateResourceRequirements` (`must be less than or equal to cpu \
                  limit of 1`; kubernetes-rules.md §9.1); HKube sidecar defaults (hkube.md §2.6).",
        example: Some(Example {
            file: "deployment.yaml",
            bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n      initContainers:\n        - name: log-shipper\n          image: fluent/fluent-bit:3.1\n          restartPolicy: Always\n          resources:\n            requests:\n              memory: 256Mi\n            limits:\n              memory: 128Mi\n",
            good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n      initContainers:\n        - name: log-shipper\n          image: fluent/fluent-bit:3.1\n          restartPolicy: Always\n          resources:\n            requests:\n              memory: 128Mi\n            limits:\n              memory: 256Mi\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_requests_vs_limits),
};

fn check_requests_vs_limits(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            let Some(node) = c.node else { continue };
            if object.dialect == Dialect::Hkube {
                check_hkube(cx, object, node);
                continue;
            }
            let Some(resources) = c.field(cx.tree, "resources") else {
                continue;
            };
            let requests = cx.tree.get(resources, "requests");
            let limits = cx.tree.get(resources, "limits");
            for e in requests.and_then(|r| cx.tree.entries(r)).unwrap_or(&[]) {
                let Some((_, Ok(request))) = quantity_of(cx.tree, e.value) else {
                    continue;
                };
                let key = &e.key;
                let non_overcommittable = key.starts_with("hugepages-")
                    || (key.contains('/') && !key.starts_with("kubernetes.io/"));
                let span = cx.tree.span(e.value);
                let limit_node = limits.and_then(|l| cx.tree.get(l, key));
                match limit_node.and_then(|l| quantity_of(cx.tree, l)) {
                    Some((_, Ok(limit))) if non_overcommittable && request != limit => {
                        cx.report_at(object, resources, span, |path| {
                            format!("{path}.requests: Invalid value: \"{request}\": must be equal to {key} limit of {limit}")
                        });
                    }
                    Some((_, Ok(limit))) if request > limit => {
                        let limit_span =
                            limit_node.map_or_else(Default::default, |l| cx.tree.span(l));
                        cx.report_at(object, resources, span, |path| {
                            format!("{path}.requests: Invalid value: \"{request}\": must be less than or equal to {key} limit of {limit}")
                        })
                        .add_related(limit_span, "the limit");
                    }
                    None if non_overcommittable && !cx.may_be_truncated(resources) => {
                        cx.report_at(object, resources, span, |path| {
                            format!("{path}.limits: Required value: Limit must be set for non overcommitable resources")
                        });
                    }
                    _ => {}
                }
            }
        }
    }
}

/// HKube: compare the values the task-executor will set.
fn check_hkube(cx: &mut Context, object: &Object, container: NodeId) {
    let effective = effective_resources(cx.tree, container, &cx.settings.hkube);
    for (resource, request, limit) in [
        ("cpu", &effective.request_cpu, &effective.limit_cpu),
        ("memory", &effective.request_memory, &effective.limit_memory),
    ] {
        let (Some(request), Some(limit)) = (request, limit) else {
            continue;
        };
        if request.quantity <= limit.quantity {
            continue;
        }
        let describe = |v: &EffectiveValue| {
            if v.node.is_some() {
                v.quantity.to_string()
            } else {
                format!("{} (HKube's default)", v.quantity)
            }
        };
        let span = request
            .node
            .or(limit.node)
            .map_or_else(|| cx.tree.name_span(container), |n| cx.tree.span(n));
        cx.report_at(object, container, span, |path| {
            format!(
                "{path}.resources.requests: Invalid value: \"{}\": must be less than or equal to {resource} limit of {}",
                describe(request),
                describe(limit)
            )
        });
    }
}

/// K123.
pub static RESOURCE_NAME_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::RESOURCE_NAME_INVALID,
        name: "resource-name-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "A resource name containers may not request, or hugepages without cpu or memory.",
        why: "Unprefixed names are `cpu`, `memory`, `ephemeral-storage` and `hugepages-<size>`; \
              anything else needs a domain (`nvidia.com/gpu`). A bare `gpu` is rejected. Hugepages \
              need a cpu or memory request or limit beside them. (HKube and Calyptia drop such keys \
              before Kubernetes sees them: see H306 and C506.)",
        mirrors: "Kubernetes `validateContainerResourceName` (`must be a standard resource for \
                  containers`; kubernetes-rules.md §9.1).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        limits:\n          gpu: 1\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        limits:\n          nvidia.com/gpu: 1\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_resource_names),
};

fn check_resource_names(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            let entries = c.resource_entries(cx.tree);
            for &(_, list, e) in &entries {
                let key = &*e.key;
                let standard = matches!(key, "cpu" | "memory" | "ephemeral-storage")
                    || key.starts_with("hugepages-");
                let ok = if key.contains('/') {
                    names::is_qualified_name(key)
                } else {
                    standard
                };
                if !ok {
                    let path = format!("{}[{key}]", cx.path(object, list));
                    cx.report(
                        object,
                        e.key_span,
                        format!("{path}: Invalid value: \"{key}\": must be a standard resource for containers"),
                    );
                }
            }
            let has = |pred: &dyn Fn(&str) -> bool| entries.iter().any(|(_, _, e)| pred(&e.key));
            if has(&|k| k.starts_with("hugepages-"))
                && !has(&|k| k == "cpu" || k == "memory")
                && let Some(resources) = c.field(cx.tree, "resources")
            {
                let span = cx.tree.name_span(resources);
                cx.report_at(object, resources, span, |path| {
                    format!("{path}: Forbidden: HugePages require cpu or memory")
                });
            }
        }
    }
}
