//! Quick fixes that rewrite one value or key, or add one field: unique container names, enum
//! values and quantity suffixes, misspelt keys, `successThreshold`, explicit resources.

use std::collections::HashSet;

use super::layout::{Place, Snippet};
use super::{CodeAction, Cx, native, quick_fix, volumes};
use crate::diagnostic::{Diagnostic, Dialect};
use crate::dialect::hkube::{EffectiveValue, effective_resources};
use crate::ide::TextEdit;
use crate::rules::codes;
use crate::syntax::Value;

/// The fixes for one diagnostic.
pub(super) fn for_diagnostic(cx: &Cx, d: &Diagnostic) -> Vec<CodeAction> {
    let fix = match d.code {
        codes::CONTAINER_NAME_DUPLICATE
        | codes::HKUBE_SIDECAR_NAMES
        | codes::HKUBE_RESERVED_NAME
        | codes::VELA_SIDECAR_MERGES => unique_name(cx, d),
        codes::VOLUME_MOUNT_NOT_FOUND => volumes::declare_missing(cx, d),
        codes::UNSUPPORTED_VALUE
        | codes::INIT_RESTART_POLICY
        | codes::WORKLOAD_RESTART_POLICY
        | codes::HKUBE_SCHEMA => return enum_value(cx, d),
        codes::RESOURCE_QUANTITY_INVALID => quantity_suffix(cx, d),
        codes::UNKNOWN_FIELD
        | codes::HKUBE_UNKNOWN_CONTAINER_FIELD
        | codes::CALYPTIA_UNKNOWN_FIELD
        | codes::VELA_PROBE_FIELD
        | codes::VELA_IGNORED_FIELD => misspelt_key(cx, d).or_else(|| drop_key(cx, d)),
        codes::PROBE_SUCCESS_THRESHOLD => success_threshold(cx, d),
        codes::RESOURCES_MISSING => explicit_resources(cx, d),
        codes::RESTART_POLICY_ON_CONTAINER => {
            return native::move_restarting_container(cx, d)
                .into_iter()
                .chain(drop_key(cx, d))
                .collect();
        }
        codes::CLASSIC_SIDECAR_IN_JOB => native::convert_for_diagnostic(cx, d),
        _ => None,
    };
    fix.into_iter().collect()
}

/// K102, H301, H305, V407: rename the later container to a name no container of the pod has.
fn unique_name(cx: &Cx, d: &Diagnostic) -> Option<CodeAction> {
    let found = cx.container_at(d.span)?;
    let node = found.container.field(cx.tree, "name")?;
    let name = cx.tree.str(node)?;
    let taken: HashSet<&str> = found
        .workload
        .containers
        .iter()
        .filter_map(|c| c.name.as_deref())
        .collect();
    let new = unused_name(name, &taken)?;
    let edit = cx.layout.replace_string(node, &new);
    Some(quick_fix(
        d,
        format!("Rename the container to \"{new}\""),
        vec![edit],
        true,
    ))
}

/// `name-2`, `name-3`…: the first one not taken, within the 63 characters of a DNS-1123 label.
pub(super) fn unused_name(name: &str, taken: &HashSet<&str>) -> Option<String> {
    // `cache-2` taken again becomes `cache-3`, not `cache-2-2`.
    let base = match name.rsplit_once('-') {
        Some((stem, n)) if !stem.is_empty() && n.parse::<u32>().is_ok() => stem,
        _ => name,
    };
    (2..1000).find_map(|i| {
        let suffix = format!("-{i}");
        let mut stem: String = base.chars().take(63 - suffix.len()).collect();
        while stem.ends_with('-') {
            stem.pop();
        }
        let candidate = format!("{stem}{suffix}");
        (!taken.contains(candidate.as_str())).then_some(candidate)
    })
}

/// Enum lists short enough to offer each value as a fix.
const MAX_CHOICES: usize = 5;

