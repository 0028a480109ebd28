//! Plain Kubernetes objects: workloads with classic sidecars (extra `containers`) and native
//! sidecars (`initContainers` with `restartPolicy: Always`), and every other built-in kind, which
//! is validated against its own schema. Custom resources are skipped silently.

use super::heuristics::looks_like_sidecar_image;
use super::{DocumentInput, DocumentModel, SchemaTarget};
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Dialect, Severity};
use crate::model::{
    Container, ContainerList, FieldKeys, FileIndex, NamedKeys, Object, PodOwner, Role, Volume,
    Workload,
};
use crate::rules::codes;
use crate::schema::{self, SchemaId};
use crate::syntax::{NodeId, Tree, Value};

/// Split an `apiVersion` into group and version (`apps/v1` → `("apps", "v1")`, `v1` → `("", "v1")`).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    }
}

/// Whether the document is a built-in Kubernetes object (or a `List` of them), or a document
/// missing `apiVersion`/`kind` that is clearly meant to be one.
pub fn detect(tree: &Tree, root: NodeId, settings: &Settings) -> bool {
    let index = schema::kubernetes_index(settings.kube_version);
    let api_version = tree.get_str(root, "apiVersion");
    let kind = tree.get_str(root, "kind");
    match (api_version, kind) {
        (Some(av), Some(_)) => index.is_builtin_group(split_api_version(av).0),
        (None, Some(kind)) => index.is_known_kind(kind) || kind == "List",
        (Some(av), None) => {
            let (group, _) = split_api_version(av);
            index.is_builtin_group(group) && tree.get(root, "metadata").is_some()
        }
        (None, None) => false,
    }
}

/// Map a Kubernetes document (one object, or a `List`) into the model.
pub fn build(input: &DocumentInput) -> DocumentModel {
    let mut model = DocumentModel::default();
    let tree = input.tree;
    let root = input.root;
    if tree.entries(root).is_none() {
        model.diagnostics.push(
            Diagnostic::new(
                codes::MISSING_API_VERSION_OR_KIND,
                Severity::Error,
                tree.span(root),
                "a Kubernetes document must be an object with `apiVersion` and `kind`",
            )
            .dialect(Dialect::Kubernetes, input.document),
        );
        return model;
    }
    if tree.get_str(root, "kind") == Some("List") {
        if let Some(items) = tree.get(root, "items").and_then(|i| tree.items(i)) {
            for &item in items {
                if tree.entries(item).is_some() {
                    object(input, item, &mut model);
                } else {
                    model.diagnostics.push(
                        Diagnostic::new(
                            codes::MISSING_API_VERSION_OR_KIND,
                            Severity::Error,
                            tree.span(item),
                            "a List item must be a Kubernetes object with `apiVersion` and `kind`",
                        )
                        .dialect(Dialect::Kubernetes, input.document),
                    );
                }
            }
        }
        return model;
    }
    object(input, root, &mut model);
    model
}

/// One object: check `apiVersion`/`kind`, pick its schema, and model its pod if it has one.
fn object(input: &DocumentInput, root: NodeId, model: &mut DocumentModel) {
    let tree = input.tree;
    let index = schema::kubernetes_index(input.settings.kube_version);
    let api_version = tree.get_str(root, "apiVersion").map(str::to_string);
    let kind = tree.get_str(root, "kind").map(str::to_string);
    let mut diag = |d: Diagnostic| {
        model
            .diagnostics
            .push(d.dialect(Dialect::Kubernetes, input.document))
    };

    // apiVersion and kind must both be there.
    let anchor = tree
        .entries(root)
        .and_then(|e| e.first())
        .map_or(tree.span(root), |e| e.key_span);
    let mut effective_api_version = api_version.clone();
    match (&api_version, &kind) {
        (None, Some(kind)) => {
            let candidates = index.api_versions_of(kind);
            let hint = match candidates.as_slice() {
                [only] => {
                    effective_api_version = Some(only.to_string());
                    format!(" (for {kind}: `apiVersion: {only}`)")
                }
                [] => String::new(),
                many => format!(" (for {kind}: one of {})", many.join(", ")),
            };
            let span = tree.get(root, "kind").map_or(anchor, |k| tree.name_span(k));
            diag(Diagnostic::new(
                codes::MISSING_API_VERSION_OR_KIND,
                Severity::Error,
                span,
                format!(
                    "missing `apiVersion`: Kubernetes cannot tell which API this object belongs to{hint}"
                ),
            ));
        }
        (None, None) => {
            diag(Diagnostic::new(
                codes::MISSING_API_VERSION_OR_KIND,
                Severity::Error,
                anchor,
                "missing `apiVersion` and `kind`: Kubernetes cannot tell what this object is",
            ));
        }
        (Some(_), None) => {
            let span = tree
                .get(root, "apiVersion")
                .map_or(anchor, |k| tree.name_span(k));
            diag(Diagnostic::new(
                codes::MISSING_API_VERSION_OR_KIND,
                Severity::Error,
                span,
                "missing `kind`: Kubernetes cannot tell what this object is",
            ));
        }
        _ => {}
    }
    for key in ["apiVersion", "kind"] {
        if let Some(v) = tree.get(root, key)
            && tree.str(v).is_none()
        {
            diag(Diagnostic::new(
                codes::MISSING_API_VERSION_OR_KIND,
                Severity::Error,
                tree.span(v),
                format!("`{key}` must be a string"),
            ));
        }
    }

    // The schema for this apiVersion and kind.
    if let (Some(av), Some(k)) = (&effective_api_version, &kind) {
        match index.kind(av, k) {
            Some(info) => model.schema_targets.push(SchemaTarget::whole_object(
                root,
                SchemaId::Kubernetes {
                    version: input.settings.kube_version.schema_version(),
                    definition: info.definition.clone(),
                },
            )),
            None => {
                let version = input.settings.kube_version;
                if let Some((removed_in, replacement)) = schema::removed::removed(av, k, version) {
                    let span = tree
                        .get(root, "apiVersion")
                        .map_or(anchor, |v| tree.span(v));
                    diag(Diagnostic::new(
                        codes::API_VERSION_NOT_SERVED,
                        Severity::Error,
                        span,
                        format!(
                            "Kubernetes {version} does not serve {k} as `{av}` (removed in 1.{removed_in}): use `{replacement}`"
                        ),
                    ));
                    // Check the rest of the object against the API it should use.
                    if let Some(info) = index.kind(replacement, k) {
                        model.schema_targets.push(SchemaTarget::whole_object(
                            root,
                            SchemaId::Kubernetes {
                                version: version.schema_version(),
                                definition: info.definition.clone(),
                            },
                        ));
                    }
                }
            }
        }
    }

    if let Some(k) = kind.as_deref()
        && let Some(missing) = missing_pod_spec(tree, root, k)
    {
        diag(missing);
    }
    let workloads = kind
        .as_deref()
        .and_then(|k| pod_spec_of(tree, root, k))
        .map(|(spec, owner)| vec![workload(tree, root, spec, owner)])
        .unwrap_or_default();
    model.objects.push(Object {
        document: input.document,
        root,
        dialect: Dialect::Kubernetes,
        api_version,
        kind,
        workloads,
    });
}

