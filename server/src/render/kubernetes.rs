//! Plain Kubernetes: the workload as the API server stores it after the defaulting that matters
//! for sidecars (kubernetes-rules.md §5, §8, §9.1, §11), with the start order of init containers
//! and native sidecars (§1) and a note on classic sidecars in Jobs (§11).

use super::defaults::apply_api_defaults;
use super::header::{Header, Section};
use super::output::K8sObject;
use super::{Context, RenderError};
use crate::diagnostic::Dialect;
use crate::model::{Object, PodOwner, Role, Workload};
use crate::rules::codes;

/// Render one Kubernetes object that runs a pod.
pub(super) fn render(
    cx: &Context,
    object: &Object,
    workload: &Workload,
) -> Result<(Header, K8sObject), RenderError> {
    let kind = object.kind.as_deref().unwrap_or("");
    let name = workload.name.as_deref().unwrap_or("");
    let mut json = cx.json(object.root);
    if let Some(map) = json.as_object_mut() {
        map.remove("status");
    }
    let mut rendered = K8sObject::from_json(kind, json).map_err(|e| {
        cx.blocked(format!(
            "the {kind} cannot be read as Kubernetes reads it: {e}"
        ))
    })?;
    let mut header = Header::new(
        Dialect::Kubernetes,
        cx.settings.kube_version,
        format!("{kind} \"{name}\" after the API defaulting that matters for sidecars"),
    );
    let served = rendered.to_json()["apiVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if let Some(written) = &object.api_version
        && *written != served
    {
        header.add(
            Section::Notes,
            format!("written as apiVersion {written}; shown as {served}, the version Kubernetes {} serves", cx.settings.kube_version),
        );
    }
    if let Some(spec) = rendered.pod_spec_mut() {
        for line in apply_api_defaults(spec, kind == "Pod").lines() {
            header.add(Section::Defaults, line);
        }
    }
    if let Some(order) = start_order(workload) {
        header.add(Section::Notes, order);
    }
    if workload.owner == PodOwner::Batch {
        for c in workload
            .containers
            .iter()
            .filter(|c| c.role == Role::Sidecar)
        {
            header.add(
                Section::Notes,
                format!(
                    "{} is a classic sidecar in a Job: the Job completes only when every container has exited, so it never completes unless the sidecar exits; a native sidecar (an init container with restartPolicy: Always) stops by itself (kubernetes-rules.md §1, §11)",
                    c.label()
                ),
            );
        }
    }
    let unknown_fields = cx
        .analysis
        .diagnostics
        .iter()
        .any(|d| d.document == cx.document && d.code == codes::UNKNOWN_FIELD);
    if unknown_fields {
        header.add(
            Section::Elided,
            "fields Kubernetes does not know (the API server rejects or drops them)",
        );
    }
    header.add(
        Section::Elided,
        "other API defaults (replicas, strategy, dnsPolicy, schedulerName, securityContext…) and everything the cluster adds at admission",
    );
    Ok((header, rendered))
}

/// How the pod starts, when it has init containers (kubernetes-rules.md §1).
fn start_order(workload: &Workload) -> Option<String> {
    let label = |c: &crate::model::Container| format!("\"{}\"", c.name.as_deref().unwrap_or(""));
    let init: Vec<String> = workload
        .containers
        .iter()
        .filter_map(|c| match c.role {
            Role::Init => Some(format!("init container {} runs to completion", label(c))),
            Role::NativeSidecar => Some(format!(
                "native sidecar {} starts and keeps running (the next one starts once it has started, or once its startupProbe succeeds)",
                label(c)
            )),
            _ => None,
        })
        .collect();
    if init.is_empty() {
        return None;
    }
    let main: Vec<String> = workload
        .containers
        .iter()
        .filter(|c| matches!(c.role, Role::Main | Role::Sidecar))
        .map(label)
        .collect();
    let has_native = workload
        .containers
        .iter()
        .any(|c| c.role == Role::NativeSidecar);
    let then = match main.as_slice() {
        [] => String::new(),
        [one] => format!("; then container {one} starts"),
        many => format!("; then the containers {} start together", many.join(", ")),
    };
    let stop = if has_native {
        "; native sidecars stop after them"
    } else {
        ""
    };
    Some(format!(
        "start order: {}{then}{stop} (kubernetes-rules.md §1)",
        init.join(", then "),
    ))
}
