//! A guard in front of `tower-lsp-server`'s transport, which stops reading for good at the first
//! message it cannot decode (its framed reader ends after an error), so one bad frame from a
//! client would leave the server deaf.
//!
//! The guard reads the client's frames itself and passes on only those the transport accepts
//! (a JSON-RPC 2.0 request, notification or response), re-framed with a plain `Content-Length`
//! header. Everything else is answered here, as JSON-RPC says, and dropped:
//!
//! - a body that is not UTF-8 or not JSON: `-32700 Parse error` (id `null`);
//! - JSON that is not a message (a number, an array — LSP has no batches —, an object with the
//!   wrong `jsonrpc` version, a method that is not a string…): `-32600 Invalid Request`, with
//!   the request's id when it has a usable one, so a client never waits for an answer;
//! - a header block without a valid `Content-Length`: `-32700`, then the input is skipped to the
//!   next `Content-Length` header;
//! - a `Content-Length` over [`MAX_MESSAGE_BYTES`]: `-32600`, and that many bytes are skipped as
//!   they arrive, never buffered.
//!
//! Malformed responses from the client are dropped without an answer. The answers are written
//! between the server's own frames by the one writer of the output.

use std::io;

use serde_json::value::RawValue;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tower_lsp_server::jsonrpc::{Id, Response};

/// The largest message accepted (a document of several hundred MiB, JSON-escaped).
pub const MAX_MESSAGE_BYTES: usize = 1 << 30;

/// Longest header block looked at before it is taken for garbage.
const MAX_HEADER_BYTES: usize = 8 * 1024;

const HEADER_END: &[u8] = b"\r\n\r\n";
const CONTENT_LENGTH: &[u8] = b"content-length";

/// JSON-RPC error codes answered here.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;

/// What the client sent, checked.
#[derive(Debug, PartialEq)]
pub enum Checked {
    /// A message the transport accepts: pass it on.
    Pass,
    /// Answer this (a whole JSON-RPC response) and drop the message.
    Answer(Value),
    /// Drop the message without an answer (a malformed response).
    Drop,
}

/// An error response.
fn error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// A request id worth echoing: an integer or a string (the transport's own kinds).
fn usable_id(message: &Value) -> Value {
    match message.get("id") {
        Some(id @ Value::String(_)) => id.clone(),
        Some(id @ Value::Number(n)) if n.is_i64() => id.clone(),
        _ => Value::Null,
    }
}

/// The members of a message that decide whether the transport accepts it, unparsed: one pass
/// over the text that allocates nothing (a `didOpen` may carry many MiB).
#[derive(serde::Deserialize)]
struct Members<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    jsonrpc: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    method: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    params: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    result: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    error: Option<&'a RawValue>,
}

/// A member that is there, even as `null`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue as serde::Deserialize>::deserialize(d).map(Some)
}

/// `Some(Pass)` for what the transport accepts (its `Response`, else its `Request`), `Some` of
/// an answer for a request it would leave unanswered, `None` for the rest (to be diagnosed).
fn check_fields(text: &str) -> Option<Checked> {
    let members: Members = serde_json::from_str(text).ok()?;
    if members.method.is_none() && (members.result.is_some() || members.error.is_some()) {
        // Responses are small: the transport's own type decides.
        return serde_json::from_str::<Response>(text)
            .is_ok()
            .then_some(Checked::Pass);
    }
    // A request or notification, as the transport reads one: `"jsonrpc": "2.0"`, a string
    // method (it would take a missing one for "" and ignore the message), an integer, string
    // or null id, any params.
    let version: String = serde_json::from_str(members.jsonrpc?.get()).ok()?;
    let method: String = serde_json::from_str(members.method?.get()).ok()?;
    let id: Option<Id> = match members.id {
        Some(id) => Some(serde_json::from_str(id.get()).ok()?),
        None => None,
    };
    let _ = members.params;
    if version != "2.0" {
        return None;
    }
    // It answers nothing to a request of an unknown `$/` method (only notifications may go
    // unanswered), so the client would wait for ever.
    if let (Some(id), true) = (id, method.starts_with("$/")) {
        let id = serde_json::to_value(id).unwrap_or(Value::Null);
        return Some(Checked::Answer(error(
            id,
            METHOD_NOT_FOUND,
            &format!("Method not found: {method}"),
        )));
    }
    Some(Checked::Pass)
}

