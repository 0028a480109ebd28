//! Probes and lifecycle hooks (research: kubernetes-rules.md §5). Plain init containers are left to
//! K126: the API server forbids their probes without looking inside.

use super::super::prelude::*;
use super::required_value;
use crate::k8s::names;

const PROBE_HANDLERS: [&str; 4] = ["exec", "httpGet", "tcpSocket", "grpc"];
const LIFECYCLE_HANDLERS: [&str; 4] = ["exec", "httpGet", "tcpSocket", "sleep"];

/// Probes that Kubernetes validates: every container but plain init containers.
fn probes<'t>(cx: &Context<'t>, c: &Container) -> Vec<(ProbeKind, NodeId)> {
    if c.role == Role::Init || c.role == Role::Ephemeral {
        return Vec::new();
    }
    c.probes(cx.tree)
}

/// Every probe Kubernetes validates, across the workloads this rule applies to.
fn checked_probes<'t>(cx: &Context<'t>) -> Vec<(&'t Object, ProbeKind, NodeId)> {
    cx.workloads()
        .flat_map(|(object, workload)| {
            workload
                .containers
                .iter()
                .flat_map(move |c| probes(cx, c).into_iter().map(move |(k, p)| (object, k, p)))
        })
        .collect()
}

/// Handler entries of `node` that are set (not null), in `order`.
fn handlers<'t>(tree: &'t Tree, node: NodeId, order: &[&str]) -> Vec<&'t crate::syntax::Entry> {
    let entries = tree.entries(node).unwrap_or(&[]);
    order
        .iter()
        .filter_map(|h| {
            entries
                .iter()
                .rev()
                .find(|e| &*e.key == *h && !tree.is_null(e.value))
        })
        .collect()
}