/// S104, K125, K129, H302: a value that is one of the supported values in another case (or a
/// small typo away) gets that value, preferred; otherwise each value of a short list is offered.
fn enum_value(cx: &Cx, d: &Diagnostic) -> Vec<CodeAction> {
    let Some(supported) = supported_values(&d.message) else {
        return Vec::new();
    };
    let Some(node) = cx.value_at(d) else {
        return Vec::new();
    };
    let Some(current) = cx.tree.str(node) else {
        return Vec::new();
    };
    let change = |to: &str, preferred: bool| {
        let edit = cx.layout.replace_string(node, to);
        quick_fix(d, format!("Change to \"{to}\""), vec![edit], preferred)
    };
    if let Some(better) = crate::suggest::closest(current, supported.iter().map(String::as_str)) {
        return if better == current {
            Vec::new()
        } else {
            vec![change(better, true)]
        };
    }
    if supported.len() > MAX_CHOICES {
        return Vec::new();
    }
    let only = supported.len() == 1;
    supported
        .iter()
        .filter(|s| !s.is_empty() && *s != current)
        .map(|s| change(s, only))
        .collect()
}

/// The values a diagnostic lists as allowed: Kubernetes' `supported values: "A", "B"` or ajv's
/// `one of the allowed values (A,B)`.
fn supported_values(message: &str) -> Option<Vec<String>> {
    if let Some((_, rest)) = message.rsplit_once("supported values: ") {
        let mut values = Vec::new();
        let mut rest = rest;
        while let Some(after) = rest.strip_prefix('"') {
            let end = after.find('"')?;
            values.push(after[..end].to_string());
            rest = &after[end + 1..];
            match rest.strip_prefix(", ") {
                Some(next) => rest = next,
                None => break,
            }
        }
        return (!values.is_empty()).then_some(values);
    }
    let (_, rest) = message.rsplit_once("one of the allowed values (")?;
    let list = rest.strip_suffix(')')?;
    Some(list.split(',').map(str::to_string).collect())
}

/// K121: a quantity whose suffix is in the wrong case (`64mi`): the message names the fix.
fn quantity_suffix(cx: &Cx, d: &Diagnostic) -> Option<CodeAction> {
    let (_, rest) = d.message.split_once("did you mean \"")?;
    let fixed = &rest[..rest.find('"')?];
    let node = cx.value_at(d)?;
    cx.tree.str(node)?;
    let edit = cx.layout.replace_string(node, fixed);
    Some(quick_fix(
        d,
        format!("Change to \"{fixed}\""),
        vec![edit],
        true,
    ))
}

/// S101, H308, C505, V403 ("did you mean `x`?") and V406 ("use `x`"): rename the key, unless the
/// object already has the suggested one.
fn misspelt_key(cx: &Cx, d: &Diagnostic) -> Option<CodeAction> {
    let suggestion = suggested_key(&d.message)?;
    let (object, index) = cx.entry_at(d)?;
    let entries = cx.tree.entries(object)?;
    if entries.iter().any(|e| &*e.key == suggestion) {
        return None;
    }
    let entry = &entries[index];
    let edit = cx.layout.replace_key(entry, suggestion);
    Some(quick_fix(
        d,
        format!("Rename `{}` to `{suggestion}`", entry.key),
        vec![edit],
        true,
    ))
}

/// An unknown or ignored key with no better spelling (and K124's `restartPolicy` on a regular
/// container): remove the entry.
fn drop_key(cx: &Cx, d: &Diagnostic) -> Option<CodeAction> {
    let (object, index) = cx.entry_at(d)?;
    let entry = cx.tree.entries(object)?.get(index)?;
    let edit = cx.layout.remove_entry(object, index)?;
    Some(quick_fix(
        d,
        format!("Remove `{}`", entry.key),
        vec![edit],
        false,
    ))
}