/// Where a kind keeps its pod spec, and what owns the pod.
fn pod_spec_path(kind: &str) -> Option<(&'static [&'static str], PodOwner)> {
    Some(match kind {
        "Pod" => (&["spec"], PodOwner::Pod),
        "PodTemplate" => (&["template", "spec"], PodOwner::PodTemplate),
        "Deployment" | "ReplicaSet" | "ReplicationController" | "StatefulSet" | "DaemonSet" => {
            (&["spec", "template", "spec"], PodOwner::Service)
        }
        "Job" => (&["spec", "template", "spec"], PodOwner::Batch),
        "CronJob" => (
            &["spec", "jobTemplate", "spec", "template", "spec"],
            PodOwner::Batch,
        ),
        _ => return None,
    })
}

/// Where a kind keeps its pod spec.
fn pod_spec_of(tree: &Tree, root: NodeId, kind: &str) -> Option<(NodeId, PodOwner)> {
    let (path, owner) = pod_spec_path(kind)?;
    let spec = tree.get_path(root, path)?;
    tree.entries(spec)?;
    Some((spec, owner))
}

/// A pod spec whose parent is there but which is itself missing: the pod has no containers.
/// (A missing parent is the schema's `required` finding.)
fn missing_pod_spec(tree: &Tree, root: NodeId, kind: &str) -> Option<Diagnostic> {
    let (path, _) = pod_spec_path(kind)?;
    let (last, parents) = path.split_last()?;
    let parent = tree.get_path(root, parents)?;
    if tree.entries(parent).is_none()
        || tree.get(parent, last).is_some()
        || tree.is_incomplete(parent)
    {
        return None;
    }
    let span = tree.key_span(parent).unwrap_or_else(|| {
        tree.entries(parent)
            .and_then(|e| e.first())
            .map_or_else(|| tree.span(parent), |e| e.key_span)
    });
    Some(Diagnostic::new(
        codes::POD_WITHOUT_CONTAINER,
        Severity::Error,
        span,
        format!("{}.containers: Required value", path.join(".")),
    ))
}

