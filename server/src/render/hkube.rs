//! HKube: the `batch/v1` Job the task-executor creates for an algorithm (hkube.md §2).
//!
//! Containers are `worker`, `algorunner`, then each `sideCars[i].container` in array order
//! (§2.2). A sidecar's `container` reaches Kubernetes unchanged except `resources`, which HKube
//! recomputes (§2.6, §2.7); its `volumeMounts` and `environments` are applied to the first
//! container with its name (§2.3–§2.5, §2.10). Algorithm `volumes` join the pod and algorithm
//! `volumeMounts` go to `algorunner` only (§2.5). HKube's own values that depend on the cluster
//! are `<…>` placeholders or left out, and the header says which.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, EnvVar, EnvVarSource, PodSpec, PodTemplateSpec,
    ResourceRequirements, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::header::{Header, Section};
use super::output::K8sObject;
use super::{Context, RenderError};
use crate::diagnostic::Dialect;
use crate::dialect::hkube::{ALGORUNNER, WORKER, effective_resources, format_number};
use crate::model::{Container as ModelContainer, Object, Role, Workload};
use crate::syntax::{NodeId, Number, Value};

/// The worker's image: HKube's release decides it (§2.2: `hkube/worker:latest`, replaced).
const WORKER_IMAGE: &str = "<hkube/worker image of the cluster's HKube version>";
/// The algorunner's image when the algorithm has no `algorithmImage` (HKube builds one).
const BUILT_IMAGE: &str = "<image HKube builds from the algorithm's code>";
/// HKube's metrics volume and where worker and algorunner mount it (§2.3 step 5).
const METRICS_VOLUME: &str = "algometrics";
const METRICS_PATH: &str = "/var/metrics";