/// Check one message body.
pub fn check(body: &[u8]) -> Checked {
    let Ok(text) = std::str::from_utf8(body) else {
        return Checked::Answer(error(
            Value::Null,
            PARSE_ERROR,
            "Parse error: the message is not UTF-8",
        ));
    };
    if let Some(checked) = check_fields(text) {
        return checked;
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(_) => {
            return Checked::Answer(error(
                Value::Null,
                PARSE_ERROR,
                "Parse error: the message is not JSON",
            ));
        }
    };
    match &value {
        Value::Object(object) => {
            let looks_like_response = !object.contains_key("method")
                && (object.contains_key("result") || object.contains_key("error"));
            if looks_like_response {
                Checked::Drop
            } else {
                let reason = if object.get("jsonrpc") != Some(&json!("2.0")) {
                    "Invalid Request: \"jsonrpc\" must be \"2.0\""
                } else {
                    "Invalid Request: not a JSON-RPC request, notification or response"
                };
                Checked::Answer(error(usable_id(&value), INVALID_REQUEST, reason))
            }
        }
        Value::Array(_) => Checked::Answer(error(
            Value::Null,
            INVALID_REQUEST,
            "Invalid Request: batches are not part of the Language Server Protocol",
        )),
        _ => Checked::Answer(error(
            Value::Null,
            INVALID_REQUEST,
            "Invalid Request: a message must be a JSON object",
        )),
    }
}

/// One step of reading the client's byte stream.
#[derive(Debug, PartialEq)]
pub enum Event {
    /// A whole message body, to check.
    Body(Vec<u8>),
    /// Answer this and go on.
    Answer(Value),
}

/// Frames the client's bytes; survives garbage and lies in headers.
#[derive(Default)]
pub struct Deframer {
    buffer: Vec<u8>,
    state: State,
}

#[derive(Default, Debug, PartialEq)]
enum State {
    /// Expecting a header block.
    #[default]
    Header,
    /// Expecting a body of this many bytes.
    Body(usize),
    /// Skipping this many bytes of an oversized body.
    Skip(usize),
    /// Skipping to the next `Content-Length`.
    Resync,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// The `Content-Length` of a header block (header names are case-insensitive).
fn content_length(headers: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(headers).ok()?;
    let mut length = None;
    for line in text.split("\r\n") {
        let (name, value) = line.split_once(':')?;
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = Some(value.trim().parse::<usize>().ok()?);
        }
    }
    length
}

impl Deframer {
    /// Take in bytes read from the client.
    pub fn push(&mut self, bytes: &[u8]) {
        if let State::Skip(left) = self.state {
            let skipped = left.min(bytes.len());
            self.state = match left - skipped {
                0 => State::Header,
                left => State::Skip(left),
            };
            self.buffer.extend_from_slice(&bytes[skipped..]);
        } else {
            self.buffer.extend_from_slice(bytes);
        }
    }

