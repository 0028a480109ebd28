//! Go to definition, find references and rename for the names a pod spec refers to by name:
//!
//! - **volumes**, within one pod: the declarations (`volumes[].name`, HKube's algorithm-level
//!   `volumes`, a KubeVela component's `volumeMounts.*[]`/`volumes[]` and `storage` trait lists,
//!   a StatefulSet's `volumeClaimTemplates[].metadata.name`) and the uses (every container's
//!   `volumeMounts[].name` and `volumeDevices[].name`, HKube `sideCars[].volumeMounts` and the
//!   algorithm-level `volumeMounts`, KubeVela trait `volumes[].name`);
//! - **named ports**, within one container: `ports[].name` and the probes' and lifecycle hooks'
//!   `httpGet.port` / `tcpSocket.port` when they are strings.
//!
//! Spans are those of the names' text, without quotes. A volume only the platform declares (HKube's
//! `algometrics`…) or that nothing declares (a KubeVela mount of a volume the document does not
//! show) has no definition.

use crate::Analysis;
use crate::diagnostic::Dialect;
use crate::ide::TextEdit;
use crate::ide::actions::layout::Layout;
use crate::k8s::names;
use crate::model::{Container, Object, Volume, Workload};
use crate::syntax::{NodeId, Tree};
use crate::text::Span;

/// What a name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// A pod volume.
    Volume,
    /// A named container port.
    Port,
}

impl NameKind {
    fn noun(self) -> &'static str {
        match self {
            NameKind::Volume => "volume",
            NameKind::Port => "port",
        }
    }
}

/// The answer to "can this be renamed?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameTarget {
    /// The name's text under the cursor, without quotes.
    pub span: Span,
    /// The current name.
    pub placeholder: String,
    /// What it names.
    pub kind: NameKind,
}

/// Where the name under `offset` is declared: the declarations with that name in the same pod
/// (volumes) or container (ports). Empty when the cursor is on no such name, or nothing in the
/// document declares it.
pub fn definition(analysis: &Analysis, text: &str, offset: usize) -> Vec<Span> {
    let Some(group) = resolve(analysis, text, offset) else {
        return Vec::new();
    };
    group.spans(text, analysis, |o| o.declaration)
}

/// Every use of the name under `offset` in its pod (volumes) or container (ports), with the
/// declarations when `include_declaration`.
pub fn references(
    analysis: &Analysis,
    text: &str,
    offset: usize,
    include_declaration: bool,
) -> Vec<Span> {
    let Some(group) = resolve(analysis, text, offset) else {
        return Vec::new();
    };
    group.spans(text, analysis, |o| include_declaration || !o.declaration)
}

/// The name under `offset`, if it can be renamed.
pub fn prepare_rename(analysis: &Analysis, text: &str, offset: usize) -> Option<RenameTarget> {
    let group = resolve(analysis, text, offset)?;
    if group.platform_owned {
        return None;
    }
    let layout = Layout::new(text, &analysis.syntax.tree, analysis.format);
    Some(RenameTarget {
        span: layout.inner_span(group.cursor),
        placeholder: group.name.clone(),
        kind: group.kind,
    })
}

/// Rename the name under `offset` (every declaration and use in its scope) to `new_name`, keeping
/// each occurrence's quotes. The new name must be valid for Kubernetes (a volume name is a
/// DNS-1123 label, a port name an IANA_SVC_NAME) and not clash with another name in the scope.
pub fn rename(
    analysis: &Analysis,
    text: &str,
    offset: usize,
    new_name: &str,
) -> Result<Vec<TextEdit>, String> {
    let group = resolve(analysis, text, offset)
        .ok_or_else(|| "there is no volume or port name here".to_string())?;
    let noun = group.kind.noun();
    if group.platform_owned {
        return Err(format!(
            "\"{}\" is a volume the platform adds itself: its name cannot change",
            group.name
        ));
    }
    let problems = match group.kind {
        NameKind::Volume => names::dns1123_label(new_name),
        NameKind::Port => names::port_name(new_name),
    };
    if !problems.is_empty() {
        return Err(format!(
            "\"{new_name}\" is not a valid {noun} name: {}",
            problems.join("; ")
        ));
    }
    if new_name == group.name {
        return Ok(Vec::new());
    }
    if group.taken.iter().any(|t| t == new_name) {
        let scope = match group.kind {
            NameKind::Volume => "this pod",
            NameKind::Port => "this container",
        };
        return Err(format!("{scope} already has a {noun} named \"{new_name}\""));
    }
    let layout = Layout::new(text, &analysis.syntax.tree, analysis.format);
    Ok(group
        .occurrences
        .iter()
        .map(|o| layout.replace_string(o.node, new_name))
        .collect())
}

