//! `calyptia-sidecar.json`: a Calyptia (Chronosphere Telemetry Pipeline) sidecar spec file, the
//! REST `CreateSidecar` body (calyptia.md §3.2, §4).
//!
//! The shapes are Calyptia's own (narrower than Kubernetes': numeric ports only, few volume
//! sources), so no Kubernetes definition is embedded; where a field is the same Kubernetes
//! field, its description is Kubernetes'.

use serde_json::{Map, Value, json};

use super::{Kubernetes, described};
use crate::DRAFT_2020_12;

/// File name under `schemas/`.
pub const FILE: &str = "calyptia-sidecar.json";

/// A closed object schema.
fn object(required: &[&str], properties: Value) -> Value {
    let mut schema = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn string() -> Value {
    json!({"type": "string"})
}

fn nullable_string() -> Value {
    json!({"type": ["string", "null"]})
}

fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

fn array_of(definition: &str) -> Value {
    json!({"type": "array", "items": {"$ref": format!("#/$defs/{definition}")}})
}

fn reference(definition: &str) -> Value {
    json!({"$ref": format!("#/$defs/{definition}")})
}

fn port() -> Value {
    json!({"type": "integer", "format": "int32", "minimum": 1, "maximum": 65535})
}

fn nullable_int32(minimum: i64) -> Value {
    json!({"type": ["integer", "null"], "format": "int32", "minimum": minimum, "maximum": i32::MAX})
}

/// Builds the `$defs` and top level from descriptions borrowed from Kubernetes.
struct Builder<'k> {
    kubernetes: &'k Kubernetes,
}

