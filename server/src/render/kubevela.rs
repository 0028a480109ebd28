//! KubeVela: the workload a component renders, with its `sidecar` traits patched in, in the
//! order they are listed (kubevela.md §2).
//!
//! `worker` and `webservice` render an `apps/v1` Deployment named after the component whose main
//! container carries the component's name (§2.3). Each sidecar trait becomes one container
//! `{name, image, command←cmd, args, env, volumeMounts←volumes, probes}` appended after the
//! existing ones; a container of the same name is merged instead, and differing values fail as in
//! CUE (§2.1, §2.4). Probes get the 0/10/1/1/3 defaults written out (§1.3, §2.2). The trait never
//! adds a pod volume (§2.2). Other component types keep their pod under `spec.template` (§2.3),
//! but their workloads are not covered by the research: they are shown as a PodTemplate, with a
//! note.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, Container, ContainerPort, EmptyDirVolumeSource, EnvVar,
    HostPathVolumeSource, LocalObjectReference, PersistentVolumeClaimVolumeSource, PodSpec,
    PodTemplate, PodTemplateSpec, Probe, ResourceRequirements, SecretVolumeSource, Volume,
    VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::Value as JsonValue;

use super::defaults::vela_probe_defaults;
use super::header::{Header, Section};
use super::output::K8sObject;
use super::{Context, RenderError};
use crate::diagnostic::Dialect;
use crate::model::{KUBEVELA_TRAIT_PROPERTIES, Object, Role, Workload};
use crate::syntax::NodeId;

/// Component types whose main container, named after the component, sits in
/// `spec.template.spec.containers` but whose workload the research does not spell out (§2.3).
const TEMPLATE_ONLY_TYPES: &[&str] = &["statefulset", "daemon", "task"];

/// The probe defaults, for the header.
const PROBE_DEFAULTS: &str = "initialDelaySeconds 0, periodSeconds 10, timeoutSeconds 1, successThreshold 1, failureThreshold 3";