/// Render the Job of an algorithm.
pub(super) fn render(
    cx: &Context,
    object: &Object,
    workload: &Workload,
) -> Result<(Header, K8sObject), RenderError> {
    let tree = cx.tree;
    let root = object.root;
    let name = tree
        .get_str(root, "name")
        .unwrap_or("algorithm")
        .to_string();
    let mut header = Header::new(
        Dialect::Hkube,
        cx.settings.kube_version,
        format!("the Job HKube's task-executor creates for algorithm \"{name}\""),
    );
    header.add(
        Section::Documented,
        "containers: worker, algorunner, then the sideCars in array order (hkube.md §2.2)",
    );
    header.add(
        Section::Documented,
        "a sidecar's container reaches Kubernetes unchanged except resources (hkube.md §2.7)",
    );

    let metrics_mount = VolumeMount {
        name: METRICS_VOLUME.into(),
        mount_path: METRICS_PATH.into(),
        ..Default::default()
    };
    let algorithm_image = tree.get_str(root, "algorithmImage");
    if algorithm_image.is_none() {
        header.add(
            Section::Placeholders,
            "the algorunner image: HKube builds it from the algorithm's code",
        );
    }
    header.add(
        Section::Placeholders,
        "the worker image: the one of the cluster's HKube version (hkube.md §2.2)",
    );
    let mut containers = vec![
        Container {
            name: WORKER.into(),
            image: Some(WORKER_IMAGE.into()),
            volume_mounts: Some(vec![metrics_mount.clone()]),
            ..Default::default()
        },
        Container {
            name: ALGORUNNER.into(),
            image: Some(algorithm_image.unwrap_or(BUILT_IMAGE).into()),
            volume_mounts: Some(vec![metrics_mount]),
            ..Default::default()
        },
    ];

    // §2.3 step 10, §2.5: algorithm-level mounts go to algorunner only.
    if let Some(mounts) = tree.get(root, "volumeMounts") {
        let mounts: Vec<VolumeMount> = cx.typed(cx.json(mounts), "volumeMounts")?;
        if !mounts.is_empty() {
            header.add(
                Section::Documented,
                "algorithm volumeMounts go to algorunner only; a mount with the same name replaces (hkube.md §2.5)",
            );
        }
        merge_mounts(&mut containers[1], mounts);
    }

    // §2.3 step 11: each sidecar in array order.
    for sidecar in workload
        .containers
        .iter()
        .filter(|c| c.role == Role::Sidecar && c.platform.is_none())
    {
        add_sidecar(cx, sidecar, &mut containers, &mut header)?;
    }

    // §2.5: HKube's volumes, then the algorithm's (same name replaces).
    let mut volumes = vec![Volume {
        name: METRICS_VOLUME.into(),
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..Default::default()
    }];
    if let Some(list) = tree.get(root, "volumes") {
        let declared: Vec<Volume> = cx.typed(cx.json(list), "volumes")?;
        if !declared.is_empty() {
            header.add(
                Section::Documented,
                "algorithm volumes join the pod's; a volume with the same name replaces HKube's (hkube.md §2.5)",
            );
        }
        for volume in declared {
            match volumes.iter_mut().find(|v| v.name == volume.name) {
                Some(existing) => *existing = volume,
                None => volumes.push(volume),
            }
        }
    }

    header.add(
        Section::Placeholders,
        "metadata.name: HKube adds 5 random characters to the algorithm name (shown as xxxxx)",
    );
    header.add(
        Section::Elided,
        "the environment, resources and other settings HKube gives worker and algorunner (hkube.md §2.3)",
    );
    header.add(
        Section::Elided,
        "volumes and mounts HKube adds by cluster setting (logs, storage, data sources, dev mode, OpenGL; hkube.md §2.3, §2.5): only algometrics is shown",
    );
    header.add(
        Section::Elided,
        "system sidecars enabled by cluster options (such as fluentbit) run between algorunner and these sidecars (hkube.md §2.8)",
    );
    header.add(
        Section::Elided,
        "pod settings from cluster options: imagePullSecrets, securityContext, affinity, scheduler (hkube.md §2.7)",
    );

    let labels = |extra: &[(&str, &str)]| -> BTreeMap<String, String> {
        [
            ("type", "worker"),
            ("group", "hkube"),
            ("algorithm-name", name.as_str()),
            ("metrics-group", "workers"),
        ]
        .iter()
        .chain(extra)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    // §2.3 step 9: the algorithm's own labels and annotations go on the pod.
    let mut pod_labels = labels(&[]);
    pod_labels.extend(string_map(cx, root, "labels"));
    let pod_annotations = string_map(cx, root, "annotations");
    let job = Job {
        metadata: ObjectMeta {
            name: Some(format!("{name}-xxxxx")),
            labels: Some(labels(&[("core", "true")])),
            ..Default::default()
        },
        spec: Some(JobSpec {
            backoff_limit: Some(0),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels),
                    annotations: (!pod_annotations.is_empty()).then_some(pod_annotations),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers,
                    restart_policy: Some("Never".into()),
                    service_account_name: Some("worker-serviceaccount".into()),
                    volumes: Some(volumes),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    };
    Ok((header, K8sObject::Job(job)))
}

/// A `labels`/`annotations` map of the algorithm, string values only.
fn string_map(cx: &Context, root: NodeId, key: &str) -> BTreeMap<String, String> {
    cx.tree
        .get(root, key)
        .and_then(|m| cx.tree.entries(m))
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| Some((e.key.to_string(), cx.tree.str(e.value)?.to_string())))
        .collect()
}

/// Append one sidecar and apply its element's `volumeMounts` and `environments` (§2.3).
fn add_sidecar(
    cx: &Context,
    sidecar: &ModelContainer,
    containers: &mut Vec<Container>,
    header: &mut Header,
) -> Result<(), RenderError> {
    let Some(node) = sidecar.node else {
        return Ok(());
    };
    let tree = cx.tree;
    // The task-executor reads only these keys of a sideCars element (hkube.md §1.2).
    let ignored: Vec<&str> = tree
        .node(node)
        .parent
        .and_then(|element| tree.entries(element))
        .unwrap_or(&[])
        .iter()
        .map(|e| &*e.key)
        .filter(|k| !matches!(*k, "container" | "volumeMounts" | "environments"))
        .collect();
    if !ignored.is_empty() {
        header.add(
            Section::Elided,
            format!(
                "sideCars element keys the task-executor ignores: {} (hkube.md §1.2)",
                ignored.join(", ")
            ),
        );
    }
    let mut json = cx.json(node);
    // HKube replaces `resources` with its own computation (§2.6 step 6).
    if let Some(map) = json.as_object_mut() {
        map.remove("resources");
    }
    let label = sidecar.name.clone().unwrap_or_default();
    let mut container: Container = cx.typed(json.clone(), &format!("sidecar \"{label}\""))?;
    let unknown = cx.dropped_fields(&json, &container);
    if !unknown.is_empty() {
        header.add(
            Section::Elided,
            format!(
                "sidecar \"{label}\": fields a Kubernetes container does not have ({}): HKube passes them on and the API server drops or rejects them",
                unknown.join(", ")
            ),
        );
    }
    container.resources = Some(sidecar_resources(cx, node, &label, header));
    containers.push(container);

    // §2.3 steps 3–4: applied to the first container with the sidecar's name (§2.10).
    let target = containers
        .iter()
        .position(|c| c.name == label)
        .unwrap_or(containers.len() - 1);
    if target < containers.len() - 1 {
        header.add(
            Section::Notes,
            format!(
                "sidecar \"{label}\" has the name of HKube's own container: its volumeMounts and environments land on that container, the first with the name, and Kubernetes rejects the duplicate name (hkube.md §2.10)"
            ),
        );
    }
    for &list in &sidecar.extra_mounts {
        let mounts: Vec<VolumeMount> =
            cx.typed(cx.json(list), &format!("sidecar \"{label}\" volumeMounts"))?;
        if !mounts.is_empty() {
            header.add(
                Section::Documented,
                "a sidecar's volumeMounts go to that sidecar only; a mount with the same name replaces (hkube.md §2.5)",
            );
        }
        merge_mounts(&mut containers[target], mounts);
    }
    if let Some(map) = sidecar.env_map {
        for entry in tree.entries(map).unwrap_or(&[]) {
            let value = tree.value(entry.value);
            let what = format!("sidecar \"{label}\" environments.{}", entry.key);
            let env = containers[target].env.get_or_insert_with(Vec::new);
            apply_env(cx, env, &entry.key, value, entry.value, &what)?;
        }
        if containers[target].env.as_ref().is_some_and(Vec::is_empty) {
            containers[target].env = None;
        }
        header.add(
            Section::Defaults,
            format!(
                "sidecar \"{label}\": environments became env: strings, numbers and booleans as text values, objects as valueFrom, null removes a variable (hkube.md §2.4)"
            ),
        );
    }
    Ok(())
}

/// `applyVolumeMounts`: a mount with the same name replaces, others are appended (§2.5).
fn merge_mounts(container: &mut Container, mounts: Vec<VolumeMount>) {
    let list = container.volume_mounts.get_or_insert_with(Vec::new);
    for mount in mounts {
        match list.iter_mut().find(|m| m.name == mount.name) {
            Some(existing) => *existing = mount,
            None => list.push(mount),
        }
    }
}

/// `_setKeyValueEnv` for one `environments` entry (§2.4).
fn apply_env(
    cx: &Context,
    env: &mut Vec<EnvVar>,
    key: &str,
    value: &Value,
    node: NodeId,
    what: &str,
) -> Result<(), RenderError> {
    let var = match value {
        Value::Null | Value::Missing => {
            // null removes a variable of that name; with none, HKube sends `valueFrom: null`,
            // which Kubernetes reads as a variable with an empty value.
            if let Some(i) = env.iter().position(|e| e.name == key) {
                env.remove(i);
                return Ok(());
            }
            EnvVar {
                name: key.into(),
                ..Default::default()
            }
        }
        Value::String(s) => text_var(key, s.to_string()),
        Value::Number(n) => text_var(key, js_string(*n)),
        Value::Bool(b) => text_var(key, b.to_string()),
        Value::Object(_) | Value::Array(_) => EnvVar {
            name: key.into(),
            value_from: Some(cx.typed::<EnvVarSource>(cx.json(node), what)?),
            ..Default::default()
        },
    };
    match env.iter_mut().find(|e| e.name == key) {
        Some(existing) => *existing = var,
        None => env.push(var),
    }
    Ok(())
}

fn text_var(name: &str, value: String) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: Some(value),
        ..Default::default()
    }
}

