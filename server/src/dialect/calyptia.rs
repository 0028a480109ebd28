//! Calyptia / Chronosphere Telemetry Pipeline sidecar spec files (JSON): one container-like
//! object passed to `calyptia create sidecar --spec FILE.json` (research: calyptia.md).
//!
//! The pipeline pod's main (Fluent Bit) container is run by the closed-source operator; its name
//! is not public, so it is modelled as a nameless platform container.

use super::{DocumentInput, DocumentModel, SchemaTarget};
use crate::diagnostic::Dialect;
use crate::model::{
    Container, ContainerList, FieldKeys, Object, PlatformContainer, PodOwner, Role, Volume,
    Workload,
};
use crate::schema::SchemaId;
use crate::syntax::{Format, NodeId, Tree};

/// The fields of the REST `CreateSidecar` schema (calyptia.md §3.2).
pub const FIELDS: &[&str] = &[
    "name",
    "image",
    "imagePullPolicy",
    "command",
    "args",
    "env",
    "resources",
    "ports",
    "volumeMounts",
    "volumes",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
];

/// Whether the document is a Calyptia sidecar spec: a file named `*.sidecar.json`, or a JSON
/// top-level object with string `name` and `image`, no `apiVersion`/`kind`, and only sidecar
/// spec fields (or near-misses of them: a typo must not make the file unrecognised). Specs are
/// JSON by definition, so YAML is recognised only when a setting or modeline says so.
pub fn detect(tree: &Tree, root: NodeId, path: Option<&str>, format: Format) -> bool {
    let Some(entries) = tree.entries(root) else {
        return false;
    };
    if path.is_some_and(|p| p.to_ascii_lowercase().ends_with(".sidecar.json")) {
        return true;
    }
    format == Format::Json
        && tree.get_str(root, "name").is_some()
        && tree.get_str(root, "image").is_some()
        && entries.iter().all(|e| {
            FIELDS.contains(&&*e.key)
                || crate::suggest::closest(&e.key, FIELDS.iter().copied()).is_some()
        })
}

/// Map a Calyptia sidecar spec into the model.
pub fn build(input: &DocumentInput) -> DocumentModel {
    let tree = input.tree;
    let root = input.root;
    let mut model = DocumentModel::default();
    if tree.entries(root).is_none() {
        return model;
    }
    model
        .schema_targets
        .push(SchemaTarget::whole_object(root, SchemaId::Calyptia));
    let volumes = tree
        .get(root, "volumes")
        .and_then(|v| tree.items(v))
        .into_iter()
        .flatten()
        .filter_map(|&v| Volume::declared(tree, v))
        .collect();
    let containers = vec![
        Container {
            role: Role::Main,
            list: ContainerList::Containers,
            name: None,
            node: None,
            platform: Some(PlatformContainer {
                description: "the pipeline's Fluent Bit container (run by the Calyptia operator)"
                    .into(),
                mounts: Vec::new(),
                declared_at: None,
            }),
            keys: FieldKeys::KUBERNETES,
            extra_mounts: Vec::new(),
            env_map: None,
        },
        Container {
            role: Role::Sidecar,
            list: ContainerList::Containers,
            name: tree.get_str(root, "name").map(str::to_string),
            node: Some(root),
            platform: None,
            keys: FieldKeys::KUBERNETES,
            extra_mounts: Vec::new(),
            env_map: None,
        },
    ];
    model.objects.push(Object {
        document: input.document,
        root,
        dialect: Dialect::Calyptia,
        api_version: None,
        kind: None,
        workloads: vec![Workload {
            name: tree.get_str(root, "name").map(str::to_string),
            owner: PodOwner::CalyptiaPipeline,
            pod_spec: None,
            anchor: root,
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