/// Render one component (or a standalone trait parameter file).
pub(super) fn render(
    cx: &Context,
    object: &Object,
    workload: &Workload,
) -> Result<(Header, K8sObject), RenderError> {
    if object.kind.is_none() {
        return standalone_trait(cx, workload);
    }
    let tree = cx.tree;
    let app = object.root;
    let component = workload.anchor;
    let name = workload.name.clone().unwrap_or_default();
    let component_type = tree.get_str(component, "type").unwrap_or("").to_string();
    let app_name = tree
        .get_path(app, &["metadata", "name"])
        .and_then(|n| tree.str(n))
        .unwrap_or("")
        .to_string();
    let properties = tree.get(component, "properties");
    let renders_deployment = matches!(component_type.as_str(), "worker" | "webservice");
    let title = if renders_deployment {
        format!(
            "the Deployment component \"{name}\" of Application \"{app_name}\" renders, with its sidecar traits"
        )
    } else {
        format!(
            "the pod of component \"{name}\" of Application \"{app_name}\", with its sidecar traits"
        )
    };
    let mut header = Header::new(Dialect::Kubevela, cx.settings.kube_version, title);
    header.add(
        Section::Documented,
        "each sidecar trait appends one container after the existing ones, in trait order; a container with the same name is merged (kubevela.md §2.1)",
    );
    header.add(
        Section::Documented,
        "cmd becomes command, volumes {name, path} become volumeMounts; the trait adds no pod volume (kubevela.md §2.2)",
    );
    if component_type == "cron-task" {
        return Err(cx.blocked(format!(
            "component \"{name}\" is a cron-task: the sidecar trait patches spec.template.spec.containers, which a CronJob does not have, so the sidecar never reaches the pod (kubevela.md §2.3)"
        )));
    }

    // The component's own pod: its main container and volumes.
    let mut pod = PodParts::default();
    if renders_deployment {
        main_container(
            cx,
            properties,
            &name,
            &component_type,
            &mut pod,
            &mut header,
        )?;
    } else if TEMPLATE_ONLY_TYPES.contains(&component_type.as_str()) {
        pod.containers.push(Container {
            name: name.clone(),
            image: properties
                .and_then(|p| tree.get_str(p, "image"))
                .map(str::to_string),
            ..Default::default()
        });
        header.add(
            Section::Assumed,
            format!(
                "a {component_type} component's workload and the rest of its main container are not covered by our research: only the pod template is shown, with the main container named after the component (kubevela.md §2.3)"
            ),
        );
    } else {
        header.add(
            Section::Assumed,
            format!(
                "component type \"{component_type}\" is not built in: its workload and containers are unknown, so only the sidecar containers are shown"
            ),
        );
    }

    // The sidecar traits, in order (§2.4 step 2).
    let mut list: Vec<JsonValue> = pod
        .containers
        .iter()
        .map(|c| serde_json::to_value(c).unwrap_or(JsonValue::Null))
        .collect();
    for sidecar in workload
        .containers
        .iter()
        .filter(|c| c.role == Role::Sidecar)
    {
        let Some(props) = sidecar.node else { continue };
        let patch = sidecar_container(cx, props, &mut header)?;
        let patch = serde_json::to_value(&patch).unwrap_or(JsonValue::Null);
        merge_by_name(&mut list, patch).map_err(|conflict| {
            cx.blocked(format!(
                "invalid patch trait sidecar into workload: {conflict} (kubevela.md §2.1)"
            ))
        })?;
    }
    let containers: Vec<Container> = cx.typed(JsonValue::Array(list), "the patched containers")?;

    let other_traits: Vec<String> = tree
        .get(component, "traits")
        .and_then(|t| tree.items(t))
        .unwrap_or(&[])
        .iter()
        .filter_map(|&t| tree.get_str(t, "type"))
        .filter(|t| *t != "sidecar")
        .map(str::to_string)
        .collect();
    if !other_traits.is_empty() {
        header.add(
            Section::Elided,
            format!(
                "traits other than sidecar are not applied: {}",
                other_traits.join(", ")
            ),
        );
    }
    header.add(
        Section::Elided,
        "Kubernetes API defaults: this is what KubeVela submits, as vela dry-run shows it",
    );

    let pod_spec = PodSpec {
        containers,
        volumes: (!pod.volumes.is_empty()).then_some(pod.volumes),
        image_pull_secrets: pod.image_pull_secrets,
        ..Default::default()
    };
    if !renders_deployment {
        let template = PodTemplate {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                ..Default::default()
            },
            template: Some(PodTemplateSpec {
                metadata: None,
                spec: Some(pod_spec),
            }),
        };
        return Ok((header, K8sObject::PodTemplate(template)));
    }

    // Metadata (§2.3).
    let namespace = tree
        .get_path(app, &["metadata", "namespace"])
        .and_then(|n| tree.str(n))
        .map(str::to_string)
        .unwrap_or_else(|| {
            header.add(
                Section::Defaults,
                "namespace default: the Application sets none (kubevela.md §2.3)",
            );
            "default".to_string()
        });
    let mut labels = app_map(cx, app, "labels");
    labels.extend(
        [
            ("app.oam.dev/appRevision", format!("{app_name}-v1")),
            ("app.oam.dev/component", name.clone()),
            ("app.oam.dev/name", app_name.clone()),
            ("app.oam.dev/namespace", namespace.clone()),
            ("app.oam.dev/resourceType", "WORKLOAD".to_string()),
            ("workload.oam.dev/type", component_type.clone()),
        ]
        .map(|(k, v)| (k.to_string(), v)),
    );
    header.add(
        Section::Assumed,
        format!(
            "app.oam.dev/appRevision {app_name}-v1, the first revision (vela dry-run shows \"\"; kubevela.md §2.3)"
        ),
    );
    header.add(
        Section::Elided,
        "labels added when applied: app.oam.dev/app-revision-hash, app.oam.dev/revision (kubevela.md §2.3)",
    );
    let annotations = app_map(cx, app, "annotations");
    if !annotations.is_empty() {
        header.add(
            Section::Assumed,
            "the Application's annotations are copied to the workload; KubeVela leaves out some keys, which ones is not covered by our research",
        );
    }
    let mut pod_labels: BTreeMap<String, String> = [
        ("app.oam.dev/component", name.clone()),
        ("app.oam.dev/name", app_name.clone()),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .into();
    pod_labels.extend(pod.labels);
    let deployment = Deployment {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(namespace),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..Default::default()
        },
        spec: DeploymentSpec {
            selector: LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    "app.oam.dev/component".to_string(),
                    name.clone(),
                )])),
                ..Default::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels),
                    annotations: (!pod.annotations.is_empty()).then_some(pod.annotations),
                    ..Default::default()
                }),
                spec: Some(pod_spec),
            },
            ..Default::default()
        },
        status: None,
    };
    Ok((header, K8sObject::Deployment(deployment)))
}

