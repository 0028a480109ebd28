//! KubeVela Applications (YAML): `traits: [{type: sidecar, properties: {...}}]` on components.
//!
//! Each component with sidecar traits is one pod (research: kubevela.md §2): the main container
//! is named after the component (built-in component types), each sidecar trait appends one
//! container, and the pod's volumes are whatever the component and its traits declare — the
//! sidecar trait itself never adds a volume.

use super::{DocumentInput, DocumentModel, SchemaTarget};
use crate::diagnostic::{Diagnostic, Dialect, Severity};
use crate::model::{
    Container, ContainerList, FieldKeys, Object, PlatformContainer, PodOwner, Role, Volume,
    Workload,
};
use crate::rules::codes;
use crate::schema::SchemaId;
use crate::syntax::{NodeId, Tree};

/// Component types whose workload keeps its main container, named after the component, in
/// `spec.template.spec.containers` (kubevela.md §2.3).
const POD_COMPONENT_TYPES: &[&str] = &["webservice", "worker", "task", "daemon", "statefulset"];

/// Built-in traits known not to add pod volumes.
const NO_VOLUME_TRAITS: &[&str] = &[
    "sidecar",
    "scaler",
    "cpuscaler",
    "hpa",
    "gateway",
    "expose",
    "labels",
    "annotations",
    "env",
    "command",
    "container-image",
    "startup-probe",
    "resource",
    "affinity",
    "hostalias",
    "container-ports",
    "service-binding",
    "topologyspreadconstraints",
    "securitycontext",
    "podsecuritycontext",
    "nodeaffinity",
    "k8s-update-strategy",
];

/// Volume lists of the `worker`/`webservice` `volumeMounts` property and of the `storage` trait.
const VOLUME_KINDS: &[&str] = &["pvc", "configMap", "secret", "emptyDir", "hostPath"];

/// Whether the document is a KubeVela Application.
pub fn detect(tree: &Tree, root: NodeId) -> bool {
    tree.get_str(root, "apiVersion")
        .is_some_and(|v| v.starts_with("core.oam.dev/"))
        && tree.get_str(root, "kind") == Some("Application")
}

/// Map a KubeVela Application into the model.
pub fn build(input: &DocumentInput) -> DocumentModel {
    let tree = input.tree;
    let root = input.root;
    let mut model = DocumentModel::default();
    if !detect(tree, root) {
        // Not an Application: a file of trait parameters (chosen by `$schema` or a setting).
        standalone_trait(input, &mut model);
        return model;
    }
    let mut workloads = Vec::new();
    let components = tree
        .get_path(root, &["spec", "components"])
        .and_then(|c| tree.items(c))
        .unwrap_or(&[]);
    for &component in components {
        if let Some(w) = component_workload(input, component, &mut model) {
            workloads.push(w);
        }
    }
    model.objects.push(Object {
        document: input.document,
        root,
        dialect: Dialect::Kubevela,
        api_version: tree.get_str(root, "apiVersion").map(str::to_string),
        kind: Some("Application".into()),
        workloads,
    });
    model
}

/// A document holding one sidecar trait's `properties`: checked as a sidecar whose component we
/// cannot see (so its volumes are not known).
fn standalone_trait(input: &DocumentInput, model: &mut DocumentModel) {
    let (tree, root) = (input.tree, input.root);
    if tree.entries(root).is_none() {
        return;
    }
    model
        .schema_targets
        .push(SchemaTarget::whole_object(root, SchemaId::KubevelaTrait));
    model.objects.push(Object {
        document: input.document,
        root,
        dialect: Dialect::Kubevela,
        api_version: None,
        kind: None,
        workloads: vec![Workload {
            name: None,
            owner: PodOwner::VelaComponent,
            pod_spec: None,
            anchor: root,
            containers: vec![Container {
                role: Role::Sidecar,
                list: ContainerList::Containers,
                name: tree.get_str(root, "name").map(str::to_string),
                node: Some(root),
                platform: None,
                keys: FieldKeys::KUBEVELA,
                extra_mounts: Vec::new(),
                env_map: None,
            }],
            volumes: Vec::new(),
            volumes_complete: false,
            restart_policy: None,
            termination_grace_period: 30,
            host_network: false,
        }],
    });
}

/// The sidecar traits of a component.
pub fn sidecar_traits(tree: &Tree, component: NodeId) -> Vec<NodeId> {
    tree.get(component, "traits")
        .and_then(|t| tree.items(t))
        .into_iter()
        .flatten()
        .copied()
        .filter(|&t| tree.get_str(t, "type") == Some("sidecar"))
        .collect()
}

