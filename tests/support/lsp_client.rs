//! A small LSP client for tests and the latency harness: starts the real `sidecar-lsp` binary and
//! speaks JSON-RPC to it over stdio.
//!
//! Server→client requests (`workspace/configuration`, `client/registerCapability`…) are answered
//! automatically; notifications are kept in arrival order for the test to inspect.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long to wait for anything before failing a test.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A running server and the client's side of the conversation.
pub struct LspClient {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications received and not yet taken.
    pub notifications: VecDeque<Value>,
    next_id: i64,
    /// What `workspace/configuration` answers for our section.
    pub settings: Value,
    /// Requests the server sent us, in order.
    pub server_requests: Vec<Value>,
    /// Responses that arrived while another was awaited, by request id.
    early_responses: HashMap<i64, Value>,
    /// Responses whose id is not an integer (`null` for answers to unreadable messages, or a
    /// string id), in arrival order.
    pub other_responses: VecDeque<Value>,
}

impl LspClient {
    /// Start `binary` with `args`.
    pub fn spawn(binary: &Path, args: &[&str]) -> LspClient {
        LspClient::spawn_with_env(binary, args, &[])
    }

    /// Start `binary` with `args` and extra environment variables.
    pub fn spawn_with_env(binary: &Path, args: &[&str], env: &[(&str, &Path)]) -> LspClient {
        LspClient::spawn_full(binary, args, env, Stdio::inherit())
    }

    /// Start `binary` with `args`, throwing its log (stderr) away.
    pub fn spawn_quiet(binary: &Path, args: &[&str]) -> LspClient {
        LspClient::spawn_full(binary, args, &[], Stdio::null())
    }

    fn spawn_full(binary: &Path, args: &[&str], env: &[(&str, &Path)], stderr: Stdio) -> LspClient {
        let mut child = Command::new(binary)
            .args(args)
            .envs(env.iter().map(|(k, v)| (*k, *v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        LspClient {
            child,
            stdin,
            incoming: rx,
            notifications: VecDeque::new(),
            next_id: 1,
            settings: Value::Null,
            server_requests: Vec::new(),
            early_responses: HashMap::new(),
            other_responses: VecDeque::new(),
        }
    }

    /// Start the binary under test.
    pub fn start() -> LspClient {
        LspClient::spawn(Path::new(env!("CARGO_BIN_EXE_sidecar-lsp")), &[])
    }

    /// Start the server and run `initialize`/`initialized` with `capabilities`.
    pub fn initialized(capabilities: Value) -> (LspClient, Value) {
        let mut client = LspClient::start();
        let result = client.initialize(capabilities);
        (client, result)
    }

    /// `initialize` + `initialized`; returns the initialize result.
    pub fn initialize(&mut self, capabilities: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// Write raw bytes to the server.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = stdin.write_all(bytes);
            let _ = stdin.flush();
        }
    }

    /// Send `body` as one frame with a correct `Content-Length`, whatever it holds.
    pub fn send_frame(&mut self, body: &[u8]) {
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        self.send_raw(&frame);
    }

    /// Wait for the next response whose id is not an integer (see `other_responses`).
    pub fn other_response(&mut self) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(response) = self.other_responses.pop_front() {
                return response;
            }
            let message = self
                .next_message(deadline)
                .expect("a response with a null or string id");
            self.dispatch(message);
        }
    }

