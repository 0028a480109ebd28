//! The document outline: objects, their pods, containers (with their role and image) and volumes,
//! in every dialect and every document of a stream.
//!
//! Built from the model, so it shows what the platform runs: a Kubernetes object's containers and
//! volumes; an HKube algorithm's sidecars and volumes; a KubeVela Application's components with
//! their sidecar traits and volumes; a Calyptia spec's sidecar and volumes. Documents we do not
//! recognise show their top-level keys.

use crate::Analysis;
use crate::diagnostic::Dialect;
use crate::model::{Container, Object, Role, Volume, Workload};
use crate::syntax::{NodeId, Tree};
use crate::text::Span;

/// What a symbol stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A Kubernetes object, an HKube algorithm, a KubeVela Application.
    Object,
    /// A pod of an object that runs several (a KubeVela component).
    Workload,
    /// A main, init or ephemeral container.
    Container,
    /// A classic or native sidecar (also a whole Calyptia spec or KubeVela trait file).
    Sidecar,
    /// A pod volume.
    Volume,
    /// A key of a document we do not model.
    Field,
}

/// One entry of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// What the outline shows (never empty).
    pub name: String,
    /// Secondary text: a container's role and image, an object's apiVersion, a volume's source.
    pub detail: Option<String>,
    /// What it stands for.
    pub kind: SymbolKind,
    /// A container's role in its pod.
    pub role: Option<Role>,
    /// The whole thing.
    pub span: Span,
    /// The part to select and reveal: the name, inside `span`.
    pub selection_span: Span,
    /// Nested symbols, in source order, inside `span`.
    pub children: Vec<Symbol>,
}

/// The outline of `text`, one top-level symbol per object (or per key of unrecognised documents),
/// in source order.
pub fn document_symbols(analysis: &Analysis, _text: &str) -> Vec<Symbol> {
    let tree = &analysis.syntax.tree;
    let mut out = Vec::new();
    let mut objects = analysis.objects.iter().peekable();
    for (index, document) in analysis.syntax.documents.iter().enumerate() {
        let Some(root) = document.root else { continue };
        let mut modelled = false;
        while let Some(object) = objects.next_if(|o| o.document <= index) {
            if object.document == index {
                out.push(object_symbol(tree, object));
                modelled = true;
            }
        }
        let recognised = analysis
            .documents
            .get(index)
            .is_some_and(|d| d.dialect.is_some());
        if !modelled && !recognised {
            out.extend(top_level_keys(tree, root));
        }
    }
    out
}

