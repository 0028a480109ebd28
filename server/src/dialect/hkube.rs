//! HKube algorithm specs (JSON): `sideCars: [{container, volumeMounts, environments}]` and
//! algorithm-level `volumes`/`volumeMounts`.
//!
//! The model is the pod of the Job HKube's task-executor creates (research: hkube.md §2): the
//! containers `worker` and `algorunner`, then each sidecar's `container` in array order, with the
//! element's `volumeMounts` merged into it and its `environments` map turned into `env`. The pod's
//! volumes are HKube's own plus the algorithm's `volumes`.

use super::{DocumentInput, DocumentModel, SchemaTarget};
use crate::diagnostic::Dialect;
use crate::model::{
    Container, ContainerList, FieldKeys, Object, PlatformContainer, PodOwner, Role, Volume,
    Workload,
};
use crate::schema::SchemaId;
use crate::syntax::{NodeId, Tree};

/// HKube's own container names (task-executor `lib/consts/containers.js`).
pub const WORKER: &str = "worker";
/// The container that runs the algorithm.
pub const ALGORUNNER: &str = "algorunner";

/// Volumes HKube adds to every algorithm pod, or to some depending on cluster settings
/// (hkube.md §2.5), with a note for messages.
const PLATFORM_VOLUMES: &[(&str, &str)] = &[
    ("algometrics", "HKube's metrics volume"),
    (
        "varlibdockercontainers",
        "HKube's log volume (privileged clusters)",
    ),
    ("varlog", "HKube's log volume (privileged clusters)"),
    ("logs", "HKube's log volume (unprivileged clusters)"),
    ("storage-volume", "HKube's storage volume (fs storage)"),
    ("datasources-storage", "HKube's data-sources volume"),
    (
        "datasciencemetrics-storage",
        "HKube's metrics storage volume",
    ),
    ("hkube-dev-sources", "HKube's dev-mode sources volume"),
    ("xsocket", "HKube's OpenGL socket volume"),
];

/// Fields only an HKube algorithm has.
const ALGORITHM_FIELDS: &[&str] = &[
    "algorithmImage",
    "algorithmEnv",
    "workerEnv",
    "minHotWorkers",
    "gitRepository",
    "workerCustomResources",
    "reservedMemory",
];

/// Whether the document is an HKube algorithm spec.
pub fn detect(tree: &Tree, root: NodeId) -> bool {
    tree.entries(root).is_some_and(|entries| {
        entries
            .iter()
            .any(|e| &*e.key == "sideCars" || ALGORITHM_FIELDS.contains(&&*e.key))
    })
}

/// Map an HKube algorithm spec into the model.
pub fn build(input: &DocumentInput) -> DocumentModel {
    let tree = input.tree;
    let root = input.root;
    let mut model = DocumentModel::default();
    if tree.entries(root).is_none() {
        return model;
    }
    model
        .schema_targets
        .push(SchemaTarget::whole_object(root, SchemaId::Hkube));

    let algorithm_mounts: Vec<String> = tree
        .get(root, "volumeMounts")
        .and_then(|l| tree.items(l))
        .into_iter()
        .flatten()
        .filter_map(|&m| tree.get_str(m, "name").map(str::to_string))
        .collect();

    let mut containers = vec![
        platform_container(
            WORKER,
            "HKube's worker container",
            vec!["algometrics".into()],
        ),
        platform_container(
            ALGORUNNER,
            "HKube's algorunner container (it runs the algorithm)",
            std::iter::once("algometrics".to_string())
                .chain(algorithm_mounts)
                .collect(),
        ),
    ];
    if let Some(items) = tree.get(root, "sideCars").and_then(|s| tree.items(s)) {
        for &element in items {
            let Some(container) = tree
                .get(element, "container")
                .filter(|&c| tree.entries(c).is_some())
            else {
                continue;
            };
            containers.push(Container {
                role: Role::Sidecar,
                list: ContainerList::Containers,
                name: tree.get_str(container, "name").map(str::to_string),
                node: Some(container),
                platform: None,
                keys: FieldKeys::KUBERNETES,
                extra_mounts: tree.get(element, "volumeMounts").into_iter().collect(),
                env_map: tree
                    .get(element, "environments")
                    .filter(|&e| tree.entries(e).is_some()),
            });
        }
    }

    let mut volumes: Vec<Volume> = PLATFORM_VOLUMES
        .iter()
        .map(|&(name, note)| Volume {
            name: name.to_string(),
            node: None,
            source: None,
            platform: Some(note),
        })
        .collect();
    for &v in tree
        .get(root, "volumes")
        .and_then(|v| tree.items(v))
        .unwrap_or(&[])
    {
        if let Some(volume) = Volume::declared(tree, v) {
            // A user volume with the same name replaces HKube's (hkube.md §2.5).
            volumes.retain(|existing| existing.name != volume.name);
            volumes.push(volume);
        }
    }

    model.objects.push(Object {
        document: input.document,
        root,
        dialect: Dialect::Hkube,
        api_version: None,
        kind: None,
        workloads: vec![Workload {
            name: tree.get_str(root, "name").map(str::to_string),
            owner: PodOwner::HkubeJob,
            pod_spec: None,
            anchor: tree.get(root, "sideCars").unwrap_or(root),
            containers,
            volumes,
            volumes_complete: true,
            restart_policy: None,
            termination_grace_period: 30,
            host_network: false,
        }],
    });
    model
}