    /// The next complete event, if the bytes so far hold one.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            match self.state {
                State::Skip(_) => return None,
                State::Resync => match find_ignoring_case(&self.buffer, CONTENT_LENGTH) {
                    Some(at) => {
                        self.buffer.drain(..at);
                        self.state = State::Header;
                    }
                    None => {
                        let keep = CONTENT_LENGTH.len() - 1;
                        let cut = self.buffer.len().saturating_sub(keep);
                        self.buffer.drain(..cut);
                        return None;
                    }
                },
                State::Header => {
                    let Some(end) = find(&self.buffer, HEADER_END) else {
                        if self.buffer.len() > MAX_HEADER_BYTES {
                            self.buffer.drain(..1);
                            self.state = State::Resync;
                            return Some(Event::Answer(error(
                                Value::Null,
                                PARSE_ERROR,
                                "Parse error: a header block too long or without its blank line",
                            )));
                        }
                        return None;
                    };
                    // Only `Content-Length` matters: read the block from it, past any garbage
                    // left by a previous frame whose length was too short.
                    let from = find_ignoring_case(&self.buffer[..end], CONTENT_LENGTH).unwrap_or(0);
                    let length = content_length(&self.buffer[from..end]);
                    self.buffer.drain(..end + HEADER_END.len());
                    match length {
                        Some(length) if length > MAX_MESSAGE_BYTES => {
                            let skipped = length.min(self.buffer.len());
                            self.buffer.drain(..skipped);
                            self.state = match length - skipped {
                                0 => State::Header,
                                left => State::Skip(left),
                            };
                            return Some(Event::Answer(error(
                                Value::Null,
                                INVALID_REQUEST,
                                &format!(
                                    "Invalid Request: a message of {length} bytes (the limit is {MAX_MESSAGE_BYTES})"
                                ),
                            )));
                        }
                        Some(length) => self.state = State::Body(length),
                        None => {
                            self.state = State::Resync;
                            return Some(Event::Answer(error(
                                Value::Null,
                                PARSE_ERROR,
                                "Parse error: a header block without a valid Content-Length",
                            )));
                        }
                    }
                }
                State::Body(length) => {
                    // No reservation up front: a client's claimed length is not trusted.
                    if self.buffer.len() < length {
                        return None;
                    }
                    let rest = self.buffer.split_off(length);
                    let body = std::mem::replace(&mut self.buffer, rest);
                    self.state = State::Header;
                    return Some(Event::Body(body));
                }
            }
        }
    }
}

/// Frame a message body.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Read the client's frames from `input`; pass the good ones to `server` and the answers to
/// bad ones to `answers`. Ends at the end of the input (or when the server stops reading).
pub async fn forward_input<I, S>(mut input: I, mut server: S, answers: UnboundedSender<Vec<u8>>)
where
    I: AsyncRead + Unpin,
    S: AsyncWrite + Unpin,
{
    let mut deframer = Deframer::default();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        deframer.push(&chunk[..n]);
        while let Some(event) = deframer.next_event() {
            let answer = match event {
                Event::Answer(answer) => Some(answer),
                Event::Body(body) => match check(&body) {
                    Checked::Pass => {
                        // Header and body apart: a large body is not copied once more.
                        let header = format!("Content-Length: {}\r\n\r\n", body.len());
                        if server.write_all(header.as_bytes()).await.is_err()
                            || server.write_all(&body).await.is_err()
                        {
                            return;
                        }
                        None
                    }
                    Checked::Answer(answer) => Some(answer),
                    Checked::Drop => {
                        tracing::warn!("dropped a malformed response from the client");
                        None
                    }
                },
            };
            if let Some(answer) = answer {
                tracing::warn!(
                    "answered a malformed message: {}",
                    answer["error"]["message"]
                );
                let _ = answers.send(frame(answer.to_string().as_bytes()));
            }
        }
    }
    let _ = server.shutdown().await;
}

/// The one writer of the output: the server's frames (read from `server`) and the guard's
/// answers, each written whole. Ends when both are done.
pub async fn forward_output<S, O>(
    mut server: S,
    mut answers: UnboundedReceiver<Vec<u8>>,
    output: O,
) -> io::Result<()>
where
    S: AsyncRead + Unpin,
    O: AsyncWrite,
{
    tokio::pin!(output);
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut server_done = false;
    let mut answers_done = false;
    while !(server_done && answers_done) {
        tokio::select! {
            read = server.read(&mut chunk), if !server_done => match read {
                Ok(0) | Err(_) => server_done = true,
                Ok(n) => {
                    pending.extend_from_slice(&chunk[..n]);
                    // Write whole frames only, so that answers fall between them.
                    let whole = whole_frames(&pending);
                    if whole > 0 {
                        output.write_all(&pending[..whole]).await?;
                        output.flush().await?;
                        pending.drain(..whole);
                    }
                }
            },
            answer = answers.recv(), if !answers_done => match answer {
                None => answers_done = true,
                Some(answer) => {
                    output.write_all(&answer).await?;
                    output.flush().await?;
                }
            },
        }
    }
    output.write_all(&pending).await?;
    output.flush().await
}

