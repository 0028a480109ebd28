//! `kubevela-sidecar-trait.json`: the `properties` of a KubeVela `sidecar` trait
//! (kubevela.md §1.3, §2).

use serde_json::{Value, json};

use crate::DRAFT_2020_12;

/// File name under `schemas/`.
pub const FILE: &str = "kubevela-sidecar-trait.json";

fn strings(description: &str) -> Value {
    json!({"type": "array", "items": {"type": "string"}, "description": description})
}

fn closed(required: &[&str], properties: Value, description: &str) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties,
        "description": description,
    })
}

fn timing(default: i64, description: &str) -> Value {
    json!({"type": "integer", "default": default, "description": description})
}

/// The schema (self-contained; it reuses no Kubernetes definition).
pub fn schema() -> Value {
    json!({
        "$schema": DRAFT_2020_12,
        "title": "KubeVela sidecar trait properties",
        "description": "The `properties` of a `type: sidecar` trait of a KubeVela Application \
            component. The trait appends one container to the workload's pod template \
            (`spec.template.spec.containers`), merged by `name`. These are the trait's own \
            parameters, not a Kubernetes Container: `cmd` instead of `command`, `volumes` with \
            `path` instead of `volumeMounts` with `mountPath`, and no `ports`, `resources` or \
            `startupProbe`. KubeVela accepts unknown keys here and silently drops them, so this \
            schema does not reject them either; a linter should warn about them.",
        "type": "object",
        "required": ["name", "image"],
        "properties": {
            "name": {
                "type": "string",
                "description": "Name of the sidecar container. If it equals the name of a \
                    container already in the pod (usually the component's), the sidecar is \
                    merged into that container instead of added.",
            },
            "image": {"type": "string", "description": "Image of the sidecar container."},
            "cmd": strings("Entrypoint of the sidecar, rendered as the container's `command`."),
            "args": strings("Arguments of the sidecar, rendered as the container's `args`."),
            "env": {
                "type": "array",
                "items": {"$ref": "#/$defs/EnvVar"},
                "description": "Environment variables, copied to the container's `env` as they \
                    are.",
            },
            "volumes": {
                "type": "array",
                "items": {"$ref": "#/$defs/VolumeMount"},
                "description": "Mounts of the sidecar, rendered as the container's \
                    `volumeMounts` (`path` becomes `mountPath`). The trait adds no pod volume: \
                    each `name` must already be a volume of the pod, from the component or \
                    another trait.",
            },
            "livenessProbe": {
                "$ref": "#/$defs/HealthProbe",
                "description": "Checks whether the sidecar is alive; rendered with every \
                    default written out.",
            },
            "readinessProbe": {
                "$ref": "#/$defs/HealthProbe",
                "description": "Checks whether the sidecar is ready for traffic; rendered with \
                    every default written out.",
            },
        },
        "$defs": {
            "EnvVar": {
                "type": "object",
                "required": ["name"],
                "description": "One environment variable. Keys other than those below pass \
                    through to Kubernetes unchecked.",
                "properties": {
                    "name": {"type": "string", "description": "Variable name."},
                    "value": {"type": "string", "description": "Literal value."},
                    "valueFrom": {
                        "type": "object",
                        "description": "Where the value comes from. Only the three sources \
                            below are declared by the trait; Kubernetes requires exactly one.",
                        "properties": {
                            "secretKeyRef": {
                                "type": "object",
                                "required": ["name", "key"],
                                "description": "A key of a Secret in the application's \
                                    namespace.",
                                "properties": {
                                    "name": {"type": "string", "description": "Secret name."},
                                    "key": {"type": "string", "description": "Key in the Secret."},
                                },
                            },
                            "configMapKeyRef": {
                                "type": "object",
                                "required": ["name", "key"],
                                "description": "A key of a ConfigMap in the application's \
                                    namespace.",
                                "properties": {
                                    "name": {"type": "string", "description": "ConfigMap name."},
                                    "key": {
                                        "type": "string",
                                        "description": "Key in the ConfigMap.",
                                    },
                                },
                            },
                            "fieldRef": {
                                "type": "object",
                                "required": ["fieldPath"],
                                "description": "A field of the pod, e.g. `metadata.name`.",
                                "properties": {
                                    "fieldPath": {
                                        "type": "string",
                                        "description": "Path of the field.",
                                    },
                                },
                            },
                        },
                    },
                },
            },
            "VolumeMount": {
                "type": "object",
                "required": ["name", "path"],
                "description": "One mount. Other keys (`readOnly`, `subPath`, …) are ignored: \
                    they are not copied to the container.",
                "properties": {
                    "name": {
                        "type": "string",
                        "description": "Name of a volume of the pod.",
                    },
                    "path": {
                        "type": "string",
                        "description": "Where the volume is mounted in the sidecar; rendered as \
                            `mountPath`.",
                    },
                },
            },
            "HealthProbe": {
                "type": "object",
                "additionalProperties": false,
                "description": "A probe in the trait's closed shape: unknown keys are errors. \
                    Give exactly one of `exec`, `httpGet` and `tcpSocket`; KubeVela does not \
                    check this, Kubernetes does. Ports are numbers only; there is no `grpc`, \
                    no `httpGet.scheme` or `host`, and no `terminationGracePeriodSeconds`.",
                "properties": {
                    "exec": closed(
                        &["command"],
                        json!({"command": strings("Command run in the container; exit status 0 \
                            means healthy.")}),
                        "Run a command in the container.",
                    ),
                    "httpGet": closed(
                        &["path", "port"],
                        json!({
                            "path": {"type": "string", "description": "HTTP path to request."},
                            "port": {"type": "integer", "description": "Port number to request."},
                            "httpHeaders": {
                                "type": "array",
                                "description": "Extra request headers.",
                                "items": closed(
                                    &["name", "value"],
                                    json!({
                                        "name": {"type": "string", "description": "Header name."},
                                        "value": {
                                            "type": "string",
                                            "description": "Header value.",
                                        },
                                    }),
                                    "One request header.",
                                ),
                            },
                        }),
                        "Send an HTTP GET request to the container (plain HTTP).",
                    ),
                    "tcpSocket": closed(
                        &["port"],
                        json!({"port": {"type": "integer", "description": "Port number to \
                            connect to."}}),
                        "Open a TCP connection to the container.",
                    ),
                    "initialDelaySeconds": timing(0, "Seconds after the container has started \
                        before the first probe."),
                    "periodSeconds": timing(10, "Seconds between two probes."),
                    "timeoutSeconds": timing(1, "Seconds after which a probe times out."),
                    "successThreshold": timing(1, "Consecutive successes after a failure for \
                        the probe to count as successful. Kubernetes requires 1 for liveness \
                        probes."),
                    "failureThreshold": timing(3, "Consecutive failures for the probe to count \
                        as failed."),
                },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialects::test_support::{expect, validator};

    #[test]
    fn accepts_and_rejects() {
        let v = validator(&schema());
        expect(
            &v,
            "valid",
            &json!({
                "name": "proxy",
                "image": "envoy:1",
                "cmd": ["envoy"],
                "env": [{"name": "A", "value": "b"}, {"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
                "volumes": [{"name": "logs", "path": "/var/log"}],
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5},
                "unknownKey": 1,
            }),
            true,
        );
        let with = |extra: Value| {
            let mut base = json!({"name": "proxy", "image": "envoy:1"});
            base.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            base
        };
        expect(&v, "no image", &json!({"name": "proxy"}), false);
        expect(
            &v,
            "mountPath instead of path",
            &with(json!({"volumes": [{"name": "v", "mountPath": "/x"}]})),
            false,
        );
        expect(
            &v,
            "probe typo",
            &with(json!({"readinessProbe": {"tcpSocket": {"port": 1}, "periodSecond": 3}})),
            false,
        );
        expect(
            &v,
            "named port",
            &with(json!({"livenessProbe": {"httpGet": {"path": "/", "port": "http"}}})),
            false,
        );
        expect(
            &v,
            "scheme",
            &with(
                json!({"livenessProbe": {"httpGet": {"path": "/", "port": 1, "scheme": "HTTPS"}}}),
            ),
            false,
        );
        expect(
            &v,
            "grpc",
            &with(json!({"livenessProbe": {"grpc": {"port": 1}}})),
            false,
        );
        expect(
            &v,
            "secretKeyRef without key",
            &with(json!({"env": [{"name": "S", "valueFrom": {"secretKeyRef": {"name": "s"}}}]})),
            false,
        );
    }
}