fn platform_container(name: &str, description: &str, mounts: Vec<String>) -> Container {
    Container {
        role: Role::Main,
        list: ContainerList::Containers,
        name: Some(name.to_string()),
        node: None,
        platform: Some(PlatformContainer {
            description: description.to_string(),
            mounts,
            declared_at: None,
        }),
        keys: FieldKeys::KUBERNETES,
        extra_mounts: Vec::new(),
        env_map: None,
    }
}

/// One of a sidecar's effective cpu/memory values after HKube's defaulting.
#[derive(Clone, Debug, PartialEq)]
pub struct EffectiveValue {
    /// The value as Kubernetes will read it.
    pub quantity: crate::k8s::quantity::Quantity,
    /// How it is written (the user's text, or the default HKube writes).
    pub text: String,
    /// The user's node, when the user wrote it; `None` when HKube filled it in.
    pub node: Option<NodeId>,
}

/// A sidecar's cpu and memory requests and limits as HKube's task-executor sets them
/// (hkube.md §2.6): a missing request takes the configured default; a missing limit is the
/// effective request times 2 (or 1 with `use_resource_limits`); a CPU request that is not a plain
/// number makes the computed CPU limit `NaN`, which is dropped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EffectiveResources {
    /// `requests.cpu`.
    pub request_cpu: Option<EffectiveValue>,
    /// `requests.memory`.
    pub request_memory: Option<EffectiveValue>,
    /// `limits.cpu` (`None` when HKube omits it).
    pub limit_cpu: Option<EffectiveValue>,
    /// `limits.memory`.
    pub limit_memory: Option<EffectiveValue>,
}

/// Compute [`EffectiveResources`] for the sidecar container object `container`.
pub fn effective_resources(
    tree: &Tree,
    container: NodeId,
    settings: &crate::config::HkubeSettings,
) -> EffectiveResources {
    use crate::k8s::quantity::{Format, Quantity};
    let factor = if settings.use_resource_limits {
        1.0
    } else {
        2.0
    };
    let user = |section: &str, key: &str| {
        tree.get_path(container, &["resources", section, key])
            .filter(|&n| js_truthy(tree, n))
    };
    let from_node = |node: NodeId| -> Option<EffectiveValue> {
        let text = scalar_text(tree, node)?;
        let quantity = Quantity::parse(&text).ok()?;
        Some(EffectiveValue {
            quantity,
            text,
            node: Some(node),
        })
    };
    let synthetic = |text: String| -> Option<EffectiveValue> {
        let quantity = Quantity::parse(&text).ok()?;
        Some(EffectiveValue {
            quantity,
            text,
            node: None,
        })
    };

    // Requests: the user's value, else the default.
    let cpu_request_node = user("requests", "cpu");
    let request_cpu = match cpu_request_node {
        Some(n) => from_node(n),
        None => synthetic(format_number(settings.sidecar_cpu)),
    };
    let memory_request_node = user("requests", "memory");
    let request_memory = match memory_request_node {
        Some(n) => from_node(n),
        None => synthetic(settings.sidecar_memory.clone()),
    };

    // Limits: the user's value, else the effective request times the factor.
    let limit_cpu = match user("limits", "cpu") {
        Some(n) => from_node(n),
        None => {
            // JavaScript: `cpu * factor` is NaN for a string such as "500m".
            let numeric = match cpu_request_node {
                Some(n) => js_number(tree, n),
                None => Some(settings.sidecar_cpu),
            };
            numeric.and_then(|cpu| synthetic(format_number(cpu * factor)))
        }
    };
    let limit_memory = match user("limits", "memory") {
        Some(n) => from_node(n),
        None => request_memory.as_ref().and_then(|m| {
            // `getMemoryInMi` then `<n>Mi`.
            let mi = m.quantity.as_f64() / (1024.0 * 1024.0);
            synthetic(format!("{}Mi", format_number(mi * factor))).map(|v| EffectiveValue {
                quantity: Quantity::from_nanos(v.quantity.nanos, Format::BinarySi),
                ..v
            })
        }),
    };
    EffectiveResources {
        request_cpu,
        request_memory,
        limit_cpu,
        limit_memory,
    }
}

