//! Rendered objects as typed `k8s-openapi` values, and their text: YAML (with the header as
//! comments) or JSON.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    Pod, PodSpec, PodTemplate, PodTemplateSpec, ReplicationController,
};
use serde::Serialize;
use serde_json::Value as JsonValue;

use super::RenderedObject;

/// How rendered objects are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// YAML documents, each after its header in `#` comments.
    #[default]
    Yaml,
    /// A JSON array of `{"header": {…}, "object": {…}}`.
    Json,
}

/// A Kubernetes object that runs a pod, as `k8s-openapi` types.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum K8sObject {
    /// `v1 Pod`.
    Pod(Pod),
    /// `v1 PodTemplate`: used when the platform's workload kind is not known.
    PodTemplate(PodTemplate),
    /// `apps/v1 Deployment`.
    Deployment(Deployment),
    /// `apps/v1 ReplicaSet`.
    ReplicaSet(ReplicaSet),
    /// `apps/v1 StatefulSet`.
    StatefulSet(StatefulSet),
    /// `apps/v1 DaemonSet`.
    DaemonSet(DaemonSet),
    /// `v1 ReplicationController`.
    ReplicationController(ReplicationController),
    /// `batch/v1 Job`.
    Job(Job),
    /// `batch/v1 CronJob`.
    CronJob(CronJob),
}

/// The kinds [`K8sObject`] covers, for messages.
pub const KINDS: &[&str] = &[
    "Pod",
    "PodTemplate",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

impl K8sObject {
    /// Read an object of `kind` from JSON. `apiVersion` and `kind` in the value are ignored (the
    /// served version is used), unknown fields are dropped, and a field of the wrong type is an
    /// error.
    pub fn from_json(kind: &str, mut value: JsonValue) -> Result<K8sObject, String> {
        if let Some(map) = value.as_object_mut() {
            map.remove("apiVersion");
            map.remove("kind");
        }
        let read = |v: JsonValue| -> Result<K8sObject, serde_json::Error> {
            Ok(match kind {
                "Pod" => K8sObject::Pod(serde_json::from_value(v)?),
                "PodTemplate" => K8sObject::PodTemplate(serde_json::from_value(v)?),
                "Deployment" => K8sObject::Deployment(serde_json::from_value(v)?),
                "ReplicaSet" => K8sObject::ReplicaSet(serde_json::from_value(v)?),
                "StatefulSet" => K8sObject::StatefulSet(serde_json::from_value(v)?),
                "DaemonSet" => K8sObject::DaemonSet(serde_json::from_value(v)?),
                "ReplicationController" => {
                    K8sObject::ReplicationController(serde_json::from_value(v)?)
                }
                "Job" => K8sObject::Job(serde_json::from_value(v)?),
                "CronJob" => K8sObject::CronJob(serde_json::from_value(v)?),
                _ => {
                    return Err(serde::de::Error::custom(format!(
                        "`{kind}` is not a kind that runs a pod ({})",
                        KINDS.join(", ")
                    )));
                }
            })
        };
        read(value).map_err(|e| e.to_string())
    }

    /// Read a rendered object back from its JSON (with `kind`).
    pub fn from_rendered_json(value: JsonValue) -> Result<K8sObject, String> {
        let kind = value
            .get("kind")
            .and_then(JsonValue::as_str)
            .ok_or("the object has no `kind`")?
            .to_string();
        K8sObject::from_json(&kind, value)
    }

    /// The kind.
    pub fn kind(&self) -> &'static str {
        match self {
            K8sObject::Pod(_) => "Pod",
            K8sObject::PodTemplate(_) => "PodTemplate",
            K8sObject::Deployment(_) => "Deployment",
            K8sObject::ReplicaSet(_) => "ReplicaSet",
            K8sObject::StatefulSet(_) => "StatefulSet",
            K8sObject::DaemonSet(_) => "DaemonSet",
            K8sObject::ReplicationController(_) => "ReplicationController",
            K8sObject::Job(_) => "Job",
            K8sObject::CronJob(_) => "CronJob",
        }
    }

    /// The pod spec the object runs, if it has one.
    pub fn pod_spec(&self) -> Option<&PodSpec> {
        match self {
            K8sObject::Pod(p) => p.spec.as_ref(),
            other => other.template()?.spec.as_ref(),
        }
    }

    /// The pod spec, mutably.
    pub fn pod_spec_mut(&mut self) -> Option<&mut PodSpec> {
        match self {
            K8sObject::Pod(p) => p.spec.as_mut(),
            other => other.template_mut()?.spec.as_mut(),
        }
    }

    fn template(&self) -> Option<&PodTemplateSpec> {
        match self {
            K8sObject::Pod(_) => None,
            K8sObject::PodTemplate(t) => t.template.as_ref(),
            K8sObject::Deployment(d) => Some(&d.spec.template),
            K8sObject::ReplicaSet(r) => r.spec.template.as_ref(),
            K8sObject::StatefulSet(s) => Some(&s.spec.template),
            K8sObject::DaemonSet(d) => Some(&d.spec.template),
            K8sObject::ReplicationController(r) => r.spec.as_ref()?.template.as_ref(),
            K8sObject::Job(j) => j.spec.as_ref().map(|s| &s.template),
            K8sObject::CronJob(c) => c.spec.job_template.spec.as_ref().map(|s| &s.template),
        }
    }

    fn template_mut(&mut self) -> Option<&mut PodTemplateSpec> {
        match self {
            K8sObject::Pod(_) => None,
            K8sObject::PodTemplate(t) => t.template.as_mut(),
            K8sObject::Deployment(d) => Some(&mut d.spec.template),
            K8sObject::ReplicaSet(r) => r.spec.template.as_mut(),
            K8sObject::StatefulSet(s) => Some(&mut s.spec.template),
            K8sObject::DaemonSet(d) => Some(&mut d.spec.template),
            K8sObject::ReplicationController(r) => r.spec.as_mut()?.template.as_mut(),
            K8sObject::Job(j) => j.spec.as_mut().map(|s| &mut s.template),
            K8sObject::CronJob(c) => c.spec.job_template.spec.as_mut().map(|s| &mut s.template),
        }
    }

    /// The object as JSON (with `apiVersion` and `kind`).
    pub fn to_json(&self) -> JsonValue {
        // Serialising k8s-openapi types to a JSON value cannot fail: keys are strings.
        serde_json::to_value(self).unwrap_or(JsonValue::Null)
    }
}

