//! Fields that need a newer Kubernetes than the one chosen (for versions older than the bundled
//! schemas, whose own lists of fields catch the newer ones).

use super::super::prelude::*;

/// `(pod spec field, first minor version, feature)`.
const POD_FIELDS: &[(&str, u8, &str)] = &[("resources", 32, "PodLevelResources")];

/// K134.
pub static FIELD_NEEDS_NEWER_KUBERNETES: Rule = Rule {
    meta: RuleMeta {
        code: codes::FIELD_NEEDS_NEWER_KUBERNETES,
        name: "field-needs-newer-kubernetes",
        origin: Origin::Kubernetes,
        severity: Severity::Error,
        dialects: KUBERNETES,
        summary: "A field that the chosen `--kube-version` does not have yet.",
        why: "Schemas are bundled for Kubernetes 1.33–1.37 and catch fields added after the chosen \\
              one as unknown. For older versions (1.25–1.32) this rule knows the sidecar-relevant \\
              fields that came later: pod-level `spec.resources` needs 1.32 (`PodLevelResources`); \\
              native sidecars are K127.",
        mirrors: "Kubernetes feature gates (kubernetes-rules.md §11).",
        example: Some(Example {
            file: "pod.yaml",
            bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  resources:\n    limits:\n      memory: 512Mi\n  containers:\n    - name: app\n      image: nginx:1.27\n",
            good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        limits:\n          memory: 512Mi\n",
            config: "[kubernetes]\nversion = \"1.31\"\n",
            good_file: "",
        }),
    },
    check: Some(check_versions),
};

fn check_versions(cx: &mut Context) {
    let version = cx.settings.kube_version;
    for (object, workload) in cx.workloads() {
        let Some(spec) = workload.pod_spec else {
            continue;
        };
        for &(field, minor, feature) in POD_FIELDS {
            if version.at_least(minor) {
                continue;
            }
            if let Some(node) = cx.tree.get(spec, field) {
                let span = cx.tree.name_span(node);
                cx.report_at(object, node, span, |path| {
                    format!("{path}: needs Kubernetes 1.{minor} or later ({feature}); checking against {version}")
                });
            }
        }
    }
}