/// A file holding one trait's properties: the component is unknown, so only the container the
/// trait adds is shown.
fn standalone_trait(cx: &Context, workload: &Workload) -> Result<(Header, K8sObject), RenderError> {
    let mut header = Header::new(
        Dialect::Kubevela,
        cx.settings.kube_version,
        "the container one sidecar trait adds",
    );
    header.add(
        Section::Assumed,
        "a file of trait properties: the component it patches is unknown, so its workload and main container are not shown",
    );
    let mut containers = Vec::new();
    for sidecar in &workload.containers {
        if let Some(props) = sidecar.node {
            containers.push(sidecar_container(cx, props, &mut header)?);
        }
    }
    // The trait never adds pod volumes (kubevela.md §2): the ones it mounts come from the
    // component, which this file does not show.
    let mut mounted: Vec<String> = containers
        .iter()
        .flat_map(|c| c.volume_mounts.iter().flatten())
        .map(|m| format!("`{}`", m.name))
        .collect();
    mounted.dedup();
    if !mounted.is_empty() {
        header.add(
            Section::Elided,
            format!(
                "pod volumes {}: the sidecar trait only mounts volumes the component (or another trait) declares (kubevela.md §2)",
                mounted.join(", ")
            ),
        );
    }
    let name = containers
        .first()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let template = PodTemplate {
        metadata: ObjectMeta {
            name: Some(name),
            ..Default::default()
        },
        template: Some(PodTemplateSpec {
            metadata: None,
            spec: Some(PodSpec {
                containers,
                ..Default::default()
            }),
        }),
    };
    Ok((header, K8sObject::PodTemplate(template)))
}

/// The pod parts a component contributes.
#[derive(Default)]
struct PodParts {
    containers: Vec<Container>,
    volumes: Vec<Volume>,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
    image_pull_secrets: Option<Vec<LocalObjectReference>>,
}

/// The container one sidecar trait patches in (§2.1 table).
fn sidecar_container(
    cx: &Context,
    props: NodeId,
    header: &mut Header,
) -> Result<Container, RenderError> {
    let tree = cx.tree;
    let name = tree.get_str(props, "name").unwrap_or("").to_string();
    let what = |field: &str| format!("sidecar trait \"{name}\" {field}");
    let list = |key: &str| -> Result<Option<Vec<String>>, RenderError> {
        tree.get(props, key)
            .map(|n| cx.typed(cx.json(n), &what(key)))
            .transpose()
    };
    let mounts = tree
        .get(props, "volumes")
        .and_then(|v| tree.items(v))
        .map(|items| {
            items
                .iter()
                .map(|&v| VolumeMount {
                    name: tree.get_str(v, "name").unwrap_or("").to_string(),
                    mount_path: tree.get_str(v, "path").unwrap_or("").to_string(),
                    ..Default::default()
                })
                .collect::<Vec<_>>()
        });
    let mut probe = |key: &str| -> Result<Option<Probe>, RenderError> {
        let Some(node) = tree.get(props, key) else {
            return Ok(None);
        };
        let mut probe: Probe = cx.typed(cx.json(node), &what(key))?;
        vela_probe_defaults(&mut probe);
        header.add(
            Section::Defaults,
            format!(
                "sidecar \"{name}\" {key}: {PROBE_DEFAULTS} where unset (#HealthProbe, kubevela.md §1.3)"
            ),
        );
        Ok(Some(probe))
    };
    let liveness_probe = probe("livenessProbe")?;
    let readiness_probe = probe("readinessProbe")?;
    let ignored: Vec<&str> = tree
        .entries(props)
        .unwrap_or(&[])
        .iter()
        .map(|e| &*e.key)
        .filter(|k| *k != "$schema" && !KUBEVELA_TRAIT_PROPERTIES.contains(k))
        .collect();
    if !ignored.is_empty() {
        header.add(
            Section::Elided,
            format!(
                "sidecar \"{name}\": properties the trait ignores: {} (kubevela.md §1.3)",
                ignored.join(", ")
            ),
        );
    }
    let env: Option<Vec<EnvVar>> = tree
        .get(props, "env")
        .map(|n| cx.typed(cx.json(n), &what("env")))
        .transpose()?;
    Ok(Container {
        name: name.clone(),
        image: tree.get_str(props, "image").map(str::to_string),
        command: list("cmd")?,
        args: list("args")?,
        env,
        volume_mounts: mounts,
        liveness_probe,
        readiness_probe,
        ..Default::default()
    })
}