/// JavaScript's `String(number)` for the numbers JSON can hold.
fn js_string(n: Number) -> String {
    match n {
        Number::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 => {
            format!("{}", f as i128)
        }
        other => other.to_string(),
    }
}

/// The sidecar's `resources` as HKube writes them: cpu and memory only, missing values from
/// the configured defaults (§2.6), user values as written.
fn sidecar_resources(
    cx: &Context,
    container: NodeId,
    label: &str,
    header: &mut Header,
) -> ResourceRequirements {
    let tree = cx.tree;
    let settings = &cx.settings.hkube;
    let effective = effective_resources(tree, container, settings);
    // A value the user wrote (and JavaScript finds truthy) is kept as written, even when it does
    // not parse: Kubernetes then rejects it, which is what the user should see.
    let written = |section: &str, key: &str| -> Option<String> {
        let node = tree.get_path(container, &["resources", section, key])?;
        match tree.value(node) {
            Value::String(s) if !s.is_empty() => Some(s.to_string()),
            Value::Number(n) if n.as_f64() != 0.0 => Some(n.to_string()),
            _ => None,
        }
    };
    let mut filled = Vec::new();
    let mut slot = |section: &'static str,
                    key: &'static str,
                    computed: Option<&crate::dialect::hkube::EffectiveValue>|
     -> Option<(String, Quantity)> {
        if let Some(text) = written(section, key) {
            return Some((key.to_string(), Quantity(text)));
        }
        let value = computed?;
        // HKube writes a default memory request as `<n>Mi` after `getMemoryInMi` (§2.6 step 4).
        let text = if key == "memory" {
            format!(
                "{}Mi",
                format_number(value.quantity.as_f64() / (1024.0 * 1024.0))
            )
        } else {
            value.text.clone()
        };
        filled.push(format!("{section}.{key} {text}"));
        Some((key.to_string(), Quantity(text)))
    };
    let requests: BTreeMap<String, Quantity> = [
        slot("requests", "cpu", effective.request_cpu.as_ref()),
        slot("requests", "memory", effective.request_memory.as_ref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let limits: BTreeMap<String, Quantity> = [
        slot("limits", "cpu", effective.limit_cpu.as_ref()),
        slot("limits", "memory", effective.limit_memory.as_ref()),
    ]
    .into_iter()
    .flatten()
    .collect();

    let factor = if settings.use_resource_limits {
        "limits equal requests (use-resource-limits)"
    } else {
        "limits twice the requests"
    };
    if !filled.is_empty() {
        header.add(
            Section::Defaults,
            format!(
                "sidecar \"{label}\": {} from HKube's sidecar defaults (cpu {}, memory {}, {factor}; hkube.md §2.6)",
                filled.join(", "),
                format_number(settings.sidecar_cpu),
                settings.sidecar_memory
            ),
        );
    }
    let dropped: Vec<String> = ["requests", "limits"]
        .iter()
        .flat_map(|section| {
            tree.get_path(container, &["resources", section])
                .and_then(|m| tree.entries(m))
                .unwrap_or(&[])
                .iter()
                .filter(|e| !matches!(&*e.key, "cpu" | "memory"))
                .map(move |e| format!("{section}.{}", e.key))
        })
        .collect();
    if !dropped.is_empty() {
        header.add(
            Section::Defaults,
            format!(
                "sidecar \"{label}\": {} dropped: only cpu and memory survive (hkube.md §2.6)",
                dropped.join(", ")
            ),
        );
    }
    if !limits.contains_key("cpu") {
        header.add(
            Section::Notes,
            format!(
                "sidecar \"{label}\" has no CPU limit: its CPU request is not a plain number, so HKube's computed limit is NaN and left out (hkube.md §2.6)"
            ),
        );
    }
    ResourceRequirements {
        requests: (!requests.is_empty()).then_some(requests),
        limits: (!limits.is_empty()).then_some(limits),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sidecar_resources_under(hkube: crate::config::HkubeSettings) -> serde_json::Value {
        let text = r#"{"name": "a", "algorithmImage": "x/y:1", "sideCars": [{"container": {"name": "c", "image": "r:1"}}]}"#;
        let settings = crate::config::Settings {
            hkube,
            ..Default::default()
        };
        let analysis = crate::analyze(text, Some("a.json"), &settings);
        let rendered = super::super::render(&analysis, text, None, &settings).unwrap();
        rendered.objects[0].object.to_json()["spec"]["template"]["spec"]["containers"][2]
            ["resources"]
            .clone()
    }

    #[test]
    fn configured_defaults_are_written_as_hkube_writes_them() {
        let resources = sidecar_resources_under(crate::config::HkubeSettings {
            use_resource_limits: false,
            sidecar_cpu: 0.25,
            sidecar_memory: "0.5Gi".into(),
        });
        assert_eq!(
            resources,
            serde_json::json!({
                "requests": {"cpu": "0.25", "memory": "512Mi"},
                "limits": {"cpu": "0.5", "memory": "1024Mi"}
            })
        );
    }

    #[test]
    fn numbers_become_text_as_javascript_writes_them() {
        assert_eq!(js_string(Number::Int(5)), "5");
        assert_eq!(js_string(Number::Float(1.0)), "1");
        assert_eq!(js_string(Number::Float(0.1)), "0.1");
        assert_eq!(js_string(Number::Float(-2.5)), "-2.5");
    }
}
