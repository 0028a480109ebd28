//! Schema errors → diagnostics, in each platform's own words.
//!
//! The same failing keyword means different things per dialect: an unknown field is an error for
//! kubectl, a silently dropped field for HKube and the Calyptia CLI, a closed-definition conflict
//! for KubeVela's probes. This module picks the rule code, severity, message and the smallest
//! span for each.

use serde_json::Value as JsonValue;

use super::{SchemaError, SchemaErrorKind, SchemaId, kubernetes_schema_at};
use crate::diagnostic::{Diagnostic, Dialect, KubeVersion};
use crate::rules::{codes, registry};
use crate::syntax::{NodeId, ScalarStyle, Segment, Tree, Value, field_path};
use crate::text::Span;

/// What a report needs besides the errors.
pub struct ReportContext<'a> {
    /// The document text.
    pub text: &'a str,
    /// The syntax tree.
    pub tree: &'a Tree,
    /// The dialect of the document.
    pub dialect: Dialect,
    /// The document index.
    pub document: usize,
    /// The validated node.
    pub target: NodeId,
    /// The object root (paths in messages start here).
    pub object_root: NodeId,
    /// The schema that was used.
    pub schema: &'a SchemaId,
    /// The Kubernetes version being checked.
    pub kube_version: KubeVersion,
}

/// Turn schema errors into diagnostics.
pub fn report(cx: &ReportContext, errors: &[SchemaError]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in errors {
        match &e.kind {
            SchemaErrorKind::UnknownFields(keys) => {
                for key in keys {
                    if let Some(d) = unknown_field(cx, e, key) {
                        out.push(d);
                    }
                }
            }
            _ => {
                if let Some(d) = other(cx, e) {
                    out.push(d);
                }
            }
        }
    }
    for d in &mut out {
        d.dialect = Some(cx.dialect);
        d.document = cx.document;
    }
    out
}

fn diag(code: &'static str, span: Span, message: String) -> Diagnostic {
    Diagnostic::new(code, registry::meta(code).severity, span, message)
}

/// The path of the error's instance from the object root, as the API writes it.
fn api_path(cx: &ReportContext, e: &SchemaError) -> String {
    let mut segments = cx.tree.path_from(cx.object_root, cx.target);
    segments.extend(e.segments.iter().cloned());
    field_path(&segments)
}

