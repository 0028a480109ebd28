//! Pod-level sidecar rules: problems that only show when the pod is seen as a whole.

use std::collections::HashMap;

use super::k8s::container_anchor;
use super::prelude::*;
use crate::model::{ContainerList, PodOwner};

/// Containers that run at the same time as the main containers: regular containers and native
/// sidecars (plain init containers finish first).
fn concurrent(c: &Container) -> bool {
    matches!(c.role, Role::Main | Role::Sidecar | Role::NativeSidecar)
}

/// P201.
pub static PORT_CLASH: Rule = Rule {
    meta: RuleMeta {
        code: codes::PORT_CLASH,
        name: "port-clash",
        origin: Origin::Pod,
        severity: Severity::Warning,
        dialects: ALL,
        summary: "Two containers of one pod declare the same port and protocol.",
        why: "All containers of a pod, sidecars included, share one network namespace: only one \
              process can listen on a port, the other fails to bind (often in a restart loop). \
              A sidecar copied from another pod frequently keeps its port. Kubernetes itself \
              only warns (`duplicate port definition`), because declared ports are informational.",
        mirrors: "Kubernetes pod warnings (`pkg/api/pod/warnings.go`: duplicate port definition; \
                  kubernetes-rules.md §4); the shared pod network namespace.",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - containerPort: 8080\n    - name: metrics\n      image: prom/statsd-exporter:v0.26.1\n      ports:\n        - containerPort: 8080\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - containerPort: 8080\n    - name: metrics\n      image: prom/statsd-exporter:v0.26.1\n      ports:\n        - containerPort: 9102\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_port_clash),
};

fn check_port_clash(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        let mut seen: HashMap<(i64, String), (NodeId, String)> = HashMap::new();
        for c in workload.containers.iter().filter(|c| concurrent(c)) {
            let mut own: Vec<(i64, String)> = Vec::new();
            for port in c.ports(cx.tree) {
                let node = cx.tree.get(port, "containerPort");
                let Some(number) = cx.int(node) else { continue };
                let protocol = cx
                    .tree
                    .get_str(port, "protocol")
                    .unwrap_or("TCP")
                    .to_string();
                let key = (number, protocol.clone());
                if own.contains(&key) {
                    continue; // the same container twice: not a clash between containers
                }
                own.push(key.clone());
                let node = node.expect("has int");
                match seen.get(&key) {
                    Some((first, owner)) => {
                        let first_path = cx.path(object, *first);
                        let first_span = cx.tree.span(*first);
                        let span = cx.tree.span(node);
                        let path = cx.path(object, node);
                        cx.report(
                            object,
                            span,
                            format!(
                                "{path}: port {number}/{protocol} is also declared by {owner} ({first_path}): containers of a pod share one network namespace, so only one of them can listen on it"
                            ),
                        )
                        .add_related(first_span, "the other container's port");
                    }
                    None => {
                        seen.insert(key, (node, c.label()));
                    }
                }
            }
        }
    }
}