/// K109.
pub static PROBE_HANDLER: Rule = Rule {
    meta: RuleMeta {
        code: codes::PROBE_HANDLER,
        name: "probe-handler",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A probe with no handler, or with more than one.",
        why: "A probe runs exactly one of `exec`, `httpGet`, `tcpSocket` or `grpc`. KubeVela's \
              trait accepts `livenessProbe: {}` and two handlers (its schema only says so in \
              prose); the API server then rejects the rendered Deployment.",
        mirrors: "Kubernetes `validateHandler` (`must specify a handler type`, `may not specify more \
                  than 1 handler type`; kubernetes-rules.md §5).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      readinessProbe:\n        exec:\n          command: [cat, /tmp/ready]\n        httpGet:\n          port: 80\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      readinessProbe:\n        httpGet:\n          port: 80\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_handlers),
};

fn check_handlers(cx: &mut Context) {
    for (object, _, probe) in checked_probes(cx) {
        let found = handlers(cx.tree, probe, &PROBE_HANDLERS);
        if found.is_empty() {
            if !cx.may_be_truncated(probe) {
                let span = cx.tree.name_span(probe);
                cx.report_at(object, probe, span, |path| {
                    format!("{path}: Required value: must specify a handler type")
                });
            }
            continue;
        }
        if found.len() < 2 {
            continue;
        }
        let path = cx.path(object, probe);
        for extra in found.iter().skip(1) {
            cx.report(
                object,
                extra.key_span,
                format!(
                    "{path}.{}: Forbidden: may not specify more than 1 handler type",
                    extra.key
                ),
            );
        }
    }
}

/// K110.
pub static PROBE_SUCCESS_THRESHOLD: Rule = Rule {
    meta: RuleMeta {
        code: codes::PROBE_SUCCESS_THRESHOLD,
        name: "probe-success-threshold",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A liveness or startup probe with `successThreshold` other than 1.",
        why: "Liveness and startup probes succeed on the first success; only readiness probes may \
              require several. An omitted value (0) defaults to 1 and is fine.",
        mirrors: "Kubernetes `validateLivenessProbe` / `validateStartupProbe` (`must be 1`), after \
                  `SetDefaults_Probe` (kubernetes-rules.md §5).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      livenessProbe:\n        tcpSocket:\n          port: 80\n        successThreshold: 2\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      livenessProbe:\n        tcpSocket:\n          port: 80\n        successThreshold: 1\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_success_threshold),
};

fn check_success_threshold(cx: &mut Context) {
    for (object, kind, probe) in checked_probes(cx) {
        if kind == ProbeKind::Readiness {
            continue;
        }
        let node = cx.tree.get(probe, "successThreshold");
        if let Some(n) = cx.int(node)
            && n != 0
            && n != 1
            && n > 0
        {
            let node = node.expect("has int");
            let path = cx.path(object, node);
            let span = cx.tree.span(node);
            cx.report(
                object,
                span,
                format!("{path}: Invalid value: {n}: must be 1"),
            );
        }
    }
}

/// K111.
pub static PROBE_FIELD_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::PROBE_FIELD_INVALID,
        name: "probe-field-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A probe timing field out of bounds, an empty command, or a bad header name.",
        why: "Timing fields must not be negative (0 means \"use the default\"); a probe's own \
              `terminationGracePeriodSeconds` must be positive and is not allowed on readiness \
              probes; `exec.command` must not be empty; header names are letters, digits and \
              `-`. (An empty `httpGet.path` is fine: it is defaulted to `/`.)",
        mirrors: "Kubernetes `validateProbe`, `validateReadinessProbe`, `validateExecAction`, \
                  `validateHTTPGetAction` (kubernetes-rules.md §5).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      readinessProbe:\n        httpGet:\n          port: 80\n        terminationGracePeriodSeconds: 10\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      readinessProbe:\n        httpGet:\n          port: 80\n        periodSeconds: 10\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_probe_fields),
};

fn check_probe_fields(cx: &mut Context) {
    for (object, kind, probe) in checked_probes(cx) {
        for field in [
            "initialDelaySeconds",
            "timeoutSeconds",
            "periodSeconds",
            "successThreshold",
            "failureThreshold",
        ] {
            let node = cx.tree.get(probe, field);
            if let Some(n) = cx.int(node).filter(|&n| n < 0) {
                let node = node.expect("has int");
                let path = cx.path(object, node);
                let span = cx.tree.span(node);
                cx.report(
                    object,
                    span,
                    format!("{path}: Invalid value: {n}: must be greater than or equal to 0"),
                );
            }
        }
        let grace = cx.tree.get(probe, "terminationGracePeriodSeconds");
        if let Some(n) = cx.int(grace) {
            let node = grace.expect("has int");
            let path = cx.path(object, node);
            let span = cx.tree.span(node);
            if kind == ProbeKind::Readiness {
                cx.report(
                    object,
                    span,
                    format!("{path}: Invalid value: {n}: must not be set for readinessProbes"),
                );
            } else if n <= 0 {
                cx.report(
                    object,
                    span,
                    format!("{path}: Invalid value: {n}: must be greater than 0"),
                );
            }
        }
        check_action_fields(cx, object, probe);
    }
}

/// Empty `exec.command` and bad header names (probes and hooks). An empty `httpGet.path` is fine:
/// Kubernetes defaults it to `/` before validating.
fn check_action_fields(cx: &mut Context, object: &Object, handler_owner: NodeId) {
    if let Some(command) = cx.tree.get_path(handler_owner, &["exec", "command"])
        && cx.tree.items(command).is_some_and(<[NodeId]>::is_empty)
    {
        let path = cx.path(object, command);
        let span = cx.tree.name_span(command);
        cx.report(object, span, required_value(&path));
    }
    let headers = cx.tree.get_path(handler_owner, &["httpGet", "httpHeaders"]);
    for &h in headers.and_then(|h| cx.tree.items(h)).unwrap_or(&[]) {
        if let Some(name_node) = cx.tree.get(h, "name")
            && let Some(name) = cx.tree.str(name_node)
        {
            let path = cx.path(object, name_node);
            let span = cx.tree.span(name_node);
            for m in names::http_header_name(name) {
                cx.report(
                    object,
                    span,
                    format!("{path}: Invalid value: \"{name}\": {m}"),
                );
            }
        }
    }
}

/// K112.
pub static PROBE_PORT_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::PROBE_PORT_INVALID,
        name: "probe-port-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A probe port that is not a valid port number or port name.",
        why: "`httpGet.port` and `tcpSocket.port` take a number (1–65535) or the name of one of \
              the container's ports (an IANA_SVC_NAME); `grpc.port` takes a number.",
        mirrors: "Kubernetes `ValidatePortNumOrName` (kubernetes-rules.md §5).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      livenessProbe:\n        tcpSocket:\n          port: 70000\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      livenessProbe:\n        tcpSocket:\n          port: 80\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_probe_ports),
};

