//! The language server, driven over stdio as an editor drives it: lifecycle, document sync,
//! diagnostics (pushed and pulled), settings, and position encodings.

#[path = "support/edit_model.rs"]
mod edit_model;
#[path = "support/lsp_client.rs"]
mod lsp_client;

use std::time::Duration;

use lsp_client::{LspClient, codes, range, uri};
use serde_json::{Value, json};

const HKUBE_DUPLICATE: &str = r#"{
  "name": "resizer",
  "algorithmImage": "registry.example.com/resizer:1.0.0",
  "sideCars": [
    {"container": {"name": "cache", "image": "redis:7.2.5"}},
    {"container": {"name": "cache", "image": "memcached:1.6.29"}}
  ]
}
"#;

const KUBEVELA: &str = "apiVersion: core.oam.dev/v1beta1
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
            name: Log_Shipper
            image: fluent/fluent-bit:3.1.4
";

const CALYPTIA: &str = r#"{
  "name": "geoip",
  "image": "ghcr.io/example/geoip:1.2.0",
  "imagePullPolicy": "always",
  "ports": [{"containerPort": 8080}]
}
"#;

const KUBERNETES: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
    - name: app
      image: envoyproxy/envoy:v1.31.0
";

fn started() -> LspClient {
    LspClient::initialized(json!({})).0
}

#[test]
fn initialize_announces_capabilities_and_utf16_by_default() {
    let (client, result) = LspClient::initialized(json!({}));
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(result["serverInfo"]["name"], "sidecar-lsp");
    assert!(caps.get("diagnosticProvider").is_none(), "push by default");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn utf8_is_chosen_when_the_client_offers_it() {
    let (client, result) =
        LspClient::initialized(json!({"general": {"positionEncodings": ["utf-16", "utf-8"]}}));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn each_dialect_gets_diagnostics_with_version_code_and_doc_link() {
    let mut client = started();
    let cases = [
        ("algo.json", "json", HKUBE_DUPLICATE, "H301"),
        ("app.yaml", "yaml", KUBEVELA, "K101"),
        ("geoip.sidecar.json", "json", CALYPTIA, "S104"),
        ("pod.yaml", "yaml", KUBERNETES, "K102"),
    ];
    for (i, (name, language, text, code)) in cases.iter().enumerate() {
        let uri = uri(name);
        client.open(&uri, language, i as i64 + 1, text);
        let diagnostics = client.diagnostics(&uri, i as i64 + 1);
        let found = codes(&diagnostics);
        let d = diagnostics
            .iter()
            .find(|d| d["code"] == *code)
            .unwrap_or_else(|| panic!("{name}: no {code} in {found:?}"));
        assert_eq!(d["source"], "sidecar-lsp");
        let href = d["codeDescription"]["href"].as_str().unwrap();
        assert!(
            href.to_lowercase().contains(&code.to_lowercase()),
            "{name}: {href}"
        );
    }
    client.shutdown();
}

#[test]
fn a_duplicate_points_at_the_second_name_and_relates_the_first() {
    let mut client = started();
    let uri = client.open_file("pod.yaml", KUBERNETES);
    let diagnostics = client.diagnostics(&uri, 1);
    let d = diagnostics.iter().find(|d| d["code"] == "K102").unwrap();
    // `    - name: app` on line 8 (0-based), the value at columns 12..15.
    assert_eq!(d["range"], range((8, 12), (8, 15)));
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri.as_str());
    assert_eq!(related["location"]["range"], range((6, 12), (6, 15)));
    client.shutdown();
}

#[test]
fn other_json_and_yaml_get_no_diagnostics_and_other_languages_are_ignored() {
    let mut client = started();
    let values = client.open_file("values.yaml", "replicas: [1, 2\nname: x\n");
    assert!(client.diagnostics(&values, 1).is_empty());
    let readme = uri("README.md");
    client.open(&readme, "markdown", 1, "# hi\n");
    let none = client.try_wait_for(
        "textDocument/publishDiagnostics",
        &|p| p["uri"] == readme.as_str(),
        Duration::from_millis(300),
    );
    assert!(none.is_none());
    client.shutdown();
}

#[test]
fn closing_a_document_clears_its_diagnostics() {
    let mut client = started();
    let uri = client.open_file("pod.yaml", KUBERNETES);
    assert!(!client.diagnostics(&uri, 1).is_empty());
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let cleared = client.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str()
    });
    assert_eq!(cleared["diagnostics"], json!([]));
    client.shutdown();
}