/// The main container and pod volumes of a `worker` or `webservice` component (§2.3).
fn main_container(
    cx: &Context,
    properties: Option<NodeId>,
    name: &str,
    component_type: &str,
    pod: &mut PodParts,
    header: &mut Header,
) -> Result<(), RenderError> {
    let tree = cx.tree;
    let webservice = component_type == "webservice";
    let mut main = Container {
        name: name.to_string(),
        ..Default::default()
    };
    let Some(props) = properties else {
        pod.containers.push(main);
        return Ok(());
    };
    let what = |field: &str| format!("component \"{name}\" {field}");
    main.image = tree.get_str(props, "image").map(str::to_string);
    main.image_pull_policy = tree.get_str(props, "imagePullPolicy").map(str::to_string);
    if let Some(cmd) = tree.get(props, "cmd") {
        main.command = Some(cx.typed(cx.json(cmd), &what("cmd"))?);
    }
    if webservice && let Some(args) = tree.get(props, "args") {
        main.args = Some(cx.typed(cx.json(args), &what("args"))?);
    }
    if let Some(env) = tree.get(props, "env") {
        main.env = Some(cx.typed(cx.json(env), &what("env"))?);
    }

    // cpu and memory go to both requests and limits; webservice's `limit` overrides limits.
    let mut requests = BTreeMap::new();
    for key in ["cpu", "memory"] {
        if let Some(n) = tree.get(props, key) {
            let q: Quantity = cx.typed(cx.json(n), &what(key))?;
            requests.insert(key.to_string(), q);
        }
    }
    if !requests.is_empty() {
        let mut limits = requests.clone();
        if webservice && let Some(limit) = tree.get(props, "limit") {
            for key in ["cpu", "memory"] {
                if let Some(n) = tree.get(limit, key) {
                    limits.insert(key.to_string(), cx.typed(cx.json(n), &what(key))?);
                }
            }
        }
        main.resources = Some(ResourceRequirements {
            requests: Some(requests),
            limits: Some(limits),
            ..Default::default()
        });
    }

    // Volumes: the deprecated `volumes` list, or `volumeMounts.<kind>` lists (deduplicated).
    let mut mounts = Vec::new();
    let mut assumed_sources = Vec::new();
    for &v in tree
        .get(props, "volumes")
        .and_then(|v| tree.items(v))
        .unwrap_or(&[])
    {
        let kind = tree.get_str(v, "type").unwrap_or("emptyDir");
        add_volume(cx, v, kind, &mut mounts, pod, &mut assumed_sources);
    }
    if let Some(by_kind) = tree.get(props, "volumeMounts") {
        for kind in ["pvc", "configMap", "secret", "emptyDir", "hostPath"] {
            for &v in tree
                .get(by_kind, kind)
                .and_then(|l| tree.items(l))
                .unwrap_or(&[])
            {
                add_volume(cx, v, kind, &mut mounts, pod, &mut assumed_sources);
            }
        }
    }
    if !mounts.is_empty() {
        main.volume_mounts = Some(mounts);
    }
    if !assumed_sources.is_empty() {
        assumed_sources.dedup();
        header.add(
            Section::Assumed,
            format!(
                "{} volumes: the research names the volume kinds, not how their fields map (claimName, cmName, secretName, path are assumed)",
                assumed_sources.join(", ")
            ),
        );
    }

    if webservice {
        main.ports = ports(cx, props, header);
        for (key, target) in [
            ("labels", &mut pod.labels),
            ("annotations", &mut pod.annotations),
        ] {
            for e in tree
                .get(props, key)
                .and_then(|m| tree.entries(m))
                .unwrap_or(&[])
            {
                if let Some(v) = tree.str(e.value) {
                    target.insert(e.key.to_string(), v.to_string());
                }
            }
        }
        if tree.get(props, "hostAliases").is_some() {
            header.add(Section::Elided, "hostAliases");
        }
    }
    for key in ["livenessProbe", "readinessProbe"] {
        if let Some(node) = tree.get(props, key) {
            let mut probe: Probe = cx.typed(cx.json(node), &what(key))?;
            vela_probe_defaults(&mut probe);
            header.add(
                Section::Assumed,
                format!(
                    "component \"{name}\" {key}: the same defaults as the sidecar trait's #HealthProbe ({PROBE_DEFAULTS})"
                ),
            );
            match key {
                "livenessProbe" => main.liveness_probe = Some(probe),
                _ => main.readiness_probe = Some(probe),
            }
        }
    }
    if let Some(items) = tree
        .get(props, "imagePullSecrets")
        .and_then(|s| tree.items(s))
    {
        pod.image_pull_secrets = Some(
            items
                .iter()
                .filter_map(|&s| tree.str(s))
                .map(|s| LocalObjectReference { name: s.into() })
                .collect(),
        );
    }
    pod.containers.push(main);
    Ok(())
}

