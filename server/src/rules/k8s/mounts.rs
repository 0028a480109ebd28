//! Volume mounts (research: kubernetes-rules.md §6).

use std::collections::HashMap;

use super::super::prelude::*;
use super::required_value;
use crate::model::Mount;

/// K115.
pub static VOLUME_MOUNT_NOT_FOUND: Rule = Rule {
    meta: RuleMeta {
        code: codes::VOLUME_MOUNT_NOT_FOUND,
        name: "volume-mount-not-found",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A volume mount names no volume of the pod.",
        why: "Every mount must name a pod volume (a StatefulSet's `volumeClaimTemplates` count). \
              The platforms differ in where volumes come from: HKube mounts resolve against the \
              algorithm's `volumes` plus HKube's own; a KubeVela sidecar trait adds no volume, so \
              the component (or the `storage` trait) must declare it; a Calyptia sidecar mounts \
              its spec's own `volumes`. Not reported when something we cannot see may add \
              volumes (an unknown KubeVela trait or component type).",
        mirrors: "Kubernetes `ValidateVolumeMounts` (`Not found`; kubernetes-rules.md §6); HKube \
                  reports it as `Kubernetes Job is invalid: …volumeMounts[0].name: Not found` \
                  (hkube.md §2.10); KubeVela §2.2 and §4.4.",
        example: Some(Example {
            file: "deployment.yaml",
            bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          volumeMounts:\n            - name: logs\n              mountPath: /var/log/nginx\n      initContainers:\n        - name: log-shipper\n          image: fluent/fluent-bit:3.1\n          restartPolicy: Always\n          volumeMounts:\n            - name: log\n              mountPath: /logs\n      volumes:\n        - name: logs\n          emptyDir: {}\n",
            good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          volumeMounts:\n            - name: logs\n              mountPath: /var/log/nginx\n      initContainers:\n        - name: log-shipper\n          image: fluent/fluent-bit:3.1\n          restartPolicy: Always\n          volumeMounts:\n            - name: logs\n              mountPath: /logs\n      volumes:\n        - name: logs\n          emptyDir: {}\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_not_found),
};

fn check_not_found(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        if !workload.volumes_complete || cx.may_be_truncated(workload.anchor) {
            continue;
        }
        if let Some(spec) = workload.pod_spec
            && cx.may_be_truncated(spec)
        {
            continue;
        }
        for c in &workload.containers {
            for m in c.mounts(cx.tree) {
                let Some(name_node) = m.name else { continue };
                let Some(name) = cx.tree.str(name_node) else {
                    continue;
                };
                if name.is_empty() || workload.volumes.iter().any(|v| v.name == name) {
                    continue;
                }
                let path = cx.path(object, name_node);
                let span = cx.tree.span(name_node);
                let hint = match object.dialect {
                    Dialect::Hkube => " (declare it in the algorithm's `volumes`)",
                    Dialect::Kubevela => {
                        " (the sidecar trait mounts only volumes the component already declares: add it to the component's `volumeMounts` or with the `storage` trait)"
                    }
                    Dialect::Calyptia => " (declare it in the spec's `volumes`)",
                    Dialect::Kubernetes => "",
                };
                cx.report(object, span, format!("{path}: Not found: \"{name}\"{hint}"));
            }
        }
    }
}

/// The mounts Kubernetes will see: the container's own list with a platform-merged list applied
/// on top (a same-name entry replaces, hkube.md §2.5).
fn effective_mounts(tree: &Tree, c: &Container) -> Vec<Mount> {
    let own: Vec<Mount> = c
        .field(tree, c.keys.volume_mounts)
        .and_then(|l| tree.items(l))
        .unwrap_or(&[])
        .iter()
        .filter(|&&m| tree.entries(m).is_some())
        .map(|&m| Mount {
            node: m,
            name: tree.get(m, "name"),
            path: tree.get(m, c.keys.mount_path),
        })
        .collect();
    let mut result = own;
    for list in &c.extra_mounts {
        for &m in tree.items(*list).unwrap_or(&[]) {
            if tree.entries(m).is_none() {
                continue;
            }
            let mount = Mount {
                node: m,
                name: tree.get(m, "name"),
                path: tree.get(m, c.keys.mount_path),
            };
            let name = mount.name.and_then(|n| tree.str(n));
            match result
                .iter()
                .position(|r| r.name.and_then(|n| tree.str(n)) == name && name.is_some())
            {
                Some(i) => result[i] = mount,
                None => result.push(mount),
            }
        }
    }
    result
}

/// K116.
pub static MOUNT_PATH_DUPLICATE: Rule = Rule {
    meta: RuleMeta {
        code: codes::MOUNT_PATH_DUPLICATE,
        name: "mount-path-duplicate",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "Two mounts of one container at the same path.",
        why: "One path can hold one volume. For HKube, a sidecar's element-level `volumeMounts` \
              replace same-name mounts of its `container`; the paths are compared after that merge.",
        mirrors: "Kubernetes `ValidateVolumeMounts` (`must be unique`; kubernetes-rules.md §6).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      volumeMounts:\n        - name: data\n          mountPath: /opt\n        - name: settings\n          mountPath: /opt\n  volumes:\n    - name: data\n      emptyDir: {}\n    - name: settings\n      configMap:\n        name: settings\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      volumeMounts:\n        - name: data\n          mountPath: /opt\n        - name: settings\n          mountPath: /etc/app\n  volumes:\n    - name: data\n      emptyDir: {}\n    - name: settings\n      configMap:\n        name: settings\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_duplicate_paths),
};

fn check_duplicate_paths(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            let mut seen: HashMap<&str, NodeId> = HashMap::new();
            for m in effective_mounts(cx.tree, c) {
                let Some(path_node) = m.path else { continue };
                let Some(mount_path) = cx.tree.str(path_node) else {
                    continue;
                };
                if mount_path.is_empty() {
                    continue;
                }
                if let Some(&first) = seen.get(mount_path) {
                    let path = cx.path(object, path_node);
                    let span = cx.tree.span(path_node);
                    let first_span = cx.tree.span(first);
                    cx.report(
                        object,
                        span,
                        format!("{path}: Invalid value: \"{mount_path}\": must be unique"),
                    )
                    .add_related(first_span, "the first mount at this path");
                } else {
                    seen.insert(mount_path, path_node);
                }
            }
        }
    }
}