impl Builder<'_> {
    /// `schema` described as the Kubernetes field `definition.property`.
    fn k8s(&self, schema: Value, definition: &str, property: &str) -> Value {
        described(schema, self.kubernetes.description(definition, property))
    }

    /// Like [`Self::k8s`], with a Calyptia-specific note appended as its own paragraph.
    fn k8s_note(&self, schema: Value, definition: &str, property: &str, note: &str) -> Value {
        let text = format!(
            "{}\n\n{note}",
            self.kubernetes.description(definition, property)
        );
        described(schema, text)
    }

    fn handler_properties(&self, definition: &str, sleep: bool) -> Value {
        let mut properties = json!({
            "exec": self.k8s(reference("ExecAction"), definition, "exec"),
            "httpGet": self.k8s(reference("HTTPGetAction"), definition, "httpGet"),
            "tcpSocket": self.k8s(reference("TCPSocketAction"), definition, "tcpSocket"),
        });
        if sleep {
            properties["sleep"] = self.k8s(reference("SleepAction"), definition, "sleep");
        }
        properties
    }

    fn probe(&self) -> Value {
        let mut properties = self.handler_properties("Probe", false);
        properties["grpc"] = self.k8s(reference("GRPCAction"), "Probe", "grpc");
        for timing in [
            "initialDelaySeconds",
            "timeoutSeconds",
            "periodSeconds",
            "successThreshold",
            "failureThreshold",
        ] {
            properties[timing] = self.k8s(nullable_int32(0), "Probe", timing);
        }
        properties["terminationGracePeriodSeconds"] = self.k8s(
            json!({"type": ["integer", "null"], "format": "int64", "minimum": 0}),
            "Probe",
            "terminationGracePeriodSeconds",
        );
        described(
            object(&[], properties),
            "A Kubernetes probe with numeric ports only. Give exactly one handler (`exec`, \
             `httpGet`, `tcpSocket` or `grpc`); the schema does not enforce this, Kubernetes \
             does.",
        )
    }

    fn definitions(&self) -> Map<String, Value> {
        let mut defs = Map::new();
        let mut def = |name: &str, schema: Value| {
            defs.insert(name.to_owned(), schema);
        };
        def(
            "EnvVar",
            object(
                &["name"],
                json!({
                    "name": self.k8s(string(), "EnvVar", "name"),
                    "value": self.k8s(string(), "EnvVar", "value"),
                    "valueFrom": self.k8s_note(
                        reference("EnvVarSource"),
                        "EnvVar",
                        "valueFrom",
                        "Calyptia accepts only `secretKeyRef` and `configMapKeyRef`.",
                    ),
                }),
            ),
        );
        def(
            "EnvVarSource",
            object(
                &[],
                json!({
                    "secretKeyRef": self.k8s(reference("KeySelector"), "EnvVarSource", "secretKeyRef"),
                    "configMapKeyRef": self.k8s(reference("KeySelector"), "EnvVarSource", "configMapKeyRef"),
                }),
            ),
        );
        def(
            "KeySelector",
            described(
                object(
                    &["name", "key"],
                    json!({
                        "name": described(string(), "Name of the Secret or ConfigMap, in the \
                            pipeline's namespace."),
                        "key": described(string(), "The key to select."),
                    }),
                ),
                "A key of a Secret or ConfigMap.",
            ),
        );
        def(
            "ResourceRequirements",
            object(
                &[],
                json!({
                    "limits": self.k8s(reference("ResourceList"), "ResourceRequirements", "limits"),
                    "requests": self.k8s(reference("ResourceList"), "ResourceRequirements", "requests"),
                }),
            ),
        );
        def(
            "ResourceList",
            json!({
                "type": "object",
                "description": "Quantities by resource name, as strings (e.g. `cpu: \"500m\"`, \
                    `memory: \"128Mi\"`). The REST API accepts any resource name; the operator's \
                    CRD keeps only `cpu` and `memory`.",
                "properties": {
                    "cpu": described(string(), "CPU, in cores (`\"0.5\"`, `\"500m\"`)."),
                    "memory": described(string(), "Memory, in bytes (`\"128Mi\"`, `\"1Gi\"`)."),
                },
                "additionalProperties": {"type": "string"},
            }),
        );
        def(
            "ContainerPort",
            object(
                &["containerPort"],
                json!({
                    "name": self.k8s(string(), "ContainerPort", "name"),
                    "containerPort": self.k8s(port(), "ContainerPort", "containerPort"),
                    "protocol": self.k8s(
                        json!({"enum": ["TCP", "UDP", "SCTP"], "default": "TCP"}),
                        "ContainerPort",
                        "protocol",
                    ),
                }),
            ),
        );
        def(
            "VolumeMount",
            object(
                &["name", "mountPath"],
                json!({
                    "name": self.k8s(string(), "VolumeMount", "name"),
                    "mountPath": self.k8s(string(), "VolumeMount", "mountPath"),
                    "readOnly": self.k8s(json!({"type": "boolean"}), "VolumeMount", "readOnly"),
                    "subPath": self.k8s(string(), "VolumeMount", "subPath"),
                    "subPathExpr": self.k8s(string(), "VolumeMount", "subPathExpr"),
                    "mountPropagation": self.k8s(
                        json!({"enum": ["None", "HostToContainer", "Bidirectional"]}),
                        "VolumeMount",
                        "mountPropagation",
                    ),
                }),
            ),
        );
        let configmap_only = "Calyptia's documentation supports ConfigMap volumes only; the \
            REST schema also accepts this source, but a linter rule reports it.";
        def(
            "Volume",
            described(
                object(
                    &["name"],
                    json!({
                        "name": self.k8s(string(), "Volume", "name"),
                        "configMap": self.k8s_note(
                            reference("ConfigMapVolumeSource"),
                            "Volume",
                            "configMap",
                            "The ConfigMap must exist in the pipeline's namespace.",
                        ),
                        "secret": self.k8s_note(
                            reference("SecretVolumeSource"),
                            "Volume",
                            "secret",
                            configmap_only,
                        ),
                        "emptyDir": self.k8s_note(
                            reference("EmptyDirVolumeSource"),
                            "Volume",
                            "emptyDir",
                            configmap_only,
                        ),
                    }),
                ),
                "A volume of the pipeline pod for the sidecar to mount. Calyptia supports \
                 `configMap` volumes only (see its documentation); `secret` and `emptyDir` are \
                 in the REST schema but reported by a linter rule.",
            ),
        );
        let mode = || nullable_int32(i64::from(i32::MIN));
        def(
            "ConfigMapVolumeSource",
            object(
                &["name"],
                json!({
                    "name": self.k8s(string(), "ConfigMapVolumeSource", "name"),
                    "defaultMode": self.k8s(mode(), "ConfigMapVolumeSource", "defaultMode"),
                    "optional": self.k8s(json!({"type": ["boolean", "null"]}), "ConfigMapVolumeSource", "optional"),
                    "items": self.k8s(array_of("KeyToPath"), "ConfigMapVolumeSource", "items"),
                }),
            ),
        );
        def(
            "SecretVolumeSource",
            object(
                &["secretName"],
                json!({
                    "secretName": self.k8s(string(), "SecretVolumeSource", "secretName"),
                    "defaultMode": self.k8s(mode(), "SecretVolumeSource", "defaultMode"),
                    "optional": self.k8s(json!({"type": ["boolean", "null"]}), "SecretVolumeSource", "optional"),
                    "items": self.k8s(array_of("KeyToPath"), "SecretVolumeSource", "items"),
                }),
            ),
        );
        def(
            "KeyToPath",
            object(
                &["key", "path"],
                json!({
                    "key": self.k8s(string(), "KeyToPath", "key"),
                    "path": self.k8s(string(), "KeyToPath", "path"),
                    "mode": self.k8s(mode(), "KeyToPath", "mode"),
                }),
            ),
        );
        def(
            "EmptyDirVolumeSource",
            object(
                &[],
                json!({
                    "medium": self.k8s(string(), "EmptyDirVolumeSource", "medium"),
                    "sizeLimit": self.k8s(nullable_string(), "EmptyDirVolumeSource", "sizeLimit"),
                }),
            ),
        );
        def("Probe", self.probe());
        def(
            "ExecAction",
            object(
                &["command"],
                json!({"command": self.k8s(strings(), "ExecAction", "command")}),
            ),
        );
        def(
            "HTTPGetAction",
            object(
                &["port"],
                json!({
                    "path": self.k8s(string(), "HTTPGetAction", "path"),
                    "port": self.k8s_note(port(), "HTTPGetAction", "port", "Calyptia accepts a number only."),
                    "host": self.k8s(nullable_string(), "HTTPGetAction", "host"),
                    "scheme": self.k8s(json!({"enum": ["HTTP", "HTTPS"]}), "HTTPGetAction", "scheme"),
                    "httpHeaders": self.k8s(array_of("HTTPHeader"), "HTTPGetAction", "httpHeaders"),
                }),
            ),
        );
        def(
            "HTTPHeader",
            object(
                &["name", "value"],
                json!({
                    "name": self.k8s(string(), "HTTPHeader", "name"),
                    "value": self.k8s(string(), "HTTPHeader", "value"),
                }),
            ),
        );
        def(
            "TCPSocketAction",
            object(
                &["port"],
                json!({
                    "port": self.k8s_note(port(), "TCPSocketAction", "port", "Calyptia accepts a number only."),
                    "host": self.k8s(nullable_string(), "TCPSocketAction", "host"),
                }),
            ),
        );
        def(
            "GRPCAction",
            object(
                &["port"],
                json!({
                    "port": self.k8s(port(), "GRPCAction", "port"),
                    "service": self.k8s(nullable_string(), "GRPCAction", "service"),
                }),
            ),
        );
        def(
            "Lifecycle",
            object(
                &[],
                json!({
                    "postStart": self.k8s(reference("LifecycleHandler"), "Lifecycle", "postStart"),
                    "preStop": self.k8s(reference("LifecycleHandler"), "Lifecycle", "preStop"),
                }),
            ),
        );
        def(
            "LifecycleHandler",
            described(
                object(&[], self.handler_properties("LifecycleHandler", true)),
                "A lifecycle hook handler. Give exactly one of `exec`, `httpGet`, `tcpSocket` \
                 and `sleep`.",
            ),
        );
        def(
            "SleepAction",
            object(
                &["seconds"],
                json!({
                    "seconds": self.k8s(
                        json!({"type": "integer", "format": "int64", "minimum": 0}),
                        "SleepAction",
                        "seconds",
                    ),
                }),
            ),
        );
        defs
    }

    fn schema(&self) -> Value {
        let probe = |property: &str| self.k8s(reference("Probe"), "Container", property);
        json!({
            "$schema": DRAFT_2020_12,
            "title": "Calyptia pipeline sidecar",
            "description": "A sidecar spec file for `calyptia create sidecar --spec FILE.json` \
                (and `update sidecar`): the body of the REST `CreateSidecar` request. The \
                operator runs each sidecar as a container in the pipeline's pods. The CLI \
                ignores unknown keys; this schema flags them (at every level), since they are \
                most likely typos that would silently have no effect.",
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "image"],
            "properties": {
                "name": described(string(), "Name of the sidecar container. Kubernetes requires \
                    a DNS-1123 label, unique among the pod's containers."),
                "image": self.k8s(string(), "Container", "image"),
                "imagePullPolicy": self.k8s_note(
                    json!({"enum": ["Always", "IfNotPresent", "Never"], "default": "IfNotPresent"}),
                    "Container",
                    "imagePullPolicy",
                    "Calyptia's operator defaults it to IfNotPresent whatever the image tag.",
                ),
                "command": self.k8s(strings(), "Container", "command"),
                "args": self.k8s(strings(), "Container", "args"),
                "env": self.k8s(array_of("EnvVar"), "Container", "env"),
                "resources": self.k8s(reference("ResourceRequirements"), "Container", "resources"),
                "ports": self.k8s(array_of("ContainerPort"), "Container", "ports"),
                "volumeMounts": self.k8s(array_of("VolumeMount"), "Container", "volumeMounts"),
                "volumes": described(
                    array_of("Volume"),
                    "Volumes of the pipeline pod that this sidecar mounts. Calyptia supports \
                     ConfigMap volumes only.",
                ),
                "livenessProbe": probe("livenessProbe"),
                "readinessProbe": probe("readinessProbe"),
                "startupProbe": probe("startupProbe"),
                "lifecycle": self.k8s(reference("Lifecycle"), "Container", "lifecycle"),
            },
            "$defs": self.definitions(),
        })
    }
}

