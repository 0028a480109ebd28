//! Native sidecars and pod structure (research: kubernetes-rules.md §1, §3, §11).

use super::super::prelude::*;
use crate::model::{ContainerList, PodOwner};

/// The gate that lets `restartPolicy` appear on regular containers (KEP-5307: alpha in 1.34, beta
/// in 1.35). Its default and its validation rules are not confirmed by our research, so it is
/// treated as off unless the config turns it on.
const RESTART_RULES_GATE: &str = "ContainerRestartRules";

fn restart_rules_enabled(cx: &Context) -> bool {
    cx.settings.kube_version.at_least(34) && cx.settings.gate(RESTART_RULES_GATE)
}

/// K124.
pub static RESTART_POLICY_ON_CONTAINER: Rule = Rule {
    meta: RuleMeta {
        code: codes::RESTART_POLICY_ON_CONTAINER,
        name: "restart-policy-on-container",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: &[Dialect::Kubernetes, Dialect::Hkube],
        summary: "`restartPolicy` on a regular container.",
        why: "A native sidecar is an *init* container with `restartPolicy: Always`; putting the \
              field on an entry of `containers` is forbidden (a common mistake when converting a \
              classic sidecar). KEP-5307's `ContainerRestartRules` gate (alpha in 1.34, beta in \
              1.35) relaxes this; whether it is on by default, and exactly what it then allows, \
              is not confirmed, so the rule assumes it is off: set `feature-gates = { \
              ContainerRestartRules = true }` in `sidecar-lsp.toml` if your cluster enables it.",
        mirrors: "Kubernetes `validateContainers` (`Forbidden: may not be set for non-init \
                  containers`; kubernetes-rules.md §3); kubernetes/kubernetes issue #121498.",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy: Always\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy: Always\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_restart_policy_on_container),
};

fn check_restart_policy_on_container(cx: &mut Context) {
    if restart_rules_enabled(cx) {
        return;
    }
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            if c.list != ContainerList::Containers {
                continue;
            }
            let Some(policy) = c.field(cx.tree, "restartPolicy") else {
                continue;
            };
            if cx.tree.is_null(policy) {
                continue;
            }
            let path = cx.path(object, policy);
            let span = cx.tree.name_span(policy);
            let hint = if object.dialect == Dialect::Kubernetes {
                ": move this container to `initContainers` to make it a native sidecar"
            } else {
                ""
            };
            cx.report(
                object,
                span,
                format!("{path}: Forbidden: may not be set for non-init containers{hint}"),
            );
        }
    }
}

/// K125.
pub static INIT_RESTART_POLICY: Rule = Rule {
    meta: RuleMeta {
        code: codes::INIT_RESTART_POLICY,
        name: "init-restart-policy",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "An init container `restartPolicy` other than `Always` (case-sensitive).",
        why: "`Always` is the only value that makes a native sidecar; `always`, `OnFailure` or \
              `Never` are rejected unless KEP-5307's `ContainerRestartRules` gate (alpha 1.34, beta \
              1.35) is enabled in the config, which then also allows `OnFailure` and `Never`.",
        mirrors: "Kubernetes `validateInitContainerRestartPolicy` (`Unsupported value: \"OnFailure\": \
                  supported values: \"Always\"`; kubernetes-rules.md §3).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy: always\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy: Always\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_init_restart_policy),
};

fn check_init_restart_policy(cx: &mut Context) {
    let allowed: &[&str] = if restart_rules_enabled(cx) {
        &["Always", "Never", "OnFailure"]
    } else {
        &["Always"]
    };
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            if c.list != ContainerList::InitContainers {
                continue;
            }
            let Some(policy) = c.field(cx.tree, "restartPolicy") else {
                continue;
            };
            let Some(value) = cx.tree.str(policy) else {
                continue;
            };
            if allowed.contains(&value) {
                continue;
            }
            let path = cx.path(object, policy);
            let span = cx.tree.span(policy);
            let supported = allowed
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ");
            cx.report(
                object,
                span,
                format!("{path}: Unsupported value: \"{value}\": supported values: {supported}"),
            );
        }
    }
}

/// K126.
pub static INIT_PROBE_OR_LIFECYCLE: Rule = Rule {
    meta: RuleMeta {
        code: codes::INIT_PROBE_OR_LIFECYCLE,
        name: "init-probe-or-lifecycle",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "Probes or `lifecycle` on an init container that is not a native sidecar.",
        why: "A plain init container runs to completion before the main containers start, so it \
              has no probes and no hooks. They are allowed once `restartPolicy: Always` makes it \
              a native sidecar — usually the field that was forgotten.",
        mirrors: "Kubernetes `validateInitContainers` (`Forbidden: may not be set for init \
                  containers without restartPolicy=Always`; kubernetes-rules.md §3).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: config\n      image: busybox:1.36\n      startupProbe:\n        exec:\n          command: [test, -f, /ready]\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: config\n      image: busybox:1.36\n      restartPolicy: Always\n      startupProbe:\n        exec:\n          command: [test, -f, /ready]\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_init_probes),
};

fn check_init_probes(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            if c.role != Role::Init {
                continue;
            }
            for field in [
                "lifecycle",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
            ] {
                let Some(node) = c.field(cx.tree, field) else {
                    continue;
                };
                if cx.tree.is_null(node) {
                    continue;
                }
                let path = cx.path(object, node);
                let span = cx.tree.name_span(node);
                cx.report(object, span, format!("{path}: Forbidden: may not be set for init containers without restartPolicy=Always"));
            }
        }
    }
}

