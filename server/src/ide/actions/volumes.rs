//! K115: declare the volume a mount names, where each platform takes its pod volumes from.

use super::layout::{Place, Snippet, Style};
use super::{CodeAction, Cx, quick_fix};
use crate::diagnostic::{Diagnostic, Dialect};
use crate::ide::TextEdit;
use crate::model::{Mount, Object, Workload};
use crate::syntax::NodeId;

/// KubeVela component types whose `volumeMounts` property declares pod volumes (kubevela.md §2.2).
const VELA_VOLUME_COMPONENTS: &[&str] = &["webservice", "worker"];

/// Declare the missing volume as an `emptyDir` (Calyptia: a ConfigMap volume of the same name,
/// the only kind its sidecars may mount, calyptia.md §3).
pub(super) fn declare_missing(cx: &Cx, d: &Diagnostic) -> Option<CodeAction> {
    let (object, workload, mount) = mount_at(cx, d)?;
    let name_node = mount.name?;
    let name = cx.tree.str(name_node)?.to_string();
    if name.is_empty() {
        return None;
    }
    let style = cx.layout.style(name_node, Some(name_node));
    let (edit, title) = match object.dialect {
        Dialect::Kubernetes => {
            let spec = workload.pod_spec?;
            let item = Snippet::map([
                ("name", Snippet::str(&name)),
                ("emptyDir", Snippet::Map(Vec::new())),
            ]);
            (
                append_or_create(cx, spec, "volumes", item, &style)?,
                format!("Declare volume \"{name}\" (emptyDir)"),
            )
        }
        Dialect::Hkube => {
            let item = Snippet::map([
                ("name", Snippet::str(&name)),
                ("emptyDir", Snippet::Map(Vec::new())),
            ]);
            (
                append_or_create(cx, object.root, "volumes", item, &style)?,
                format!("Declare volume \"{name}\" in the algorithm's volumes (emptyDir)"),
            )
        }
        Dialect::Calyptia => {
            let item = Snippet::map([
                ("name", Snippet::str(&name)),
                ("configMap", Snippet::map([("name", Snippet::str(&name))])),
            ]);
            (
                append_or_create(cx, object.root, "volumes", item, &style)?,
                format!("Declare volume \"{name}\" (ConfigMap \"{name}\")"),
            )
        }
        Dialect::Kubevela => vela_volume(cx, workload, &mount, &name, &style)?,
    };
    Some(quick_fix(d, title, vec![edit], true))
}

/// The mount whose `name` value is the diagnostic's span.
fn mount_at<'a>(cx: &Cx<'a>, d: &Diagnostic) -> Option<(&'a Object, &'a Workload, Mount)> {
    let tree = cx.tree;
    cx.analysis
        .objects
        .iter()
        .filter(|o| tree.span(o.root).touches(d.span.start as usize))
        .flat_map(|o| o.workloads.iter().map(move |w| (o, w)))
        .find_map(|(o, w)| {
            w.containers
                .iter()
                .flat_map(|c| c.mounts(tree))
                .find(|m| m.name.is_some_and(|n| tree.span(n) == d.span))
                .map(|m| (o, w, m))
        })
}

/// Append `item` to the list `key` of `object`, creating the list when there is none.
fn append_or_create(
    cx: &Cx,
    object: NodeId,
    key: &str,
    item: Snippet,
    style: &Style,
) -> Option<TextEdit> {
    match cx.tree.get(object, key) {
        Some(list) if cx.tree.items(list).is_some() => cx.layout.append_item(list, &item, style),
        Some(other) if cx.tree.is_null(other) => {
            cx.layout
                .set_entry(object, key, &Snippet::List(vec![item]), style)
        }
        Some(_) => None,
        None => cx
            .layout
            .add_entry(object, key, &Snippet::List(vec![item]), Place::End, style),
    }
}