/// 1,000 rapid incremental edits: the final diagnostics are those of the final text, and no
/// stale version is published after a newer one.
#[test]
fn a_thousand_rapid_changes_end_in_the_right_text_and_diagnostics() {
    let mut client = started();
    let uri = uri("typed.yaml");
    let start = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n    - name: \n      image: envoyproxy/envoy:v1.31.0\n";
    client.open(&uri, "yaml", 1, start);
    // Type a 1,000-character container name one character at a time at line 8, column 12, then
    // a correction that deletes all but the last 3 characters: every edit depends on the last.
    // Upper case makes the name invalid, so the final diagnostic quotes the final name.
    let mut expected = start.to_string();
    let insert_at = expected.find("name: \n").unwrap() + 6;
    let alphabet: Vec<char> = "ABCDEFGHIJ".chars().collect();
    let mut version = 1;
    for i in 0..999 {
        version += 1;
        let ch = alphabet[i % alphabet.len()];
        let column = 12 + i as u32;
        client.change(
            &uri,
            version,
            range((8, column), (8, column)),
            &ch.to_string(),
        );
        expected.insert(insert_at + i, ch);
    }
    // The last edit: delete the first 996 characters, leaving the last three ("GHI").
    version += 1;
    client.change(&uri, version, range((8, 12), (8, 12 + 996)), "");
    expected.replace_range(insert_at..insert_at + 996, "");
    assert!(expected.contains("- name: GHI\n"));

    let final_diagnostics = client.diagnostics(&uri, version);
    let k101 = final_diagnostics
        .iter()
        .find(|d| d["code"] == "K101")
        .expect("the final name is invalid");
    assert!(
        k101["message"].as_str().unwrap().contains("\"GHI\""),
        "{k101}"
    );
    assert_eq!(k101["range"], range((8, 12), (8, 15)));
    // Open the expected text fresh: the server must agree with itself.
    let fresh = client.open_file("fresh.yaml", &expected);
    let fresh_diagnostics = client.diagnostics(&fresh, 1);
    assert_eq!(final_diagnostics, fresh_diagnostics);
    // The pulled report of the final version agrees too, and versions only went up.
    let pulled = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(pulled["items"], json!(final_diagnostics));
    let mut last = 0;
    client.drain(Duration::from_millis(200));
    let published: Vec<i64> = client
        .notifications
        .iter()
        .filter(|n| n["params"]["uri"] == uri.as_str())
        .filter_map(|n| n["params"]["version"].as_i64())
        .collect();
    for v in published {
        assert!(v >= last, "version {v} published after {last}");
        last = v;
    }
    client.shutdown();
}

/// What the server says about a document, with its URI taken out (to compare two documents).
fn everything_said_about(client: &mut LspClient, uri: &str, version: i64) -> Value {
    let diagnostics = client.diagnostics(uri, version);
    let doc = json!({"uri": uri});
    let whole = range((0, 0), (100_000, 0));
    let said = json!({
        "diagnostics": diagnostics,
        "symbols": client.request("textDocument/documentSymbol", json!({"textDocument": doc})),
        "hints": client.request("textDocument/inlayHint", json!({"textDocument": doc, "range": whole})),
        "lenses": client.request("textDocument/codeLens", json!({"textDocument": doc})),
    });
    serde_json::from_str(&said.to_string().replace(uri, "URI")).unwrap()
}