fn object_symbol(tree: &Tree, object: &Object) -> Symbol {
    let root = object.root;
    let name_node = |path: &[&str]| tree.get_path(root, path).filter(|&n| tree.str(n).is_some());
    let fallback_selection = || first_key_span(tree, root).unwrap_or(tree.span(root));
    match object.dialect {
        Dialect::Calyptia => {
            let c = object
                .workloads
                .first()
                .and_then(|w| w.containers.iter().find(|c| c.node == Some(root)));
            let mut symbol = match c {
                Some(c) => container_symbol(tree, c, tree.span(root)),
                None => leaf(tree, "(unnamed sidecar)".into(), SymbolKind::Sidecar, root),
            };
            symbol.detail = Some(match symbol.detail {
                Some(d) => format!("Calyptia {d}"),
                None => "Calyptia sidecar".into(),
            });
            symbol.children = object
                .workloads
                .iter()
                .flat_map(|w| volume_symbols(tree, w))
                .collect();
            finish(symbol)
        }
        Dialect::Kubevela if object.kind.is_none() => {
            // A standalone sidecar trait's properties.
            let c = object.workloads.first().and_then(|w| w.containers.first());
            let mut symbol = match c {
                Some(c) => container_symbol(tree, c, tree.span(root)),
                None => leaf(tree, "(unnamed sidecar)".into(), SymbolKind::Sidecar, root),
            };
            symbol.detail = Some(match symbol.detail {
                Some(d) => format!("KubeVela {d}"),
                None => "KubeVela sidecar trait".into(),
            });
            finish(symbol)
        }
        Dialect::Kubevela => {
            let name = name_node(&["metadata", "name"]);
            let mut symbol = Symbol {
                name: format!("Application {}", text_or(tree, name, "(unnamed)")),
                detail: object.api_version.clone(),
                kind: SymbolKind::Object,
                role: None,
                span: tree.span(root),
                selection_span: name.map_or_else(fallback_selection, |n| tree.span(n)),
                children: Vec::new(),
            };
            let components = tree
                .get_path(root, &["spec", "components"])
                .and_then(|c| tree.items(c))
                .unwrap_or(&[]);
            for &component in components {
                if tree.entries(component).is_none() {
                    continue;
                }
                let workload = object.workloads.iter().find(|w| w.anchor == component);
                symbol
                    .children
                    .push(component_symbol(tree, component, workload));
            }
            finish(symbol)
        }
        Dialect::Hkube => {
            let name = name_node(&["name"]);
            let image = tree.get_str(root, "algorithmImage");
            let mut symbol = Symbol {
                name: text_or(tree, name, "(unnamed algorithm)"),
                detail: Some(match image {
                    Some(image) => format!("HKube algorithm · {image}"),
                    None => "HKube algorithm".into(),
                }),
                kind: SymbolKind::Object,
                role: None,
                span: tree.span(root),
                selection_span: name.map_or_else(fallback_selection, |n| tree.span(n)),
                children: Vec::new(),
            };
            for w in &object.workloads {
                for c in w.containers.iter().filter(|c| c.node.is_some()) {
                    // The whole `sideCars` element: its mounts and environments belong to it.
                    let element = c.node.and_then(|n| tree.node(n).parent).unwrap_or(root);
                    symbol
                        .children
                        .push(container_symbol(tree, c, tree.span(element)));
                }
                symbol.children.extend(volume_symbols(tree, w));
            }
            finish(symbol)
        }
        Dialect::Kubernetes => {
            let name = name_node(&["metadata", "name"]);
            let kind = object.kind.as_deref().unwrap_or("(no kind)");
            let mut symbol = Symbol {
                name: format!("{kind} {}", text_or(tree, name, "(unnamed)")),
                detail: object.api_version.clone(),
                kind: SymbolKind::Object,
                role: None,
                span: tree.span(root),
                selection_span: name
                    .or_else(|| tree.get(root, "kind"))
                    .map_or_else(fallback_selection, |n| tree.span(n)),
                children: Vec::new(),
            };
            for w in &object.workloads {
                symbol.children.extend(container_symbols(tree, w));
                symbol.children.extend(volume_symbols(tree, w));
            }
            finish(symbol)
        }
    }
}

/// A KubeVela component: its sidecar traits and the volumes it declares.
fn component_symbol(tree: &Tree, component: NodeId, workload: Option<&Workload>) -> Symbol {
    let name = tree
        .get(component, "name")
        .filter(|&n| tree.str(n).is_some());
    let mut symbol = Symbol {
        name: text_or(tree, name, "(unnamed component)"),
        detail: tree
            .get_str(component, "type")
            .map(|t| format!("component · {t}")),
        kind: SymbolKind::Workload,
        role: None,
        span: tree.span(component),
        selection_span: name.map_or_else(
            || first_key_span(tree, component).unwrap_or(tree.span(component)),
            |n| tree.span(n),
        ),
        children: Vec::new(),
    };
    if let Some(w) = workload {
        for c in w.containers.iter().filter(|c| c.node.is_some()) {
            // The whole trait item (`type: sidecar` and its properties).
            let trait_item = c
                .node
                .and_then(|n| tree.node(n).parent)
                .unwrap_or(component);
            symbol
                .children
                .push(container_symbol(tree, c, tree.span(trait_item)));
        }
        symbol.children.extend(volume_symbols(tree, w));
    }
    finish(symbol)
}

/// The containers of a pod that are written in the document.
fn container_symbols<'a>(tree: &'a Tree, w: &'a Workload) -> impl Iterator<Item = Symbol> + 'a {
    w.containers
        .iter()
        .filter_map(move |c| c.node.map(|n| container_symbol(tree, c, tree.span(n))))
}

