//! The language server's requests, driven over stdio: completion, hover, symbols, navigation,
//! code actions, code lenses, inlay hints and the rendered-Pod command, in each dialect.
//! Fixtures mark the cursor with `$0`.

#[path = "support/lsp_client.rs"]
mod lsp_client;

use lsp_client::{LspClient, cursor, position};
use serde_json::{Value, json};

/// A client that expands snippets, shows nested symbols and offers UTF-16 only.
fn started() -> LspClient {
    LspClient::initialized(json!({
        "textDocument": {
            "completion": {"completionItem": {"snippetSupport": true}},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": true}
        }
    }))
    .0
}

/// Open `fixture` (with its `$0` removed) and return the cursor position.
fn open(client: &mut LspClient, name: &str, fixture: &str) -> (String, String, Value) {
    let (text, at) = cursor(fixture);
    let uri = client.open_file(name, &text);
    client.diagnostics(&uri, 1);
    (uri, text, position(at))
}

fn at(uri: &str, position: &Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

fn labels(completion: &Value) -> Vec<String> {
    completion["items"]
        .as_array()
        .expect("a completion list")
        .iter()
        .map(|i| i["label"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Apply LSP text edits (UTF-16 positions) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let character = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let line_text = text[start..].split('\n').next().unwrap_or("");
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            if units >= character {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line_text.len()
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

/// The edits of a workspace edit for `uri`.
fn edits_of(edit: &Value, uri: &str) -> Vec<Value> {
    edit["changes"][uri].as_array().cloned().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Completion.

#[test]
fn completion_offers_missing_container_keys_in_an_hkube_sidecar() {
    let mut client = started();
    let (uri, _, pos) = open(
        &mut client,
        "algo.json",
        r#"{
  "name": "resizer",
  "algorithmImage": "registry.example.com/resizer:1.0.0",
  "sideCars": [
    {"container": {"name": "cache", "image": "redis:7.2.5", $0}}
  ]
}
"#,
    );
    let list = client.request("textDocument/completion", at(&uri, &pos));
    let found = labels(&list);
    for key in ["imagePullPolicy", "resources", "ports", "livenessProbe"] {
        assert!(found.contains(&key.to_string()), "{key} in {found:?}");
    }
    assert!(
        !found.contains(&"name".to_string()),
        "name is already there"
    );
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "imagePullPolicy")
        .unwrap();
    let new_text = item["textEdit"]["newText"].as_str().unwrap();
    assert!(new_text.starts_with("\"imagePullPolicy\": "), "{new_text}");
    assert_eq!(item["insertTextMode"], 1, "as is");
    client.shutdown();
}

#[test]
fn completion_offers_trait_properties_and_enum_values_in_kubevela_yaml() {
    let mut client = started();
    let (uri, _, pos) = open(
        &mut client,
        "app.yaml",
        "apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: catalog
      type: webservice
      properties:
        image: registry.example.com/catalog:3.1.0
      traits:
        - type: sidecar
          properties:
            name: log-shipper
            image: fluent/fluent-bit:3.1.4
            $0
",
    );
    let found = labels(&client.request("textDocument/completion", at(&uri, &pos)));
    for key in ["cmd", "args", "env", "volumes", "livenessProbe"] {
        assert!(found.contains(&key.to_string()), "{key} in {found:?}");
    }
    // The trait passes only its own properties on: no Kubernetes-only keys.
    assert!(!found.contains(&"command".to_string()), "{found:?}");
    client.shutdown();
}

#[test]
fn completion_offers_enum_values_and_volume_names_in_kubernetes_yaml() {
    let mut client = started();
    let pod = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  volumes:
    - name: shared-logs
      emptyDir: {}
  containers:
    - name: app
      image: nginx:1.27
      imagePullPolicy: $0
      volumeMounts:
        - name: sha
          mountPath: /var/log
";
    let (uri, text, pos) = open(&mut client, "pod.yaml", pod);
    let raw = client.request("textDocument/completion", at(&uri, &pos));
    let found = labels(&raw);
    assert_eq!(
        {
            let mut v: Vec<&str> = found
                .iter()
                .map(String::as_str)
                .filter(|l| ["Always", "IfNotPresent", "Never"].contains(l))
                .collect();
            v.sort();
            v
        },
        ["Always", "IfNotPresent", "Never"],
        "{found:?}"
    );
    // Volume names inside a mount's name.
    let line = text
        .lines()
        .position(|l| l.ends_with("- name: sha"))
        .unwrap();
    let column = text.lines().nth(line).unwrap().len();
    let list = client.request(
        "textDocument/completion",
        at(&uri, &json!({"line": line, "character": column})),
    );
    assert!(
        labels(&list).contains(&"shared-logs".to_string()),
        "{line}:{column} {list}"
    );
    client.shutdown();
}

#[test]
fn completion_offers_a_native_sidecar_snippet_in_init_containers() {
    let mut client = started();
    let (uri, _, pos) = open(
        &mut client,
        "deploy.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.27
      initContainers:
        - $0
",
    );
    let list = client.request("textDocument/completion", at(&uri, &pos));
    let snippet = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["kind"] == 15
                && i["textEdit"]["newText"]
                    .as_str()
                    .is_some_and(|t| t.contains("restartPolicy: Always"))
        })
        .unwrap_or_else(|| panic!("a native sidecar snippet in {:?}", labels(&list)));
    assert_eq!(snippet["insertTextFormat"], 2);
    client.shutdown();
}

#[test]
fn completion_in_a_calyptia_spec_and_after_non_ascii_text() {
    let mut client = started();
    // The cursor follows CJK and emoji on the same line: the replaced range must be in UTF-16.
    let (uri, text, pos) = open(
        &mut client,
        "geoip.sidecar.json",
        r#"{"name": "geoip", "image": "ghcr.io/example/geoip:1.2.0", "env": [{"name": "NOTE", "value": "名前😀"}], "imagePull$0"}"#,
    );
    let list = client.request("textDocument/completion", at(&uri, &pos));
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "imagePullPolicy")
        .unwrap_or_else(|| panic!("{:?}", labels(&list)));
    let edit = &item["textEdit"];
    let after = apply(&text, std::slice::from_ref(edit));
    assert!(
        after.contains(r#""value": "名前😀"}], "imagePullPolicy": "#),
        "{after}"
    );
    client.shutdown();
}

#[test]
fn completion_without_snippet_support_inserts_plain_text() {
    let (mut client, _) = LspClient::initialized(json!({}));
    let (uri, _, pos) = open(
        &mut client,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      $0\n",
    );
    let list = client.request("textDocument/completion", at(&uri, &pos));
    for item in list["items"].as_array().unwrap() {
        assert_eq!(item["insertTextFormat"], 1, "{item}");
        let text = item["textEdit"]["newText"].as_str().unwrap();
        assert!(!text.contains("${"), "{text}");
    }
    client.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Hover.

#[test]
fn hover_explains_fields_with_their_platform_defaults() {
    let mut client = started();
    let cases = [
        (
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:latest\n      imagePull$0Policy: Always\n",
            vec!["imagePullPolicy", "Always"],
        ),
        (
            "algo.json",
            r#"{"name": "a", "algorithmImage": "x/y:1", "sideCars": [{"container": {"name": "c", "image": "redis:7"}, "environ$0ments": {"A": 1}}]}"#,
            vec!["environments", "null"],
        ),
        (
            "app.yaml",
            "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: a}\nspec:\n  components:\n    - name: c\n      type: worker\n      properties: {image: \"x:1\"}\n      traits:\n        - type: sidecar\n          properties:\n            name: s\n            image: busybox:1.36\n            vol$0umes: []\n",
            vec!["volumes", "volumeMounts"],
        ),
        (
            "geoip.sidecar.json",
            r#"{"name": "geoip", "image": "ghcr.io/example/geoip:1.2.0", "ima$0gePullPolicy": "Always"}"#,
            vec!["imagePullPolicy", "IfNotPresent"],
        ),
    ];
    for (name, fixture, expected) in cases {
        let (uri, _, pos) = open(&mut client, name, fixture);
        let hover = client.request("textDocument/hover", at(&uri, &pos));
        assert_eq!(hover["contents"]["kind"], "markdown", "{name}");
        let value = hover["contents"]["value"].as_str().unwrap();
        for part in expected {
            assert!(value.contains(part), "{name}: {part:?} in {value}");
        }
        assert!(hover["range"].is_object(), "{name}");
    }
    client.shutdown();
}

#[test]
fn hover_on_a_diagnostic_shows_the_rule() {
    let mut client = started();
    let (uri, _, pos) = open(
        &mut client,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: Bad_$0Name\n      image: nginx:1.27\n",
    );
    let hover = client.request("textDocument/hover", at(&uri, &pos));
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("K101"), "{value}");
    assert!(value.contains("http"), "a doc link: {value}");
    client.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Symbols.

#[test]
fn document_symbols_list_sidecars_with_their_images() {
    let mut client = started();
    let (uri, _, _) = open(
        &mut client,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  volumes: [{name: logs, emptyDir: {}}]\n  initContainers:\n    - name: proxy\n      image: envoyproxy/envoy:v1.31.0\n      restartPolicy: Always\n  containers:\n    - name: app\n      image: nginx:1.27$0\n",
    );
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let pod = &symbols[0];
    assert!(pod["name"].as_str().unwrap().contains("web"), "{pod}");
    let children = pod["children"].as_array().unwrap();
    let proxy = children
        .iter()
        .find(|c| c["name"] == "proxy")
        .unwrap_or_else(|| panic!("{children:?}"));
    assert!(
        proxy["detail"]
            .as_str()
            .unwrap()
            .contains("envoyproxy/envoy:v1.31.0")
    );
    assert!(children.iter().any(|c| c["name"] == "app"));
    assert!(children.iter().any(|c| c["name"] == "logs"));
    client.shutdown();
}

#[test]
fn document_symbols_are_flat_for_clients_without_nesting() {
    let (mut client, _) = LspClient::initialized(json!({}));
    let (uri, _, _) = open(
        &mut client,
        "algo.json",
        r#"{"name": "resizer", "algorithmImage": "x/y:1", "sideCars": [{"container": {"name": "cache", "image": "redis:7.2.5"}}]}$0"#,
    );
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let cache = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "cache")
        .expect("the sidecar");
    assert!(cache["location"]["uri"] == uri.as_str());
    assert!(cache["containerName"].is_string());
    client.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Navigation.

const MOUNTS: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  volumes:
    - name: shared-logs
      emptyDir: {}
  containers:
    - name: app
      image: nginx:1.27
      ports: [{name: http, containerPort: 8080}]
      readinessProbe: {httpGet: {path: /, port: http}}
      volumeMounts:
        - name: shared-$0logs
          mountPath: /var/log/nginx
    - name: shipper
      image: fluent/fluent-bit:3.1.4
      volumeMounts:
        - name: shared-logs
          mountPath: /logs
";

#[test]
fn definition_and_references_connect_mounts_to_volumes() {
    let mut client = started();
    let (uri, text, pos) = open(&mut client, "pod.yaml", MOUNTS);
    let definition = client.request("textDocument/definition", at(&uri, &pos));
    let target = &definition[0];
    assert_eq!(target["uri"], uri.as_str());
    assert_eq!(
        target["range"]["start"]["line"], 6,
        "the volume's name: {definition}"
    );
    let mut params = at(&uri, &pos);
    params["context"] = json!({"includeDeclaration": true});
    let references = client.request("textDocument/references", params);
    let lines: Vec<u64> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [6, 14, 19], "{text}");
    client.shutdown();
}

#[test]
fn a_probe_port_name_leads_to_the_container_port() {
    let mut client = started();
    let fixture = MOUNTS
        .replace("shared-$0logs", "shared-logs")
        .replace("port: http}", "port: ht$0tp}");
    let (uri, _, pos) = open(&mut client, "pod.yaml", &fixture);
    let definition = client.request("textDocument/definition", at(&uri, &pos));
    assert_eq!(definition[0]["range"]["start"]["line"], 11, "{definition}");
    client.shutdown();
}

#[test]
fn rename_changes_the_volume_everywhere_and_refuses_invalid_names() {
    let mut client = started();
    let (uri, text, pos) = open(&mut client, "pod.yaml", MOUNTS);
    let prepared = client.request("textDocument/prepareRename", at(&uri, &pos));
    assert_eq!(prepared["placeholder"], "shared-logs");
    let mut params = at(&uri, &pos);
    params["newName"] = json!("logs");
    let edit = client.request("textDocument/rename", params.clone());
    let renamed = apply(&text, &edits_of(&edit, &uri));
    assert_eq!(renamed.matches("name: logs").count(), 3, "{renamed}");
    assert!(!renamed.contains("shared-logs"));
    params["newName"] = json!("Not_Valid");
    let refused = client.request_raw("textDocument/rename", params);
    assert!(refused["error"]["message"].is_string(), "{refused}");
    client.shutdown();
}

#[test]
fn hkube_sidecar_mounts_lead_to_algorithm_volumes() {
    let mut client = started();
    let (uri, _, pos) = open(
        &mut client,
        "algo.json",
        r#"{
  "name": "resizer",
  "algorithmImage": "registry.example.com/resizer:1.0.0",
  "volumes": [{"name": "scratch", "emptyDir": {}}],
  "sideCars": [
    {"container": {"name": "cache", "image": "redis:7.2.5"},
     "volumeMounts": [{"name": "scr$0atch", "mountPath": "/data"}]}
  ]
}
"#,
    );
    let definition = client.request("textDocument/definition", at(&uri, &pos));
    assert_eq!(definition[0]["range"]["start"]["line"], 3, "{definition}");
    client.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Code actions.

fn actions(client: &mut LspClient, uri: &str, position: &Value) -> Vec<Value> {
    let response = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": position, "end": position},
               "context": {"diagnostics": []}}),
    );
    response.as_array().cloned().unwrap_or_default()
}