/// Random edit scripts (fixed seeds) through incremental `didChange`, one to three changes per
/// notification, in UTF-16 and UTF-8: emoji (surrogate pairs), CRLF and lone CR, edits that
/// start or end inside a surrogate pair or a `\r\n`, past the end, reversed, across lines, and
/// whole-text replacements. The server ends with the same text as a `String` model of LSP text
/// sync (`support/edit_model.rs`): everything it says about the edited document equals what it
/// says about the model's text opened fresh.
#[test]
fn random_edit_scripts_end_in_the_text_a_fresh_open_gives() {
    for (encoding, unit, seed) in [
        ("utf-16", edit_model::Unit::Utf16, 7),
        ("utf-8", edit_model::Unit::Utf8, 11),
        ("utf-16", edit_model::Unit::Utf16, 13),
    ] {
        let (mut client, _) =
            LspClient::initialized(json!({"general": {"positionEncodings": [encoding]}}));
        let mut rng = edit_model::Lcg(seed);
        let start = KUBERNETES.replace(
            "name: app\n      image: envoy",
            "name: Bad😀名\r\n      image: envoy",
        );
        let mut model = start.clone();
        let edited = uri("script.yaml");
        client.open(&edited, "yaml", 1, &start);
        let mut version = 1;
        for _ in 0..150 {
            let mut changes = Vec::new();
            for _ in 0..=rng.below(3) {
                let (range, text) = edit_model::random_edit(&mut rng, &model);
                edit_model::apply(&mut model, range, &text, unit);
                changes.push(match range {
                    Some((a, b)) => json!({"range": lsp_client::range(a, b), "text": text}),
                    None => json!({"text": text}),
                });
            }
            version += 1;
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": edited, "version": version}, "contentChanges": changes}),
            );
        }
        // Make sure the document ends up a recognised spec with findings that quote its text.
        version += 1;
        let tail = "\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: tail\nspec:\n  containers:\n    - name: Tail_😀\n      image: nginx\n";
        let end = (edit_model::line_count(&model) as u32 + 5, 0);
        edit_model::apply(&mut model, Some((end, end)), tail, unit);
        client.change(&edited, version, range(end, end), tail);
        let said = everything_said_about(&mut client, &edited, version);
        let fresh = uri("fresh.yaml");
        client.open(&fresh, "yaml", 1, &model);
        let expected = everything_said_about(&mut client, &fresh, 1);
        assert_eq!(
            said, expected,
            "{encoding} seed {seed}: the edited text left the model's {model:?}"
        );
        assert!(said["diagnostics"].to_string().contains("Tail_"), "{said}");
        client.shutdown();
    }
}