impl Serialize for K8sObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            K8sObject::Pod(o) => o.serialize(serializer),
            K8sObject::PodTemplate(o) => o.serialize(serializer),
            K8sObject::Deployment(o) => o.serialize(serializer),
            K8sObject::ReplicaSet(o) => o.serialize(serializer),
            K8sObject::StatefulSet(o) => o.serialize(serializer),
            K8sObject::DaemonSet(o) => o.serialize(serializer),
            K8sObject::ReplicationController(o) => o.serialize(serializer),
            K8sObject::Job(o) => o.serialize(serializer),
            K8sObject::CronJob(o) => o.serialize(serializer),
        }
    }
}

/// YAML options: kubectl's layout (2 spaces, list items at the key's indentation), literal blocks
/// for multi-line strings only, and YAML 1.1-safe quoting (Kubernetes reads YAML 1.1).
fn yaml_options() -> serde_saphyr::SerializerOptions {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.indent_step = 2;
    options.compact_list_indent = true;
    options.prefer_block_scalars = true;
    // Never fold long single-line strings (a command line stays one line).
    options.folded_wrap_chars = usize::MAX;
    options.yaml_12 = false;
    options
}

/// One object as YAML: its header as comments, then the object.
pub fn object_yaml(object: &RenderedObject) -> String {
    let mut out = object.header.to_comment();
    match serde_saphyr::to_string_with_options(&object.object, yaml_options()) {
        Ok(text) => out.push_str(&text),
        // Not expected for k8s-openapi values; say so rather than print half an object.
        Err(e) => out.push_str(&format!(
            "# error: the object could not be written as YAML: {e}\n"
        )),
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Several objects as a YAML stream.
pub fn yaml(objects: &[RenderedObject]) -> String {
    objects
        .iter()
        .map(object_yaml)
        .collect::<Vec<_>>()
        .join("---\n")
}

/// Several objects as a pretty JSON array of `{"header", "object"}`, ending in a newline.
pub fn json(objects: &[RenderedObject]) -> String {
    let items: Vec<JsonValue> = objects
        .iter()
        .map(|o| serde_json::json!({"header": o.header.to_json(), "object": o.object.to_json()}))
        .collect();
    let mut text =
        serde_json::to_string_pretty(&JsonValue::Array(items)).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Format, parse};

    /// Strings a YAML 1.1 reader (Kubernetes) would retype must come back as the same strings.
    #[test]
    fn yaml_output_keeps_every_string_a_string_for_kubernetes() {
        let tricky = [
            "on",
            "Off",
            "yes",
            "NO",
            "y",
            "n",
            "~",
            "null",
            "",
            "0755",
            "0o17",
            "0x1F",
            "1e3",
            "12:30",
            "1_000",
            ".inf",
            "-.Inf",
            ".NaN",
            "true",
            "1.5",
            "+1",
            "-c",
            "* x",
            "@x",
            "#x",
            "a: b",
            "- x",
            "=",
            "<placeholder>",
            "trailing ",
            " leading",
            "tab\tin",
            "multi\nline\n",
            "no newline\nat end",
            "  indented\nfirst",
            "'quoted'",
            "\"dq\"",
            "i=0; while true;\ndo\n  echo \"$i: $(date)\" >> /var/log/date.log;\ndone\n",
        ];
        let value = serde_json::json!({ "items": tricky.as_slice() });
        let text = serde_saphyr::to_string_with_options(&value, yaml_options()).unwrap();
        let parsed = parse(&text, Format::Yaml);
        assert!(parsed.errors.is_empty(), "{text}\n{:?}", parsed.errors);
        let root = parsed.documents[0].root.unwrap();
        let back = crate::schema::instance::to_json(&parsed.tree, root);
        assert_eq!(back, value, "{text}");
    }
}