fn container_symbol(tree: &Tree, c: &Container, span: Span) -> Symbol {
    let name = c
        .field(tree, "name")
        .filter(|&n| tree.str(n).is_some_and(|s| !s.is_empty()));
    let role = role_label(c.role);
    let image = c
        .field(tree, "image")
        .and_then(|i| tree.str(i))
        .map(str::trim)
        .filter(|i| !i.is_empty());
    let selection = name
        .map(|n| tree.span(n))
        .or_else(|| c.node.and_then(|n| first_key_span(tree, n)))
        .unwrap_or(span);
    finish(Symbol {
        name: text_or(tree, name, "(unnamed container)"),
        detail: Some(match image {
            Some(image) => format!("{role} · {image}"),
            None => role.to_string(),
        }),
        kind: if c.role.is_sidecar() {
            SymbolKind::Sidecar
        } else {
            SymbolKind::Container
        },
        role: Some(c.role),
        span,
        selection_span: selection,
        children: Vec::new(),
    })
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Main => "main",
        Role::Sidecar => "sidecar",
        Role::NativeSidecar => "native sidecar",
        Role::Init => "init",
        Role::Ephemeral => "ephemeral",
    }
}

/// The volumes of a pod that are written in the document.
fn volume_symbols<'a>(tree: &'a Tree, w: &'a Workload) -> impl Iterator<Item = Symbol> + 'a {
    w.volumes.iter().filter_map(move |v| volume_symbol(tree, v))
}

fn volume_symbol(tree: &Tree, v: &Volume) -> Option<Symbol> {
    let node = v.node?;
    let name = crate::ide::navigation::volume_name_node(tree, v);
    let name_text = if v.name.is_empty() {
        "(unnamed volume)".to_string()
    } else {
        v.name.clone()
    };
    Some(finish(Symbol {
        name: name_text,
        detail: v.source.clone(),
        kind: SymbolKind::Volume,
        role: None,
        span: tree.span(node),
        selection_span: name.map_or_else(|| tree.span(node), |n| tree.span(n)),
        children: Vec::new(),
    }))
}

/// The keys of a document we do not model.
fn top_level_keys(tree: &Tree, root: NodeId) -> Vec<Symbol> {
    tree.entries(root)
        .unwrap_or(&[])
        .iter()
        .map(|e| Symbol {
            name: if e.key.is_empty() {
                "\"\"".into()
            } else {
                e.key.to_string()
            },
            detail: None,
            kind: SymbolKind::Field,
            role: None,
            span: e.key_span.cover(tree.span(e.value)),
            selection_span: e.key_span,
            children: Vec::new(),
        })
        .collect()
}

fn leaf(tree: &Tree, name: String, kind: SymbolKind, node: NodeId) -> Symbol {
    Symbol {
        name,
        detail: None,
        kind,
        role: None,
        span: tree.span(node),
        selection_span: first_key_span(tree, node).unwrap_or(tree.span(node)),
        children: Vec::new(),
    }
}

fn first_key_span(tree: &Tree, node: NodeId) -> Option<Span> {
    tree.entries(node)?.first().map(|e| e.key_span)
}

/// The string of `node`, or `fallback` when there is none.
fn text_or(tree: &Tree, node: Option<NodeId>, fallback: &str) -> String {
    node.and_then(|n| tree.str(n))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(fallback)
        .to_string()
}