/// A stream long enough to be read in pieces, edited one document at a time (the server then
/// reads only the pieces an edit touched): after every edit, everything the server says equals
/// what it says about the same text opened fresh.
#[test]
fn edits_in_a_long_stream_give_what_a_fresh_open_gives() {
    let pod = |n: usize| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{n}\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - containerPort: 8080\n    - name: proxy-{n}\n      image: envoyproxy/envoy:v1.31.0\n"
        )
    };
    let mut model: String = (0..340).map(pod).collect::<Vec<_>>().join("---\n");
    assert!(
        model.len() > 70_000,
        "long enough to be cut: {}",
        model.len()
    );
    let line_of = |text: &str, needle: &str| {
        let at = text.find(needle).expect(needle);
        (text[..at].matches('\n').count() as u32, 0u32)
    };
    let (mut client, _) = LspClient::initialized(json!({}));
    let edited = uri("long.yaml");
    client.open(&edited, "yaml", 1, &model);
    // (the line of a needle to edit, the text to put in place of that whole line)
    let edits = [
        ("    - name: proxy-100\n", "    - name: Proxy_100\n"),
        ("  name: pod-30\n", "  name: \"pod-30\n"),
        ("  name: \"pod-30\n", "  name: pod-30\n"),
        ("apiVersion: v1\n", "# a new first line\napiVersion: v1\n"),
        (
            "        - containerPort: 8080\n",
            "        - containerPort: eighty\n",
        ),
        (
            "    - name: proxy-339\n",
            "    - name: proxy-339\n      image: [\n",
        ),
        ("    - name: proxy-200\n", "---\nkind: Pod\n"),
    ];
    let mut version = 1;
    for (i, (needle, replacement)) in edits.into_iter().enumerate() {
        let start = line_of(&model, needle);
        let end = (start.0 + needle.matches('\n').count() as u32, 0);
        let at = model.find(needle).unwrap();
        model.replace_range(at..at + needle.len(), replacement);
        version += 1;
        client.change(&edited, version, range(start, end), replacement);
        let said = everything_said_about(&mut client, &edited, version);
        let fresh = uri(&format!("fresh-{i}.yaml"));
        client.open(&fresh, "yaml", 1, &model);
        let expected = everything_said_about(&mut client, &fresh, 1);
        assert_eq!(said, expected, "edit {i}: {needle:?} → {replacement:?}");
        if i == 0 {
            assert!(
                said["diagnostics"].to_string().contains("Proxy_100"),
                "{said}"
            );
        }
        client.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": fresh}}),
        );
    }
    client.shutdown();
}

#[test]
fn ranges_are_exact_after_emoji_and_cjk_in_utf16_and_utf8() {
    // The invalid name sits after an emoji and CJK characters on the same line.
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations: {note: \"😀名前\", other: x}\nspec:\n  containers:\n    - {name: \"名_😀\", image: nginx:1.27}\n";
    let line = 7;
    let line_text = text.lines().nth(line).unwrap();
    let byte_start = line_text.find('"').unwrap();
    let byte_end = line_text.rfind('"').unwrap() + 1;
    let utf16 = |s: &str| s.encode_utf16().count() as u32;
    for (offer, start, end) in [
        (
            json!({}),
            utf16(&line_text[..byte_start]),
            utf16(&line_text[..byte_end]),
        ),
        (
            json!({"general": {"positionEncodings": ["utf-8"]}}),
            byte_start as u32,
            byte_end as u32,
        ),
    ] {
        let (mut client, _) = LspClient::initialized(offer);
        let uri = client.open_file("pod.yaml", text);
        let diagnostics = client.diagnostics(&uri, 1);
        let d = diagnostics
            .iter()
            .find(|d| d["code"] == "K101")
            .unwrap_or_else(|| panic!("{:?}", codes(&diagnostics)));
        assert_eq!(d["range"], range((line as u32, start), (line as u32, end)));
        client.shutdown();
    }
}

#[test]
fn pull_diagnostics_for_clients_that_prefer_them() {
    let (mut client, result) = LspClient::initialized(json!({"textDocument": {"diagnostic": {}}}));
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["identifier"],
        "sidecar-lsp"
    );
    let uri = client.open_file("pod.yaml", KUBERNETES);
    let report = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(report["kind"], "full");
    assert!(codes(report["items"].as_array().unwrap()).contains(&"K102".to_string()));
    let again = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}, "previousResultId": report["resultId"]}),
    );
    assert_eq!(again["kind"], "unchanged");
    // Nothing is pushed to a client that pulls.
    let pushed = client.try_wait_for(
        "textDocument/publishDiagnostics",
        &|_| true,
        Duration::from_millis(300),
    );
    assert!(pushed.is_none());
    client.shutdown();
}

