//! Calyptia: the pipeline pod with a sidecar spec file's container (calyptia.md).
//!
//! The operator that turns `Pipeline.spec.sidecars[]` into pod containers is closed source
//! (§1, §5): what is documented is the sidecar's own shape (§3.2, §3.3) and the CRD's defaults;
//! where the sidecar lands, the main container's name and image and the workload kind are not.
//! The output shows the documented part and says what it assumed.

use k8s_openapi::api::core::v1::{
    Container, PodSpec, PodTemplate, PodTemplateSpec, ResourceRequirements, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value as JsonValue;

use super::header::{Header, Section};
use super::output::K8sObject;
use super::{Context, RenderError};
use crate::diagnostic::Dialect;
use crate::model::{Object, Role, Workload};

/// The Fluent Bit container's image: chosen by the operator, not public (§5).
const MAIN_IMAGE: &str = "<Fluent Bit image the Calyptia operator runs>";
/// The main container's name: not public (§5); this one is ours.
const MAIN_NAME: &str = "fluent-bit";

/// Render the pipeline pod of one sidecar spec.
pub(super) fn render(
    cx: &Context,
    object: &Object,
    workload: &Workload,
) -> Result<(Header, K8sObject), RenderError> {
    let tree = cx.tree;
    let name = workload.name.clone().unwrap_or_default();
    let mut header = Header::new(
        Dialect::Calyptia,
        cx.settings.kube_version,
        format!("the pipeline pod with sidecar \"{name}\""),
    );
    header.add(
        Section::Documented,
        "the sidecar container's fields, as the spec file gives them (the REST CreateSidecar schema, calyptia.md §3.2)",
    );
    header.add(
        Section::Documented,
        "the spec's volumes are pod volumes; only ConfigMap volumes are supported (calyptia.md §4.1)",
    );

    let Some(node) = workload
        .containers
        .iter()
        .find(|c| c.role == Role::Sidecar)
        .and_then(|c| c.node)
    else {
        return Err(cx.blocked("the spec has no sidecar container"));
    };
    let mut json = cx.json(node);
    let mut dropped = Vec::new();
    if let Some(map) = json.as_object_mut() {
        // Not container fields: the pod's volumes, and the editor's `$schema`.
        map.remove("volumes");
        map.remove("$schema");
        // The CRD keeps only cpu and memory (calyptia.md §3.3, §4.4: an inference).
        if let Some(JsonValue::Object(resources)) = map.get_mut("resources") {
            for section in ["requests", "limits"] {
                if let Some(JsonValue::Object(list)) = resources.get_mut(section) {
                    list.retain(|key, _| {
                        let keep = matches!(key.as_str(), "cpu" | "memory");
                        if !keep {
                            dropped.push(format!("{section}.{key}"));
                        }
                        keep
                    });
                }
            }
        }
    }
    let mut sidecar: Container = cx.typed(json.clone(), &format!("sidecar \"{name}\""))?;
    let unknown = cx.dropped_fields(&json, &sidecar);
    if !unknown.is_empty() {
        header.add(
            Section::Elided,
            format!(
                "fields a sidecar spec does not have: {} (calyptia.md §3.2)",
                unknown.join(", ")
            ),
        );
    }
    if sidecar.image_pull_policy.is_none() {
        sidecar.image_pull_policy = Some("IfNotPresent".into());
        header.add(
            Section::Defaults,
            "imagePullPolicy IfNotPresent: the Pipeline CRD's default, not Kubernetes' tag rule (calyptia.md §3.3, §4.4)",
        );
    }
    let mut defaulted_protocol = false;
    for port in sidecar.ports.iter_mut().flatten() {
        if port.protocol.is_none() {
            port.protocol = Some("TCP".into());
            defaulted_protocol = true;
        }
    }
    if defaulted_protocol {
        header.add(
            Section::Defaults,
            "port protocol TCP: the Pipeline CRD's default (calyptia.md §3.3)",
        );
    }
    if let Some(resources) = &sidecar.resources
        && resources == &ResourceRequirements::default()
    {
        sidecar.resources = None;
    }
    if !dropped.is_empty() {
        header.add(
            Section::Assumed,
            format!(
                "resources other than cpu and memory are pruned by the Pipeline CRD: {} (calyptia.md §4.4, an inference)",
                dropped.join(", ")
            ),
        );
    }
    let volumes: Option<Vec<Volume>> = tree
        .get(object.root, "volumes")
        .map(|v| cx.typed(cx.json(v), "volumes"))
        .transpose()?;

    header.add(
        Section::Assumed,
        "the sidecar is a classic sidecar in containers; the operator could also make it a native one (calyptia.md §5)",
    );
    header.add(
        Section::Assumed,
        "shown as a PodTemplate: the pipeline's workload kind (Deployment, DaemonSet, StatefulSet) comes from the Pipeline's spec.kind (calyptia.md §5)",
    );
    header.add(
        Section::Assumed,
        format!("the main container's name \"{MAIN_NAME}\" (the operator's is not public, calyptia.md §5)"),
    );
    header.add(
        Section::Placeholders,
        "the main container's Fluent Bit image (chosen by the operator, calyptia.md §5)",
    );
    header.add(
        Section::Elided,
        "the operator's own containers, volumes, ports and settings, and the pipeline's other sidecars (calyptia.md §5)",
    );

    let template = PodTemplate {
        metadata: ObjectMeta {
            name: Some("pipeline".into()),
            ..Default::default()
        },
        template: Some(PodTemplateSpec {
            metadata: None,
            spec: Some(PodSpec {
                containers: vec![
                    Container {
                        name: MAIN_NAME.into(),
                        image: Some(MAIN_IMAGE.into()),
                        ..Default::default()
                    },
                    sidecar,
                ],
                volumes,
                ..Default::default()
            }),
        }),
    };
    header.add(
        Section::Assumed,
        "metadata.name \"pipeline\": the pipeline's own name is not in the spec file",
    );
    Ok((header, K8sObject::PodTemplate(template)))
}
