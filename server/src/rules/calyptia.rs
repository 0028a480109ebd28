//! Calyptia / Chronosphere pipeline sidecar spec files (research: calyptia.md §3–§4). The CLI's
//! source is not public: rules mirror the documented rules and the public REST schema, and say so.

use super::prelude::*;

/// C501.
pub static EXTENSION: Rule = Rule {
    meta: RuleMeta {
        code: codes::CALYPTIA_EXTENSION,
        name: "calyptia-spec-extension",
        origin: Origin::Calyptia,
        severity: Severity::Error,
        dialects: CALYPTIA,
        summary: "A sidecar spec file whose name does not end in `.json`.",
        why: "`calyptia create sidecar --spec FILE` and `update sidecar` require a `.json` \
              extension. Whether `.JSON` is accepted is not documented: that gets a warning.",
        mirrors: "Chronosphere docs, Pipeline sidecars: \"must include a `.json` file extension\" \
                  (calyptia.md §4.1).",
        example: Some(Example {
            file: "proxy",
            bad: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0"}"#,
            good: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0"}"#,
            config: "",
            good_file: "proxy.json",
        }),
    },
    check: Some(check_extension),
};

fn check_extension(cx: &mut Context) {
    let Some(path) = cx.path else { return };
    if path.ends_with(".json") {
        return;
    }
    let uppercase = path.to_ascii_lowercase().ends_with(".json");
    let file = std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |f| f.to_string_lossy().into_owned());
    for object in cx.objects() {
        let span = cx
            .tree
            .entries(object.root)
            .and_then(|e| e.first())
            .map_or_else(|| cx.tree.span(object.root), |e| e.key_span);
        if uppercase {
            cx.report_with(
                object,
                Severity::Warning,
                span,
                format!("the Calyptia CLI documents a `.json` extension; whether it accepts \"{file}\" is not documented: rename it to end in .json"),
            );
        } else {
            cx.report(
                object,
                span,
                format!("`calyptia create sidecar --spec` needs a file ending in .json; \"{file}\" is not accepted"),
            );
        }
    }
}

/// C502.
pub static VOLUME_TYPE: Rule = Rule {
    meta: RuleMeta {
        code: codes::CALYPTIA_VOLUME_TYPE,
        name: "calyptia-volume-type",
        origin: Origin::Calyptia,
        severity: Severity::Error,
        dialects: CALYPTIA,
        summary: "A sidecar volume that is not a ConfigMap.",
        why: "\"Pipeline sidecars only support ConfigMap volumes\", and the ConfigMap must exist \
              in the pipeline's namespace. The REST schema also lists `secret` and `emptyDir`, \
              and operator CRDs from v3.46 accept `secret`, but the documented contract is \
              ConfigMap only; `emptyDir` was never in the operator's CRD.",
        mirrors: "Chronosphere docs, Pipeline sidecars (calyptia.md §4.1, §4.4).",
        example: Some(Example {
            file: "proxy.json",
            bad: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "volumes": [{"name": "scratch", "emptyDir": {}}]}"#,
            good: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "volumes": [{"name": "envoy-config", "configMap": {"name": "envoy-config"}}]}"#,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_volume_type),
};

fn check_volume_type(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for v in &workload.volumes {
            let Some(node) = v.node else { continue };
            for e in cx.tree.entries(node).unwrap_or(&[]) {
                if matches!(&*e.key, "name" | "configMap") || cx.tree.is_null(e.value) {
                    continue;
                }
                let note = match &*e.key {
                    "secret" => {
                        " (the REST API and newer operator CRDs also take secret, but the documented contract is ConfigMap only)"
                    }
                    _ => "",
                };
                cx.report(
                    object,
                    e.key_span,
                    format!(
                        "pipeline sidecars only support ConfigMap volumes: `{}` is not one{note}",
                        e.key
                    ),
                );
            }
        }
    }
}