#[test]
fn settings_are_pulled_and_refreshed_on_change() {
    let mut client = LspClient::start();
    client.settings = json!({"rules": {"K102": "off"}});
    client.initialize(json!({"workspace": {"configuration": true}}));
    // Settings are pulled after `initialized`; the document's last report honours them.
    let uri = client.open_file("pod.yaml", KUBERNETES);
    client.drain(Duration::from_millis(500));
    let last = client
        .last_diagnostics(&uri)
        .expect("diagnostics were published");
    assert!(!codes(&last).contains(&"K102".to_string()));
    assert!(
        client
            .server_requests
            .iter()
            .any(|r| r["method"] == "workspace/configuration")
    );
    client.notifications.clear();
    // Turn it back on: the server re-pulls and re-publishes.
    client.change_settings(json!({"rules": {"K102": "error"}}));
    let report = client.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str()
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "K102"))
    });
    assert_eq!(report["version"], 1);
    client.shutdown();
}

#[test]
fn protocol_errors_get_proper_answers_and_the_server_stays_up() {
    let mut client = LspClient::start();
    // Before initialize: "server not initialized".
    let early = client.request_raw("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002);
    client.initialize(json!({}));
    let unknown = client.request_raw("sidecar/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let invalid = client.request_raw("textDocument/diagnostic", json!({"textDocument": 3}));
    assert_eq!(invalid["error"]["code"], -32602);
    // A change to a document that is not open is ignored.
    client.change(&uri("nowhere.yaml"), 2, range((0, 0), (0, 0)), "x");
    assert!(client.is_running());
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn the_project_config_file_applies_and_is_reread_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("sidecar-lsp.toml"), "[rules]\nK102 = \"off\"\n").unwrap();
    let file = root.join("pod.yaml");
    let file_uri = format!("file://{}", file.display());
    let mut client = started();
    client.open(&file_uri, "yaml", 1, KUBERNETES);
    let first = client.diagnostics(&file_uri, 1);
    assert!(!codes(&first).contains(&"K102".to_string()), "{first:?}");
    std::fs::write(
        root.join("sidecar-lsp.toml"),
        "[rules]\nK102 = \"warning\"\n",
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}/sidecar-lsp.toml", root.display()), "type": 2}]}),
    );
    let again = client.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == file_uri.as_str()
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "K102" && d["severity"] == 2))
    });
    assert_eq!(again["version"], 1);
    // A broken config file is reported to the user; the document is still checked.
    std::fs::write(root.join("sidecar-lsp.toml"), "[rules\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}/sidecar-lsp.toml", root.display()), "type": 2}]}),
    );
    let message = client.wait_for("window/showMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("sidecar-lsp.toml"))
    });
    assert_eq!(message["type"], 2, "a warning");
    client.shutdown();
}

#[test]
fn the_preview_is_written_under_the_cache_directory_and_shown() {
    let cache = tempfile::tempdir().unwrap();
    let mut client = LspClient::spawn_with_env(
        std::path::Path::new(env!("CARGO_BIN_EXE_sidecar-lsp")),
        &[],
        &[("XDG_CACHE_HOME", cache.path())],
    );
    client.initialize(json!({"window": {"showDocument": {"support": true}}}));
    let uri = client.open_file(
        "algo.json",
        &HKUBE_DUPLICATE.replace(
            "\"cache\", \"image\": \"memcached",
            "\"memcached\", \"image\": \"memcached",
        ),
    );
    client.diagnostics(&uri, 1);
    let result = client.request(
        "workspace/executeCommand",
        json!({"command": "sidecar-lsp.renderPod", "arguments": [{"uri": uri, "open": true}]}),
    );
    assert_eq!(result["ok"], true, "{result}");
    let shown = client
        .server_requests
        .iter()
        .find(|r| r["method"] == "window/showDocument")
        .expect("the client is asked to show the preview")
        .clone();
    let shown_uri = shown["params"]["uri"].as_str().unwrap();
    let path = shown_uri.trim_start_matches("file://");
    assert!(
        path.starts_with(&*cache.path().to_string_lossy()),
        "{path} is under the cache directory"
    );
    assert_eq!(
        std::fs::read_to_string(path).unwrap(),
        result["text"].as_str().unwrap()
    );
    client.shutdown();
}