/// One place a name is written.
#[derive(Clone, Copy, Debug)]
struct Occurrence {
    /// The string node holding the name.
    node: NodeId,
    /// Whether it declares the name (else it uses it).
    declaration: bool,
}

/// The name under the cursor and everything it is connected to.
struct Group {
    kind: NameKind,
    name: String,
    /// The node under the cursor.
    cursor: NodeId,
    /// Every occurrence of the name in its scope, in source order.
    occurrences: Vec<Occurrence>,
    /// The other names of the scope (for clashes).
    taken: Vec<String>,
    /// The platform declares this volume and the user does not.
    platform_owned: bool,
}

impl Group {
    fn spans(
        &self,
        text: &str,
        analysis: &Analysis,
        keep: impl Fn(&Occurrence) -> bool,
    ) -> Vec<Span> {
        let layout = Layout::new(text, &analysis.syntax.tree, analysis.format);
        self.occurrences
            .iter()
            .filter(|o| keep(o))
            .map(|o| layout.inner_span(o.node))
            .collect()
    }
}

/// Find the name under `offset` and its group.
fn resolve(analysis: &Analysis, text: &str, offset: usize) -> Option<Group> {
    let offset = offset.min(text.len());
    let tree = &analysis.syntax.tree;
    let on = |node: NodeId| tree.span(node).touches(offset) && tree.str(node).is_some();
    for object in analysis
        .objects
        .iter()
        .filter(|o| tree.span(o.root).touches(offset))
    {
        for workload in &object.workloads {
            let volumes = volume_occurrences(tree, object, workload);
            if let Some(hit) = volumes.iter().find(|o| on(o.node)) {
                return Some(volume_group(tree, workload, &volumes, hit.node));
            }
            for c in &workload.containers {
                let ports = port_occurrences(tree, c);
                if let Some(hit) = ports.iter().find(|o| on(o.node)) {
                    return Some(port_group(tree, &ports, hit.node));
                }
            }
        }
    }
    None
}

/// Every volume name written in a pod: declarations and uses, in source order.
fn volume_occurrences(tree: &Tree, object: &Object, workload: &Workload) -> Vec<Occurrence> {
    let mut out: Vec<Occurrence> = workload
        .volumes
        .iter()
        .filter_map(|v| volume_name_node(tree, v))
        .map(|node| Occurrence {
            node,
            declaration: true,
        })
        .collect();
    let named_items = |list: Option<NodeId>| {
        list.and_then(|l| tree.items(l))
            .unwrap_or(&[])
            .iter()
            .filter_map(|&item| tree.get(item, "name"))
            .collect::<Vec<_>>()
    };
    for c in &workload.containers {
        out.extend(
            c.mounts(tree)
                .into_iter()
                .filter_map(|m| m.name)
                .map(|node| Occurrence {
                    node,
                    declaration: false,
                }),
        );
        if object.dialect == Dialect::Kubernetes {
            out.extend(
                named_items(c.field(tree, "volumeDevices"))
                    .into_iter()
                    .map(|node| Occurrence {
                        node,
                        declaration: false,
                    }),
            );
        }
    }
    if object.dialect == Dialect::Hkube {
        // The algorithm-level mounts go to the algorunner container (hkube.md §2.5).
        out.extend(
            named_items(tree.get(object.root, "volumeMounts"))
                .into_iter()
                .map(|node| Occurrence {
                    node,
                    declaration: false,
                }),
        );
    }
    out.retain(|o| tree.str(o.node).is_some());
    out.sort_by_key(|o| tree.span(o.node).start);
    out.dedup_by_key(|o| o.node);
    out
}