/// The schema. `kubernetes` supplies descriptions only.
pub fn schema(kubernetes: &Kubernetes) -> Value {
    Builder { kubernetes }.schema()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialects::test_support::{expect, validator};

    #[test]
    fn accepts_and_rejects() {
        let v = validator(&schema(&Kubernetes::new()));
        let valid = json!({
            "name": "nginx",
            "image": "nginx:1.27",
            "imagePullPolicy": "IfNotPresent",
            "env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k"}}}],
            "resources": {"limits": {"cpu": "500m", "memory": "128Mi", "ephemeral-storage": "1Gi"}},
            "ports": [{"containerPort": 8080, "name": "http"}],
            "volumeMounts": [{"name": "conf", "mountPath": "/etc/nginx/conf.d", "readOnly": true}],
            "volumes": [{"name": "conf", "configMap": {"name": "nginx-conf", "defaultMode": 420}}],
            "livenessProbe": {"httpGet": {"path": "/", "port": 8080}, "periodSeconds": 10},
            "lifecycle": {"preStop": {"sleep": {"seconds": 5}}},
        });
        expect(&v, "valid", &valid, true);
        let with = |extra: Value| {
            let mut base = json!({"name": "n", "image": "i"});
            base.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            base
        };
        expect(
            &v,
            "unknown key",
            &with(json!({"imagePullPolcy": "Always"})),
            false,
        );
        expect(&v, "no image", &json!({"name": "n"}), false);
        expect(
            &v,
            "pull policy case",
            &with(json!({"imagePullPolicy": "always"})),
            false,
        );
        expect(
            &v,
            "port 0",
            &with(json!({"ports": [{"containerPort": 0}]})),
            false,
        );
        expect(
            &v,
            "named probe port",
            &with(json!({"readinessProbe": {"tcpSocket": {"port": "http"}}})),
            false,
        );
        expect(
            &v,
            "negative period",
            &with(json!({"startupProbe": {"exec": {"command": ["true"]}, "periodSeconds": -1}})),
            false,
        );
        expect(
            &v,
            "fieldRef",
            &with(json!({"env": [{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "x"}}}]})),
            false,
        );
        expect(
            &v,
            "sleep without seconds",
            &with(json!({"lifecycle": {"postStart": {"sleep": {}}}})),
            false,
        );
        expect(
            &v,
            "resource as number",
            &with(json!({"resources": {"requests": {"cpu": 1}}})),
            false,
        );
    }
}