/// Model the pod of a Kubernetes workload.
fn workload(tree: &Tree, root: NodeId, spec: NodeId, owner: PodOwner) -> Workload {
    let mut containers = Vec::new();
    let lists = [
        ("initContainers", ContainerList::InitContainers),
        ("containers", ContainerList::Containers),
        ("ephemeralContainers", ContainerList::EphemeralContainers),
    ];
    let default_container = default_container_annotation(tree, root);
    for (key, list) in lists {
        let Some(items) = tree.get(spec, key).and_then(|l| tree.items(l)) else {
            continue;
        };
        for &item in items {
            if tree.entries(item).is_none() {
                continue;
            }
            let role = match list {
                ContainerList::InitContainers => {
                    if tree.get_str(item, "restartPolicy") == Some("Always") {
                        Role::NativeSidecar
                    } else {
                        Role::Init
                    }
                }
                ContainerList::Containers => Role::Main,
                ContainerList::EphemeralContainers => Role::Ephemeral,
            };
            containers.push(Container {
                role,
                list,
                name: tree.get_str(item, "name").map(str::to_string),
                node: Some(item),
                platform: None,
                keys: FieldKeys::KUBERNETES,
                extra_mounts: Vec::new(),
                env_map: None,
            });
        }
    }
    classify_classic_sidecars(tree, &mut containers, default_container.as_deref());

    let mut volumes: Vec<Volume> = tree
        .get(spec, "volumes")
        .and_then(|v| tree.items(v))
        .unwrap_or(&[])
        .iter()
        .filter_map(|&v| Volume::declared(tree, v))
        .collect();
    // A StatefulSet's claim templates are mountable volumes too.
    if let Some(items) = tree
        .get_path(root, &["spec", "volumeClaimTemplates"])
        .and_then(|v| tree.items(v))
    {
        for &t in items {
            if let Some(name) = tree
                .get_path(t, &["metadata", "name"])
                .and_then(|n| tree.str(n))
            {
                volumes.push(Volume {
                    name: name.to_string(),
                    node: Some(t),
                    source: Some("volumeClaimTemplates".into()),
                    platform: None,
                });
            }
        }
    }
    let name = tree
        .get_path(root, &["metadata", "name"])
        .and_then(|n| tree.str(n))
        .map(str::to_string);
    Workload {
        name,
        owner,
        pod_spec: Some(spec),
        anchor: spec,
        containers,
        volumes,
        volumes_complete: true,
        restart_policy: tree.get(spec, "restartPolicy"),
        termination_grace_period: tree
            .get(spec, "terminationGracePeriodSeconds")
            .and_then(|n| tree.number(n))
            .and_then(|n| n.as_i64())
            .unwrap_or(30),
        host_network: tree.get(spec, "hostNetwork").and_then(|n| tree.bool(n)) == Some(true),
    }
}

/// `kubectl.kubernetes.io/default-container` names the pod's main container.
fn default_container_annotation(tree: &Tree, root: NodeId) -> Option<String> {
    let from = |meta: Option<NodeId>| {
        meta.and_then(|m| {
            tree.get_path(
                m,
                &["annotations", "kubectl.kubernetes.io/default-container"],
            )
        })
        .and_then(|n| tree.str(n))
        .map(str::to_string)
    };
    from(tree.get_path(root, &["spec", "template", "metadata"]))
        .or_else(|| from(tree.get(root, "metadata")))
}

/// Among several regular containers, tell the main one from classic sidecars: the annotated
/// default container, else the first whose image is not a well-known sidecar, else the first.
fn classify_classic_sidecars(tree: &Tree, containers: &mut [Container], default: Option<&str>) {
    let regular: Vec<usize> = containers
        .iter()
        .enumerate()
        .filter(|(_, c)| c.list == ContainerList::Containers)
        .map(|(i, _)| i)
        .collect();
    if regular.len() < 2 {
        return;
    }
    let image = |c: &Container| {
        c.node
            .and_then(|n| tree.get_str(n, "image"))
            .unwrap_or("")
            .to_string()
    };
    let main = default
        .and_then(|d| {
            regular
                .iter()
                .copied()
                .find(|&i| containers[i].name.as_deref() == Some(d))
        })
        .or_else(|| {
            regular
                .iter()
                .copied()
                .find(|&i| !looks_like_sidecar_image(&image(&containers[i])))
        })
        .unwrap_or(regular[0]);
    for i in regular {
        if i != main {
            containers[i].role = Role::Sidecar;
        }
    }
}

/// ConfigMaps and Secrets defined in the file, with their keys.
pub fn file_index(tree: &Tree, models: &[DocumentModel]) -> FileIndex {
    let mut index = FileIndex::default();
    for object in models.iter().flat_map(|m| &m.objects) {
        if object.dialect != Dialect::Kubernetes {
            continue;
        }
        let root = object.root;
        let Some(name) = tree
            .get_path(root, &["metadata", "name"])
            .and_then(|n| tree.str(n))
        else {
            continue;
        };
        let namespace = tree
            .get_path(root, &["metadata", "namespace"])
            .and_then(|n| tree.str(n))
            .map(str::to_string);
        let keys_of = |fields: &[&str]| -> Vec<String> {
            fields
                .iter()
                .filter_map(|f| tree.get(root, f).and_then(|d| tree.entries(d)))
                .flatten()
                .map(|e| e.key.to_string())
                .collect()
        };
        let entry = |keys| NamedKeys {
            name: name.to_string(),
            namespace: namespace.clone(),
            keys,
            span: tree.span(root),
        };
        match object.kind.as_deref() {
            Some("ConfigMap") => index
                .config_maps
                .push(entry(keys_of(&["data", "binaryData"]))),
            Some("Secret") => index.secrets.push(entry(keys_of(&["data", "stringData"]))),
            _ => {}
        }
    }
    index
}

/// Whether `node` holds a value (not null, not missing).
pub fn has_value(tree: &Tree, node: Option<NodeId>) -> bool {
    node.is_some_and(|n| !matches!(tree.value(n), Value::Null | Value::Missing))
}
