//! Container ports (research: kubernetes-rules.md §3 hostPort conflicts, §4).

use std::collections::HashMap;

use super::super::prelude::*;
use super::{is_templated, required_value};
use crate::k8s::names;
use crate::model::ContainerList;

/// K105.
pub static CONTAINER_PORT_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::CONTAINER_PORT_INVALID,
        name: "container-port-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A `containerPort` or `hostPort` outside 1–65535.",
        why: "Port numbers are 1–65535; `containerPort: 0` counts as missing. In a `hostNetwork` \
              pod, a regular container's `hostPort` (when set) must equal its `containerPort`.",
        mirrors: "Kubernetes `validateContainerPorts` (`IsValidPortNum`) and \
                  `validatePodHostNetworkDeps` (kubernetes-rules.md §4).",
        example: Some(Example {
            file: "sidecar.json",
            bad: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "ports": [{"containerPort": 0}]}"#,
            good: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "ports": [{"containerPort": 9901}]}"#,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_port_numbers),
};

fn check_port_numbers(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            for port in c.ports(cx.tree) {
                let container_port = cx.tree.get(port, "containerPort");
                if let Some(n) = cx.int(container_port) {
                    let node = container_port.expect("has int");
                    let span = cx.tree.span(node);
                    if n == 0 {
                        cx.report_at(object, node, span, required_value);
                    } else if let Some(m) = names::port_number(n) {
                        cx.report_at(object, node, span, |path| {
                            format!("{path}: Invalid value: {n}: {m}")
                        });
                    }
                }
                let host_port = cx.tree.get(port, "hostPort");
                if let Some(h) = cx.int(host_port).filter(|&h| h != 0) {
                    let node = host_port.expect("has int");
                    let path = cx.path(object, node);
                    let span = cx.tree.span(node);
                    if let Some(m) = names::port_number(h) {
                        cx.report(object, span, format!("{path}: Invalid value: {h}: {m}"));
                    } else if workload.host_network
                        && c.list == ContainerList::Containers
                        && cx.int(container_port).is_some_and(|cp| cp != h)
                    {
                        cx.report(
                            object,
                            span,
                            format!("{path}: Invalid value: {h}: must match `containerPort` when `hostNetwork` is true"),
                        );
                    }
                }
            }
        }
    }
}

/// K106.
pub static PORT_NAME_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::PORT_NAME_INVALID,
        name: "port-name-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A port name that is not an IANA_SVC_NAME.",
        why: "Port names are at most 15 lowercase letters, digits and single hyphens, with at \
              least one letter, not starting or ending with a hyphen. Services and probes refer \
              to ports by these names.",
        mirrors: "Kubernetes `validateContainerPorts` → `IsValidPortName` (kubernetes-rules.md §4).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - name: metrics-endpoint-http\n          containerPort: 9090\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - name: metrics\n          containerPort: 9090\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_port_names),
};

fn check_port_names(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            for port in c.ports(cx.tree) {
                let Some(name_node) = cx.tree.get(port, "name") else {
                    continue;
                };
                let Some(name) = cx.tree.str(name_node) else {
                    continue;
                };
                if name.is_empty() || is_templated(name) {
                    continue;
                }
                let span = cx.tree.span(name_node);
                for m in names::port_name(name) {
                    let path = cx.path(object, name_node);
                    cx.report(
                        object,
                        span,
                        format!("{path}: Invalid value: \"{name}\": {m}"),
                    );
                }
            }
        }
    }
}

/// K107.
pub static PORT_NAME_DUPLICATE: Rule = Rule {
    meta: RuleMeta {
        code: codes::PORT_NAME_DUPLICATE,
        name: "port-name-duplicate",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "Two ports of one container share a name.",
        why: "A name must pick one port. Within one container the API server rejects duplicates; \
              across containers of a pod it only warns (see P204).",
        mirrors: "Kubernetes `validateContainerPorts` (`Duplicate value`, per container; \
                  kubernetes-rules.md §4).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - name: http\n          containerPort: 80\n        - name: http\n          containerPort: 8080\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - name: http\n          containerPort: 80\n        - name: http-alt\n          containerPort: 8080\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_port_name_duplicates),
};

fn check_port_name_duplicates(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            let mut seen: HashMap<&str, NodeId> = HashMap::new();
            for port in c.ports(cx.tree) {
                let Some(name_node) = cx.tree.get(port, "name") else {
                    continue;
                };
                let Some(name) = cx.tree.str(name_node) else {
                    continue;
                };
                if name.is_empty() || !names::port_name(name).is_empty() {
                    continue; // only valid names are checked for uniqueness
                }
                if let Some(&first) = seen.get(name) {
                    let path = cx.path(object, name_node);
                    let span = cx.tree.span(name_node);
                    let first_span = cx.tree.span(first);
                    cx.report(object, span, format!("{path}: Duplicate value: \"{name}\""))
                        .add_related(first_span, "the first port with this name");
                } else {
                    seen.insert(name, name_node);
                }
            }
        }
    }
}

/// K108.
pub static HOST_PORT_CONFLICT: Rule = Rule {
    meta: RuleMeta {
        code: codes::HOST_PORT_CONFLICT,
        name: "host-port-conflict",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "Two containers of a pod claim the same host port.",
        why: "A host port (per protocol and host IP) can be bound once per node; a classic \
              sidecar copied from the main container often keeps its `hostPort`. The API server \
              checks the regular containers together, and each init container on its own.",
        mirrors: "Kubernetes `checkHostPortConflicts` / `AccumulateUniqueHostPorts` \
                  (`Duplicate value: \"TCP//8001\"`; kubernetes-rules.md §3).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: tomcat:10.1\n      ports:\n        - containerPort: 8080\n          hostPort: 8001\n    - name: copier\n      image: busybox:1.36\n      ports:\n        - containerPort: 8081\n          hostPort: 8001\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: tomcat:10.1\n      ports:\n        - containerPort: 8080\n          hostPort: 8001\n    - name: copier\n      image: busybox:1.36\n      ports:\n        - containerPort: 8081\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_host_ports),
};

fn check_host_ports(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        let mut regular: HashMap<String, NodeId> = HashMap::new();
        for c in &workload.containers {
            let mut own: HashMap<String, NodeId> = HashMap::new();
            let seen = if c.list == ContainerList::Containers {
                &mut regular
            } else {
                &mut own
            };
            for port in c.ports(cx.tree) {
                let host_port = cx.tree.get(port, "hostPort");
                let Some(h) = cx.int(host_port).filter(|&h| h != 0) else {
                    continue;
                };
                let protocol = cx.tree.get_str(port, "protocol").unwrap_or("TCP");
                let host_ip = cx.tree.get_str(port, "hostIP").unwrap_or("");
                let key = format!("{protocol}/{host_ip}/{h}");
                let node = host_port.expect("has int");
                if let Some(&first) = seen.get(&key) {
                    let path = cx.path(object, node);
                    let span = cx.tree.span(node);
                    let first_span = cx.tree.span(first);
                    cx.report(object, span, format!("{path}: Duplicate value: \"{key}\""))
                        .add_related(first_span, "the host port is first claimed here");
                } else {
                    seen.insert(key, node);
                }
            }
        }
    }
}