/// One component volume: its mount on the main container and its pod volume.
fn add_volume(
    cx: &Context,
    v: NodeId,
    kind: &str,
    mounts: &mut Vec<VolumeMount>,
    pod: &mut PodParts,
    assumed: &mut Vec<&'static str>,
) {
    let tree = cx.tree;
    let Some(name) = tree.get_str(v, "name") else {
        return;
    };
    let text = |key: &str| tree.get_str(v, key).map(str::to_string);
    mounts.push(VolumeMount {
        name: name.to_string(),
        mount_path: text("mountPath").unwrap_or_default(),
        sub_path: text("subPath"),
        ..Default::default()
    });
    if pod.volumes.iter().any(|existing| existing.name == name) {
        return;
    }
    let mut volume = Volume {
        name: name.to_string(),
        ..Default::default()
    };
    match kind {
        // "an emptyDir renders as {emptyDir: {medium: ""}}" (§2.3).
        "emptyDir" => {
            volume.empty_dir = Some(EmptyDirVolumeSource {
                medium: Some(text("medium").unwrap_or_default()),
                ..Default::default()
            })
        }
        "pvc" => {
            assumed.push("pvc");
            volume.persistent_volume_claim = Some(PersistentVolumeClaimVolumeSource {
                claim_name: text("claimName").unwrap_or_default(),
                ..Default::default()
            });
        }
        "configMap" => {
            assumed.push("configMap");
            volume.config_map = Some(ConfigMapVolumeSource {
                name: text("cmName").unwrap_or_default(),
                ..Default::default()
            });
        }
        "secret" => {
            assumed.push("secret");
            volume.secret = Some(SecretVolumeSource {
                secret_name: text("secretName"),
                ..Default::default()
            });
        }
        "hostPath" => {
            assumed.push("hostPath");
            volume.host_path = Some(HostPathVolumeSource {
                path: text("path").unwrap_or_default(),
                ..Default::default()
            });
        }
        _ => {}
    }
    pod.volumes.push(volume);
}

/// A webservice's ports: `containerPort`, `protocol` (TCP by default), and the name `port-<n>`
/// with `-udp`/`-sctp` for those protocols (§2.3).
fn ports(cx: &Context, props: NodeId, header: &mut Header) -> Option<Vec<ContainerPort>> {
    let tree = cx.tree;
    let number = |n: Option<NodeId>| n.and_then(|n| tree.number(n)).and_then(|n| n.as_i64());
    let mut out = Vec::new();
    let mut exposed = false;
    let items = tree.get(props, "ports").and_then(|p| tree.items(p));
    for &p in items.unwrap_or(&[]) {
        let Some(port) = number(tree.get(p, "port")) else {
            continue;
        };
        let protocol = tree.get_str(p, "protocol").unwrap_or("TCP");
        exposed |= tree.get(p, "expose").and_then(|e| tree.bool(e)) == Some(true);
        out.push(ContainerPort {
            container_port: port as i32,
            protocol: Some(protocol.to_string()),
            name: Some(
                tree.get_str(p, "name")
                    .map(str::to_string)
                    .unwrap_or_else(|| port_name(port, protocol)),
            ),
            ..Default::default()
        });
    }
    if items.is_none()
        && let Some(port) = number(tree.get(props, "port"))
    {
        header.add(
            Section::Assumed,
            "the deprecated port property renders like one ports item",
        );
        out.push(ContainerPort {
            container_port: port as i32,
            protocol: Some("TCP".into()),
            name: Some(port_name(port, "TCP")),
            ..Default::default()
        });
    }
    if exposed {
        header.add(
            Section::Elided,
            "the Service webservice emits for exposed ports (kubevela.md §2.3)",
        );
    }
    (!out.is_empty()).then_some(out)
}

fn port_name(port: i64, protocol: &str) -> String {
    match protocol {
        "TCP" => format!("port-{port}"),
        other => format!("port-{port}-{}", other.to_ascii_lowercase()),
    }
}

/// The Application's own labels or annotations (string values).
fn app_map(cx: &Context, app: NodeId, key: &str) -> BTreeMap<String, String> {
    let tree = cx.tree;
    tree.get_path(app, &["metadata", key])
        .and_then(|m| tree.entries(m))
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| Some((e.key.to_string(), tree.str(e.value)?.to_string())))
        .collect()
}