#[test]
fn a_duplicate_sidecar_name_is_made_unique_by_a_quick_fix() {
    let mut client = started();
    let (uri, text, pos) = open(
        &mut client,
        "algo.json",
        r#"{
  "name": "resizer",
  "algorithmImage": "registry.example.com/resizer:1.0.0",
  "sideCars": [
    {"container": {"name": "cache", "image": "redis:7.2.5"}},
    {"container": {"name": "ca$0che", "image": "memcached:1.6.29"}}
  ]
}
"#,
    );
    let found = actions(&mut client, &uri, &pos);
    let fix = found
        .iter()
        .find(|a| a["kind"] == "quickfix" && a["diagnostics"][0]["code"] == "H301")
        .unwrap_or_else(|| panic!("{found:#?}"));
    let fixed = apply(&text, &edits_of(&fix["edit"], &uri));
    assert!(fixed.contains(r#""name": "cache-2""#), "{fixed}");
    // Applying it clears the diagnostic.
    client.change(&uri, 2, lsp_client::range((0, 0), (99, 0)), &fixed);
    let after = client.diagnostics(&uri, 2);
    assert!(!after.iter().any(|d| d["code"] == "H301"), "{after:?}");
    client.shutdown();
}

#[test]
fn a_classic_sidecar_converts_to_a_native_one_and_offers_a_preview() {
    let mut client = started();
    let (uri, text, pos) = open(
        &mut client,
        "deploy.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.27
        - name: pro$0xy
          image: envoyproxy/envoy:v1.31.0
",
    );
    let found = actions(&mut client, &uri, &pos);
    let refactor = found
        .iter()
        .find(|a| a["kind"] == "refactor.rewrite")
        .unwrap_or_else(|| panic!("{found:#?}"));
    let converted = apply(&text, &edits_of(&refactor["edit"], &uri));
    assert!(converted.contains("initContainers:"), "{converted}");
    assert!(converted.contains("restartPolicy: Always"), "{converted}");
    let preview = found
        .iter()
        .find(|a| a["title"] == "Preview rendered Pod")
        .expect("a preview action on a sidecar");
    assert_eq!(preview["command"]["command"], "sidecar-lsp.renderPod");
    client.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Code lenses, inlay hints and the rendered Pod.

#[test]
fn lenses_show_pod_totals_and_render_the_hkube_job() {
    let mut client = started();
    let (uri, _, _) = open(
        &mut client,
        "algo.json",
        r#"{
  "name": "resizer",
  "algorithmImage": "registry.example.com/resizer:1.0.0",
  "sideCars": [
    {"container": {"name": "cache", "image": "redis:7.2.5"}}
  ]
}$0
"#,
    );
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let lenses = lenses.as_array().unwrap();
    let totals = lenses
        .iter()
        .find(|l| l["command"]["command"] == "sidecar-lsp.podTotals")
        .unwrap_or_else(|| panic!("{lenses:#?}"));
    let title = totals["command"]["title"].as_str().unwrap();
    // HKube's default sidecar resources (requests 100m/128Mi, limits twice that).
    assert!(
        title.contains("cpu 100m") && title.contains("memory 128Mi"),
        "{title}"
    );
    let preview = lenses
        .iter()
        .find(|l| l["command"]["command"] == "sidecar-lsp.renderPod")
        .expect("a preview lens");
    let rendered = client.request(
        "workspace/executeCommand",
        json!({"command": "sidecar-lsp.renderPod", "arguments": preview["command"]["arguments"]}),
    );
    assert_eq!(rendered["language"], "yaml");
    let yaml = rendered["text"].as_str().unwrap();
    assert!(yaml.contains("kind: Job"), "{yaml}");
    let order: Vec<usize> = ["name: worker", "name: algorunner", "name: cache"]
        .iter()
        .map(|n| yaml.find(n).unwrap_or_else(|| panic!("{n} in {yaml}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{yaml}");
    client.shutdown();
}

#[test]
fn render_pod_works_for_kubevela_and_explains_blocked_documents() {
    let mut client = started();
    let (uri, _, pos) = open(
        &mut client,
        "app.yaml",
        "apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: catalog
      type: webservice
      properties:
        image: registry.example.com/catalog:3.1.0
      traits:
        - type: sidecar
          properties:
            name: log-tailer
            image: busy$0box
            cmd: [/bin/sh, -c, 'tail -f /var/log/count.log']
",
    );
    let rendered = client.request(
        "workspace/executeCommand",
        json!({"command": "sidecar-lsp.renderPod", "arguments": [{"uri": uri, "position": pos}]}),
    );
    let yaml = rendered["text"].as_str().unwrap();
    assert!(yaml.contains("kind: Deployment"), "{yaml}");
    let main = yaml.find("name: catalog").unwrap();
    let sidecar = yaml.find("name: log-tailer").unwrap();
    assert!(main < sidecar, "the sidecar is appended: {yaml}");
    assert!(yaml.contains("command:"), "cmd becomes command: {yaml}");
    // A document the platform would reject renders as an explanation.
    let (broken, _, _) = open(
        &mut client,
        "broken.json",
        r#"{"name": "a", "algorithmImage": "x/y:1", "sideCars": [{"container": {"name": "c", "image": "r:1"}}, {"container": {"name": "c", "image": "m:1"}}]}$0"#,
    );
    let blocked = client.request(
        "workspace/executeCommand",
        json!({"command": "sidecar-lsp.renderPod", "arguments": [{"uri": broken}]}),
    );
    assert_eq!(blocked["ok"], false);
    assert!(
        blocked["text"]
            .as_str()
            .unwrap()
            .starts_with("# Cannot render")
    );
    let bad = client.request_raw(
        "workspace/executeCommand",
        json!({"command": "sidecar-lsp.renderPod", "arguments": [42]}),
    );
    assert_eq!(bad["error"]["code"], -32602);
    client.shutdown();
}

#[test]
fn inlay_hints_show_unwritten_defaults_and_can_be_turned_off() {
    let mut client = LspClient::start();
    client.initialize(
        json!({"workspace": {"configuration": true, "inlayHint": {"refreshSupport": true}}}),
    );
    let (uri, _, _) = open(
        &mut client,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      readinessProbe:\n        tcpSocket: {port: 80}\n$0",
    );
    let params = json!({"textDocument": {"uri": uri}, "range": lsp_client::range((0, 0), (20, 0))});
    let hints = client.request("textDocument/inlayHint", params.clone());
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["label"].as_str())
        .collect();
    assert!(
        labels.iter().any(|l| l.contains("IfNotPresent")),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|l| l.contains("period 10s")),
        "{labels:?}"
    );
    client.change_settings(json!({"inlayHints": {"enable": false}}));
    client.drain(std::time::Duration::from_millis(300));
    assert!(
        client
            .server_requests
            .iter()
            .any(|r| r["method"] == "workspace/inlayHint/refresh"),
        "the client is asked to fetch hints again"
    );
    let hints = client.request("textDocument/inlayHint", params);
    assert_eq!(hints, json!([]));
    client.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Every capability on every dialect's bundled example.

/// (example, language, a sidecar's name, a mount's volume name to resolve).
const EXAMPLES: [(&str, &str, &str, &str); 4] = [
    (
        "hkube/image-resizer.json",
        "json",
        "thumbnail-cache",
        "scratch",
    ),
    ("kubevela/shop.yaml", "yaml", "log-shipper", "access-logs"),
    (
        "calyptia/geoip.sidecar.json",
        "json",
        "geoip-enricher",
        "geoip-db",
    ),
    (
        "kubernetes/web-with-native-sidecar.yaml",
        "yaml",
        "log-shipper",
        "logs",
    ),
];

/// Open the bundled example at `path` (under `examples/`): its URI, text and diagnostics.
fn open_example(client: &mut LspClient, path: &str) -> (String, String, Vec<Value>) {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(path);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let uri = client.open_file(path.rsplit('/').next().unwrap(), &text);
    let diagnostics = client.diagnostics(&uri, 1);
    (uri, text, diagnostics)
}

/// (line, character) of the last occurrence of `needle` in `text` (ASCII examples), plus `shift`.
fn last_position(text: &str, needle: &str, shift: usize) -> Value {
    let at = text.rfind(needle).unwrap_or_else(|| panic!("{needle}")) + shift;
    let line = text[..at].matches('\n').count();
    let character = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": character})
}

fn flatten_names(symbols: &Value, out: &mut Vec<String>) {
    for s in symbols.as_array().into_iter().flatten() {
        out.push(s["name"].as_str().unwrap_or_default().to_string());
        flatten_names(&s["children"], out);
    }
}

#[test]
fn every_capability_answers_on_every_dialects_example() {
    let mut client = started();
    for (path, language, sidecar, volume) in EXAMPLES {
        let (uri, text, diagnostics) = open_example(&mut client, path);
        assert!(
            diagnostics.iter().all(|d| d["severity"] != 1),
            "{path}: the valid example has no errors: {diagnostics:?}"
        );
        let doc = json!({"textDocument": {"uri": uri}});

        let mut names = Vec::new();
        flatten_names(
            &client.request("textDocument/documentSymbol", doc.clone()),
            &mut names,
        );
        assert!(names.iter().any(|n| n == sidecar), "{path}: {names:?}");

        let image = last_position(&text, "image", 1);
        let hover = client.request("textDocument/hover", at(&uri, &image));
        assert!(
            hover["contents"]["value"]
                .as_str()
                .is_some_and(|v| v.contains("image")),
            "{path}: {hover}"
        );

        let lenses = client.request("textDocument/codeLens", doc.clone());
        let commands: Vec<&str> = lenses
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|l| l["command"]["command"].as_str())
            .collect();
        assert!(
            commands.contains(&"sidecar-lsp.podTotals"),
            "{path}: {commands:?}"
        );
        assert!(
            commands.contains(&"sidecar-lsp.renderPod"),
            "{path}: {commands:?}"
        );

        let mut range = doc.clone();
        range["range"] = lsp_client::range((0, 0), (999, 0));
        let hints = client.request("textDocument/inlayHint", range);
        assert!(
            !hints.as_array().unwrap().is_empty(),
            "{path}: no inlay hints"
        );

        // The last mount of the volume: its references include the declaration.
        let mount = if language == "yaml" {
            last_position(&text, &format!("name: {volume}"), 7)
        } else {
            last_position(&text, &format!("\"{volume}\", \"mountPath\""), 2)
        };
        let mut references = at(&uri, &mount);
        references["context"] = json!({"includeDeclaration": true});
        let found = client.request("textDocument/references", references);
        assert!(
            found.as_array().is_some_and(|r| r.len() >= 2),
            "{path}: references of {volume}: {found}"
        );

        let rendered = client.request(
            "workspace/executeCommand",
            json!({"command": "sidecar-lsp.renderPod", "arguments": [{"uri": uri}]}),
        );
        assert_eq!(rendered["ok"], true, "{path}: {rendered}");
        assert!(
            rendered["text"]
                .as_str()
                .unwrap()
                .contains(&format!("name: {sidecar}")),
            "{path}"
        );
    }
    client.shutdown();
}

#[test]
fn every_broken_example_offers_a_fix_for_a_finding() {
    let mut client = started();
    for path in [
        "hkube/broken-image-resizer.json",
        "kubevela/broken-shop.yaml",
        "calyptia/broken-geoip.sidecar.json",
        "kubernetes/broken-migration-job.yaml",
    ] {
        let (uri, _, diagnostics) = open_example(&mut client, path);
        let fixes: usize = diagnostics
            .iter()
            .map(|d| {
                let response = client.request(
                    "textDocument/codeAction",
                    json!({"textDocument": {"uri": uri}, "range": d["range"],
                           "context": {"diagnostics": [d], "only": ["quickfix"]}}),
                );
                response.as_array().map_or(0, Vec::len)
            })
            .sum();
        assert!(
            fixes > 0,
            "{path}: no quick fix for {} findings",
            diagnostics.len()
        );
    }
    client.shutdown();
}