    /// Send one JSON-RPC message.
    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("json");
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(&body);
        self.send_raw(&frame);
    }

    /// Send a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Send a request and wait for its whole response message (`result` or `error`).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Send a request and return its `result`; panics on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        if let Some(error) = response.get("error") {
            panic!("{method} failed: {error}");
        }
        response["result"].clone()
    }

    /// Whether the response to `id` has already arrived (without waiting).
    pub fn has_response(&mut self, id: i64) -> bool {
        while let Ok(message) = self.incoming.try_recv() {
            self.dispatch(message);
        }
        self.early_responses.contains_key(&id)
    }

    /// Wait for the response to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        if let Some(response) = self.early_responses.remove(&id) {
            return response;
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self
                .next_message(deadline)
                .unwrap_or_else(|| panic!("no response to request {id}"));
            if message.get("method").is_none() && message["id"] == json!(id) {
                return message;
            }
            self.dispatch(message);
        }
    }

    /// Wait for the next notification `method` whose params satisfy `accept`, and take it.
    pub fn wait_for(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        self.try_wait_for(method, &accept, TIMEOUT)
            .unwrap_or_else(|| panic!("no {method} notification arrived"))
    }

    /// Like [`wait_for`](Self::wait_for), giving up after `timeout`.
    pub fn try_wait_for(
        &mut self,
        method: &str,
        accept: &dyn Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(i) = self
                .notifications
                .iter()
                .position(|n| n["method"] == method && accept(&n["params"]))
            {
                return self.notifications.remove(i).map(|n| n["params"].clone());
            }
            let message = self.next_message(deadline)?;
            self.dispatch(message);
        }
    }

    /// Diagnostics published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == json!(version)
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Every message received so far, handled; then wait `quiet` for more.
    pub fn drain(&mut self, quiet: Duration) {
        let deadline = Instant::now() + quiet;
        while let Some(message) = self.next_message(deadline) {
            self.dispatch(message);
        }
    }

    /// `textDocument/didOpen`.
    pub fn open(&mut self, uri: &str, language: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}),
        );
    }

    /// Open `text` as the made-up file `name` (see [`uri`]) at version 1, as JSON or YAML by its
    /// extension; returns its URI.
    pub fn open_file(&mut self, name: &str, text: &str) -> String {
        let uri = uri(name);
        self.open(&uri, language_of(name), 1, text);
        uri
    }

    /// The diagnostics of the last report published for `uri` among the notifications kept.
    pub fn last_diagnostics(&self, uri: &str) -> Option<Vec<Value>> {
        let last = self
            .notifications
            .iter()
            .rev()
            .find(|n| n["params"]["uri"] == uri)?;
        last["params"]["diagnostics"].as_array().cloned()
    }

    /// Answer `workspace/configuration` with `settings` from now on, and tell the server that
    /// settings changed (it pulls them again).
    pub fn change_settings(&mut self, settings: Value) {
        self.settings = settings;
        self.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": null}),
        );
    }

    /// An incremental `textDocument/didChange` replacing `range` with `text`.
    pub fn change(&mut self, uri: &str, version: i64, range: Value, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": range, "text": text}]}),
        );
    }

    /// `shutdown` then `exit`; returns the exit status code.
    pub fn shutdown(mut self) -> Option<i32> {
        let _ = self.request_raw("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.stdin.take();
        self.wait_exit()
    }

    /// Close the server's standard input (the client goes away).
    pub fn close_input(&mut self) {
        self.stdin.take();
    }

    /// Wait (bounded) for the process to exit.
    pub fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether the server process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The process id (for memory measurements).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(wait) {
            Ok(message) => Some(message),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Keep a notification; answer a server request.
    fn dispatch(&mut self, message: Value) {
        let Some(method) = message.get("method").and_then(Value::as_str) else {
            // A response to another request in flight: keep it for `response`.
            match message.get("id").and_then(Value::as_i64) {
                Some(id) => {
                    self.early_responses.insert(id, message);
                }
                None => self.other_responses.push_back(message),
            }
            return;
        };
        if message.get("id").is_none() {
            self.notifications.push_back(message);
            return;
        }
        let result = match method {
            "workspace/configuration" => {
                let count = message["params"]["items"].as_array().map_or(0, Vec::len);
                Value::Array(vec![self.settings.clone(); count])
            }
            "window/showDocument" => json!({"success": true}),
            _ => Value::Null,
        };
        let reply = json!({"jsonrpc": "2.0", "id": message["id"].clone(), "result": result});
        self.server_requests.push(message);
        self.send(&reply);
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Read one framed message (`None` at end of stream).
pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// An LSP range from (line, character) pairs.
pub fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": {"line": start.0, "character": start.1},
           "end": {"line": end.0, "character": end.1}})
}

/// A `file:` URI for a made-up path.
pub fn uri(name: &str) -> String {
    format!("file:///sidecar-lsp-tests/{name}")
}

/// The language id of a file name: `json` for `*.json`, else `yaml`.
pub fn language_of(name: &str) -> &'static str {
    if name.ends_with(".json") {
        "json"
    } else {
        "yaml"
    }
}

/// The `code` of each diagnostic.
pub fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Strip the cursor marker `$0` from `text`; return the text and the marker's (line, UTF-16
/// character).
pub fn cursor(text: &str) -> (String, (u32, u32)) {
    let at = text.find("$0").expect("a $0 marker");
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .encode_utf16()
        .count() as u32;
    (text.replacen("$0", "", 1), (line, column))
}

/// A position object.
pub fn position(at: (u32, u32)) -> Value {
    json!({"line": at.0, "character": at.1})
}