/// The path of the error's instance relative to the validated node (for dialect messages).
fn local_segments(e: &SchemaError) -> &[Segment] {
    &e.segments
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Whether the error is inside something a platform passes to Kubernetes unchanged (HKube: a
/// sidecar's `container`, the algorithm's `volumes` and `volumeMounts` items).
fn hkube_passthrough(segments: &[Segment]) -> Option<usize> {
    match segments {
        [
            Segment::Key(s),
            Segment::Index(_),
            Segment::Key(c),
            rest @ ..,
        ] if s == "sideCars" && c == "container" => Some(rest.len()),
        [
            Segment::Key(s),
            Segment::Index(_),
            Segment::Key(v),
            Segment::Index(_),
            rest @ ..,
        ] if s == "sideCars" && v == "volumeMounts" => Some(rest.len()),
        [Segment::Key(v), Segment::Index(_), rest @ ..]
            if v == "volumes" || v == "volumeMounts" =>
        {
            Some(rest.len())
        }
        _ => None,
    }
}

/// Fields HKube's schema types as strings: ajv (`coerceTypes: true`) turns numbers and booleans
/// into strings there, so they are accepted.
fn hkube_coerced(segments: &[Segment]) -> bool {
    let keys: Vec<&str> = segments
        .iter()
        .map(|s| match s {
            Segment::Key(k) => k.as_str(),
            Segment::Index(_) => "[]",
        })
        .collect();
    matches!(
        keys.as_slice(),
        ["name"]
            | ["algorithmImage"]
            | ["sideCars", "[]", "container", "name" | "image"]
            | ["sideCars", "[]", "volumeMounts", "[]", "name" | "mountPath"]
            | ["volumes", "[]", "name"]
            | ["volumeMounts", "[]", "name" | "mountPath"]
    )
}

/// ajv 6's data path: `.sideCars[0].container`.
fn ajv_path(segments: &[Segment]) -> String {
    let mut out = String::from("data");
    for s in segments {
        match s {
            Segment::Key(k)
                if k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') =>
            {
                out.push('.');
                out.push_str(k);
            }
            Segment::Key(k) => out.push_str(&format!("['{k}']")),
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// CUE's path for a KubeVela trait parameter: `parameter.env.0.value`.
fn cue_path(segments: &[Segment]) -> String {
    let mut out = String::from("parameter");
    for s in segments {
        out.push('.');
        match s {
            Segment::Key(k) => out.push_str(k),
            Segment::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// The span to show for a missing key of object `node`: its key in the parent, else its first key.
fn missing_key_span(tree: &Tree, node: NodeId) -> Span {
    if let Some(span) = tree.key_span(node) {
        return span;
    }
    tree.entries(node)
        .and_then(|e| e.first())
        .map_or_else(|| tree.span(node), |e| e.key_span)
}

fn unknown_field(cx: &ReportContext, e: &SchemaError, key: &str) -> Option<Diagnostic> {
    let tree = cx.tree;
    if key == "$schema" && e.node == cx.target {
        return None; // the key that chose the schema
    }
    let entry = tree
        .entries(e.node)?
        .iter()
        .rev()
        .find(|x| &*x.key == key)?;
    let span = entry.key_span;
    let path = join(&api_path(cx, e), key);
    let known = allowed_properties(cx.schema, &e.keyword);
    let suggestion = crate::suggest::closest(key, known.iter().map(String::as_str))
        .map(|s| format!(": did you mean `{s}`?"))
        .unwrap_or_default();
    Some(match cx.dialect {
        Dialect::Hkube => {
            let what = if hkube_passthrough(local_segments(e)).is_some() {
                "passes it to Kubernetes, which drops unknown fields"
            } else {
                "ignores it"
            };
            diag(
                codes::HKUBE_UNKNOWN_CONTAINER_FIELD,
                span,
                format!("unknown field \"{path}\"{suggestion} (HKube {what})"),
            )
        }
        Dialect::Kubevela => {
            let parent = cue_path(local_segments(e));
            diag(
                codes::VELA_PROBE_FIELD,
                span,
                format!("{parent}: field {key} not allowed{suggestion}"),
            )
        }
        Dialect::Calyptia => diag(
            codes::CALYPTIA_UNKNOWN_FIELD,
            span,
            format!("unknown field \"{path}\"{suggestion} (the Calyptia CLI ignores it)"),
        ),
        Dialect::Kubernetes => {
            let newer = newer_version_with(cx, &e.keyword, key);
            let detail = match newer {
                Some(v) => format!(
                    " (`{key}` exists from Kubernetes {v}; checking against {})",
                    cx.kube_version
                ),
                None => suggestion,
            };
            diag(
                codes::UNKNOWN_FIELD,
                span,
                format!("unknown field \"{path}\"{detail}"),
            )
        }
    })
}

fn other(cx: &ReportContext, e: &SchemaError) -> Option<Diagnostic> {
    let tree = cx.tree;
    let path = api_path(cx, e);
    let segments = local_segments(e);
    let value_span = tree.span(e.node);
    if cx.dialect == Dialect::Hkube {
        // ajv (`coerceTypes: true`) turns numbers and booleans into strings where HKube's schema
        // wants a string, so they are accepted there.
        if matches!(e.kind, SchemaErrorKind::Type(_))
            && hkube_coerced(segments)
            && is_scalar(tree, e.node)
        {
            return None;
        }
        // `environments` values are not checked by HKube (hkube.md §1.2); what Kubernetes makes
        // of them is checked on the rendered env (K120).
        if matches!(segments, [Segment::Key(s), Segment::Index(_), Segment::Key(env), Segment::Key(_), ..] if s == "sideCars" && env == "environments")
        {
            return None;
        }
    }
    match (&e.kind, cx.dialect) {
        // Absence is not reported where a syntax error may have swallowed the key.
        (SchemaErrorKind::Required(_), _) if tree.is_incomplete(e.node) => None,

        // HKube: the api-server's own schema, in ajv's words.
        (SchemaErrorKind::Required(prop), Dialect::Hkube)
            if segments.is_empty() && prop == "name" =>
        {
            Some(diag(
                codes::HKUBE_ALGORITHM_NAME,
                missing_key_span(tree, e.node),
                "algorithm should have required property \"name\"".into(),
            ))
        }
        (kind, Dialect::Hkube)
            if hkube_passthrough(segments).is_none_or(|depth| {
                depth == 0
                    && matches!(
                        kind,
                        SchemaErrorKind::Required(_) | SchemaErrorKind::Type(_)
                    )
            }) =>
        {
            let message = match kind {
                SchemaErrorKind::Required(prop) => format!(
                    "{} should have required property '{prop}'",
                    ajv_path(segments)
                ),
                SchemaErrorKind::Type(types) => {
                    // HKube's own schema types `container` as a plain object (not nullable); the
                    // Kubernetes Container it references says `[object, null]`: one message.
                    let plain_container =
                        matches!(segments.last(), Some(Segment::Key(k)) if k == "container");
                    let types: Vec<&str> = types
                        .iter()
                        .map(String::as_str)
                        .filter(|t| !(plain_container && *t == "null"))
                        .collect();
                    format!("{} should be {}", ajv_path(segments), types.join(","))
                }
                SchemaErrorKind::UniqueItems => {
                    let (j, i) = duplicate_items(tree, e.node).unwrap_or((0, 1));
                    format!(
                        "{} should NOT have duplicate items (items ## {j} and {i} are identical)",
                        ajv_path(segments)
                    )
                }
                SchemaErrorKind::Enum(options) => format!(
                    "{} should be equal to one of the allowed values ({})",
                    ajv_path(segments),
                    options
                        .iter()
                        .filter_map(|o| o.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                other => format!("{} {}", ajv_path(segments), describe(other)),
            };
            let span = match kind {
                SchemaErrorKind::Required(_) => missing_key_span(tree, e.node),
                SchemaErrorKind::UniqueItems => tree.name_span(e.node),
                _ => value_span,
            };
            Some(diag(codes::HKUBE_SCHEMA, span, message))
        }

        // KubeVela: CUE's words.
        (SchemaErrorKind::Required(prop), Dialect::Kubevela) => {
            let span = missing_key_span(tree, e.node);
            let full = format!("{}.{prop}", cue_path(segments));
            Some(match (segments.is_empty(), prop.as_str()) {
                (true, "name") => diag(
                    codes::VELA_NAME_REQUIRED,
                    span,
                    format!(
                        "{full}: incomplete value string: the sidecar trait needs a `name`; without one KubeVela merges the sidecar into the main container"
                    ),
                ),
                (true, "image") => diag(
                    codes::VELA_IMAGE_REQUIRED,
                    span,
                    format!(
                        "{full}: incomplete value string: KubeVela accepts the Application, then fails to render it (spec.template.spec.containers.1.image: incomplete value string)"
                    ),
                ),
                _ => {
                    let hint = if prop == "path" && tree.get(e.node, "mountPath").is_some() {
                        ": trait volumes take `path`, not `mountPath`"
                    } else {
                        ""
                    };
                    diag(
                        codes::VELA_INCOMPLETE_VALUE,
                        span,
                        format!(
                            "{full}: incomplete value: KubeVela renders nothing for it and the workload fails{hint}"
                        ),
                    )
                }
            })
        }
        (SchemaErrorKind::Type(types), Dialect::Kubevela) => {
            let found = cue_type(tree, e.node);
            let item_type = cue_list_item_type(cx.schema, &e.keyword);
            let expected = types
                .iter()
                .filter(|t| *t != "null")
                .map(|t| match (t.as_str(), item_type) {
                    ("array", Some(item)) => format!("[...{item}]"),
                    _ => cue_type_name(t).to_string(),
                })
                .collect::<Vec<_>>()
                .join(" | ");
            let kinds = types
                .iter()
                .filter(|t| *t != "null")
                .map(|t| cue_type_name(t))
                .collect::<Vec<_>>()
                .join(" | ");
            let shown = crate::schema::instance::to_json(tree, e.node);
            Some(diag(
                codes::VELA_TYPE_MISMATCH,
                value_span,
                format!(
                    "{}: conflicting values {shown} and {expected} (mismatched types {found} and {kinds}){}",
                    cue_path(segments),
                    yaml_hint(cx, e.node)
                ),
            ))
        }

        // Calyptia: the REST schema.
        (SchemaErrorKind::Required(prop), Dialect::Calyptia)
            if segments.is_empty() && (prop == "name" || prop == "image") =>
        {
            Some(diag(
                codes::CALYPTIA_REQUIRED,
                missing_key_span(tree, e.node),
                format!("a Calyptia sidecar spec needs `{prop}`"),
            ))
        }
        (SchemaErrorKind::Type(_), Dialect::Calyptia)
            if is_probe_port(segments) && tree.str(e.node).is_some() =>
        {
            Some(diag(
                codes::CALYPTIA_PROBE_PORT,
                value_span,
                format!(
                    "{path}: Calyptia probe ports must be numbers (1–65535), not the name \"{}\"",
                    tree.str(e.node).unwrap_or_default()
                ),
            ))
        }

        // Everything else: Kubernetes' field-error wording.
        (SchemaErrorKind::Required(prop), _) => Some(diag(
            codes::REQUIRED_FIELD,
            missing_key_span(tree, e.node),
            format!("{}: Required value", join(&path, prop)),
        )),
        (SchemaErrorKind::Type(types), _) => {
            let expected: Vec<&str> = types
                .iter()
                .map(String::as_str)
                .filter(|t| *t != "null")
                .collect();
            let expected = if expected.contains(&"integer")
                && expected.contains(&"string")
                && expected.len() == 2
            {
                "an integer or a string".to_string()
            } else if expected.contains(&"string")
                && expected.contains(&"number")
                && expected.len() == 2
            {
                "a string or a number".to_string()
            } else {
                expected
                    .iter()
                    .map(|t| article(t))
                    .collect::<Vec<_>>()
                    .join(" or ")
            };
            Some(diag(
                codes::WRONG_TYPE,
                value_span,
                format!(
                    "{path}: must be {expected}, not {}{}",
                    article(tree.type_name(e.node)),
                    yaml_hint(cx, e.node)
                ),
            ))
        }
        (SchemaErrorKind::Enum(options), _) => {
            let mut values: Vec<String> = options
                .iter()
                .filter_map(|o| {
                    o.as_str()
                        .filter(|s| !s.is_empty())
                        .map(|s| format!("\"{s}\""))
                })
                .collect();
            values.sort();
            let shown = match tree.value(e.node) {
                Value::String(s) => format!("\"{s}\""),
                _ => crate::schema::instance::to_json(tree, e.node).to_string(),
            };
            Some(diag(
                codes::UNSUPPORTED_VALUE,
                value_span,
                format!(
                    "{path}: Unsupported value: {shown}: supported values: {}",
                    values.join(", ")
                ),
            ))
        }
        (SchemaErrorKind::Pattern(_), _) if e.keyword.contains("resource.Quantity") => {
            let text = match tree.value(e.node) {
                Value::String(s) => s.to_string(),
                other => format!("{other:?}"),
            };
            let err = crate::k8s::quantity::Quantity::parse(&text).err()?;
            Some(diag(
                codes::RESOURCE_QUANTITY_INVALID,
                value_span,
                crate::rules::quantity_message(&path, &text, err),
            ))
        }
        (kind, _) => {
            let shown = crate::schema::instance::to_json(tree, e.node);
            Some(diag(
                codes::INVALID_VALUE,
                value_span,
                format!("{path}: Invalid value: {shown}: {}", describe(kind)),
            ))
        }
    }
}

fn is_scalar(tree: &Tree, node: NodeId) -> bool {
    matches!(
        tree.value(node),
        Value::Number(_) | Value::Bool(_) | Value::String(_) | Value::Null | Value::Missing
    )
}

fn is_probe_port(segments: &[Segment]) -> bool {
    matches!(
        segments,
        [Segment::Key(p), Segment::Key(h), Segment::Key(port)]
            if p.ends_with("Probe") && matches!(h.as_str(), "httpGet" | "tcpSocket" | "grpc") && port == "port"
    )
}

/// The pair of identical items ajv 6 reports: it scans `i` down from the end and, for each, `j`
/// down from `i - 1`, and stops at the first match.
fn duplicate_items(tree: &Tree, array: NodeId) -> Option<(usize, usize)> {
    let items = tree.items(array)?;
    (1..items.len()).rev().find_map(|i| {
        (0..i)
            .rev()
            .find(|&j| crate::rules::same_value(tree, items[i], items[j]))
            .map(|j| (j, i))
    })
}

fn describe(kind: &SchemaErrorKind) -> String {
    match kind {
        SchemaErrorKind::Minimum(l) => format!("must be greater than or equal to {l}"),
        SchemaErrorKind::Maximum(l) => format!("must be less than or equal to {l}"),
        SchemaErrorKind::Pattern(p) => format!("does not match the pattern '{p}'"),
        SchemaErrorKind::UniqueItems => "items must be unique".into(),
        SchemaErrorKind::Other(m) => m.clone(),
        _ => "is not allowed here".into(),
    }
}

fn article(t: &str) -> String {
    match t {
        "integer" | "object" | "array" => format!("an {t}"),
        "null" => "null".into(),
        _ => format!("a {t}"),
    }
}

fn cue_type_name(json: &str) -> &'static str {
    match json {
        "string" => "string",
        "integer" => "int",
        "number" => "number",
        "boolean" => "bool",
        "array" => "list",
        "object" => "struct",
        _ => "null",
    }
}

/// For a list-typed parameter, the CUE name of its item type (`[...string]`).
fn cue_list_item_type(schema: &SchemaId, keyword: &str) -> Option<&'static str> {
    let pointer = keyword.strip_suffix("/type")?;
    let items = dialect_document(schema).pointer(pointer)?.get("items")?;
    let item_type = match items.get("type")? {
        JsonValue::String(t) => t.as_str(),
        JsonValue::Array(ts) => ts
            .iter()
            .filter_map(JsonValue::as_str)
            .find(|t| *t != "null")?,
        _ => return None,
    };
    Some(cue_type_name(item_type))
}

fn cue_type(tree: &Tree, node: NodeId) -> &'static str {
    cue_type_name(tree.type_name(node))
}

/// When a plain YAML scalar was read as a boolean or number by YAML 1.1 rules, say so.
fn yaml_hint(cx: &ReportContext, node: NodeId) -> String {
    let n = cx.tree.node(node);
    if n.style != ScalarStyle::YamlPlain || !matches!(n.value, Value::Bool(_) | Value::Number(_)) {
        return String::new();
    }
    let raw = cx.text.get(n.span.range()).unwrap_or("");
    let what = if matches!(n.value, Value::Bool(_)) {
        "a boolean"
    } else {
        "a number"
    };
    format!(" (YAML reads the unquoted {raw} as {what}, as Kubernetes does: quote it, \"{raw}\")")
}

/// The property names allowed where an `additionalProperties` keyword failed.
fn allowed_properties(schema: &SchemaId, keyword: &str) -> Vec<String> {
    let Some(object_pointer) = keyword.strip_suffix("/additionalProperties") else {
        return Vec::new();
    };
    let found: Option<JsonValue> = match schema {
        SchemaId::Kubernetes { version, .. } => kubernetes_schema_at(*version, object_pointer),
        other => dialect_document(other).pointer(object_pointer).cloned(),
    };
    found
        .as_ref()
        .and_then(|s| s.get("properties"))
        .and_then(JsonValue::as_object)
        .map(|props| props.keys().cloned().collect())
        .unwrap_or_default()
}

fn dialect_document(id: &SchemaId) -> &'static JsonValue {
    use std::sync::OnceLock;
    static HKUBE: OnceLock<JsonValue> = OnceLock::new();
    static VELA: OnceLock<JsonValue> = OnceLock::new();
    static CALYPTIA: OnceLock<JsonValue> = OnceLock::new();
    let (cell, text) = match id {
        SchemaId::Hkube => (&HKUBE, super::embedded::HKUBE),
        SchemaId::KubevelaTrait => (&VELA, super::embedded::KUBEVELA_TRAIT),
        _ => (&CALYPTIA, super::embedded::CALYPTIA),
    };
    cell.get_or_init(|| serde_json::from_str(text).expect("generated schema"))
}

/// The first newer Kubernetes version whose definition has `key`.
fn newer_version_with(cx: &ReportContext, keyword: &str, key: &str) -> Option<KubeVersion> {
    let definition = keyword
        .strip_prefix("/$defs/")?
        .strip_suffix("/additionalProperties")?;
    let current = cx.kube_version.schema_version().minor;
    (current + 1..=KubeVersion::LATEST.minor)
        .map(KubeVersion::new)
        .find(|v| {
            super::definition_value(*v, definition)
                .as_ref()
                .and_then(|d| d.get("properties"))
                .is_some_and(|p| p.get(key).is_some())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ajv_and_cue_paths() {
        let segs = vec![
            Segment::Key("sideCars".into()),
            Segment::Index(0),
            Segment::Key("container".into()),
        ];
        assert_eq!(ajv_path(&segs), "data.sideCars[0].container");
        let segs = vec![
            Segment::Key("env".into()),
            Segment::Index(0),
            Segment::Key("value".into()),
        ];
        assert_eq!(cue_path(&segs), "parameter.env.0.value");
    }
}
