//! The one model every dialect maps into: objects, the pods they run, their containers (main
//! containers, classic and native sidecars, init containers, the platform's own containers) and
//! their volumes. Everything points back into the syntax tree, so each rule is written once and
//! reports at exact spans in any dialect.

use crate::diagnostic::Dialect;
use crate::syntax::{Entry, NodeId, Tree, Value};
use crate::text::Span;

/// One object of a document: a Kubernetes object, an HKube algorithm, a KubeVela Application or
/// a Calyptia sidecar spec. A `kind: List` document holds one object per item.
#[derive(Clone, Debug)]
pub struct Object {
    /// Index of the document in the stream.
    pub document: usize,
    /// The object's root node (the document root, or a `List` item).
    pub root: NodeId,
    /// The dialect it is written in.
    pub dialect: Dialect,
    /// Kubernetes `apiVersion` and `kind`, when it has them.
    pub api_version: Option<String>,
    /// Kubernetes `kind`.
    pub kind: Option<String>,
    /// The pods this object runs (none for a Service or ConfigMap; one per component for KubeVela).
    pub workloads: Vec<Workload>,
}

impl Object {
    /// The field path of `node` relative to this object, as the API names it
    /// (`spec.template.spec.containers[0].name`).
    pub fn path(&self, tree: &Tree, node: NodeId) -> String {
        tree.field_path_from(self.root, node)
    }
}

/// What kind of thing owns a pod template, where that matters to the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodOwner {
    /// A bare Pod.
    Pod,
    /// A PodTemplate object.
    PodTemplate,
    /// Deployment, ReplicaSet, ReplicationController, StatefulSet or DaemonSet: pods restart forever.
    Service,
    /// Job or CronJob: pods run to completion.
    Batch,
    /// The Job HKube's task-executor creates for an algorithm.
    HkubeJob,
    /// The workload a KubeVela component renders.
    VelaComponent,
    /// The Calyptia pipeline's pod.
    CalyptiaPipeline,
}

/// One pod as the platform would run it.
#[derive(Clone, Debug)]
pub struct Workload {
    /// A name for messages (the object's or component's name).
    pub name: Option<String>,
    /// What owns the pod template.
    pub owner: PodOwner,
    /// The Kubernetes PodSpec node, when the document has one.
    pub pod_spec: Option<NodeId>,
    /// The node a rule about the whole pod should point at (e.g. the `containers` key's parent).
    pub anchor: NodeId,
    /// Every container of the pod, in the order the platform runs them.
    pub containers: Vec<Container>,
    /// The pod's volumes, including the platform's own.
    pub volumes: Vec<Volume>,
    /// Whether `volumes` is the whole list. `false` when something we cannot see may add
    /// volumes (a KubeVela trait, a HKube cluster setting): then "not found" is not reported.
    pub volumes_complete: bool,
    /// The pod-level `restartPolicy` node.
    pub restart_policy: Option<NodeId>,
    /// The pod's `terminationGracePeriodSeconds` (default 30).
    pub termination_grace_period: i64,
    /// Whether the pod uses the host's network namespace.
    pub host_network: bool,
}

/// The part a container plays in its pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// A main (application) container.
    Main,
    /// A classic sidecar: an extra entry of `containers`.
    Sidecar,
    /// A native sidecar: an init container with `restartPolicy: Always`.
    NativeSidecar,
    /// A plain init container that runs to completion before the main containers.
    Init,
    /// An ephemeral (debug) container.
    Ephemeral,
}

impl Role {
    /// Whether the container sits in `initContainers`.
    pub fn is_init_list(self) -> bool {
        matches!(self, Role::Init | Role::NativeSidecar)
    }

    /// Whether the container is a sidecar of either form.
    pub fn is_sidecar(self) -> bool {
        matches!(self, Role::Sidecar | Role::NativeSidecar)
    }
}

/// Which list a container is declared in, for paths and messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerList {
    /// `containers` (or the platform's equivalent).
    Containers,
    /// `initContainers`.
    InitContainers,
    /// `ephemeralContainers`.
    EphemeralContainers,
}

/// A container the platform adds itself (HKube's `worker`, KubeVela's main container…).
#[derive(Clone, Debug)]
pub struct PlatformContainer {
    /// Why it is there, for messages ("HKube's worker container").
    pub description: String,
    /// Names of the pod volumes it mounts.
    pub mounts: Vec<String>,
    /// Where the user declared something about it (e.g. the KubeVela component), if anywhere.
    pub declared_at: Option<NodeId>,
}