/// K127.
pub static NATIVE_SIDECAR_VERSION: Rule = Rule {
    meta: RuleMeta {
        code: codes::NATIVE_SIDECAR_VERSION,
        name: "native-sidecar-version",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "A native sidecar with a `--kube-version` that does not run them.",
        why: "Native sidecars (`SidecarContainers`) are alpha in 1.28 (off by default), beta and on \
              from 1.29, GA in 1.33. On 1.28 the field is silently dropped, so the sidecar runs as \
              a plain init container that never exits and blocks the pod; older API servers \
              reject the field.",
        mirrors: "Kubernetes feature gate `SidecarContainers` (kubernetes-rules.md §1, §11); \
                  kubernetes/website issue #42762.",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy: Always\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n",
            config: "[kubernetes]\nversion = \"1.27\"\n",
            good_file: "",
        }),
    },
    check: Some(check_native_version),
};

fn check_native_version(cx: &mut Context) {
    let version = cx.settings.kube_version;
    if version.at_least(29) || (version.minor == 28 && cx.settings.gate("SidecarContainers")) {
        return;
    }
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            if c.role != Role::NativeSidecar {
                continue;
            }
            let Some(policy) = c.field(cx.tree, "restartPolicy") else {
                continue;
            };
            let path = cx.path(object, policy);
            let span = cx.tree.name_span(policy);
            let message = if version.minor == 28 {
                format!(
                    "{path}: native sidecars are alpha and off by default in Kubernetes 1.28: the field is dropped and {} runs as a plain init container that blocks the pod",
                    c.label()
                )
            } else {
                format!(
                    "strict decoding error: unknown field \"{path}\": native sidecars need Kubernetes 1.29 or later (checking against {version})"
                )
            };
            cx.report(object, span, message);
        }
    }
}

/// K128.
pub static POD_WITHOUT_CONTAINER: Rule = Rule {
    meta: RuleMeta {
        code: codes::POD_WITHOUT_CONTAINER,
        name: "pod-without-container",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "A pod whose `containers` list is empty: native sidecars do not count.",
        why: "A pod needs at least one regular container. Turning the only container into a \
              native sidecar (as sidecar injectors sometimes do) leaves `containers: []`, which \
              the published JSON schema accepts and the API server rejects.",
        mirrors: "Kubernetes `validateContainers` (`spec.containers: Required value`; \
                  kubernetes-rules.md §3, §11).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers: []\n  initContainers:\n    - name: proxy\n      image: envoyproxy/envoy:v1.31.0\n      restartPolicy: Always\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: proxy\n      image: envoyproxy/envoy:v1.31.0\n      restartPolicy: Always\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_pod_without_container),
};

fn check_pod_without_container(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        let Some(spec) = workload.pod_spec else {
            continue;
        };
        let Some(list) = cx.tree.get(spec, "containers") else {
            continue;
        };
        if cx.may_be_truncated(list) {
            continue;
        }
        let has_regular = workload
            .containers
            .iter()
            .any(|c| c.list == ContainerList::Containers);
        if !has_regular {
            let path = cx.path(object, list);
            let span = cx.tree.name_span(list);
            cx.report(object, span, format!("{path}: Required value"));
        }
    }
}

/// K129.
pub static WORKLOAD_RESTART_POLICY: Rule = Rule {
    meta: RuleMeta {
        code: codes::WORKLOAD_RESTART_POLICY,
        name: "workload-restart-policy",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "A pod `restartPolicy` that the workload kind does not allow.",
        why: "Jobs and CronJobs run to completion: their pods need `OnFailure` or `Never` (an \
              omitted policy defaults to `Always` and is rejected too). Deployments, StatefulSets, \
              DaemonSets and ReplicaSets keep pods running: only `Always`. The pod-level policy is \
              easily confused with a native sidecar's per-container `restartPolicy: Always`.",
        mirrors: "Kubernetes batch `ValidateJob` and apps validation (`Unsupported value: \
                  \"Always\": supported values: \"OnFailure\", \"Never\"`; kubernetes-rules.md §11).",
        example: Some(Example {
            file: "job.yaml",
            bad: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Always\n      containers:\n        - name: migrate\n          image: migrate/migrate:v4.17.0\n",
            good: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: migrate/migrate:v4.17.0\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_workload_restart_policy),
};

fn check_workload_restart_policy(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        let Some(spec) = workload.pod_spec else {
            continue;
        };
        let (allowed, supported): (&[&str], &str) = match workload.owner {
            PodOwner::Batch => (&["OnFailure", "Never"], "\"OnFailure\", \"Never\""),
            PodOwner::Service => (&["Always"], "\"Always\""),
            _ => continue,
        };
        let value = workload.restart_policy.and_then(|p| cx.tree.str(p));
        let effective = value.unwrap_or("Always");
        if allowed.contains(&effective) {
            continue;
        }
        if workload.restart_policy.is_none() && cx.may_be_truncated(spec) {
            continue;
        }
        let path = format!("{}.restartPolicy", cx.path(object, spec));
        let span = workload
            .restart_policy
            .map_or_else(|| cx.tree.name_span(spec), |p| cx.tree.span(p));
        let note = if value.is_none() {
            " (an omitted restartPolicy defaults to Always)"
        } else {
            ""
        };
        cx.report(
            object,
            span,
            format!(
                "{path}: Unsupported value: \"{effective}\": supported values: {supported}{note}"
            ),
        );
    }
}