/// K117.
pub static MOUNT_FIELD_INVALID: Rule = Rule {
    meta: RuleMeta {
        code: codes::MOUNT_FIELD_INVALID,
        name: "mount-field-invalid",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: ALL,
        summary: "A mount with an empty name or path, a bad subPath, or Bidirectional propagation without privilege.",
        why: "A mount needs a volume name and a path; `subPath` must stay inside the volume \
              (relative, no `..`) and cannot be combined with `subPathExpr`; \
              `mountPropagation: Bidirectional` needs a privileged container.",
        mirrors: "Kubernetes `ValidateVolumeMounts` (kubernetes-rules.md §6; note the API's error \
                  path for subPath is `volumeMounts.subPath`, without an index).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      volumeMounts:\n        - name: data\n          mountPath: /data\n          subPath: ../other\n  volumes:\n    - name: data\n      emptyDir: {}\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      volumeMounts:\n        - name: data\n          mountPath: /data\n          subPath: app\n  volumes:\n    - name: data\n      emptyDir: {}\n",
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_mount_fields),
};

fn check_mount_fields(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in &workload.containers {
            for m in c.mounts(cx.tree) {
                for node in [m.name, m.path].into_iter().flatten() {
                    let empty = match cx.tree.value(node) {
                        Value::Null | Value::Missing => true,
                        Value::String(s) => s.is_empty(),
                        _ => false,
                    };
                    if empty {
                        let path = cx.path(object, node);
                        let span = cx.tree.name_span(node);
                        cx.report(object, span, required_value(&path));
                    }
                }
                let sub_path = cx.tree.get(m.node, "subPath");
                if let Some(node) = sub_path
                    && let Some(s) = cx.tree.str(node)
                    && !s.is_empty()
                {
                    let span = cx.tree.span(node);
                    let detail = if s.starts_with('/') {
                        Some("must be a relative path")
                    } else if s.split('/').any(|p| p == "..") {
                        Some("must not contain '..'")
                    } else {
                        None
                    };
                    if let Some(detail) = detail {
                        cx.report(
                            object,
                            span,
                            format!("volumeMounts.subPath: Invalid value: \"{s}\": {detail}"),
                        );
                    }
                    if let Some(expr_node) = cx.tree.get(m.node, "subPathExpr")
                        && let Some(expr) = cx.tree.str(expr_node).filter(|e| !e.is_empty())
                    {
                        let expr_span = cx.tree.span(expr_node);
                        cx.report_at(object, expr_node, expr_span, |path| {
                            format!("{path}: Invalid value: \"{expr}\": subPathExpr and subPath are mutually exclusive")
                        });
                    }
                }
                // Bidirectional propagation needs a privileged container.
                if let Some(propagation) = cx.tree.get(m.node, "mountPropagation")
                    && cx.tree.str(propagation) == Some("Bidirectional")
                    && c.field(cx.tree, "securityContext")
                        .and_then(|sc| cx.tree.get(sc, "privileged"))
                        .and_then(|p| cx.tree.bool(p))
                        != Some(true)
                {
                    let span = cx.tree.span(propagation);
                    cx.report_at(object, propagation, span, |path| {
                        format!("{path}: Forbidden: Bidirectional mount propagation is available only to privileged containers")
                    });
                }
            }
        }
    }
}