#[test]
fn a_huge_document_does_not_block_requests_on_others() {
    let mut client = started();
    // ~6 MiB of containers.
    let mut huge =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: huge\nspec:\n  containers:\n");
    let mut i = 0;
    while huge.len() < 6 << 20 {
        huge.push_str(&format!(
            "    - name: c{i}\n      image: nginx:1.27\n      env: [{{name: A, value: \"{}\"}}]\n",
            "x".repeat(40)
        ));
        i += 1;
    }
    let small = client.open_file("small.yaml", KUBERNETES);
    client.diagnostics(&small, 1);
    let big = client.open_file("huge.yaml", &huge);
    // While the huge document is analysed, requests on the small one are answered.
    let start = std::time::Instant::now();
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": small}, "position": {"line": 6, "character": 8}}),
    );
    assert!(hover["contents"]["value"].is_string());
    let answered = start.elapsed();
    let diagnostics = client.diagnostics(&big, 1);
    let analysed = start.elapsed();
    let errors = diagnostics.iter().filter(|d| d["severity"] == 1).count();
    assert_eq!(errors, 0, "the huge document is valid");
    assert!(
        !diagnostics.is_empty(),
        "warnings (no resources) are reported"
    );
    assert!(
        answered < analysed,
        "hover ({answered:?}) waited for the huge analysis ({analysed:?})"
    );
    client.shutdown();
}

#[test]
fn a_cancelled_request_is_answered_as_cancelled() {
    let mut client = started();
    let mut huge = String::from("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n");
    for i in 0..60_000 {
        huge.push_str(&format!("{{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {{\"name\": \"c{i}\"}}}},\n"));
    }
    huge.push_str("{}]}\n");
    let big = client.open_file("big.json", &huge);
    // A change makes the next request wait for a fresh analysis; cancel it meanwhile.
    client.change(&big, 2, range((0, 0), (0, 0)), " ");
    let id = client.send_request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": big}}),
    );
    client.notify("$/cancelRequest", json!({"id": id}));
    let response = client.response(id);
    // Either it was cancelled in time, or it had already finished: never lost, never an error
    // other than "cancelled".
    if let Some(error) = response.get("error") {
        assert_eq!(error["code"], -32800, "{response}");
    } else {
        assert!(response["result"].is_array());
    }
    assert!(client.is_running());
    client.shutdown();
}

#[test]
fn logs_go_to_stderr_and_stdout_carries_only_the_protocol() {
    // With the most verbose logging, every byte on stdout must still be a framed message (the
    // client's reader would fail otherwise and the requests below would time out).
    let mut client = LspClient::spawn_quiet(
        std::path::Path::new(env!("CARGO_BIN_EXE_sidecar-lsp")),
        &["serve", "--log-level", "trace"],
    );
    client.initialize(json!({}));
    let uri = client.open_file("pod.yaml", KUBERNETES);
    assert!(!client.diagnostics(&uri, 1).is_empty());
    assert_eq!(client.shutdown(), Some(0));
}

/// A Pod with `n` invalid container names: slow to analyse in a debug build, and every name is
/// a finding.
fn many_bad_names(n: usize) -> String {
    let mut text =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n");
    for i in 0..n {
        text.push_str(&format!("    - name: Bad_{i}\n      image: nginx:1.27\n"));
    }
    text
}

const CLEAN: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n";

#[test]
fn exit_without_shutdown_exits_with_1() {
    let mut client = started();
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), Some(1));
}

#[test]
fn a_second_open_replaces_the_text_and_its_analysis() {
    let mut client = started();
    let uri = client.open_file("pod.yaml", KUBERNETES);
    assert!(codes(&client.diagnostics(&uri, 1)).contains(&"K102".to_string()));
    // Same version, other text: the new text is analysed, not the old one's report reused.
    client.open(&uri, "yaml", 1, CLEAN);
    client.drain(Duration::from_millis(500));
    let last = client.last_diagnostics(&uri).expect("a report");
    assert!(!codes(&last).contains(&"K102".to_string()), "{last:?}");
    client.shutdown();
}