/// P202.
pub static CLASSIC_SIDECAR_IN_JOB: Rule = Rule {
    meta: RuleMeta {
        code: codes::CLASSIC_SIDECAR_IN_JOB,
        name: "classic-sidecar-in-job",
        origin: Origin::Pod,
        severity: Severity::Warning,
        dialects: KUBERNETES,
        summary: "A classic sidecar (an extra entry of `containers`) in a Job or CronJob.",
        why: "A Job completes when all of its pod's containers have exited. A sidecar that runs \
              for the pod's lifetime (a proxy, a log shipper) never exits, so the Job never \
              completes. Make it a native sidecar: move it to `initContainers` with \
              `restartPolicy: Always` (Kubernetes 1.29+); native sidecars are stopped once the \
              main containers finish. If the sidecar exits by itself (a shutdown hook), this can \
              be ignored.",
        mirrors: "KEP-753 native sidecars (kubernetes-rules.md §1, §11: API-valid, a warning at most).",
        example: Some(Example {
            file: "job.yaml",
            bad: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: migrate/migrate:v4.17.0\n        - name: sql-proxy\n          image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0\n",
            good: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: migrate/migrate:v4.17.0\n      initContainers:\n        - name: sql-proxy\n          image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0\n          restartPolicy: Always\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_classic_in_job),
};

fn check_classic_in_job(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        if workload.owner != PodOwner::Batch {
            continue;
        }
        let kind = object.kind.as_deref().unwrap_or("Job");
        for c in &workload.containers {
            if c.role != Role::Sidecar {
                continue;
            }
            let span = container_anchor(cx, c);
            cx.report(
                object,
                span,
                format!(
                    "{} looks like a classic sidecar in a {kind}: the {kind}'s pod completes only when every container exits, so a long-running sidecar keeps it running forever; make it a native sidecar (initContainers with restartPolicy: Always)",
                    c.label()
                ),
            );
        }
    }
}

/// P203.
pub static SIDECAR_VOLUME_NOT_SHARED: Rule = Rule {
    meta: RuleMeta {
        code: codes::SIDECAR_VOLUME_NOT_SHARED,
        name: "sidecar-volume-not-shared",
        origin: Origin::Pod,
        severity: Severity::Info,
        dialects: ALL,
        summary: "A sidecar mounts a shareable volume that no main container mounts.",
        why: "Sidecars usually share files with the main container through a volume (logs to \
              ship, config to reload). An `emptyDir` mounted by the sidecar alone shares nothing; \
              in HKube, a volume is shared only when it is listed in the algorithm-level \
              `volumeMounts` (for `algorunner`) as well as in the sidecar's.",
        mirrors: "HKube docs and task-executor (hkube.md §2.5: shared volumes are listed in both \
                  places); the sidecar pattern.",
        example: Some(Example {
            file: "algorithm.json",
            bad: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "volumes": [{"name": "shared", "emptyDir": {}}], "sideCars": [{"container": {"name": "shipper", "image": "fluent/fluent-bit:3.1"}, "volumeMounts": [{"name": "shared", "mountPath": "/logs"}]}]}"#,
            good: r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "volumes": [{"name": "shared", "emptyDir": {}}], "volumeMounts": [{"name": "shared", "mountPath": "/logs"}], "sideCars": [{"container": {"name": "shipper", "image": "fluent/fluent-bit:3.1"}, "volumeMounts": [{"name": "shared", "mountPath": "/logs"}]}]}"#,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_volume_not_shared),
};

fn check_volume_not_shared(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        let mains: Vec<&Container> = workload
            .containers
            .iter()
            .filter(|c| c.role == Role::Main)
            .collect();
        if mains.is_empty() {
            continue;
        }
        // Calyptia's main container is run by the operator: what it mounts is unknown.
        if mains.iter().any(|m| {
            m.platform.is_some()
                && m.platform.as_ref().is_some_and(|p| p.mounts.is_empty())
                && object.dialect == Dialect::Calyptia
        }) {
            continue;
        }
        let main_mounts: Vec<String> = mains
            .iter()
            .flat_map(|m| {
                let mut names: Vec<String> = m
                    .mounts(cx.tree)
                    .into_iter()
                    .filter_map(|mm| mm.name.and_then(|n| cx.tree.str(n)).map(str::to_string))
                    .collect();
                if let Some(p) = &m.platform {
                    names.extend(p.mounts.iter().cloned());
                }
                names
            })
            .collect();
        for c in workload.containers.iter().filter(|c| c.role.is_sidecar()) {
            for m in c.mounts(cx.tree) {
                let Some(name_node) = m.name else { continue };
                let Some(name) = cx.tree.str(name_node) else {
                    continue;
                };
                let Some(volume) = workload.volumes.iter().find(|v| v.name == name) else {
                    continue;
                };
                if volume.source.as_deref() != Some("emptyDir")
                    || main_mounts.iter().any(|n| n == name)
                {
                    continue;
                }
                let others_mount = workload
                    .containers
                    .iter()
                    .filter(|o| o.role.is_sidecar())
                    .any(|o| {
                        !std::ptr::eq(o, c)
                            && o.mounts(cx.tree)
                                .iter()
                                .any(|om| om.name.and_then(|n| cx.tree.str(n)) == Some(name))
                    });
                if others_mount {
                    continue;
                }
                let span = cx.tree.span(name_node);
                let advice = match object.dialect {
                    Dialect::Hkube => "add it to the algorithm-level `volumeMounts` so that algorunner mounts it too".to_string(),
                    _ => format!("mount it in {} too if they should share files", mains[0].label()),
                };
                cx.report(
                    object,
                    span,
                    format!(
                        "only {} mounts emptyDir volume \"{name}\", so it shares nothing: {advice}",
                        c.label()
                    ),
                );
            }
        }
    }
}

/// P204.
pub static PORT_NAME_DUPLICATE_IN_POD: Rule = Rule {
    meta: RuleMeta {
        code: codes::PORT_NAME_DUPLICATE_IN_POD,
        name: "port-name-duplicate-in-pod",
        origin: Origin::Pod,
        severity: Severity::Warning,
        dialects: ALL,
        summary: "Two containers of one pod use the same port name.",
        why: "Port names should be unique in the pod: Services and probes that select a port by \
              name pick the first container's port, not the sidecar's. The API server only warns.",
        mirrors: "Kubernetes pod warning `duplicate port name … services and probes that select \
                  ports by name will use …` (kubernetes-rules.md §4).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - name: metrics\n          containerPort: 9090\n    - name: proxy\n      image: envoyproxy/envoy:v1.31.0\n      ports:\n        - name: metrics\n          containerPort: 9901\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - name: metrics\n          containerPort: 9090\n    - name: proxy\n      image: envoyproxy/envoy:v1.31.0\n      ports:\n        - name: proxy-admin\n          containerPort: 9901\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_port_names_in_pod),
};

fn check_port_names_in_pod(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        let mut seen: HashMap<String, (NodeId, usize)> = HashMap::new();
        for (index, c) in workload.containers.iter().enumerate() {
            if c.list == ContainerList::EphemeralContainers {
                continue;
            }
            for port in c.ports(cx.tree) {
                let Some(name_node) = cx.tree.get(port, "name") else {
                    continue;
                };
                let Some(name) = cx.tree.str(name_node).filter(|n| !n.is_empty()) else {
                    continue;
                };
                match seen.get(name) {
                    Some(&(first, owner)) if owner != index => {
                        let first_port = cx.tree.node(first).parent.unwrap_or(first);
                        let first_path = cx.path(object, first_port);
                        let path = cx.path(object, port);
                        let span = cx.tree.span(name_node);
                        let first_span = cx.tree.span(first);
                        cx.report(
                            object,
                            span,
                            format!("{path}: duplicate port name \"{name}\" with {first_path}, services and probes that select ports by name will use {first_path}"),
                        )
                        .add_related(first_span, "the port that wins");
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(name.to_string(), (name_node, index));
                    }
                }
            }
        }
    }
}

/// The pod-level rules, in code order.
pub static RULES: &[&Rule] = &[
    &PORT_CLASH,
    &CLASSIC_SIDECAR_IN_JOB,
    &SIDECAR_VOLUME_NOT_SHARED,
    &PORT_NAME_DUPLICATE_IN_POD,
];
