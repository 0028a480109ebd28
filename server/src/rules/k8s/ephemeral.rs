//! Ephemeral (debug) containers (research: kubernetes-rules.md §3, §6, §10).

use super::super::prelude::*;
use crate::model::ContainerList;

/// Fields an ephemeral container may not set (`allowedEphemeralContainerFields`).
const FORBIDDEN: &[&str] = &[
    "ports",
    "resources",
    "lifecycle",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
];

/// K133.
pub static EPHEMERAL_CONTAINER_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::EPHEMERAL_CONTAINER_INVALID,
        name: "ephemeral-container-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "An ephemeral container with fields it may not have, or an unknown target.",
        why: "Ephemeral (debug) containers run in an existing pod and cannot reserve anything: \\
              no `ports`, `resources`, `lifecycle` or probes, and no `subPath`/`subPathExpr` \\
              mounts. Their `targetContainerName` must name one of the pod's other containers.",
        mirrors: "Kubernetes `validateEphemeralContainers` (`Forbidden: cannot be set for an \\
                  Ephemeral Container`, `targetContainerName: Not found`; kubernetes-rules.md §3, \\
                  §6, §10).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  ephemeralContainers:\n    - name: debugger\n      image: busybox:1.36\n      targetContainerName: ap\n      ports:\n        - containerPort: 8080\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  ephemeralContainers:\n    - name: debugger\n      image: busybox:1.36\n      targetContainerName: app\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_ephemeral),
};

fn check_ephemeral(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        let others: Vec<&str> = workload
            .containers
            .iter()
            .filter(|c| c.list != ContainerList::EphemeralContainers)
            .filter_map(|c| c.name.as_deref())
            .collect();
        for c in workload
            .containers
            .iter()
            .filter(|c| c.list == ContainerList::EphemeralContainers)
        {
            let Some(node) = c.node else { continue };
            for e in cx.tree.entries(node).unwrap_or(&[]) {
                if FORBIDDEN.contains(&&*e.key) && !cx.tree.is_null(e.value) {
                    let path = cx.path(object, e.value);
                    cx.report(
                        object,
                        e.key_span,
                        format!("{path}: Forbidden: cannot be set for an Ephemeral Container"),
                    );
                }
            }
            for m in c.mounts(cx.tree) {
                for key in ["subPath", "subPathExpr"] {
                    if let Some(v) = cx.tree.get(m.node, key).filter(|v| !cx.tree.is_null(*v)) {
                        let span = cx.tree.name_span(v);
                        cx.report_at(object, v, span, |path| {
                            format!("{path}: Forbidden: cannot be set for an Ephemeral Container")
                        });
                    }
                }
            }
            if let Some(target) = c.field(cx.tree, "targetContainerName")
                && let Some(name) = cx.tree.str(target).filter(|n| !n.is_empty())
                && !others.contains(&name)
                && !cx.may_be_truncated(workload.anchor)
            {
                let span = cx.tree.span(target);
                cx.report_at(object, target, span, |path| {
                    format!("{path}: Not found: \"{name}\"")
                });
            }
        }
    }
}