#[test]
fn a_reopened_document_never_gets_the_closed_texts_diagnostics() {
    let mut client = started();
    let uri = client.open_file("pod.yaml", &many_bad_names(10_000));
    std::thread::sleep(Duration::from_millis(200)); // the old text is being analysed
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    // Editors restart versions at 1 on reopening.
    client.open(&uri, "yaml", 1, CLEAN);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(!symbols.to_string().contains("Bad_"), "{symbols}");
    client.drain(Duration::from_secs(3));
    for n in client
        .notifications
        .iter()
        .filter(|n| n["params"]["uri"] == uri.as_str())
    {
        let found = codes(n["params"]["diagnostics"].as_array().unwrap());
        assert!(
            !found.contains(&"K101".to_string()),
            "a report of the closed text was published"
        );
    }
    client.shutdown();
}

#[test]
fn a_client_that_pulls_is_asked_to_pull_again_when_settings_change() {
    let mut client = LspClient::start();
    client.settings = json!({"rules": {"K102": "off"}});
    client.initialize(json!({
        "workspace": {"configuration": true, "diagnostics": {"refreshSupport": true}},
        "textDocument": {"diagnostic": {}}
    }));
    let uri = client.open_file("pod.yaml", KUBERNETES);
    client.drain(Duration::from_millis(300));
    client.change_settings(json!({"rules": {"K102": "error"}}));
    client.drain(Duration::from_millis(500));
    assert!(
        client
            .server_requests
            .iter()
            .any(|r| r["method"] == "workspace/diagnostic/refresh")
    );
    let report = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(codes(report["items"].as_array().unwrap()).contains(&"K102".to_string()));
    client.shutdown();
}

#[test]
fn line_separators_inside_strings_do_not_shift_edits() {
    // U+2028 is legal inside a JSON string; for LSP it does not end a line.
    let mut client = started();
    let before = "{\n  \"name\": \"resizer\",\n  \"description\": \"a\u{2028}b\",\n  \"algorithmImage\": \"registry.example.com/resizer:1.0.0\",\n  \"sideCars\": [\n    {\"container\": {\"name\": \"cache\", \"image\": \"redis:7.2.5\"}},\n    {\"container\": {\"name\": \"cachx\", \"image\": \"memcached:1.6.29\"}}\n  ]\n}\n";
    let uri = client.open_file("algo.json", before);
    assert!(!codes(&client.diagnostics(&uri, 1)).contains(&"H301".to_string()));
    let line = before.split('\n').nth(6).unwrap();
    let column = line.find("cachx").unwrap() as u32 + 4;
    client.change(&uri, 2, range((6, column), (6, column + 1)), "e");
    let after = client.diagnostics(&uri, 2);
    assert!(codes(&after).contains(&"H301".to_string()), "{after:?}");
    client.shutdown();
}

#[test]
fn requests_waiting_on_a_big_document_do_not_hold_up_others() {
    let mut client = started();
    let small = client.open_file("small.yaml", KUBERNETES);
    client.diagnostics(&small, 1);
    let big = client.open_file("big.yaml", &many_bad_names(5_000));
    // More waiting requests than the server handles at once by default.
    let waiting: Vec<i64> = (0..20)
        .map(|_| {
            client.send_request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": big}}),
            )
        })
        .collect();
    let hover = client.send_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": small}, "position": {"line": 6, "character": 8}}),
    );
    let answered = client.response(hover);
    assert!(answered["result"]["contents"]["value"].is_string());
    let pending_then = waiting
        .iter()
        .filter(|id| !client.has_response(**id))
        .count();
    for id in waiting {
        assert!(client.response(id)["result"].is_array());
    }
    assert!(
        pending_then > 0,
        "the hover was answered only after every big request (make the big document bigger)"
    );
    client.shutdown();
}