/// The port nodes of a probe's handlers, with their handler name.
fn probe_ports(tree: &Tree, probe: NodeId) -> Vec<(&'static str, NodeId)> {
    ["httpGet", "tcpSocket", "grpc"]
        .into_iter()
        .filter_map(|h| tree.get_path(probe, &[h, "port"]).map(|p| (h, p)))
        .collect()
}

fn check_probe_ports(cx: &mut Context) {
    for (object, _, probe) in checked_probes(cx) {
        for (handler, port) in probe_ports(cx.tree, probe) {
            let span = cx.tree.span(port);
            match cx.tree.value(port) {
                Value::Number(n) => {
                    if let Some(m) = n.as_i64().and_then(names::port_number) {
                        cx.report_at(object, port, span, |path| {
                            format!("{path}: Invalid value: {n}: {m}")
                        });
                    }
                }
                // KubeVela and Calyptia take numbers only; their own rules report a name.
                Value::String(s)
                    if handler != "grpc"
                        && !matches!(object.dialect, Dialect::Calyptia | Dialect::Kubevela) =>
                {
                    for m in names::port_name(s) {
                        let path = cx.path(object, port);
                        cx.report(object, span, format!("{path}: Invalid value: \"{s}\": {m}"));
                    }
                }
                _ => {}
            }
        }
    }
}