/// Keep the invariants editors rely on: children sorted and inside the parent, the selection
/// inside the span.
fn finish(mut symbol: Symbol) -> Symbol {
    let span = symbol.span;
    if !(span.start <= symbol.selection_span.start && symbol.selection_span.end <= span.end) {
        symbol.selection_span = Span::at(span.start as usize);
    }
    symbol
        .children
        .retain(|c| span.start <= c.span.start && c.span.end <= span.end);
    symbol.children.sort_by_key(|c| (c.span.start, c.span.end));
    symbol.children.dedup_by_key(|c| c.span);
    symbol
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn outline(text: &str, path: &str) -> Vec<Symbol> {
        let analysis = crate::analyze(text, Some(path), &Settings::default());
        document_symbols(&analysis, text)
    }

    /// `kind name (detail) [selection text]`, indented by depth.
    fn render(text: &str, symbols: &[Symbol]) -> String {
        fn walk(text: &str, symbols: &[Symbol], depth: usize, out: &mut String) {
            for s in symbols {
                assert!(
                    s.span.start <= s.selection_span.start && s.selection_span.end <= s.span.end
                );
                out.push_str(&format!(
                    "{}{:?} {}{} [{}]\n",
                    "  ".repeat(depth),
                    s.kind,
                    s.name,
                    s.detail
                        .as_ref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default(),
                    &text[s.selection_span.range()]
                ));
                walk(text, &s.children, depth + 1, out);
            }
        }
        let mut out = String::new();
        walk(text, symbols, 0, &mut out);
        out
    }

    #[test]
    fn kubernetes_stream_with_roles() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      initContainers:\n        - name: migrate\n          image: shop/migrate:1.0\n        - name: log-shipper\n          image: fluent/fluent-bit:3.1\n          restartPolicy: Always\n      containers:\n        - name: web\n          image: nginx:1.27\n        - name: envoy\n          image: envoyproxy/envoy:v1.31.0\n      volumes:\n        - name: logs\n          emptyDir: {}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n";
        assert_eq!(
            render(text, &outline(text, "web.yaml")),
            "Object Deployment web (apps/v1) [web]\n  Container migrate (init · shop/migrate:1.0) [migrate]\n  Sidecar log-shipper (native sidecar · fluent/fluent-bit:3.1) [log-shipper]\n  Container web (main · nginx:1.27) [web]\n  Sidecar envoy (sidecar · envoyproxy/envoy:v1.31.0) [envoy]\n  Volume logs (emptyDir) [logs]\nObject Service web (v1) [web]\n"
        );
    }

    #[test]
    fn hkube_algorithm_json() {
        let text = "{\n  \"name\": \"resize\",\n  \"algorithmImage\": \"hkube/resize:2.4.1\",\n  \"volumes\": [{\"name\": \"scratch\", \"emptyDir\": {}}],\n  \"sideCars\": [\n    {\"container\": {\"name\": \"cache\", \"image\": \"redis:7.2\"}, \"volumeMounts\": [{\"name\": \"scratch\", \"mountPath\": \"/data\"}]},\n    {\"container\": {\"image\": \"memcached:1.6\"}}\n  ]\n}\n";
        let symbols = outline(text, "algorithm.json");
        assert_eq!(
            render(text, &symbols),
            "Object resize (HKube algorithm · hkube/resize:2.4.1) [\"resize\"]\n  Volume scratch (emptyDir) [\"scratch\"]\n  Sidecar cache (sidecar · redis:7.2) [\"cache\"]\n  Sidecar (unnamed container) (sidecar · memcached:1.6) [\"image\"]\n"
        );
        // The sidecar covers its whole `sideCars` element, mounts included.
        let cache = &symbols[0].children[1];
        assert!(text[cache.span.range()].contains("volumeMounts"));
    }

    #[test]
    fn kubevela_components_and_traits() {
        let text = "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: catalog\n      type: webservice\n      properties:\n        image: shop/catalog:3.1.0\n        volumeMounts:\n          emptyDir:\n            - name: logs\n              mountPath: /var/log\n      traits:\n        - type: scaler\n          properties: {replicas: 2}\n        - type: sidecar\n          properties:\n            name: log-shipper\n            image: fluent/fluent-bit:3.1\n    - name: db\n      type: helm\n";
        assert_eq!(
            render(text, &outline(text, "app.yaml")),
            "Object Application shop (core.oam.dev/v1beta1) [shop]\n  Workload catalog (component · webservice) [catalog]\n    Volume logs [logs]\n    Sidecar log-shipper (sidecar · fluent/fluent-bit:3.1) [log-shipper]\n  Workload db (component · helm) [db]\n"
        );
    }

    #[test]
    fn calyptia_spec() {
        let text = "{\"name\": \"geoip\", \"image\": \"geoip:1.0\", \"volumes\": [{\"name\": \"db\", \"configMap\": {\"name\": \"geoip-db\"}}]}";
        assert_eq!(
            render(text, &outline(text, "geoip.sidecar.json")),
            "Sidecar geoip (Calyptia sidecar · geoip:1.0) [\"geoip\"]\n  Volume db (configMap) [\"db\"]\n"
        );
    }

    #[test]
    fn unrecognised_and_broken_documents() {
        let text = "name: x\nitems: [1]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: \"nginx:1.27\n    - name: other\n";
        let symbols = outline(text, "mixed.yaml");
        let rendered = render(text, &symbols);
        assert!(
            rendered
                .starts_with("Field name [name]\nField items [items]\nObject Pod web (v1) [web]\n"),
            "{rendered}"
        );
        // Any offset, any prefix of a document: no panic.
        for end in (0..text.len()).step_by(7) {
            let _ = outline(&text[..end], "mixed.yaml");
        }
    }
}