/// Add `patch` to a container list the way `listMergeProcess` does with `patchKey=name`: merged
/// into the container of the same name, else appended (§2.1).
fn merge_by_name(list: &mut Vec<JsonValue>, patch: JsonValue) -> Result<(), String> {
    let name = patch.get("name").cloned();
    match list
        .iter_mut()
        .find(|c| name.is_some() && c.get("name") == name.as_ref())
    {
        Some(existing) => unify(existing, patch, "spec.template.spec.containers"),
        None => {
            list.push(patch);
            Ok(())
        }
    }
}

/// CUE unification of two JSON values: objects merge key by key, lists of named objects merge
/// by name (the inherited patchKey), other lists element by element, and scalars must agree.
fn unify(base: &mut JsonValue, patch: JsonValue, path: &str) -> Result<(), String> {
    match (base, patch) {
        (JsonValue::Object(b), JsonValue::Object(p)) => {
            for (key, value) in p {
                match b.get_mut(&key) {
                    Some(existing) => unify(existing, value, &format!("{path}.{key}"))?,
                    None => {
                        b.insert(key, value);
                    }
                }
            }
            Ok(())
        }
        (JsonValue::Array(b), JsonValue::Array(p)) => {
            let named = p
                .iter()
                .all(|i| i.get("name").is_some_and(JsonValue::is_string));
            if named && !p.is_empty() {
                for item in p {
                    merge_by_name(b, item)?;
                }
                return Ok(());
            }
            if b.len() != p.len() {
                return Err(format!(
                    "{path}: incompatible list lengths ({} and {})",
                    b.len(),
                    p.len()
                ));
            }
            for (i, (bi, pi)) in b.iter_mut().zip(p).enumerate() {
                unify(bi, pi, &format!("{path}.{i}"))?;
            }
            Ok(())
        }
        (b, p) => {
            if *b == p {
                Ok(())
            } else {
                Err(format!("{path}: conflicting values {p} and {b}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_trait_file_says_which_volumes_its_component_must_declare() {
        let text = r#"{"$schema": "https://example.com/kubevela-sidecar-trait.json", "name": "log-tailer", "image": "busybox:1.36", "volumes": [{"name": "app-logs", "path": "/logs"}]}"#;
        let settings = crate::config::Settings::default();
        let analysis = crate::analyze(text, Some("trait.json"), &settings);
        let rendered = crate::render::render(&analysis, text, None, &settings).unwrap();
        let yaml = rendered.to_yaml();
        assert!(
            yaml.contains(
                "# Not shown:\n#   - pod volumes `app-logs`: the sidecar trait only mounts"
            ),
            "{yaml}"
        );
    }

    #[test]
    fn a_new_name_is_appended_a_known_one_merged() {
        let mut list = vec![json!({"name": "main", "image": "busybox"})];
        merge_by_name(&mut list, json!({"name": "log", "image": "busybox"})).unwrap();
        merge_by_name(
            &mut list,
            json!({"name": "main", "image": "busybox", "env": [{"name": "A", "value": "1"}]}),
        )
        .unwrap();
        assert_eq!(
            list,
            [
                json!({"name": "main", "image": "busybox", "env": [{"name": "A", "value": "1"}]}),
                json!({"name": "log", "image": "busybox"})
            ]
        );
    }

    #[test]
    fn differing_scalars_conflict_as_in_cue() {
        let mut list = vec![json!({"name": "main", "image": "nginx"})];
        let err =
            merge_by_name(&mut list, json!({"name": "main", "image": "busybox"})).unwrap_err();
        assert_eq!(
            err,
            "spec.template.spec.containers.image: conflicting values \"busybox\" and \"nginx\""
        );
    }

    #[test]
    fn unnamed_lists_unify_by_position() {
        let mut base = json!({"command": ["sleep", "1"]});
        assert!(unify(&mut base, json!({"command": ["sleep", "2"]}), "c").is_err());
        assert!(unify(&mut base, json!({"command": ["sleep"]}), "c").is_err());
        assert!(unify(&mut base, json!({"command": ["sleep", "1"]}), "c").is_ok());
    }

    #[test]
    fn port_names_follow_the_protocol() {
        assert_eq!(port_name(80, "TCP"), "port-80");
        assert_eq!(port_name(53, "UDP"), "port-53-udp");
    }
}