fn component_workload(
    input: &DocumentInput,
    component: NodeId,
    model: &mut DocumentModel,
) -> Option<Workload> {
    let tree = input.tree;
    let traits = sidecar_traits(tree, component);
    if traits.is_empty() {
        return None;
    }
    let name = tree.get_str(component, "name").map(str::to_string);
    let component_type = tree.get_str(component, "type").unwrap_or("");
    let properties = tree.get(component, "properties");
    let renders_pod = POD_COMPONENT_TYPES.contains(&component_type);

    // Volumes the component and its traits declare.
    let mut volumes = Vec::new();
    let mut volumes_complete = renders_pod;
    if let Some(props) = properties {
        collect_volume_list(tree, tree.get(props, "volumes"), &mut volumes, true);
        if let Some(mounts) = tree.get(props, "volumeMounts") {
            for kind in VOLUME_KINDS {
                collect_volume_list(tree, tree.get(mounts, kind), &mut volumes, false);
            }
        }
    }
    for &t in tree
        .get(component, "traits")
        .and_then(|t| tree.items(t))
        .unwrap_or(&[])
    {
        let trait_type = tree.get_str(t, "type").unwrap_or("");
        let props = tree.get(t, "properties");
        match trait_type {
            "storage" => {
                for kind in VOLUME_KINDS {
                    collect_volume_list(
                        tree,
                        props.and_then(|p| tree.get(p, kind)),
                        &mut volumes,
                        false,
                    );
                }
            }
            "init-container" => {
                if let Some(name) = props.and_then(|p| tree.get_str(p, "mountName")) {
                    volumes.push(Volume {
                        name: name.to_string(),
                        node: props,
                        source: Some("emptyDir".into()),
                        platform: Some("the emptyDir the init-container trait adds"),
                    });
                }
            }
            t if NO_VOLUME_TRAITS.contains(&t) => {}
            _ => volumes_complete = false,
        }
    }

    let mut containers = Vec::new();
    if renders_pod {
        containers.push(Container {
            role: Role::Main,
            list: ContainerList::Containers,
            name: name.clone(),
            node: None,
            platform: Some(PlatformContainer {
                description: format!(
                    "the main container KubeVela renders for component \"{}\"",
                    name.as_deref().unwrap_or("")
                ),
                mounts: volumes.iter().map(|v| v.name.clone()).collect(),
                declared_at: Some(component),
            }),
            keys: FieldKeys::KUBERNETES,
            extra_mounts: Vec::new(),
            env_map: None,
        });
    }
    for t in traits {
        match tree
            .get(t, "properties")
            .filter(|&p| tree.entries(p).is_some())
        {
            Some(props) => {
                model.schema_targets.push(SchemaTarget {
                    node: props,
                    object_root: input.root,
                    schema: SchemaId::KubevelaTrait,
                });
                containers.push(Container {
                    role: Role::Sidecar,
                    list: ContainerList::Containers,
                    name: tree.get_str(props, "name").map(str::to_string),
                    node: Some(props),
                    platform: None,
                    keys: FieldKeys::KUBEVELA,
                    extra_mounts: Vec::new(),
                    env_map: None,
                });
            }
            None => {
                let diagnostic = match tree.get(t, "properties") {
                    // Present but not a mapping: CUE cannot unify it with the parameter struct.
                    Some(props) if !tree.is_null(props) => Diagnostic::new(
                        codes::VELA_TYPE_MISMATCH,
                        Severity::Error,
                        tree.span(props),
                        format!(
                            "parameter: conflicting values {} and {{...}} (mismatched types {} and struct)",
                            crate::schema::instance::to_json(tree, props),
                            match tree.type_name(props) {
                                "array" => "list",
                                "integer" => "int",
                                "boolean" => "bool",
                                other => other,
                            }
                        ),
                    ),
                    _ => Diagnostic::new(
                        codes::VELA_NAME_REQUIRED,
                        Severity::Error,
                        tree.get(t, "type").map_or(tree.span(t), |n| tree.span(n)),
                        "this sidecar trait has no `properties`: `name` and `image` are required",
                    ),
                };
                model
                    .diagnostics
                    .push(diagnostic.dialect(Dialect::Kubevela, input.document));
            }
        }
    }
    Some(Workload {
        name,
        owner: PodOwner::VelaComponent,
        pod_spec: None,
        anchor: component,
        containers,
        volumes,
        volumes_complete,
        restart_policy: None,
        termination_grace_period: 30,
        host_network: false,
    })
}

/// Add the `name`d items of a volume list. Deprecated `volumes` items carry a `type`.
fn collect_volume_list(tree: &Tree, list: Option<NodeId>, out: &mut Vec<Volume>, typed: bool) {
    for &item in list.and_then(|l| tree.items(l)).unwrap_or(&[]) {
        if let Some(name) = tree.get_str(item, "name") {
            let source = if typed {
                tree.get_str(item, "type").map(str::to_string)
            } else {
                None
            };
            out.push(Volume {
                name: name.to_string(),
                node: Some(item),
                source,
                platform: None,
            });
        }
    }
}