/// KubeVela: the sidecar trait adds no volume, so the component declares it (kubevela.md §2.2):
/// an `emptyDir` in its `volumeMounts` (or its deprecated `volumes`, when it uses those), mounted
/// in the main container at the sidecar's path.
fn vela_volume(
    cx: &Cx,
    workload: &Workload,
    mount: &Mount,
    name: &str,
    style: &Style,
) -> Option<(TextEdit, String)> {
    let tree = cx.tree;
    let component = workload.anchor;
    let component_type = tree.get_str(component, "type")?;
    if !VELA_VOLUME_COMPONENTS.contains(&component_type) {
        return None;
    }
    let path = mount
        .path
        .and_then(|p| tree.str(p))
        .filter(|p| p.starts_with('/'))
        .map_or_else(|| format!("/mnt/{name}"), str::to_string);
    let component_name = tree.get_str(component, "name").unwrap_or("");
    let title = format!(
        "Declare volume \"{name}\" in component \"{component_name}\" (emptyDir, mounted at {path})"
    );
    let item = Snippet::map([
        ("name", Snippet::str(name)),
        ("mountPath", Snippet::str(&path)),
    ]);
    let Some(props) = tree
        .get(component, "properties")
        .filter(|&p| tree.entries(p).is_some())
    else {
        let value = Snippet::map([(
            "volumeMounts",
            Snippet::map([("emptyDir", Snippet::List(vec![item]))]),
        )]);
        let edit = cx.layout.add_entry(
            component,
            "properties",
            &value,
            Place::Before("traits"),
            style,
        )?;
        return Some((edit, title));
    };
    let edit = match (tree.get(props, "volumeMounts"), tree.get(props, "volumes")) {
        (None, Some(volumes)) if tree.items(volumes).is_some() => {
            let item = Snippet::map([
                ("name", Snippet::str(name)),
                ("type", Snippet::str("emptyDir")),
                ("mountPath", Snippet::str(&path)),
            ]);
            cx.layout.append_item(volumes, &item, style)?
        }
        (Some(mounts), _) if tree.entries(mounts).is_some() => {
            append_or_create(cx, mounts, "emptyDir", item, style)?
        }
        (Some(_), _) => return None,
        (None, _) => cx.layout.add_entry(
            props,
            "volumeMounts",
            &Snippet::map([("emptyDir", Snippet::List(vec![item]))]),
            Place::End,
            style,
        )?,
    };
    Some((edit, title))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_fix;

    #[test]
    fn kubernetes_creates_the_volumes_list() {
        check_fix(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        volumeMounts:\n        - name: lo$0gs\n          mountPath: /var/log/nginx\n",
            "deploy.yaml",
            "K115",
            "Declare volume \"logs\" (emptyDir)",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        volumeMounts:\n        - name: logs\n          mountPath: /var/log/nginx\n      volumes:\n      - name: logs\n        emptyDir: {}\n",
        );
    }

    #[test]
    fn kubernetes_appends_to_an_indented_list() {
        check_fix(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      volumeMounts:\n        - name: 'ca$0che'\n          mountPath: /cache\n  volumes:\n    - name: logs\n      emptyDir: {}\n",
            "pod.yaml",
            "K115",
            "Declare volume \"cache\"",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      volumeMounts:\n        - name: 'cache'\n          mountPath: /cache\n  volumes:\n    - name: logs\n      emptyDir: {}\n    - name: 'cache'\n      emptyDir: {}\n",
        );
    }

    #[test]
    fn kubernetes_json_pod() {
        check_fix(
            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"web\"},\n  \"spec\": {\n    \"containers\": [\n      {\n        \"name\": \"web\",\n        \"image\": \"nginx:1.27\",\n        \"volumeMounts\": [{\"name\": \"da$0ta\", \"mountPath\": \"/data\"}]\n      }\n    ]\n  }\n}\n",
            "pod.json",
            "K115",
            "Declare volume \"data\"",
            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"web\"},\n  \"spec\": {\n    \"containers\": [\n      {\n        \"name\": \"web\",\n        \"image\": \"nginx:1.27\",\n        \"volumeMounts\": [{\"name\": \"data\", \"mountPath\": \"/data\"}]\n      }\n    ],\n    \"volumes\": [\n      {\n        \"name\": \"data\",\n        \"emptyDir\": {}\n      }\n    ]\n  }\n}\n",
        );
    }

    #[test]
    fn hkube_appends_to_the_algorithm_volumes() {
        check_fix(
            "{\n  \"name\": \"algo\",\n  \"algorithmImage\": \"hkube/algo:1.0\",\n  \"volumes\": [\n    { \"name\": \"scratch\", \"emptyDir\": {} }\n  ],\n  \"sideCars\": [\n    {\n      \"container\": {\"name\": \"cache\", \"image\": \"redis:7.2\", \"resources\": {\"requests\": {\"cpu\": 0.1, \"memory\": \"128Mi\"}}},\n      \"volumeMounts\": [{ \"name\": \"c$0ache\", \"mountPath\": \"/data\" }]\n    }\n  ]\n}\n",
            "algorithm.json",
            "K115",
            "Declare volume \"cache\" in the algorithm's volumes",
            "{\n  \"name\": \"algo\",\n  \"algorithmImage\": \"hkube/algo:1.0\",\n  \"volumes\": [\n    { \"name\": \"scratch\", \"emptyDir\": {} },\n    { \"name\": \"cache\", \"emptyDir\": {} }\n  ],\n  \"sideCars\": [\n    {\n      \"container\": {\"name\": \"cache\", \"image\": \"redis:7.2\", \"resources\": {\"requests\": {\"cpu\": 0.1, \"memory\": \"128Mi\"}}},\n      \"volumeMounts\": [{ \"name\": \"cache\", \"mountPath\": \"/data\" }]\n    }\n  ]\n}\n",
        );
    }

    #[test]
    fn calyptia_declares_a_config_map_volume() {
        check_fix(
            "{\n  \"name\": \"geoip\",\n  \"image\": \"geoip:1.0\",\n  \"volumeMounts\": [{\"name\": \"geo$0ip-db\", \"mountPath\": \"/etc/geoip\"}]\n}",
            "geoip.sidecar.json",
            "K115",
            "Declare volume \"geoip-db\" (ConfigMap \"geoip-db\")",
            "{\n  \"name\": \"geoip\",\n  \"image\": \"geoip:1.0\",\n  \"volumeMounts\": [{\"name\": \"geoip-db\", \"mountPath\": \"/etc/geoip\"}],\n  \"volumes\": [\n    {\n      \"name\": \"geoip-db\",\n      \"configMap\": {\n        \"name\": \"geoip-db\"\n      }\n    }\n  ]\n}",
        );
    }

    #[test]
    fn kubevela_declares_in_the_component_volume_mounts() {
        check_fix(
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: catalog\n      type: webservice\n      properties:\n        image: shop/catalog:3.1.0\n      traits:\n        - type: sidecar\n          properties:\n            name: log-shipper\n            image: fluent/fluent-bit:3.1\n            volumes:\n              - name: access-l$0og\n                path: /logs\n",
            "app.yaml",
            "K115",
            "Declare volume \"access-log\" in component \"catalog\" (emptyDir, mounted at /logs)",
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: catalog\n      type: webservice\n      properties:\n        image: shop/catalog:3.1.0\n        volumeMounts:\n          emptyDir:\n            - name: access-log\n              mountPath: /logs\n      traits:\n        - type: sidecar\n          properties:\n            name: log-shipper\n            image: fluent/fluent-bit:3.1\n            volumes:\n              - name: access-log\n                path: /logs\n",
        );
    }

    #[test]
    fn kubevela_appends_to_an_existing_empty_dir_list() {
        check_fix(
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: catalog\n      type: worker\n      properties:\n        image: shop/catalog:3.1.0\n        volumeMounts:\n          emptyDir:\n            - name: cache\n              mountPath: /cache\n      traits:\n        - type: sidecar\n          properties:\n            name: log-shipper\n            image: fluent/fluent-bit:3.1\n            volumes:\n              - name: $0logs\n                path: /logs\n",
            "app.yaml",
            "K115",
            "Declare volume \"logs\"",
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: catalog\n      type: worker\n      properties:\n        image: shop/catalog:3.1.0\n        volumeMounts:\n          emptyDir:\n            - name: cache\n              mountPath: /cache\n            - name: logs\n              mountPath: /logs\n      traits:\n        - type: sidecar\n          properties:\n            name: log-shipper\n            image: fluent/fluent-bit:3.1\n            volumes:\n              - name: logs\n                path: /logs\n",
        );
    }
}
