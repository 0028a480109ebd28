//! A hostile client against the real binary: malformed frames, lying headers, messages out of
//! order, positions past the end, enormous and deeply nested documents. The server answers or
//! ignores each as JSON-RPC and LSP say, and keeps serving until `exit`.

#[path = "support/lsp_client.rs"]
mod lsp_client;

use std::time::Duration;

use lsp_client::{LspClient, position, range, uri};
use serde_json::{Value, json};

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n    - name: Bad_Name\n      image: envoyproxy/envoy:v1.31.0\n";

fn started() -> LspClient {
    let mut client =
        LspClient::spawn_quiet(std::path::Path::new(env!("CARGO_BIN_EXE_sidecar-lsp")), &[]);
    client.initialize(json!({}));
    client
}

/// The server still works: a document opened now gets its diagnostics and a hover answer.
fn assert_still_serving(client: &mut LspClient, name: &str) {
    let uri = client.open_file(name, POD);
    let diagnostics = client.diagnostics(&uri, 1);
    assert!(
        diagnostics.iter().any(|d| d["code"] == "K101"),
        "{diagnostics:?}"
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position((7, 9))}),
    );
    assert!(hover["contents"].is_object(), "{hover}");
}

fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not an error: {response}"))
}

#[test]
fn malformed_messages_are_answered_and_the_server_keeps_serving() {
    let mut client = started();
    // (body, expected code of the answer with a null id)
    let cases: &[(&[u8], i64)] = &[
        (b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\"", PARSE_ERROR),
        (b"not json at all", PARSE_ERROR),
        (b"\xff\xfe{}", PARSE_ERROR),
        (b"42", INVALID_REQUEST),
        (b"\"a string\"", INVALID_REQUEST),
        (b"null", INVALID_REQUEST),
        (b"[]", INVALID_REQUEST),
        // A batch: LSP has none.
        (
            b"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\"},{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}]",
            INVALID_REQUEST,
        ),
        // An id that is neither an integer nor a string.
        (b"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"textDocument/hover\"}", INVALID_REQUEST),
        (b"{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"textDocument/hover\"}", INVALID_REQUEST),
        (b"{\"jsonrpc\":\"2.0\"}", INVALID_REQUEST),
        (b"{}", INVALID_REQUEST),
    ];
    for (body, code) in cases {
        client.send_frame(body);
        let answer = client.other_response();
        assert_eq!(
            (error_code(&answer), &answer["id"]),
            (*code, &Value::Null),
            "{:?}",
            String::from_utf8_lossy(body)
        );
    }
    // The wrong version, with an id: answered with that id.
    client
        .send(&json!({"jsonrpc": "1.0", "id": 9001, "method": "textDocument/hover", "params": {}}));
    assert_eq!(error_code(&client.response(9001)), INVALID_REQUEST);
    client.send(&json!({"id": "no-version", "method": "textDocument/hover", "params": {}}));
    let answer = client.other_response();
    assert_eq!(
        (error_code(&answer), &answer["id"]),
        (INVALID_REQUEST, &json!("no-version"))
    );
    // A method that is not a string.
    client.send(&json!({"jsonrpc": "2.0", "id": 9002, "method": 7}));
    assert_eq!(error_code(&client.response(9002)), INVALID_REQUEST);
    // A malformed response from the client is dropped, not answered.
    client.send_frame(b"{\"jsonrpc\":\"1.0\",\"id\":3,\"result\":1}");
    assert_still_serving(&mut client, "after-bodies.yaml");
    assert!(
        client.other_responses.is_empty(),
        "{:?}",
        client.other_responses
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn lying_and_missing_content_lengths_are_survived() {
    let mut client = started();
    let hover = |id: i64| {
        format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"textDocument/hover\",\"params\":{{\"textDocument\":{{\"uri\":\"file:///x.yaml\"}},\"position\":{{\"line\":0,\"character\":0}}}}}}"
        )
    };
    // No Content-Length at all, then a good frame: the garbage is answered, the frame served.
    client.send_raw(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"x\":1}");
    assert_eq!(error_code(&client.other_response()), PARSE_ERROR);
    let good = hover(101);
    client.send_raw(format!("Content-Length: {}\r\n\r\n{good}", good.len()).as_bytes());
    assert_eq!(client.response(101)["result"], Value::Null);
    // A length that is not a number, or does not fit in 64 bits.
    for bad in ["abc", "-5", "18446744073709551616", ""] {
        client.send_raw(format!("Content-Length: {bad}\r\n\r\n{{}}").as_bytes());
        assert_eq!(error_code(&client.other_response()), PARSE_ERROR, "{bad:?}");
    }
    // Too short: the body is cut (a parse error) and the rest is skipped up to the next header.
    let cut = hover(102);
    client.send_raw(format!("Content-Length: {}\r\n\r\n{cut}", cut.len() - 10).as_bytes());
    assert_eq!(error_code(&client.other_response()), PARSE_ERROR);
    // Header names in another case are still headers.
    let lower = hover(103);
    client.send_raw(format!("content-length: {}\r\n\r\n{lower}", lower.len()).as_bytes());
    assert_eq!(client.response(103)["result"], Value::Null);
    // An empty body.
    client.send_raw(b"Content-Length: 0\r\n\r\n");
    assert_eq!(error_code(&client.other_response()), PARSE_ERROR);
    // Too long: the next frame is swallowed into the body, which does not parse.
    let long = hover(104);
    let next = hover(105);
    client.send_raw(format!("Content-Length: {}\r\n\r\n{long}", long.len() + 25).as_bytes());
    client.send_raw(format!("Content-Length: {}\r\n\r\n{next}", next.len()).as_bytes());
    assert_eq!(error_code(&client.other_response()), PARSE_ERROR);
    assert_still_serving(&mut client, "after-headers.yaml");
    assert_eq!(client.shutdown(), Some(0));
}

/// The resident memory of a process, in MiB (Linux).
fn rss_mib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

#[test]
fn a_huge_content_length_is_refused_without_allocating_it() {
    let mut client = started();
    // Over the limit: refused at once, and its bytes skipped as they come.
    client.send_raw(b"Content-Length: 99999999999999\r\n\r\n{\"jsonrpc\":\"2.0\"");
    assert_eq!(error_code(&client.other_response()), INVALID_REQUEST);
    assert!(client.is_running());
    client.send_raw(&vec![b' '; 4 << 20]);
    // Under the limit, but the client never sends it: nothing is reserved for it.
    let mut other = started();
    other.send_raw(b"Content-Length: 1000000000\r\n\r\n{");
    std::thread::sleep(Duration::from_millis(300));
    for c in [&client, &other] {
        if let Some(mib) = rss_mib(c.pid()) {
            assert!(mib < 200, "{mib} MiB resident");
        }
    }
    assert!(other.is_running());
    // The client goes away mid-message: the server ends (no shutdown: exit code 1).
    drop(other);
    client.close_input();
    assert_eq!(client.wait_exit(), Some(1));
}

#[test]
fn requests_out_of_order_get_the_protocols_answers() {
    let mut client =
        LspClient::spawn_quiet(std::path::Path::new(env!("CARGO_BIN_EXE_sidecar-lsp")), &[]);
    // Before initialize: requests are refused, notifications dropped.
    let early = client.request_raw("textDocument/completion", json!({}));
    assert_eq!(error_code(&early), -32002);
    client.open(&uri("early.yaml"), "yaml", 1, POD);
    client.initialize(json!({}));
    // A second initialize is refused.
    let again = client.request_raw("initialize", json!({"capabilities": {}}));
    assert_eq!(error_code(&again), INVALID_REQUEST);
    // The early didOpen was dropped: a change to it is ignored, a hover finds nothing.
    client.change(&uri("early.yaml"), 2, range((0, 0), (0, 0)), "x");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri("early.yaml")}, "position": position((0, 0))}),
    );
    assert_eq!(hover, Value::Null);
    // Unknown methods: a request gets MethodNotFound, a notification nothing.
    assert_eq!(
        error_code(&client.request_raw("sidecar/unknown", json!({}))),
        METHOD_NOT_FOUND
    );
    assert_eq!(
        error_code(&client.request_raw("$/unknownRequest", json!({}))),
        METHOD_NOT_FOUND
    );
    client.notify("sidecar/unknownNotification", json!({"x": 1}));
    client.notify("$/unknownNotification", json!({}));
    // A notification sent with an id is a request of a method that is not one.
    client.send(&json!({"jsonrpc": "2.0", "id": 9003, "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": uri("with-id.yaml"), "languageId": "yaml", "version": 1, "text": POD}}}));
    assert_eq!(error_code(&client.response(9003)), INVALID_REQUEST);
    // Changes and closes of documents never opened are ignored.
    client.change(&uri("never.yaml"), 2, range((0, 0), (5, 0)), "x");
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri("never.yaml")}}),
    );
    // Params of the wrong shape.
    let wrong = client.request_raw("textDocument/hover", json!({"textDocument": "x"}));
    assert_eq!(error_code(&wrong), -32602);
    client.notify("textDocument/didOpen", json!({"textDocument": 5}));
    client.notify("textDocument/didChange", json!([1, 2, 3]));
    // A duplicate didOpen replaces the text.
    let twice = uri("twice.yaml");
    client.open(&twice, "yaml", 1, "apiVersion: v1\n");
    client.open(&twice, "yaml", 2, POD);
    let diagnostics = client.diagnostics(&twice, 2);
    assert!(diagnostics.iter().any(|d| d["code"] == "K101"));
    assert_still_serving(&mut client, "in-order.yaml");
    // After shutdown every request is InvalidRequest; notifications other than exit are dropped.
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    // (A method the server does not have at all stays MethodNotFound.)
    for method in [
        "textDocument/hover",
        "shutdown",
        "initialize",
        "textDocument/completion",
    ] {
        let answer = client.request_raw(
            method,
            json!({"textDocument": {"uri": twice}, "position": position((0, 0))}),
        );
        assert_eq!(error_code(&answer), INVALID_REQUEST, "{method}: {answer}");
    }
    client.change(&twice, 3, range((0, 0), (0, 0)), "x");
    assert!(client.is_running());
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), Some(0));
}