/// The node naming a declared volume.
pub(crate) fn volume_name_node(tree: &Tree, v: &Volume) -> Option<NodeId> {
    let node = v.node?;
    if v.source.as_deref() == Some("volumeClaimTemplates") {
        return tree.get_path(node, &["metadata", "name"]);
    }
    if v.platform.is_some() {
        // KubeVela's init-container trait: its `mountName` declares the emptyDir.
        return tree.get(node, "mountName");
    }
    tree.get(node, "name")
}

fn volume_group(tree: &Tree, workload: &Workload, all: &[Occurrence], cursor: NodeId) -> Group {
    let name = tree.str(cursor).unwrap_or_default().to_string();
    let occurrences: Vec<Occurrence> = all
        .iter()
        .copied()
        .filter(|o| tree.str(o.node) == Some(name.as_str()))
        .collect();
    let platform_owned = !occurrences.iter().any(|o| o.declaration)
        && workload
            .volumes
            .iter()
            .any(|v| v.name == name && v.platform.is_some() && v.node.is_none());
    let mut taken: Vec<String> = all
        .iter()
        .filter_map(|o| tree.str(o.node))
        .chain(workload.volumes.iter().map(|v| v.name.as_str()))
        .filter(|n| *n != name)
        .map(str::to_string)
        .collect();
    taken.sort();
    taken.dedup();
    Group {
        kind: NameKind::Volume,
        name,
        cursor,
        occurrences,
        taken,
        platform_owned,
    }
}

/// Every port name written in a container: `ports[].name` and string probe/hook ports.
fn port_occurrences(tree: &Tree, c: &Container) -> Vec<Occurrence> {
    let mut out: Vec<Occurrence> = c
        .ports(tree)
        .into_iter()
        .filter_map(|p| tree.get(p, "name"))
        .map(|node| Occurrence {
            node,
            declaration: true,
        })
        .collect();
    let mut handlers: Vec<NodeId> = c.probes(tree).into_iter().map(|(_, p)| p).collect();
    if let Some(lifecycle) = c.field(tree, "lifecycle") {
        handlers.extend(
            ["postStart", "preStop"]
                .iter()
                .filter_map(|h| tree.get(lifecycle, h)),
        );
    }
    for handler in handlers {
        for action in ["httpGet", "tcpSocket"] {
            if let Some(port) = tree.get_path(handler, &[action, "port"]) {
                out.push(Occurrence {
                    node: port,
                    declaration: false,
                });
            }
        }
    }
    out.retain(|o| tree.str(o.node).is_some());
    out.sort_by_key(|o| tree.span(o.node).start);
    out
}