/// The key a message suggests: `did you mean `x`?`, or a closing `: use `x``.
fn suggested_key(message: &str) -> Option<&str> {
    if let Some((_, rest)) = message.split_once("did you mean `") {
        return rest.split_once('`').map(|(key, _)| key);
    }
    let (_, rest) = message.rsplit_once(": use `")?;
    rest.strip_suffix('`').filter(|k| !k.contains('`'))
}

/// K110: liveness and startup probes succeed on the first success.
fn success_threshold(cx: &Cx, d: &Diagnostic) -> Option<CodeAction> {
    let node = cx.value_at(d)?;
    cx.tree.number(node)?;
    let edit = TextEdit::replace(cx.tree.span(node), "1");
    Some(quick_fix(
        d,
        "Set successThreshold to 1".into(),
        vec![edit],
        true,
    ))
}

/// Placeholder resources for Kubernetes and Calyptia sidecars: the same amounts HKube gives a
/// sidecar by default (hkube.md §2.6), written in Kubernetes' units.
const REQUEST_CPU: &str = "100m";
const REQUEST_MEMORY: &str = "128Mi";
const LIMIT_CPU: &str = "200m";
const LIMIT_MEMORY: &str = "256Mi";

/// B602: write requests and limits (cpu and memory). For HKube, the values its task-executor
/// would apply anyway (hkube.md §2.6, with the configured defaults), so nothing changes but the
/// reader sees them; elsewhere, starting values to tune.
fn explicit_resources(cx: &Cx, d: &Diagnostic) -> Option<CodeAction> {
    let found = cx.container_at(d.span)?;
    let node = found.container.node?;
    let (resources, title, preferred) = if found.object.dialect == Dialect::Hkube {
        let e = effective_resources(cx.tree, node, &cx.settings.hkube);
        let value = |v: &Option<EffectiveValue>| {
            v.as_ref().map(|v| match v.node.map(|n| cx.tree.value(n)) {
                Some(Value::String(_)) => Snippet::str(v.text.clone()),
                Some(_) => Snippet::raw(v.text.clone()),
                // HKube's defaults: cpu is a number, memory a string.
                None if v.text.parse::<f64>().is_ok() => Snippet::raw(v.text.clone()),
                None => Snippet::str(v.text.clone()),
            })
        };
        let section = |cpu: Option<Snippet>, memory: Option<Snippet>| {
            Snippet::Map(
                [("cpu", cpu), ("memory", memory)]
                    .into_iter()
                    .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
                    .collect(),
            )
        };
        let show =
            |v: &Option<EffectiveValue>| v.as_ref().map_or("none".into(), |v| v.text.clone());
        let title = format!(
            "Write HKube's default resources (requests cpu {}, memory {}; limits cpu {}, memory {})",
            show(&e.request_cpu),
            show(&e.request_memory),
            show(&e.limit_cpu),
            show(&e.limit_memory)
        );
        let resources = Snippet::map([
            (
                "requests",
                section(value(&e.request_cpu), value(&e.request_memory)),
            ),
            (
                "limits",
                section(value(&e.limit_cpu), value(&e.limit_memory)),
            ),
        ]);
        (resources, title, true)
    } else {
        let resources = Snippet::map([
            (
                "requests",
                Snippet::map([
                    ("cpu", Snippet::str(REQUEST_CPU)),
                    ("memory", Snippet::str(REQUEST_MEMORY)),
                ]),
            ),
            (
                "limits",
                Snippet::map([
                    ("cpu", Snippet::str(LIMIT_CPU)),
                    ("memory", Snippet::str(LIMIT_MEMORY)),
                ]),
            ),
        ]);
        let title = format!(
            "Add resources (requests cpu {REQUEST_CPU}, memory {REQUEST_MEMORY}; limits cpu {LIMIT_CPU}, memory {LIMIT_MEMORY})"
        );
        (resources, title, false)
    };
    let quote_like = found.container.field(cx.tree, "name");
    let style = cx.layout.style(node, quote_like);
    let edit = if cx.tree.get(node, "resources").is_some() {
        cx.layout.set_entry(node, "resources", &resources, &style)?
    } else {
        cx.layout
            .add_entry(node, "resources", &resources, Place::End, &style)?
    };
    Some(quick_fix(d, title, vec![edit], preferred))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_fix;
    use super::*;

    #[test]
    fn names_are_made_unique_within_the_label_length() {
        let taken: HashSet<&str> = ["cache", "cache-2"].into_iter().collect();
        assert_eq!(unused_name("cache", &taken).as_deref(), Some("cache-3"));
        assert_eq!(unused_name("cache-2", &taken).as_deref(), Some("cache-3"));
        let long = "a".repeat(63);
        let name = unused_name(&long, &HashSet::new()).unwrap();
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("-2"));
    }

    #[test]
    fn supported_values_are_read_from_both_wordings() {
        assert_eq!(
            supported_values("x: Unsupported value: \"always\": supported values: \"Always\", \"IfNotPresent\", \"Never\"").unwrap(),
            ["Always", "IfNotPresent", "Never"]
        );
        assert_eq!(
            supported_values("data.type should be equal to one of the allowed values (Image,Git)")
                .unwrap(),
            ["Image", "Git"]
        );
        assert_eq!(
            suggested_key("the sidecar trait ignores `command`: use `cmd`"),
            Some("cmd")
        );
        assert_eq!(
            suggested_key(
                "the sidecar trait ignores `volumeMounts`: use `volumes` with items `{name, path}`"
            ),
            None
        );
    }

    #[test]
    fn duplicate_container_name_yaml() {
        check_fix(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n  initContainers:\n    - name: w$0eb\n      image: fluent/fluent-bit:3.1\n      restartPolicy: Always\n",
            "pod.yaml",
            "K102",
            "Rename the container to \"web-2\"",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n  initContainers:\n    - name: web-2\n      image: fluent/fluent-bit:3.1\n      restartPolicy: Always\n",
        );
    }

    #[test]
    fn duplicate_sidecar_name_hkube_json() {
        check_fix(
            r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [
  {"container": {"name": "cache", "image": "redis:7.2"}},
  {"container": {"name": "ca$0che", "image": "memcached:1.6"}}
]}"#,
            "algorithm.json",
            "H301",
            "Rename the container to \"cache-2\"",
            r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [
  {"container": {"name": "cache", "image": "redis:7.2"}},
  {"container": {"name": "cache-2", "image": "memcached:1.6"}}
]}"#,
        );
    }

    #[test]
    fn sidecar_named_like_the_component_kubevela() {
        check_fix(
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: 'a$0pi'\n            image: fluent/fluent-bit:3.1\n",
            "app.yaml",
            "V407",
            "Rename the container to \"api-2\"",
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: 'api-2'\n            image: fluent/fluent-bit:3.1\n",
        );
    }

    #[test]
    fn enum_case_json_and_yaml() {
        check_fix(
            "{\"name\": \"geoip\", \"image\": \"geoip:1.0\", \"imagePullPolicy\": \"alw$0ays\"}",
            "geoip.sidecar.json",
            "S104",
            "Change to \"Always\"",
            "{\"name\": \"geoip\", \"image\": \"geoip:1.0\", \"imagePullPolicy\": \"Always\"}",
        );
        check_fix(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy: $0always\n",
            "pod.yaml",
            "K125",
            "Change to \"Always\"",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n  initContainers:\n    - name: log-shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy: Always\n",
        );
    }

    #[test]
    fn enum_case_in_a_compact_single_item_list() {
        check_fix(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n  - name: client\n    image: busybox:1.36\n    restartPolicy: alw$0ays\n  containers:\n  - name: web\n    image: nginx:1.27\n",
            "pod.yaml",
            "K125",
            "Change to \"Always\"",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n  - name: client\n    image: busybox:1.36\n    restartPolicy: Always\n  containers:\n  - name: web\n    image: nginx:1.27\n",
        );
    }

    #[test]
    fn each_value_of_a_short_list_is_offered() {
        let text = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: once\nspec:\n  template:\n    spec:\n      restartPolicy: Alw$0ays\n      containers:\n        - name: job\n          image: busybox:1.36\n";
        let (_, actions) = super::super::test_support::actions_at(
            text,
            "job.yaml",
            &crate::config::Settings::default(),
        );
        let titles: Vec<(&str, bool)> = actions
            .iter()
            .map(|a| (a.title.as_str(), a.preferred))
            .collect();
        assert_eq!(
            titles,
            [
                ("Change to \"OnFailure\"", false),
                ("Change to \"Never\"", false)
            ]
        );
        check_fix(
            text,
            "job.yaml",
            "K129",
            "Change to \"Never\"",
            &text.replace("Alw$0ays", "Never"),
        );
    }

    #[test]
    fn unknown_keys_without_a_suggestion_are_removed() {
        check_fix(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - fo$0o: 1\n      name: app\n      image: nginx:1.27\n",
            "pod.yaml",
            "S101",
            "Remove `foo`",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n",
        );
        check_fix(
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            livenessProbe:\n              httpGet: {path: /ready, port: 9901, sch$0eme: HTTP}\n",
            "app.yaml",
            "V403",
            "Remove `scheme`",
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            livenessProbe:\n              httpGet: {path: /ready, port: 9901}\n",
        );
        check_fix(
            "{\"name\": \"geoip\",\n \"image\": \"geoip:1.0\",\n \"col$0our\": \"blue\",\n \"resources\": {\"requests\": {\"cpu\": \"100m\", \"memory\": \"64Mi\"}}}",
            "geoip.sidecar.json",
            "C505",
            "Remove `colour`",
            "{\"name\": \"geoip\",\n \"image\": \"geoip:1.0\",\n \"resources\": {\"requests\": {\"cpu\": \"100m\", \"memory\": \"64Mi\"}}}",
        );
    }

    #[test]
    fn quantity_suffix_case() {
        check_fix(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        requests: {cpu: 100m, memory: \"256$0mi\"}\n",
            "pod.yaml",
            "K121",
            "Change to \"256Mi\"",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        requests: {cpu: 100m, memory: \"256Mi\"}\n",
        );
    }

    #[test]
    fn misspelt_keys_in_every_wording() {
        check_fix(
            r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2", "imagePull$0Polcy": "IfNotPresent"}}]}"#,
            "algorithm.json",
            "H308",
            "Rename `imagePullPolcy` to `imagePullPolicy`",
            r#"{"name": "algo", "algorithmImage": "hkube/algo:1.0", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2", "imagePullPolicy": "IfNotPresent"}}]}"#,
        );
        check_fix(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      imagePul$0lPolcy: Always\n",
            "pod.yaml",
            "S101",
            "Rename `imagePullPolcy` to `imagePullPolicy`",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      imagePullPolicy: Always\n",
        );
        check_fix(
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            com$0mand: [envoy, -c, /etc/envoy.yaml]\n",
            "app.yaml",
            "V406",
            "Rename `command` to `cmd`",
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: shop/api:2.3\n      traits:\n        - type: sidecar\n          properties:\n            name: proxy\n            image: envoyproxy/envoy:v1.31.0\n            cmd: [envoy, -c, /etc/envoy.yaml]\n",
        );
    }

    #[test]
    fn no_rename_onto_an_existing_key() {
        let (_, actions) = super::super::test_support::actions_at(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      imagePullPolicy: Always\n      imagePul$0lPolcy: Always\n",
            "pod.yaml",
            &crate::config::Settings::default(),
        );
        assert!(
            actions.iter().all(|a| !a.title.starts_with("Rename `")),
            "{actions:?}"
        );
    }

    #[test]
    fn success_threshold_of_a_liveness_probe() {
        check_fix(
            "{\"name\": \"geoip\", \"image\": \"geoip:1.0\",\n \"livenessProbe\": {\"tcpSocket\": {\"port\": 9880}, \"successThreshold\": $03}}",
            "geoip.sidecar.json",
            "K110",
            "Set successThreshold to 1",
            "{\"name\": \"geoip\", \"image\": \"geoip:1.0\",\n \"livenessProbe\": {\"tcpSocket\": {\"port\": 9880}, \"successThreshold\": 1}}",
        );
        check_fix(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      startupProbe:\n        tcpSocket:\n          port: 80\n        successThreshold: 2$0\n",
            "pod.yaml",
            "K110",
            "Set successThreshold to 1",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      startupProbe:\n        tcpSocket:\n          port: 80\n        successThreshold: 1\n",
        );
    }

    #[test]
    fn resources_yaml_block_with_four_space_indent() {
        check_fix(
            "apiVersion: v1\nkind: Pod\nmetadata:\n    name: web\nspec:\n    containers:\n        - name: a$0pp\n          image: nginx:1.27  # pinned\n",
            "pod.yaml",
            "B602",
            "Add resources",
            "apiVersion: v1\nkind: Pod\nmetadata:\n    name: web\nspec:\n    containers:\n        - name: app\n          image: nginx:1.27  # pinned\n          resources:\n              requests:\n                  cpu: 100m\n                  memory: 128Mi\n              limits:\n                  cpu: 200m\n                  memory: 256Mi\n",
        );
    }

    #[test]
    fn resources_replace_an_empty_block_and_keep_quotes() {
        check_fix(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: \"a$0pp\"\n    image: \"nginx:1.27\"\n    resources: {}\n    ports:\n    - containerPort: 80\n",
            "pod.yaml",
            "B602",
            "Add resources",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: \"app\"\n    image: \"nginx:1.27\"\n    resources:\n      requests:\n        cpu: \"100m\"\n        memory: \"128Mi\"\n      limits:\n        cpu: \"200m\"\n        memory: \"256Mi\"\n    ports:\n    - containerPort: 80\n",
        );
    }

    #[test]
    fn resources_hkube_uses_the_platform_defaults() {
        check_fix(
            "{\n  \"name\": \"algo\",\n  \"algorithmImage\": \"hkube/algo:1.0\",\n  \"sideCars\": [\n    {\n      \"container\": {\n        \"name\": \"ca$0che\",\n        \"image\": \"redis:7.2\"\n      }\n    }\n  ]\n}\n",
            "algorithm.json",
            "B602",
            "Write HKube's default resources (requests cpu 0.1, memory 128Mi; limits cpu 0.2, memory 256Mi)",
            "{\n  \"name\": \"algo\",\n  \"algorithmImage\": \"hkube/algo:1.0\",\n  \"sideCars\": [\n    {\n      \"container\": {\n        \"name\": \"cache\",\n        \"image\": \"redis:7.2\",\n        \"resources\": {\n          \"requests\": {\n            \"cpu\": 0.1,\n            \"memory\": \"128Mi\"\n          },\n          \"limits\": {\n            \"cpu\": 0.2,\n            \"memory\": \"256Mi\"\n          }\n        }\n      }\n    }\n  ]\n}\n",
        );
    }

    #[test]
    fn resources_calyptia_inline_json() {
        check_fix(
            "{\"name\": \"geo$0ip\", \"image\": \"geoip:1.0\"}",
            "geoip.sidecar.json",
            "B602",
            "Add resources",
            "{\"name\": \"geoip\", \"image\": \"geoip:1.0\", \"resources\": {\"requests\": {\"cpu\": \"100m\", \"memory\": \"128Mi\"}, \"limits\": {\"cpu\": \"200m\", \"memory\": \"256Mi\"}}}",
        );
    }
}