#[test]
fn positions_past_the_end_are_clamped_by_every_request() {
    let mut client = started();
    let uri = client.open_file("past.yaml", POD);
    client.diagnostics(&uri, 1);
    let doc = json!({"uri": uri});
    for at in [
        (0, 10_000),
        (9, u32::MAX),
        (10_000, 0),
        (u32::MAX, u32::MAX),
    ] {
        let p = position(at);
        let far = json!({"start": p, "end": p});
        let whole = json!({"start": position((0, 0)), "end": p});
        let requests = [
            (
                "textDocument/hover",
                json!({"textDocument": doc, "position": p}),
            ),
            (
                "textDocument/completion",
                json!({"textDocument": doc, "position": p}),
            ),
            (
                "textDocument/definition",
                json!({"textDocument": doc, "position": p}),
            ),
            (
                "textDocument/references",
                json!({"textDocument": doc, "position": p, "context": {"includeDeclaration": true}}),
            ),
            (
                "textDocument/prepareRename",
                json!({"textDocument": doc, "position": p}),
            ),
            (
                "textDocument/rename",
                json!({"textDocument": doc, "position": p, "newName": "x"}),
            ),
            (
                "textDocument/codeAction",
                json!({"textDocument": doc, "range": far, "context": {"diagnostics": []}}),
            ),
            (
                "textDocument/codeAction",
                json!({"textDocument": doc, "range": whole, "context": {"diagnostics": []}}),
            ),
            (
                "textDocument/inlayHint",
                json!({"textDocument": doc, "range": whole}),
            ),
            (
                "workspace/executeCommand",
                json!({"command": "sidecar-lsp.renderPod", "arguments": [{"uri": uri, "position": p}]}),
            ),
        ];
        for (method, params) in requests {
            let answer = client.request_raw(method, params);
            // An answer, or a refusal of a rename where there is nothing to rename; never a
            // crash or an internal error.
            if let Some(error) = answer.get("error") {
                assert!(
                    method.ends_with("ename") && error["code"] != -32603,
                    "{method} at {at:?}: {answer}"
                );
            }
        }
    }
    // Edits past the end append, clamped.
    client.change(
        &uri,
        2,
        range((10_000, 5), (u32::MAX, u32::MAX)),
        "# tail\n",
    );
    client.change(&uri, 3, range((0, u32::MAX), (0, u32::MAX)), "");
    let diagnostics = client.diagnostics(&uri, 3);
    assert!(diagnostics.iter().any(|d| d["code"] == "K101"));
    assert_eq!(client.shutdown(), Some(0));
}