fn port_group(tree: &Tree, all: &[Occurrence], cursor: NodeId) -> Group {
    let name = tree.str(cursor).unwrap_or_default().to_string();
    let occurrences = all
        .iter()
        .copied()
        .filter(|o| tree.str(o.node) == Some(name.as_str()))
        .collect();
    let taken = all
        .iter()
        .filter(|o| o.declaration)
        .filter_map(|o| tree.str(o.node))
        .filter(|n| *n != name)
        .map(str::to_string)
        .collect();
    Group {
        kind: NameKind::Port,
        name,
        cursor,
        occurrences,
        taken,
        platform_owned: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::ide::apply_edits;

    /// Analyse a fixture whose cursor is `$0`; `[[…]]` marks the spans expected back.
    fn fixture(marked: &str, path: &str) -> (Analysis, String, usize, Vec<Span>) {
        let mut text = String::new();
        let mut expected = Vec::new();
        let mut cursor = None;
        let mut open = None;
        let mut rest = marked;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("$0") {
                cursor = Some(text.len());
                rest = r;
            } else if let Some(r) = rest.strip_prefix("[[") {
                open = Some(text.len());
                rest = r;
            } else if let Some(r) = rest.strip_prefix("]]") {
                expected.push(Span::new(open.take().expect("[[ before ]]"), text.len()));
                rest = r;
            } else {
                let ch = rest.chars().next().unwrap();
                text.push(ch);
                rest = &rest[ch.len_utf8()..];
            }
        }
        let analysis = crate::analyze(&text, Some(path), &Settings::default());
        (analysis, text, cursor.expect("a $0 cursor"), expected)
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      volumeMounts:\n        - name: [[lo$0gs]]\n          mountPath: /var/log/nginx\n      ports:\n        - name: http\n          containerPort: 80\n      readinessProbe:\n        httpGet: {path: /, port: http}\n  initContainers:\n    - name: shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy: Always\n      volumeMounts:\n        - name: \"[[logs]]\"\n          mountPath: /logs\n  volumes:\n    - name: '[[logs]]'\n      emptyDir: {}\n";

    #[test]
    fn volume_references_span_the_pod() {
        let (a, text, cursor, expected) = fixture(POD, "pod.yaml");
        assert_eq!(references(&a, &text, cursor, true), expected);
        assert_eq!(references(&a, &text, cursor, false), expected[..2]);
        assert_eq!(definition(&a, &text, cursor), expected[2..]);
        // From the declaration too.
        let at_declaration = expected[2].start as usize + 1;
        assert_eq!(references(&a, &text, at_declaration, true), expected);
        assert_eq!(definition(&a, &text, at_declaration), expected[2..]);
    }

    #[test]
    fn volume_rename_keeps_each_quote_style() {
        let (a, text, cursor, expected) = fixture(POD, "pod.yaml");
        let target = prepare_rename(&a, &text, cursor).unwrap();
        assert_eq!(target.span, expected[0]);
        assert_eq!(target.placeholder, "logs");
        assert_eq!(target.kind, NameKind::Volume);
        let edits = rename(&a, &text, cursor, "on").unwrap();
        let renamed = apply_edits(&text, &edits);
        assert!(
            renamed.contains("- name: \"on\"\n          mountPath: /var/log/nginx"),
            "{renamed}"
        );
        assert!(renamed.contains("- name: \"on\"\n          mountPath: /logs"));
        assert!(renamed.contains("- name: 'on'\n      emptyDir"));
        let after = crate::analyze(&renamed, Some("pod.yaml"), &Settings::default());
        assert!(
            after.diagnostics.iter().all(|d| d.code != "K115"),
            "{:?}",
            after.diagnostics
        );
    }

    #[test]
    fn rename_checks_kubernetes_name_rules_and_clashes() {
        let (a, text, cursor, _) = fixture(POD, "pod.yaml");
        let err = rename(&a, &text, cursor, "Logs_Dir").unwrap_err();
        assert!(
            err.starts_with("\"Logs_Dir\" is not a valid volume name: a lowercase RFC 1123 label"),
            "{err}"
        );
        let port = text.find("port: http").unwrap() + "port: ht".len();
        let err = rename(&a, &text, port, "metrics-endpoint-http").unwrap_err();
        assert_eq!(
            err,
            "\"metrics-endpoint-http\" is not a valid port name: must be no more than 15 characters"
        );
        let two_volumes = text.replace(
            "  volumes:\n",
            "  volumes:\n    - name: data\n      emptyDir: {}\n",
        );
        let a = crate::analyze(&two_volumes, Some("pod.yaml"), &Settings::default());
        assert_eq!(
            rename(&a, &two_volumes, cursor, "data").unwrap_err(),
            "this pod already has a volume named \"data\""
        );
    }

    #[test]
    fn named_ports_within_one_container() {
        let (a, text, cursor, expected) = fixture(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      ports:\n        - name: [[http]]\n          containerPort: 80\n      livenessProbe:\n        tcpSocket:\n          port: [[ht$0tp]]\n      readinessProbe:\n        httpGet: {path: /, port: '[[http]]'}\n      lifecycle:\n        preStop:\n          httpGet: {path: /quit, port: [[http]]}\n    - name: envoy\n      image: envoyproxy/envoy:v1.31.0\n      ports:\n        - name: http\n          containerPort: 9901\n",
            "pod.yaml",
        );
        assert_eq!(references(&a, &text, cursor, true), expected);
        assert_eq!(definition(&a, &text, cursor), expected[..1]);
        let edits = rename(&a, &text, cursor, "web").unwrap();
        assert_eq!(edits.len(), 4);
        let renamed = apply_edits(&text, &edits);
        assert!(renamed.contains("port: 'web'}"));
        assert!(
            renamed.contains("- name: http\n          containerPort: 9901"),
            "the other container's port stays"
        );
    }

    #[test]
    fn hkube_sidecar_mounts_and_algorithm_volumes_json() {
        let (a, text, cursor, expected) = fixture(
            "{\n  \"name\": \"algo\",\n  \"algorithmImage\": \"hkube/algo:1.0\",\n  \"volumes\": [{\"name\": \"[[cache]]\", \"emptyDir\": {}}],\n  \"volumeMounts\": [{\"name\": \"[[cache]]\", \"mountPath\": \"/cache\"}],\n  \"sideCars\": [\n    {\n      \"container\": {\"name\": \"redis\", \"image\": \"redis:7.2\"},\n      \"volumeMounts\": [{\"name\": \"[[ca$0che]]\", \"mountPath\": \"/data\"}, {\"name\": \"algometrics\", \"mountPath\": \"/metrics\"}]\n    }\n  ]\n}\n",
            "algorithm.json",
        );
        assert_eq!(references(&a, &text, cursor, true), expected);
        assert_eq!(definition(&a, &text, cursor), expected[..1]);
        let renamed = apply_edits(&text, &rename(&a, &text, cursor, "scratch").unwrap());
        assert_eq!(renamed.matches("\"scratch\"").count(), 3);
        // HKube's own volume: no definition in the document, and it cannot be renamed.
        let metrics = text.find("algometrics").unwrap() + 2;
        assert!(definition(&a, &text, metrics).is_empty());
        assert_eq!(references(&a, &text, metrics, true).len(), 1);
        assert!(prepare_rename(&a, &text, metrics).is_none());
        assert!(rename(&a, &text, metrics, "x").is_err());
    }

    #[test]
    fn kubevela_trait_mounts_resolve_to_the_component() {
        let (a, text, cursor, expected) = fixture(
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: catalog\n      type: webservice\n      properties:\n        image: shop/catalog:3.1.0\n        volumeMounts:\n          emptyDir:\n            - name: [[access-logs]]\n              mountPath: /var/log/catalog\n      traits:\n        - type: sidecar\n          properties:\n            name: log-shipper\n            image: fluent/fluent-bit:3.1\n            volumes:\n              - name: [[access-$0logs]]\n                path: /logs\n              - name: undeclared\n                path: /x\n",
            "app.yaml",
        );
        assert_eq!(references(&a, &text, cursor, true), expected);
        assert_eq!(definition(&a, &text, cursor), expected[..1]);
        let undeclared = text.find("undeclared").unwrap();
        assert!(definition(&a, &text, undeclared).is_empty());
        assert!(prepare_rename(&a, &text, undeclared).is_some());
    }

    #[test]
    fn scopes_stop_at_the_pod_and_the_document() {
        let (a, text, cursor, expected) = fixture(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: 'nginx:1.27', volumeMounts: [{name: [[da$0ta]], mountPath: /d}]}]\n  volumes: [{name: [[data]], emptyDir: {}}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: b, image: 'nginx:1.27', volumeMounts: [{name: data, mountPath: /d}]}]\n  volumes: [{name: data, emptyDir: {}}]\n",
            "pods.yaml",
        );
        assert_eq!(references(&a, &text, cursor, true), expected);
    }

    #[test]
    fn nothing_under_the_cursor_and_out_of_range_offsets() {
        let (a, text, _, _) = fixture(POD, "pod.yaml");
        let on_image = text.find("nginx").unwrap();
        assert!(definition(&a, &text, on_image).is_empty());
        assert!(references(&a, &text, on_image, true).is_empty());
        assert!(prepare_rename(&a, &text, on_image).is_none());
        assert!(rename(&a, &text, on_image, "x").is_err());
        assert!(definition(&a, &text, usize::MAX).is_empty());
    }

    #[test]
    fn broken_documents_still_navigate() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  volumes:\n    - name: data\n      emptyDir: {}\n  containers:\n    - name: web\n      image: \"nginx:1.27\n      volumeMounts:\n        - name: data\n";
        let a = crate::analyze(text, Some("pod.yaml"), &Settings::default());
        let at = text.find("name: data").unwrap() + 7;
        // Whatever the recovery kept, no panic and the declaration is found from itself.
        assert!(!definition(&a, text, at).is_empty());
        for offset in 0..=text.len() {
            let _ = references(&a, text, offset, true);
            let _ = prepare_rename(&a, text, offset);
        }
    }
}