/// One container of a pod.
#[derive(Clone, Debug)]
pub struct Container {
    /// The part it plays.
    pub role: Role,
    /// The list it is declared in.
    pub list: ContainerList,
    /// Its name, if it has a string name.
    pub name: Option<String>,
    /// The container object in the tree; `None` for a container only the platform declares.
    pub node: Option<NodeId>,
    /// Set for containers the platform adds.
    pub platform: Option<PlatformContainer>,
    /// How this dialect spells the container's fields.
    pub keys: FieldKeys,
    /// Extra `volumeMounts` lists that the platform merges in (HKube `sideCars[i].volumeMounts`).
    pub extra_mounts: Vec<NodeId>,
    /// A `name → value` environment map that the platform turns into `env` (HKube `environments`).
    pub env_map: Option<NodeId>,
}

/// Field names of a container in one dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldKeys {
    /// `command` (KubeVela: `cmd`).
    pub command: &'static str,
    /// `volumeMounts` (KubeVela: `volumes`).
    pub volume_mounts: &'static str,
    /// A mount's path: `mountPath` (KubeVela: `path`).
    pub mount_path: &'static str,
    /// The only fields the platform passes on to the container (`None`: all of them). Other
    /// fields are dropped, so rules read them as absent.
    pub passed: Option<&'static [&'static str]>,
}

impl FieldKeys {
    /// The Kubernetes spelling.
    pub const KUBERNETES: FieldKeys = FieldKeys {
        command: "command",
        volume_mounts: "volumeMounts",
        mount_path: "mountPath",
        passed: None,
    };
    /// The KubeVela sidecar trait's spelling.
    pub const KUBEVELA: FieldKeys = FieldKeys {
        command: "cmd",
        volume_mounts: "volumes",
        mount_path: "path",
        passed: Some(KUBEVELA_TRAIT_PROPERTIES),
    };
}

/// The properties the KubeVela sidecar trait passes on to its container; it ignores all others.
pub const KUBEVELA_TRAIT_PROPERTIES: &[&str] = &[
    "name",
    "image",
    "cmd",
    "args",
    "env",
    "volumes",
    "livenessProbe",
    "readinessProbe",
];

/// The three probes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProbeKind {
    /// `livenessProbe`.
    Liveness,
    /// `readinessProbe`.
    Readiness,
    /// `startupProbe`.
    Startup,
}

impl ProbeKind {
    /// All three, in field order.
    pub const ALL: [ProbeKind; 3] = [
        ProbeKind::Liveness,
        ProbeKind::Readiness,
        ProbeKind::Startup,
    ];

    /// The field name.
    pub fn key(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "livenessProbe",
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Startup => "startupProbe",
        }
    }
}

/// A volume mount, in any dialect's spelling.
#[derive(Clone, Debug)]
pub struct Mount {
    /// The mount object.
    pub node: NodeId,
    /// The `name` value node.
    pub name: Option<NodeId>,
    /// The path value node (`mountPath`, or KubeVela's `path`).
    pub path: Option<NodeId>,
}

/// An environment variable, from `env` or from a platform's env map.
#[derive(Clone, Debug)]
pub struct EnvVar {
    /// The variable's name.
    pub name: Option<String>,
    /// Where the name is written (the `name` value, or the map key).
    pub name_span: Span,
    /// The `env` item object (`None` for a map entry).
    pub node: Option<NodeId>,
    /// The `value` node (for a map entry holding a scalar: the scalar).
    pub value: Option<NodeId>,
    /// The `valueFrom` node (for a map entry holding an object: the object).
    pub value_from: Option<NodeId>,
}

impl Container {
    /// The value of field `key` of the container object (`None` for a field the platform drops).
    pub fn field(&self, tree: &Tree, key: &str) -> Option<NodeId> {
        if self
            .keys
            .passed
            .is_some_and(|passed| !passed.contains(&key))
        {
            return None;
        }
        self.node.and_then(|n| tree.get(n, key))
    }

    /// The span naming this container (its `name` value, else its object, else nothing).
    pub fn name_span(&self, tree: &Tree) -> Option<Span> {
        self.field(tree, "name")
            .map(|n| tree.span(n))
            .or_else(|| self.node.map(|n| tree.span(n)))
    }

    /// A label for messages: `container "app"` or `the first container`.
    pub fn label(&self) -> String {
        match (&self.name, &self.platform) {
            (_, Some(p)) => p.description.clone(),
            (Some(name), None) => format!("container \"{name}\""),
            (None, None) => "this container".to_string(),
        }
    }

    /// Every mount, from the container's own list and from platform-merged lists.
    pub fn mounts(&self, tree: &Tree) -> Vec<Mount> {
        let own = self.field(tree, self.keys.volume_mounts);
        own.into_iter()
            .chain(self.extra_mounts.iter().copied())
            .filter_map(|list| tree.items(list))
            .flatten()
            .filter(|&&m| tree.entries(m).is_some())
            .map(|&m| Mount {
                node: m,
                name: tree.get(m, "name"),
                path: tree.get(m, self.keys.mount_path),
            })
            .collect()
    }

