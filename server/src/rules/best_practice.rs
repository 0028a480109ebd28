//! Best practice: warnings that any of the rules' users may reasonably turn off.

use std::collections::HashMap;

use super::k8s::{container_anchor, is_templated};
use super::prelude::*;
use crate::dialect::hkube::effective_resources;
use crate::k8s::image;
use crate::model::PodOwner;

/// B601.
pub static IMAGE_TAG_FLOATING: Rule = Rule {
    meta: RuleMeta {
        code: codes::IMAGE_TAG_FLOATING,
        name: "image-tag-floating",
        origin: Origin::BestPractice,
        severity: Severity::Warning,
        dialects: ALL,
        summary: "An image without a tag, or tagged `latest`.",
        why: "A floating tag runs whatever was pushed last: two replicas may run different code, \
              and a rollback cannot go back. Kubernetes also defaults `imagePullPolicy` to \
              `Always` for it (a pull on every start).",
        mirrors: "Kubernetes image pull policy defaulting (kubernetes-rules.md §8); kube-linter \
                  `latest-tag`.",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:latest\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_floating),
};

fn check_floating(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            let Some(node) = c.field(cx.tree, "image") else {
                continue;
            };
            let Some(img) = cx
                .tree
                .str(node)
                .filter(|i| !i.trim().is_empty() && !is_templated(i))
            else {
                continue;
            };
            if image::is_floating(img) {
                let span = cx.tree.span(node);
                let what = if image::parse(img.trim()).tag.is_some() {
                    "the `latest` tag"
                } else {
                    "no tag (so `latest`)"
                };
                cx.report(
                    object,
                    span,
                    format!("image \"{img}\" has {what}: pin a version or a digest"),
                );
            }
        }
    }
}

/// B602.
pub static RESOURCES_MISSING: Rule = Rule {
    meta: RuleMeta {
        code: codes::RESOURCES_MISSING,
        name: "resources-missing",
        origin: Origin::BestPractice,
        severity: Severity::Warning,
        dialects: &[Dialect::Kubernetes, Dialect::Hkube, Dialect::Calyptia],
        summary: "A container without resource requests or limits.",
        why: "Without requests the scheduler cannot place the pod sensibly, and without limits a \
              runaway sidecar starves the main container. HKube sets defaults for sidecars \
              (requests 0.1 CPU / 128Mi, limits twice that unless `USE_RESOURCE_LIMITS`): there \
              it is reported as info, with the values the sidecar will get.",
        mirrors: "kube-linter `unset-cpu-requirements` / `unset-memory-requirements`; HKube sidecar \
                  defaults (hkube.md §2.6).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        requests:\n          cpu: 100m\n          memory: 128Mi\n        limits:\n          memory: 256Mi\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_resources_missing),
};

fn check_resources_missing(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            let Some(node) = c.node else { continue };
            if c.role == Role::Ephemeral || cx.may_be_truncated(node) {
                continue;
            }
            let resources = c.field(cx.tree, "resources");
            let set = |key: &str| {
                resources
                    .and_then(|r| cx.tree.get(r, key))
                    .and_then(|s| cx.tree.entries(s))
                    .is_some_and(|e| !e.is_empty())
            };
            if set("requests") || set("limits") {
                continue;
            }
            let span = container_anchor(cx, c);
            if object.dialect == Dialect::Hkube {
                let e = effective_resources(cx.tree, node, &cx.settings.hkube);
                let show = |v: &Option<crate::dialect::hkube::EffectiveValue>| {
                    v.as_ref().map_or("none".to_string(), |v| v.text.clone())
                };
                let message = format!(
                    "{} sets no resources: HKube applies its sidecar defaults (requests cpu {}, memory {}; limits cpu {}, memory {})",
                    c.label(),
                    show(&e.request_cpu),
                    show(&e.request_memory),
                    show(&e.limit_cpu),
                    show(&e.limit_memory)
                );
                cx.report_with(object, Severity::Info, span, message);
            } else {
                cx.report(
                    object,
                    span,
                    format!("{} sets no resource requests or limits", c.label()),
                );
            }
        }
    }
}