/// C503.
pub static PROBE_PORT: Rule = Rule {
    meta: RuleMeta {
        code: codes::CALYPTIA_PROBE_PORT,
        name: "calyptia-probe-port-not-numeric",
        origin: Origin::Calyptia,
        severity: Severity::Error,
        dialects: CALYPTIA,
        summary: "A probe port given as a name instead of a number.",
        why: "Unlike Kubernetes, Calyptia takes only numeric probe ports (1–65535); a named port \
              such as `http` fails sidecar creation.",
        mirrors: "Chronosphere docs: \"the port specifications for each probe must be valid \
                  numbers\"; REST schema `port: int32, 1..65535` (calyptia.md §3.2, §4.1).",
        example: Some(Example {
            file: "proxy.json",
            bad: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "ports": [{"name": "admin", "containerPort": 9901}], "readinessProbe": {"httpGet": {"path": "/ready", "port": "admin"}}}"#,
            good: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "ports": [{"name": "admin", "containerPort": 9901}], "readinessProbe": {"httpGet": {"path": "/ready", "port": 9901}}}"#,
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// C504.
pub static REQUIRED: Rule = Rule {
    meta: RuleMeta {
        code: codes::CALYPTIA_REQUIRED,
        name: "calyptia-required-field",
        origin: Origin::Calyptia,
        severity: Severity::Error,
        dialects: CALYPTIA,
        summary: "A sidecar spec without `name` or `image`.",
        why: "Both are required to create a sidecar.",
        mirrors: "Calyptia REST schema `CreateSidecar` (`required: [name, image]`; calyptia.md §3.2).",
        example: Some(Example {
            file: "proxy.sidecar.json",
            bad: r#"{"name": "proxy"}"#,
            good: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0"}"#,
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// C505.
pub static UNKNOWN_FIELD: Rule = Rule {
    meta: RuleMeta {
        code: codes::CALYPTIA_UNKNOWN_FIELD,
        name: "calyptia-unknown-field",
        origin: Origin::Calyptia,
        severity: Severity::Warning,
        dialects: CALYPTIA,
        summary: "A spec key the sidecar schema does not have.",
        why: "The CLI reads the spec into its own types and ignores keys it does not know, so a \
              typo (`imagePullPolcy`) or a Kubernetes field Calyptia does not offer (`hostPort`, \
              `securityContext`) silently does nothing.",
        mirrors: "Calyptia REST schema `CreateSidecar` (calyptia.md §3.2).",
        example: Some(Example {
            file: "proxy.json",
            bad: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "imagePullPolcy": "Always"}"#,
            good: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "imagePullPolicy": "Always"}"#,
            config: "",
            good_file: "",
        }),
    },
    check: None,
};

/// C506.
pub static RESOURCE_DROPPED: Rule = Rule {
    meta: RuleMeta {
        code: codes::CALYPTIA_RESOURCE_DROPPED,
        name: "calyptia-resource-dropped",
        origin: Origin::Calyptia,
        severity: Severity::Warning,
        dialects: CALYPTIA,
        summary: "A sidecar resource other than `cpu` and `memory`.",
        why: "The REST API accepts any resource name, but the operator's Pipeline CRD keeps only \
              `cpu` and `memory` for sidecars; a structural CRD prunes the rest, so \
              `ephemeral-storage` or a GPU request would not reach the pod (inferred from the \
              CRD; the operator's source is not public).",
        mirrors: "Calyptia operator CRD `SidecarContainer.resources` (calyptia.md §3.3, §4.4).",
        example: Some(Example {
            file: "proxy.json",
            bad: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "resources": {"limits": {"cpu": "500m", "memory": "256Mi", "ephemeral-storage": "1Gi"}}}"#,
            good: r#"{"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}}}"#,
            config: "",
            good_file: "",
        }),
    },
    check: Some(check_resources),
};

fn check_resources(cx: &mut Context) {
    for (object, workload) in cx.workloads() {
        for c in workload.containers.iter().filter(|c| c.platform.is_none()) {
            super::report_dropped_resources(cx, object, c, |key| {
                format!(
                    "the Calyptia operator keeps only cpu and memory for sidecars: `{key}` is dropped"
                )
            });
        }
    }
}

/// The Calyptia rules, in code order.
pub static RULES: &[&Rule] = &[
    &EXTENSION,
    &VOLUME_TYPE,
    &PROBE_PORT,
    &REQUIRED,
    &UNKNOWN_FIELD,
    &RESOURCE_DROPPED,
];