/// JavaScript truthiness of a JSON value.
fn js_truthy(tree: &Tree, node: NodeId) -> bool {
    use crate::syntax::Value;
    match tree.value(node) {
        Value::Null | Value::Missing => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != 0.0,
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// JavaScript `Number(value)` for a number or a numeric string.
pub fn js_number(tree: &Tree, node: NodeId) -> Option<f64> {
    use crate::syntax::Value;
    match tree.value(node) {
        Value::Number(n) => Some(n.as_f64()),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// The text of a string or number node.
fn scalar_text(tree: &Tree, node: NodeId) -> Option<String> {
    use crate::syntax::Value;
    match tree.value(node) {
        Value::String(s) => Some(s.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A number as JavaScript prints it (no trailing `.0`).
pub fn format_number(n: f64) -> String {
    let rounded = (n * 1e9).round() / 1e9;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::HkubeSettings;
    use crate::syntax::{Format, parse};

    fn effective(resources: &str, settings: &HkubeSettings) -> EffectiveResources {
        let text = format!(r#"{{"name": "c", "image": "i", "resources": {resources}}}"#);
        let parsed = parse(&text, Format::Json);
        effective_resources(&parsed.tree, parsed.documents[0].root.unwrap(), settings)
    }

    fn texts(e: &EffectiveResources) -> [Option<String>; 4] {
        [
            &e.request_cpu,
            &e.request_memory,
            &e.limit_cpu,
            &e.limit_memory,
        ]
        .map(|v| v.as_ref().map(|v| v.text.clone()))
    }

    #[test]
    fn defaults_follow_the_task_executor_table() {
        let prod = HkubeSettings::default();
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            texts(&effective("{}", &prod)),
            [s("0.1"), s("128Mi"), s("0.2"), s("256Mi")]
        );
        assert_eq!(
            texts(&effective(
                r#"{"requests": {"cpu": 0.2, "memory": "150Mi"}}"#,
                &prod
            )),
            [s("0.2"), s("150Mi"), s("0.4"), s("300Mi")]
        );
        assert_eq!(
            texts(&effective(
                r#"{"limits": {"cpu": 0.2, "memory": "250Mi"}}"#,
                &prod
            )),
            [s("0.1"), s("128Mi"), s("0.2"), s("250Mi")]
        );
        let limits = HkubeSettings {
            use_resource_limits: true,
            ..HkubeSettings::default()
        };
        assert_eq!(
            texts(&effective("{}", &limits)),
            [s("0.1"), s("128Mi"), s("0.1"), s("128Mi")]
        );
    }

    #[test]
    fn non_numeric_cpu_request_loses_its_limit() {
        let e = effective(
            r#"{"requests": {"cpu": "500m", "memory": "1Gi"}}"#,
            &HkubeSettings::default(),
        );
        assert_eq!(e.limit_cpu, None);
        assert_eq!(e.limit_memory.unwrap().text, "2048Mi");
    }
}