/// B603.
pub static PROBES_MISSING: Rule = Rule {
    meta: RuleMeta {
        code: codes::PROBES_MISSING,
        name: "probes-missing",
        origin: Origin::BestPractice,
        severity: Severity::Warning,
        dialects: KUBERNETES,
        summary: "A long-running main container without a liveness or readiness probe.",
        why: "Without a readiness probe traffic reaches the pod before it can serve; without a \
              liveness probe a hung process is never restarted. Only main containers of \
              long-running workloads are checked: Jobs and init containers run to completion, and \
              sidecars have their own rule (B604). Native sidecars are recognised as sidecars, \
              not as main containers.",
        mirrors: "kube-linter `no-liveness-probe` / `no-readiness-probe`, aware of native sidecars.",
        example: Some(Example {
            file: "deployment.yaml",
            bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
            good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          livenessProbe:\n            tcpSocket:\n              port: 80\n          readinessProbe:\n            httpGet:\n              port: 80\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_probes_missing),
};

fn check_probes_missing(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        if !matches!(
            workload.owner,
            PodOwner::Service | PodOwner::Pod | PodOwner::PodTemplate
        ) {
            continue;
        }
        for c in workload.containers.iter().filter(|c| c.role == Role::Main) {
            let Some(node) = c.node else { continue };
            if cx.may_be_truncated(node) {
                continue;
            }
            let has = |k: ProbeKind| c.probes(cx.tree).iter().any(|(kind, _)| *kind == k);
            let missing: Vec<&str> = [
                (ProbeKind::Liveness, "liveness"),
                (ProbeKind::Readiness, "readiness"),
            ]
            .into_iter()
            .filter(|(k, _)| !has(*k))
            .map(|(_, n)| n)
            .collect();
            if missing.is_empty() {
                continue;
            }
            let span = container_anchor(cx, c);
            cx.report(
                object,
                span,
                format!("{} has no {} probe", c.label(), missing.join(" or ")),
            );
        }
    }
}

/// B604.
pub static SIDECAR_PORTS_WITHOUT_READINESS: Rule = Rule {
    meta: RuleMeta {
        code: codes::SIDECAR_PORTS_WITHOUT_READINESS,
        name: "sidecar-ports-without-readiness",
        origin: Origin::BestPractice,
        severity: Severity::Warning,
        dialects: ALL,
        summary: "A sidecar that exposes ports but has no readiness probe.",
        why: "A sidecar that serves (a proxy, an ambassador, a metrics endpoint) should say when \
              it is ready: a native sidecar's readiness counts toward the pod's, and the main \
              container otherwise starts talking to it before it listens.",
        mirrors: "Kubernetes sidecar containers concept (native sidecar readiness; \
                  kubernetes-rules.md §1).",
        example: Some(Example {
            file: "proxy.json",
            bad: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "ports": [{"containerPort": 9901}]}"#,
            good: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "ports": [{"containerPort": 9901}], "readinessProbe": {"httpGet": {"path": "/ready", "port": 9901}}}"#,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_sidecar_readiness),
};

fn check_sidecar_readiness(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in workload.containers.iter().filter(|c| c.role.is_sidecar()) {
            if c.ports(cx.tree).is_empty()
                || c.probes(cx.tree)
                    .iter()
                    .any(|(k, _)| *k == ProbeKind::Readiness)
            {
                continue;
            }
            let span = container_anchor(cx, c);
            cx.report(
                object,
                span,
                format!("{} exposes ports but has no readiness probe", c.label()),
            );
        }
    }
}

/// B605.
pub static PROBE_PORT_NOT_DECLARED: Rule = Rule {
    meta: RuleMeta {
        code: codes::PROBE_PORT_NOT_DECLARED,
        name: "probe-port-mismatch",
        origin: Origin::BestPractice,
        severity: Severity::Warning,
        dialects: ALL,
        summary: "A probe aimed at a port number the container does not declare, or at a UDP/SCTP port.",
        why: "Legal (declared ports are informational), but it often means the probe was copied \
              from another container: a sidecar's probe aimed at the main container's port \
              checks the wrong process. A container that declares no ports is not checked. An \
              `httpGet` or `tcpSocket` probe connects over TCP, so naming a port declared as UDP \
              or SCTP gives a probe that cannot succeed (the kubelet resolves the name without \
              looking at the protocol).",
        mirrors: "kube-linter `liveness-port` / `readiness-port` / `startup-port`; the API server \
                  accepts it (kubernetes-rules.md §4).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - containerPort: 80\n      livenessProbe:\n        tcpSocket:\n          port: 8080\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - containerPort: 80\n      livenessProbe:\n        tcpSocket:\n          port: 80\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_probe_port_declared),
};

fn check_probe_port_declared(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            if c.role == Role::Init {
                continue;
            }
            let ports = c.ports(cx.tree);
            let declared: Vec<i64> = ports
                .iter()
                .filter_map(|&p| cx.int(cx.tree.get(p, "containerPort")))
                .collect();
            let non_tcp: Vec<(&str, &str)> = ports
                .iter()
                .filter_map(|&p| {
                    let name = cx.tree.get_str(p, "name")?;
                    let protocol = cx.tree.get_str(p, "protocol").unwrap_or("TCP");
                    (protocol != "TCP").then_some((name, protocol))
                })
                .collect();
            for (kind, probe) in c.probes(cx.tree) {
                let which = kind.key().trim_end_matches("Probe");
                for handler in ["httpGet", "tcpSocket", "grpc"] {
                    let Some(port) = cx.tree.get_path(probe, &[handler, "port"]) else {
                        continue;
                    };
                    if let Some(name) = cx.tree.str(port) {
                        if let Some((_, protocol)) = non_tcp.iter().find(|(n, _)| *n == name) {
                            let span = cx.tree.span(port);
                            let message = format!(
                                "the {which} probe of {} connects to port \"{name}\" over TCP, but the port is declared {protocol}",
                                c.label()
                            );
                            cx.report(object, span, message);
                        }
                        continue;
                    }
                    let Some(n) = cx.int(Some(port)) else {
                        continue;
                    };
                    if !declared.is_empty() && (1..=65535).contains(&n) && !declared.contains(&n) {
                        let span = cx.tree.span(port);
                        cx.report(
                            object,
                            span,
                            format!("the {which} probe of {} checks port {n}, which the container does not declare", c.label()),
                        );
                    }
                }
            }
        }
    }
}