/// How many leading bytes of `bytes` are whole frames (the server's: `Content-Length` only).
fn whole_frames(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(end) = find(&bytes[at..], HEADER_END) {
        let Some(length) = content_length(&bytes[at..at + end]) else {
            // Not a frame we understand: write what we have rather than hold it.
            return bytes.len();
        };
        let next = at + end + HEADER_END.len() + length;
        if next > bytes.len() {
            break;
        }
        at = next;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(input: &[u8]) -> Vec<Event> {
        let mut deframer = Deframer::default();
        let mut out = Vec::new();
        // One byte at a time: framing must not depend on how reads split the stream.
        for byte in input {
            deframer.push(std::slice::from_ref(byte));
            while let Some(event) = deframer.next_event() {
                out.push(event);
            }
        }
        out
    }

    fn code(event: &Event) -> i64 {
        match event {
            Event::Answer(answer) => answer["error"]["code"].as_i64().unwrap(),
            Event::Body(body) => panic!("a body: {:?}", String::from_utf8_lossy(body)),
        }
    }

    #[test]
    fn good_frames_pass_whatever_the_header_case_and_extra_headers() {
        let input = b"Content-Length: 2\r\n\r\n{}content-length:3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[1]";
        assert_eq!(
            events(input),
            [Event::Body(b"{}".to_vec()), Event::Body(b"[1]".to_vec())]
        );
    }

    #[test]
    fn a_header_without_a_length_is_answered_and_skipped_to_the_next_frame() {
        let input = b"Content-Type: x\r\n\r\ngarbage{}Content-Length: 2\r\n\r\n{}";
        let got = events(input);
        assert_eq!(code(&got[0]), PARSE_ERROR);
        assert_eq!(got[1], Event::Body(b"{}".to_vec()));
        let bad_number = events(b"Content-Length: -4\r\n\r\nxxxxContent-Length: 2\r\n\r\n{}");
        assert_eq!(code(&bad_number[0]), PARSE_ERROR);
        assert_eq!(bad_number[1], Event::Body(b"{}".to_vec()));
        // What a too-short length leaves before the next header is skipped.
        let leftover = events(b"}}]Content-Type: x\r\nContent-Length: 2\r\n\r\n{}");
        assert_eq!(leftover, [Event::Body(b"{}".to_vec())]);
    }

    #[test]
    fn a_huge_length_is_refused_and_its_bytes_skipped_without_buffering() {
        let mut deframer = Deframer::default();
        deframer.push(format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE_BYTES + 10).as_bytes());
        assert_eq!(code(&deframer.next_event().unwrap()), INVALID_REQUEST);
        deframer.push(&vec![b'x'; MAX_MESSAGE_BYTES / 4]);
        assert!(deframer.buffer.is_empty());
        assert!(deframer.next_event().is_none());
        deframer.push(&vec![b'x'; MAX_MESSAGE_BYTES - MAX_MESSAGE_BYTES / 4 + 10]);
        deframer.push(b"Content-Length: 2\r\n\r\n{}");
        assert_eq!(deframer.next_event(), Some(Event::Body(b"{}".to_vec())));
    }

    #[test]
    fn endless_garbage_is_not_buffered() {
        let mut deframer = Deframer::default();
        for _ in 0..100 {
            deframer.push(&[b'z'; 1000]);
            while deframer.next_event().is_some() {}
        }
        assert!(deframer.buffer.len() <= MAX_HEADER_BYTES + 1000);
    }

    #[test]
    fn bodies_are_checked_as_the_transport_would_read_them() {
        let ok = [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":""}"#,
            r#"{"jsonrpc":"2.0","method":"initialized"}"#,
            r#"{"jsonrpc":"2.0","id":"a","result":null}"#,
        ];
        for body in ok {
            assert_eq!(check(body.as_bytes()), Checked::Pass, "{body}");
        }
        let answered = [
            ("{bad", Value::Null, PARSE_ERROR),
            ("\u{fffd}", Value::Null, PARSE_ERROR),
            ("42", Value::Null, INVALID_REQUEST),
            ("[]", Value::Null, INVALID_REQUEST),
            (
                r#"[{"jsonrpc":"2.0","id":1,"method":"x"}]"#,
                Value::Null,
                INVALID_REQUEST,
            ),
            (
                r#"{"jsonrpc":"1.0","id":7,"method":"x"}"#,
                json!(7),
                INVALID_REQUEST,
            ),
            (r#"{"id":"q","method":"x"}"#, json!("q"), INVALID_REQUEST),
            (
                r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
                Value::Null,
                INVALID_REQUEST,
            ),
            (
                r#"{"jsonrpc":"2.0","id":2,"method":7}"#,
                json!(2),
                INVALID_REQUEST,
            ),
            (r#"{"jsonrpc":"2.0"}"#, Value::Null, INVALID_REQUEST),
            (r#"{"jsonrpc":"2.0","id":4}"#, json!(4), INVALID_REQUEST),
            (
                r#"{"jsonrpc":"2.0","id":5,"method":"$/x"}"#,
                json!(5),
                METHOD_NOT_FOUND,
            ),
        ];
        for (body, id, code) in answered {
            let Checked::Answer(answer) = check(body.as_bytes()) else {
                panic!("{body} passed");
            };
            assert_eq!(
                (answer["id"].clone(), answer["error"]["code"].as_i64()),
                (id, Some(code)),
                "{body}"
            );
        }
        let Checked::Answer(not_utf8) = check(&[0xff, b'{', b'}']) else {
            panic!("bytes that are not UTF-8 passed");
        };
        assert_eq!(not_utf8["error"]["code"], PARSE_ERROR);
        assert_eq!(
            check(br#"{"jsonrpc":"1.0","id":3,"result":1}"#),
            Checked::Drop
        );
    }

    /// Over messages built from every kind of member value, the guard passes exactly what the
    /// transport's own types accept (less `$/` requests, and messages without a method).
    #[test]
    fn the_guard_agrees_with_the_transport() {
        use proptest::prelude::*;
        use tower_lsp_server::jsonrpc::Request;
        let values = [
            "\"2.0\"", "\"1.0\"", "null", "1", "1.5", "-3", "\"s\"", "{}", "[]", "true",
        ];
        let names = ["jsonrpc", "method", "id", "params", "result", "error"];
        let member = (0..names.len(), 0..values.len() + 3);
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        runner
            .run(&proptest::collection::vec(member, 0..7), |members| {
                let body = members
                    .iter()
                    .map(|&(n, v)| {
                        let value = match v.checked_sub(values.len()) {
                            None => values[v].to_string(),
                            Some(0) => "\"textDocument/hover\"".into(),
                            Some(1) => "\"$/x\"".into(),
                            Some(_) => r#"{"code": -32601, "message": "m"}"#.into(),
                        };
                        format!("\"{}\": {value}", names[n])
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let body = format!("{{{body}}}");
                let response = serde_json::from_str::<Response>(&body).is_ok();
                let request = serde_json::from_str::<Request>(&body).ok();
                let accepted = response || request.is_some();
                match check(body.as_bytes()) {
                    Checked::Pass => prop_assert!(accepted, "{body} passed"),
                    Checked::Answer(answer) => {
                        let dollar = request
                            .as_ref()
                            .is_some_and(|r| r.method().starts_with("$/") && r.id().is_some());
                        let no_method = request.as_ref().is_some_and(|r| r.method().is_empty());
                        prop_assert!(
                            !response && (!accepted || dollar || no_method),
                            "{body} answered {answer}"
                        );
                    }
                    Checked::Drop => prop_assert!(!response, "{body} dropped"),
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn output_is_cut_only_after_whole_frames() {
        let two = b"Content-Length: 2\r\n\r\n{}Content-Length: 3\r\n\r\n[1]";
        assert_eq!(whole_frames(two), two.len());
        assert_eq!(whole_frames(&two[..30]), 23);
        assert_eq!(whole_frames(b"Content-Len"), 0);
    }
}