/// K113.
pub static PROBE_PORT_NAME_UNKNOWN: Rule = Rule {
    meta: RuleMeta {
        code: codes::PROBE_PORT_NAME_UNKNOWN,
        name: "probe-port-name-unknown",
        origin: Origin::Kubernetes,
        severity: Severity::Warning,
        dialects: ALL,
        summary: "A probe names a port that its container does not declare.",
        why: "The API server accepts any valid port name in a probe (it does not check that the \
              container declares it). The kubelet, though, looks a named probe port up in the \
              container's *own* `ports`: when the name is not there, the probe cannot run, so a \
              liveness probe keeps restarting the container and a readiness probe keeps it out of \
              service. A sidecar's probe must name the sidecar's port, not the main container's. \
              (The kubelet behaviour is from its prober code; our research only confirms that the \
              API server accepts the name, hence a warning.)",
        mirrors: "kubelet prober (`ResolveContainerPort` → `findPortByName`); the API server \
                  accepts it (kubernetes-rules.md §4).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - name: web\n          containerPort: 80\n      readinessProbe:\n        httpGet:\n          port: http\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - name: http\n          containerPort: 80\n      readinessProbe:\n        httpGet:\n          port: http\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_probe_port_names),
};

fn check_probe_port_names(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            if object.dialect == Dialect::Calyptia {
                continue; // named probe ports are rejected outright there (C503)
            }
            let declared: Vec<String> = c
                .ports(cx.tree)
                .into_iter()
                .filter_map(|p| cx.tree.get_str(p, "name").map(str::to_string))
                .collect();
            for (_, probe) in probes(cx, c) {
                for (handler, port) in probe_ports(cx.tree, probe) {
                    let Some(name) = cx.tree.str(port) else {
                        continue;
                    };
                    if handler == "grpc"
                        || !names::port_name(name).is_empty()
                        || declared.iter().any(|d| d == name)
                    {
                        continue;
                    }
                    if c.node.is_some_and(|n| cx.may_be_truncated(n)) {
                        continue;
                    }
                    let path = cx.path(object, port);
                    let span = cx.tree.span(port);
                    let known = if declared.is_empty() {
                        "it declares no named ports".to_string()
                    } else {
                        format!(
                            "it declares {}",
                            declared
                                .iter()
                                .map(|d| format!("\"{d}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    cx.report(
                        object,
                        span,
                        format!(
                            "{path}: port \"{name}\" is not a port name of {} ({known}): the kubelet cannot resolve it, so the probe cannot succeed",
                            c.label()
                        ),
                    );
                }
            }
        }
    }
}

/// K114.
pub static LIFECYCLE_HANDLER: Rule = Rule {
    meta: RuleMeta {
        code: codes::LIFECYCLE_HANDLER,
        name: "lifecycle-handler",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A `postStart`/`preStop` hook with no handler or several, or a `sleep` beyond the grace period.",
        why: "A hook runs exactly one of `exec`, `httpGet`, `tcpSocket` or `sleep`. A `preStop` \
              sleep must fit in the pod's `terminationGracePeriodSeconds` (default 30), or the \
              container is killed mid-sleep — a common way to give a sidecar time to drain.",
        mirrors: "Kubernetes `validateLifecycle`, `validateSleepAction` (kubernetes-rules.md §5). \
                  From 1.33 a zero sleep is allowed (`must be non-negative and less than …`); \
                  earlier versions say `must be greater than 0 and less than …`.",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: proxy\n      image: envoyproxy/envoy:v1.31.0\n      restartPolicy: Always\n      lifecycle:\n        preStop:\n          sleep:\n            seconds: 60\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  terminationGracePeriodSeconds: 90\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: proxy\n      image: envoyproxy/envoy:v1.31.0\n      restartPolicy: Always\n      lifecycle:\n        preStop:\n          sleep:\n            seconds: 60\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_lifecycle),
};

fn check_lifecycle(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            if c.role == Role::Init || c.role == Role::Ephemeral {
                continue;
            }
            let Some(lifecycle) = c.field(cx.tree, "lifecycle") else {
                continue;
            };
            for hook in ["postStart", "preStop"] {
                let Some(node) = cx
                    .tree
                    .get(lifecycle, hook)
                    .filter(|&n| cx.tree.entries(n).is_some())
                else {
                    continue;
                };
                let path = cx.path(object, node);
                let found = handlers(cx.tree, node, &LIFECYCLE_HANDLERS);
                if found.is_empty() && !cx.may_be_truncated(node) {
                    let span = cx.tree.name_span(node);
                    cx.report(
                        object,
                        span,
                        format!("{path}: Required value: must specify a handler type"),
                    );
                }
                for extra in found.iter().skip(1) {
                    cx.report(
                        object,
                        extra.key_span,
                        format!(
                            "{path}.{}: Forbidden: may not specify more than 1 handler type",
                            extra.key
                        ),
                    );
                }
                check_action_fields(cx, object, node);
                let Some(sleep) = cx.tree.get(node, "sleep") else {
                    continue;
                };
                let Some(seconds) = cx.int(cx.tree.get(sleep, "seconds")) else {
                    continue;
                };
                let grace = workload.termination_grace_period;
                let zero_allowed = cx.settings.kube_version.at_least(33)
                    || cx.settings.gate("PodLifecycleSleepActionAllowZero");
                let bad = if zero_allowed {
                    seconds < 0 || seconds > grace
                } else {
                    seconds <= 0 || seconds > grace
                };
                if bad {
                    let sleep_path = cx.path(object, sleep);
                    let span = cx
                        .tree
                        .span(cx.tree.get(sleep, "seconds").expect("has seconds"));
                    let detail = if zero_allowed {
                        format!(
                            "must be non-negative and less than terminationGracePeriodSeconds ({grace})"
                        )
                    } else {
                        format!(
                            "must be greater than 0 and less than terminationGracePeriodSeconds ({grace}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep."
                        )
                    };
                    cx.report(
                        object,
                        span,
                        format!("{sleep_path}: Invalid value: {seconds}: {detail}"),
                    );
                }
            }
        }
    }
}