fn big_document(bytes: usize) -> String {
    // A Deployment whose one annotation is a huge string: cheap to analyse, big to carry.
    let head = "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {\"name\": \"big\", \"annotations\": {\"blob\": \"";
    let tail = "\"}}, \"spec\": {\"selector\": {\"matchLabels\": {\"a\": \"b\"}}, \"template\": {\"metadata\": {\"labels\": {\"a\": \"b\"}}, \"spec\": {\"containers\": [{\"name\": \"Bad_Name\", \"image\": \"nginx:1.27\"}]}}}}\n";
    let mut text = String::with_capacity(bytes + head.len() + tail.len());
    text.push_str(head);
    while text.len() < bytes {
        text.push_str("0123456789abcdef😀");
    }
    text.push_str(tail);
    text
}

#[test]
fn a_fifty_mib_document_is_opened_edited_and_served() {
    let mut client = started();
    let text = big_document(50 << 20);
    let big = uri("big.json");
    client.open(&big, "json", 1, &text);
    // Others are served while it is analysed.
    assert_still_serving(&mut client, "beside-big.yaml");
    let diagnostics = client.diagnostics(&big, 1);
    assert!(
        diagnostics.iter().any(|d| d["code"] == "K101"),
        "{diagnostics:?}"
    );
    // An edit at its end (line 1 is the empty last line): the name is fixed.
    let line0 = text.lines().next().unwrap();
    let name_at = line0.find("Bad_Name").unwrap();
    let column = line0[..name_at].encode_utf16().count() as u32;
    client.change(&big, 2, range((0, column), (0, column + 8)), "good");
    let diagnostics = client.diagnostics(&big, 2);
    assert!(
        !diagnostics.iter().any(|d| d["code"] == "K101"),
        "{diagnostics:?}"
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": big}, "position": position((0, column))}),
    );
    assert!(hover.is_object(), "{hover}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn deep_nesting_and_alias_bombs_are_reported_not_fatal() {
    let mut client = started();
    let deep_json = "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000);
    let deep_yaml = "[".repeat(10_000) + &"]".repeat(10_000);
    let mut deep_block =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels:\n");
    for i in 0..1000 {
        deep_block.push_str(&" ".repeat(4 + 2 * i));
        deep_block.push_str("- \n");
    }
    let mut bomb = String::from(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels:\n    l0: &l0 [x, x]\n",
    );
    for i in 1..32 {
        bomb.push_str(&format!("    l{i}: &l{i} [*l{p}, *l{p}]\n", p = i - 1));
    }
    bomb.push_str("spec:\n  containers:\n    - name: x\n      image: y\n      args: *l31\n");
    for (name, text) in [
        ("deep.json", deep_json),
        ("deep.yaml", deep_yaml),
        ("deep-block.yaml", deep_block),
        ("bomb.yaml", bomb),
    ] {
        let uri = client.open_file(name, &text);
        let diagnostics = client.diagnostics(&uri, 1);
        let middle = text.len() as u32 / 2;
        for method in ["textDocument/hover", "textDocument/completion"] {
            let answer = client.request_raw(
                method,
                json!({"textDocument": {"uri": uri}, "position": position((0, middle))}),
            );
            assert!(answer.get("error").is_none(), "{name} {method}: {answer}");
        }
        if name == "bomb.yaml" {
            assert!(
                diagnostics
                    .iter()
                    .any(|d| d["message"].as_str().unwrap().contains("alias")),
                "{diagnostics:?}"
            );
        }
    }
    assert_still_serving(&mut client, "after-deep.yaml");
    assert_eq!(client.shutdown(), Some(0));
}