/// B606.
pub static ENV_DUPLICATE: Rule = Rule {
    meta: RuleMeta {
        code: codes::ENV_DUPLICATE,
        name: "env-duplicate",
        origin: Origin::BestPractice,
        severity: Severity::Warning,
        dialects: ALL,
        summary: "Two environment variables of one container with the same name.",
        why: "Kubernetes keeps the last one and warns that the earlier may be dropped by \
              `kubectl apply`. (HKube's `environments` replace same-name `env` entries on \
              purpose: that is not reported.)",
        mirrors: "Kubernetes pod warning `hides previous definition` (kubernetes-rules.md §7); \
                  kube-linter `duplicate-env-var`.",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: PORT\n          value: \"80\"\n        - name: PORT\n          value: \"8080\"\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: PORT\n          value: \"8080\"\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_env_duplicates),
};

fn check_env_duplicates(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            let mut seen: HashMap<String, crate::text::Span> = HashMap::new();
            // Only the container's own `env` list: a platform map replaces entries by design.
            for var in c.env(cx.tree).into_iter().filter(|v| v.node.is_some()) {
                let Some(name) = var.name.clone().filter(|n| !n.is_empty()) else {
                    continue;
                };
                if let Some(&first) = seen.get(&name) {
                    cx.report(
                        object,
                        var.name_span,
                        format!("environment variable \"{name}\" is defined again in {}: the last definition wins", c.label()),
                    )
                    .add_related(first, "the earlier definition");
                } else {
                    seen.insert(name, var.name_span);
                }
            }
        }
    }
}

/// B607.
pub static ENV_KEY_REF_MISSING: Rule = Rule {
    meta: RuleMeta {
        code: codes::ENV_KEY_REF_MISSING,
        name: "env-key-ref-missing",
        origin: Origin::BestPractice,
        severity: Severity::Warning,
        dialects: ALL,
        summary: "An env reference to a ConfigMap or Secret defined in the same file that lacks the key.",
        why: "The pod will not start (`CreateContainerConfigError: couldn't find key`) unless the \
              reference is `optional`. Objects not defined in the file are not checked: they may \
              exist in the cluster.",
        mirrors: "kubelet env resolution; kube-linter `env-value-from`.",
        example: Some(Example {
            file: "app.yaml",
            bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: MODE\n          valueFrom:\n            configMapKeyRef:\n              name: settings\n              key: Mode\n",
            good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      env:\n        - name: MODE\n          valueFrom:\n            configMapKeyRef:\n              name: settings\n              key: mode\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_key_refs),
};

fn check_key_refs(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        let namespace = cx
            .tree
            .get_path(object.root, &["metadata", "namespace"])
            .and_then(|n| cx.tree.str(n));
        for c in &workload.containers {
            for var in c.env(cx.tree) {
                let Some(value_from) = var.value_from else {
                    continue;
                };
                for (selector, kind) in
                    [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")]
                {
                    let Some(sel) = cx.tree.get(value_from, selector) else {
                        continue;
                    };
                    if cx.tree.get(sel, "optional").and_then(|o| cx.tree.bool(o)) == Some(true) {
                        continue;
                    }
                    let (Some(name), Some(key_node)) =
                        (cx.tree.get_str(sel, "name"), cx.tree.get(sel, "key"))
                    else {
                        continue;
                    };
                    let Some(key) = cx.tree.str(key_node) else {
                        continue;
                    };
                    let pool = if kind == "ConfigMap" {
                        &cx.file_index.config_maps
                    } else {
                        &cx.file_index.secrets
                    };
                    let Some(target) = pool.iter().find(|o| {
                        o.name == name
                            && (o.namespace.is_none()
                                || namespace.is_none()
                                || o.namespace.as_deref() == namespace)
                    }) else {
                        continue;
                    };
                    if target.keys.iter().any(|k| k == key) {
                        continue;
                    }
                    let span = cx.tree.span(key_node);
                    let have = if target.keys.is_empty() {
                        "it has no keys".to_string()
                    } else {
                        format!(
                            "it has {}",
                            target
                                .keys
                                .iter()
                                .map(|k| format!("\"{k}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    let target_span = target.span;
                    cx.report(object, span, format!("{kind} \"{name}\" in this file has no key \"{key}\" ({have}): the container will not start"))
                        .add_related(target_span, format!("{kind} \"{name}\""));
                }
            }
        }
    }
}

/// The best-practice rules, in code order.
pub static RULES: &[&Rule] = &[
    &IMAGE_TAG_FLOATING,
    &RESOURCES_MISSING,
    &PROBES_MISSING,
    &SIDECAR_PORTS_WITHOUT_READINESS,
    &PROBE_PORT_NOT_DECLARED,
    &ENV_DUPLICATE,
    &ENV_KEY_REF_MISSING,
];