    /// Every environment variable, from `env` and from the platform's env map.
    pub fn env(&self, tree: &Tree) -> Vec<EnvVar> {
        let mut vars = Vec::new();
        if let Some(items) = self.field(tree, "env").and_then(|e| tree.items(e)) {
            for &item in items {
                if tree.entries(item).is_none() {
                    continue;
                }
                let name_node = tree.get(item, "name");
                vars.push(EnvVar {
                    name: name_node.and_then(|n| tree.str(n)).map(str::to_string),
                    name_span: name_node.map_or_else(|| tree.span(item), |n| tree.span(n)),
                    node: Some(item),
                    value: tree.get(item, "value"),
                    value_from: tree.get(item, "valueFrom"),
                });
            }
        }
        if let Some(entries) = self.env_map.and_then(|m| tree.entries(m)) {
            for e in entries {
                // JavaScript's `typeof` is "object" for arrays too: both become `valueFrom`.
                let is_object = matches!(tree.value(e.value), Value::Object(_) | Value::Array(_));
                vars.push(EnvVar {
                    name: Some(e.key.to_string()),
                    name_span: e.key_span,
                    node: None,
                    value: (!is_object).then_some(e.value),
                    value_from: is_object.then_some(e.value),
                });
            }
        }
        vars
    }

    /// Every port object.
    pub fn ports(&self, tree: &Tree) -> Vec<NodeId> {
        self.field(tree, "ports")
            .and_then(|p| tree.items(p))
            .map(|items| {
                items
                    .iter()
                    .copied()
                    .filter(|&i| tree.entries(i).is_some())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every probe that is set (to an object).
    pub fn probes(&self, tree: &Tree) -> Vec<(ProbeKind, NodeId)> {
        ProbeKind::ALL
            .into_iter()
            .filter_map(|k| {
                self.field(tree, k.key())
                    .filter(|&p| tree.entries(p).is_some())
                    .map(|p| (k, p))
            })
            .collect()
    }

    /// Every `resources.requests` and `resources.limits` entry: (section, the section's node, entry).
    pub fn resource_entries<'t>(&self, tree: &'t Tree) -> Vec<(&'static str, NodeId, &'t Entry)> {
        let Some(resources) = self.field(tree, "resources") else {
            return Vec::new();
        };
        ["requests", "limits"]
            .into_iter()
            .filter_map(|section| tree.get(resources, section).map(|list| (section, list)))
            .flat_map(|(section, list)| {
                tree.entries(list)
                    .unwrap_or(&[])
                    .iter()
                    .map(move |e| (section, list, e))
            })
            .collect()
    }

    /// Whether the container object itself was cut short by a syntax error.
    pub fn may_be_truncated(&self, tree: &Tree) -> bool {
        self.node.is_some_and(|n| tree.is_incomplete(n))
    }
}

/// One pod volume.
#[derive(Clone, Debug)]
pub struct Volume {
    /// The volume's name.
    pub name: String,
    /// The volume object, when the user declared it.
    pub node: Option<NodeId>,
    /// Its source type (`emptyDir`, `configMap`…), when known.
    pub source: Option<String>,
    /// Set when the platform adds the volume itself, with a note for messages.
    pub platform: Option<&'static str>,
}

impl Volume {
    /// A volume declared by the user: `node` is a `{name, <source>: …}` object.
    pub fn declared(tree: &Tree, node: NodeId) -> Option<Volume> {
        let name = tree.get_str(node, "name")?;
        let source = tree
            .entries(node)?
            .iter()
            .find(|e| &*e.key != "name")
            .map(|e| e.key.to_string());
        Some(Volume {
            name: name.to_string(),
            node: Some(node),
            source,
            platform: None,
        })
    }
}

/// Kubernetes named-object references that span documents (ConfigMaps and Secrets of the file).
#[derive(Clone, Debug, Default)]
pub struct FileIndex {
    /// ConfigMaps defined in the file: name, namespace, and their keys (`data` + `binaryData`).
    pub config_maps: Vec<NamedKeys>,
    /// Secrets defined in the file: name, namespace, and their keys (`data` + `stringData`).
    pub secrets: Vec<NamedKeys>,
}

/// A named object with a set of keys.
#[derive(Clone, Debug)]
pub struct NamedKeys {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`, if set.
    pub namespace: Option<String>,
    /// The keys it defines.
    pub keys: Vec<String>,
    /// Where it is defined.
    pub span: Span,
}
