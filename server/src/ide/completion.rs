//! Completion: keys, values and whole-sidecar snippets at a cursor, from the schemas and the
//! model, in JSON and YAML, in half-typed documents.
//!
//! Insert texts are written with absolute indentation (each line carries its full indentation),
//! so an editor must insert them as they are (LSP `InsertTextMode.asIs`).

use std::collections::HashSet;

use serde_json::Value as Json;

use crate::analysis::Analysis;
use crate::config::Settings;
use crate::diagnostic::Dialect;
use crate::ide::TextEdit;
use crate::ide::cursor::{Cursor, cursor_at, next_char, previous_char};
use crate::ide::model_at;
use crate::ide::schema_lookup::{self, SchemaLookup, SchemaRef};
use crate::ide::snippet::{
    Tpl, calyptia_spec, escape_choice, escape_snippet, hkube_algorithm, hkube_sidecar,
    json_members, json_value, kubevela_application, kubevela_sidecar_trait, native_sidecar,
    pod_with_native_sidecar, yaml_flow, yaml_members,
};
use crate::schema::kubernetes_index;
use crate::syntax::{Format, NodeId, Segment, Value, resolve_plain_scalar};
use crate::text::Span;

/// What a completion item is, for its icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    /// An object key.
    Property,
    /// A value (a boolean, an example, a kind).
    Value,
    /// One of the values a schema allows.
    Enum,
    /// A multi-field template (a whole sidecar, a new item).
    Snippet,
    /// A name defined elsewhere in the document (a volume, a port).
    Reference,
}

/// One completion proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    /// What the list shows.
    pub label: String,
    /// Its kind.
    pub kind: CompletionKind,
    /// A short line next to the label (a type, a volume source).
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// The text that replaces `replace` (absolute indentation; a snippet if `is_snippet`).
    pub insert_text: String,
    /// Whether `insert_text` uses snippet syntax (`$1`, `${1:x}`, `${1|a,b|}`).
    pub is_snippet: bool,
    /// The range the item replaces: the word or partial key around the cursor (in JSON with its
    /// opening quote).
    pub replace: Span,
    /// The text the editor filters on, when it differs from the label (e.g. with a quote).
    pub filter_text: Option<String>,
    /// The text the editor sorts on.
    pub sort_text: Option<String>,
    /// Whether the editor should select this item first.
    pub preselect: bool,
    /// Other edits made with this one (a comma the previous JSON member lacks).
    pub additional_edits: Vec<TextEdit>,
}

/// The proposals at byte `offset` of `text`, given its analysis.
pub fn complete(
    analysis: &Analysis,
    text: &str,
    offset: usize,
    settings: &Settings,
) -> Vec<CompletionItem> {
    let cursor = cursor_at(analysis, text, offset);
    let cx = Cx::new(analysis, text, settings, cursor);
    let mut out = proposals(&cx);
    // Snippets, then what is required or preselected, then the rest (the editor's order too).
    out.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    out
}

fn proposals(cx: &Cx) -> Vec<CompletionItem> {
    let (analysis, text, settings) = (cx.analysis, cx.text, cx.settings);
    let mut out = Vec::new();
    if cx.doc_root.is_none() || cx.is_empty_root() {
        cx.document_skeletons(&mut out);
    }
    let segments = &cx.cursor.path.segments;
    if !cx.cursor.path.in_key && cx.is_head_key(segments) {
        cx.head_values(&mut out);
        return out;
    }
    let Some(lookup) =
        schema_lookup::schema_at(analysis, text, cx.cursor.path.document, segments, settings)
    else {
        return out;
    };
    if cx.cursor.path.in_key {
        if lookup.schema.is_object() {
            cx.keys(&lookup, &mut out);
            if cx.is_empty_item(segments) {
                cx.element_snippets(&lookup, segments, ItemForm::Body, &mut out);
            }
        } else if !lookup.schema.is_array() {
            // A scalar item (`- |` in a list of strings).
            cx.values(&lookup, segments, false, &mut out);
        } else if let Some(items) = lookup.schema.items() {
            // An indented blank line under `key:` of a list (YAML block): a new `- ` item.
            let item = SchemaLookup {
                schema: items,
                parent: Some(lookup.schema.clone()),
                required: false,
                ..lookup.clone()
            };
            let mut path = segments.clone();
            path.push(Segment::Index(cx.item_count(segments)));
            cx.element_snippets(&item, &path, ItemForm::Dash, &mut out);
            cx.values(&item, &path, true, &mut out);
        }
    } else if cx.cursor.new_item && lookup.schema.is_object() {
        cx.element_snippets(&lookup, segments, ItemForm::Value, &mut out);
    } else {
        cx.values(&lookup, segments, false, &mut out);
    }
    out
}

/// How an element snippet is inserted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ItemForm {
    /// As an array value (JSON `[|]`): the whole `{…}`.
    Value,
    /// Into an empty item (YAML `- |`, JSON `[{|}]`): the members only.
    Body,
    /// On a blank line of a YAML block list: `- ` and the members.
    Dash,
}

/// Everything one completion request looks at.
struct Cx<'a> {
    analysis: &'a Analysis,
    text: &'a str,
    settings: &'a Settings,
    cursor: Cursor,
    format: Format,
    doc_root: Option<NodeId>,
    /// The document's indentation step.
    unit: usize,
}

impl<'a> Cx<'a> {
    fn new(analysis: &'a Analysis, text: &'a str, settings: &'a Settings, cursor: Cursor) -> Self {
        let doc_root = analysis
            .syntax
            .documents
            .get(cursor.path.document)
            .and_then(|d| d.root);
        Cx {
            analysis,
            text,
            settings,
            format: analysis.format,
            doc_root,
            unit: indent_unit(text, cursor.offset),
            cursor,
        }
    }

    fn json(&self) -> bool {
        self.format == Format::Json
    }

    fn tree(&self) -> &'a crate::syntax::Tree {
        &self.analysis.syntax.tree
    }

    fn replace(&self) -> Span {
        self.cursor.path.replace
    }

    /// The root is an object with no keys yet (`{|}`) and no dialect was recognised.
    fn is_empty_root(&self) -> bool {
        let recognised = self
            .analysis
            .documents
            .get(self.cursor.path.document)
            .is_some_and(|d| d.dialect.is_some() && d.dialect != Some(Dialect::Calyptia));
        self.cursor.path.segments.is_empty()
            && self.cursor.path.in_key
            && !recognised
            && self
                .doc_root
                .and_then(|r| self.tree().entries(r))
                .is_some_and(|e| e.iter().all(|e| e.key_span.touches(self.cursor.offset)))
    }

    /// `apiVersion` or `kind` of an object root.
    fn is_head_key(&self, segments: &[Segment]) -> bool {
        let relative = match segments {
            [Segment::Key(items), Segment::Index(_), rest @ ..] if items == "items" => rest,
            other => other,
        };
        let dialect = self
            .analysis
            .documents
            .get(self.cursor.path.document)
            .and_then(|d| d.dialect);
        matches!(relative, [Segment::Key(k)] if k == "apiVersion" || k == "kind")
            && !matches!(dialect, Some(Dialect::Hkube | Dialect::Calyptia))
    }

    /// Existing keys of the object at `segments`, except the one being typed.
    fn present_keys(&self, segments: &[Segment]) -> Vec<&'a str> {
        let Some(object) = self.doc_root.and_then(|r| self.tree().resolve(r, segments)) else {
            return Vec::new();
        };
        self.tree()
            .entries(object)
            .unwrap_or(&[])
            .iter()
            .filter(|e| !e.key_span.touches(self.cursor.offset))
            .map(|e| &*e.key)
            .collect()
    }

    /// The item at `segments` (ending with an index) has no keys yet but the one being typed.
    fn is_empty_item(&self, segments: &[Segment]) -> bool {
        matches!(segments.last(), Some(Segment::Index(_))) && self.present_keys(segments).is_empty()
    }

    /// The number of items of the array at `segments`.
    fn item_count(&self, segments: &[Segment]) -> usize {
        self.doc_root
            .and_then(|r| self.tree().resolve(r, segments))
            .and_then(|a| self.tree().items(a))
            .map_or(0, <[NodeId]>::len)
    }

    // ----- Keys -----

    fn keys(&self, lookup: &SchemaLookup, out: &mut Vec<CompletionItem>) {
        let segments = &self.cursor.path.segments;
        let present = self.present_keys(segments);
        let properties = lookup.schema.properties();
        let mut first_required = true;
        for p in &properties {
            if present.contains(&p.name) || p.schema.is_deprecated() {
                continue;
            }
            let preselect = p.required && first_required;
            first_required &= !p.required;
            out.push(self.key_item(p.name, &p.schema, p.required, preselect));
        }
        // Well-known keys of maps (`resources.limits`).
        if properties.is_empty()
            && let Some(values) = lookup.schema.additional()
            && values.definition_short() == Some("Quantity")
        {
            for name in ["cpu", "memory", "ephemeral-storage"] {
                if !present.contains(&name) {
                    out.push(self.key_item(name, &values, false, false));
                }
            }
        }
    }

    fn key_item(
        &self,
        name: &'static str,
        schema: &SchemaRef,
        required: bool,
        preselect: bool,
    ) -> CompletionItem {
        let replace = self.replace();
        let key_only = next_char(self.text, replace.end as usize) == Some(b':');
        let (mut insert_text, is_snippet) = if key_only {
            (self.quoted_key(name), false)
        } else {
            (self.key_snippet(name, schema), true)
        };
        let mut additional_edits = Vec::new();
        if self.json() {
            self.json_commas(&mut insert_text, &mut additional_edits);
        }
        let mut detail = schema.type_label();
        if required {
            detail.push_str(" (required)");
        }
        let rank = if required { 1 } else { 2 };
        CompletionItem {
            detail: Some(detail),
            documentation: field_documentation(schema),
            is_snippet,
            filter_text: self.filter_text(name),
            preselect,
            additional_edits,
            ..self.item(name, CompletionKind::Property, insert_text, rank)
        }
    }

    /// A plain item that replaces the word at the cursor with `insert_text`, sorted by `rank`
    /// (0 snippets, 1 required or preselected, 2 the rest, 3 after those) then by label.
    fn item(
        &self,
        label: &str,
        kind: CompletionKind,
        insert_text: String,
        rank: u8,
    ) -> CompletionItem {
        CompletionItem {
            label: label.to_string(),
            kind,
            detail: None,
            documentation: None,
            insert_text,
            is_snippet: false,
            replace: self.replace(),
            filter_text: None,
            sort_text: Some(format!("{rank}{label}")),
            preselect: false,
            additional_edits: Vec::new(),
        }
    }

    fn quoted_key(&self, name: &str) -> String {
        if self.json() {
            format!("\"{}\"", escape_snippet(name))
        } else {
            escape_snippet(name)
        }
    }

    /// `key: $1`, `"key": "$1"`, or the key with a nested object or list opened.
    fn key_snippet(&self, name: &str, schema: &SchemaRef) -> String {
        let key = self.quoted_key(name);
        let value = self.value_placeholder(schema);
        let types = schema.types();
        let shape = if schema.is_int_or_string() {
            "scalar"
        } else {
            match types.as_slice() {
                ["object"] => "object",
                ["array"] => "array",
                _ => "scalar",
            }
        };
        // A JSON object written on one line so far, or a YAML flow mapping: nested values open
        // on the same line.
        let one_line = if self.json() {
            self.object_is_one_line()
        } else {
            self.cursor.flow
        };
        if one_line {
            match shape {
                "object" => format!("{key}: {{$1}}"),
                "array" => format!("{key}: [$1]"),
                _ => format!("{key}: {value}"),
            }
        } else if self.json() {
            let ind = self.member_indent();
            let inner = " ".repeat(ind + self.unit);
            let outer = " ".repeat(ind);
            match shape {
                "object" => format!("{key}: {{\n{inner}$1\n{outer}}}"),
                "array" => format!("{key}: [\n{inner}$1\n{outer}]"),
                _ => format!("{key}: {value}"),
            }
        } else {
            let inner = " ".repeat(self.key_column() + self.unit);
            match shape {
                "object" => format!("{key}:\n{inner}$1"),
                "array" => format!("{key}:\n{inner}- $1"),
                _ => format!("{key}: {value}"),
            }
        }
    }

    /// Whether the JSON object being completed is written on one line so far: nested values
    /// then open on that line too.
    fn object_is_one_line(&self) -> bool {
        let Some(object) = self
            .doc_root
            .and_then(|r| self.tree().resolve(r, &self.cursor.path.segments))
        else {
            return false;
        };
        let start = self.tree().span(object).start as usize;
        let end = (self.replace().start as usize).max(start);
        !self.text[start..end].contains('\n')
    }

    /// The first tab stop of a scalar value: a choice of enum values or booleans, the default,
    /// or an empty string.
    fn value_placeholder(&self, schema: &SchemaRef) -> String {
        let json = self.json();
        let quote = |s: String| if json { format!("\"{s}\"") } else { s };
        let enums = schema.enum_values();
        if !enums.is_empty() && enums.iter().all(|v| v.is_string()) {
            let choices: Vec<String> = enums
                .iter()
                .filter_map(|v| v.as_str())
                .map(|s| escape_choice(&self.yaml_scalar(s)))
                .collect();
            return quote(format!("${{1|{}|}}", choices.join(",")));
        }
        let types = schema.types();
        if types == ["boolean"] {
            return "${1|true,false|}".into();
        }
        if let Some(default) = schema.default().filter(|d| d.is_number()) {
            return format!("${{1:{default}}}");
        }
        if types == ["string"] {
            return quote("$1".into());
        }
        "$1".into()
    }

    /// Commas around a JSON member or item: after it when something follows, and after the
    /// previous one when it lacks one.
    fn json_commas(&self, insert_text: &mut String, edits: &mut Vec<TextEdit>) {
        let replace = self.replace();
        if matches!(
            next_char(self.text, replace.end as usize),
            Some(b'"' | b'{' | b'[')
        ) {
            insert_text.push(',');
        }
        let start = replace.start as usize;
        if let Some(prev) = previous_char(self.text, start)
            && !matches!(prev, b'{' | b'[' | b',' | b':')
        {
            // Just after the last character that is not blank (which may take several bytes).
            let at = self.text[..start]
                .char_indices()
                .rev()
                .find(|(_, c)| !c.is_whitespace())
                .map_or(0, |(i, c)| i + c.len_utf8());
            edits.push(TextEdit::insert(at, ","));
        }
    }

    /// In JSON, items replace the opening quote too: filter on the quoted label.
    fn filter_text(&self, label: &str) -> Option<String> {
        let replace = self.replace();
        (self.text.as_bytes().get(replace.start as usize) == Some(&b'"'))
            .then(|| format!("\"{label}\""))
    }

    /// The column of the key being typed (YAML block).
    fn key_column(&self) -> usize {
        let start = self.replace().start as usize;
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..start].chars().count()
    }

    /// The indentation of a JSON member at the cursor: the blank space before it on its line, or
    /// one step deeper than the line when the member follows other text.
    fn member_indent(&self) -> usize {
        let start = self.replace().start as usize;
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let before = &self.text[line_start..start];
        if before.chars().all(char::is_whitespace) {
            before.chars().count()
        } else {
            before.len() - before.trim_start().len() + self.unit
        }
    }

    // ----- Values -----

    /// Values for the place at `segments`; `dash` when a YAML `- ` must open the item.
    fn values(
        &self,
        lookup: &SchemaLookup,
        segments: &[Segment],
        dash: bool,
        out: &mut Vec<CompletionItem>,
    ) {
        let schema = &lookup.schema;
        let mut seen: HashSet<String> = HashSet::new();
        let mut push = |item: CompletionItem, out: &mut Vec<CompletionItem>| {
            if seen.insert(item.label.clone()) {
                out.push(item);
            }
        };
        let key = match segments.last() {
            Some(Segment::Key(k)) => Some(k.as_str()),
            _ => None,
        };
        let parent = lookup.parent.as_ref().and_then(SchemaRef::definition_short);
        // Names defined elsewhere in the document.
        if key == Some("name") && parent == Some("VolumeMount") {
            for item in self.volume_names(segments) {
                push(item, out);
            }
        }
        if key == Some("port")
            && matches!(
                parent,
                Some("HTTPGetAction" | "TCPSocketAction" | "GRPCAction")
            )
        {
            for item in self.port_values(schema, segments) {
                push(item, out);
            }
        }
        if key == Some("restartPolicy")
            && parent == Some("Container")
            && segments
                .iter()
                .any(|s| matches!(s, Segment::Key(k) if k == "initContainers"))
        {
            push(
                self.value_item(
                    "Always",
                    CompletionKind::Enum,
                    Some("native sidecar"),
                    Some("`Always` makes this init container a native sidecar: it starts in init order, keeps running next to the main containers, and is stopped after them."),
                    true,
                ),
                out,
            );
        }
        let default = schema.default().and_then(Json::as_str);
        for v in schema.enum_values() {
            let Some(s) = v.as_str() else { continue };
            let is_default = default == Some(s);
            push(
                self.value_item(
                    s,
                    CompletionKind::Enum,
                    is_default.then_some("default"),
                    None,
                    is_default,
                ),
                out,
            );
        }
        for v in schema.examples() {
            if let Some(s) = v.as_str() {
                push(
                    self.value_item(s, CompletionKind::Value, None, None, false),
                    out,
                );
            }
        }
        if schema.types().contains(&"boolean") {
            for b in ["true", "false"] {
                push(self.literal_item(b), out);
            }
        }
        if dash {
            for item in out.iter_mut().filter(|i| i.kind != CompletionKind::Snippet) {
                item.insert_text.insert_str(0, "- ");
            }
        }
    }

    /// A string value: quoted in JSON (and in YAML when a plain scalar would not be a string).
    fn value_item(
        &self,
        value: &str,
        kind: CompletionKind,
        detail: Option<&str>,
        documentation: Option<&str>,
        preselect: bool,
    ) -> CompletionItem {
        let replace = self.replace();
        let start = replace.start as usize;
        let quote = start
            .checked_sub(1)
            .and_then(|i| self.text.as_bytes().get(i))
            .copied()
            .filter(|&q| !self.json() && (q == b'"' || q == b'\''));
        let mut insert_text = if self.json() {
            serde_json::to_string(value).unwrap_or_default()
        } else if let Some(q) = quote {
            // Inside a quoted YAML scalar: keep the quotes (the range may hold the closing one).
            let mut quoted = value.to_string();
            if self.text[replace.range()].ends_with(q as char) {
                quoted.push(q as char);
            }
            quoted
        } else {
            self.yaml_scalar(value)
        };
        let mut additional_edits = Vec::new();
        if self.json() {
            self.value_commas(&mut insert_text, &mut additional_edits);
        } else if start > 0 && self.text.as_bytes()[start - 1] == b':' {
            insert_text.insert(0, ' ');
        }
        let rank = if preselect { 1 } else { 2 };
        CompletionItem {
            detail: detail.map(str::to_string),
            documentation: documentation.map(str::to_string),
            filter_text: self.filter_text(value),
            preselect,
            additional_edits,
            ..self.item(value, kind, insert_text, rank)
        }
    }

    /// `true`, `false` or a number: never quoted.
    fn literal_item(&self, literal: &str) -> CompletionItem {
        let mut item = self.value_item(literal, CompletionKind::Value, None, None, false);
        let mut insert_text = literal.to_string();
        if self.json() {
            self.value_commas(&mut insert_text, &mut Vec::new());
        } else if item.insert_text.starts_with(' ') {
            insert_text.insert(0, ' ');
        }
        item.insert_text = insert_text;
        item.filter_text = None;
        item
    }

    /// A comma after a JSON array item when another item follows.
    fn value_commas(&self, insert_text: &mut String, edits: &mut Vec<TextEdit>) {
        if self.cursor.new_item {
            self.json_commas(insert_text, edits);
        } else if matches!(
            next_char(self.text, self.replace().end as usize),
            Some(b'"')
        ) {
            insert_text.push(',');
        }
    }

    /// A YAML plain scalar, quoted when YAML would read it as something else.
    fn yaml_scalar(&self, s: &str) -> String {
        if self.json() {
            return s.to_string();
        }
        let plain_ok = matches!(resolve_plain_scalar(s), Value::String(_))
            && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c))
            && !s.contains(": ")
            && !s.contains(" #")
            && s.trim() == s;
        if plain_ok {
            s.to_string()
        } else {
            serde_json::to_string(s).unwrap_or_default()
        }
    }

    /// Volume names of the pod, for a mount's `name`.
    fn volume_names(&self, segments: &[Segment]) -> Vec<CompletionItem> {
        let Some(root) = self.doc_root else {
            return Vec::new();
        };
        let tree = self.tree();
        let (node, _) = model_at::deepest(tree, root, segments);
        let Some((_, workload)) =
            model_at::workload_at(self.analysis, self.cursor.path.document, node)
        else {
            return Vec::new();
        };
        workload
            .volumes
            .iter()
            .map(|v| {
                let detail = match (v.platform, &v.source) {
                    (Some(note), _) => note.to_string(),
                    (None, Some(source)) => format!("{source} volume"),
                    (None, None) => "volume".to_string(),
                };
                let mut item =
                    self.value_item(&v.name, CompletionKind::Reference, None, None, false);
                item.detail = Some(detail);
                // The user's own volumes before the ones a platform may add.
                let rank = if v.platform.is_some() { 3 } else { 2 };
                item.sort_text = Some(format!("{rank}{}", v.name));
                item
            })
            .collect()
    }

    /// The container's ports, for a probe or lifecycle handler's `port`: names where a name is
    /// allowed, numbers otherwise.
    fn port_values(&self, schema: &SchemaRef, segments: &[Segment]) -> Vec<CompletionItem> {
        let Some(root) = self.doc_root else {
            return Vec::new();
        };
        let tree = self.tree();
        let Some(container) = model_at::handler_container(tree, root, segments) else {
            return Vec::new();
        };
        let names_allowed = schema.types().contains(&"string");
        let mut out = Vec::new();
        for port in model_at::ports_of(tree, container) {
            let protocol = port.protocol.as_deref().unwrap_or("TCP");
            match (&port.name, port.number) {
                (Some(name), number) if names_allowed => {
                    let mut item =
                        self.value_item(name, CompletionKind::Reference, None, None, false);
                    item.detail = Some(match number {
                        Some(n) => format!("port {n}/{protocol}"),
                        None => "named port".to_string(),
                    });
                    out.push(item);
                }
                (name, Some(n)) => {
                    let mut item = self.literal_item(&n.to_string());
                    item.kind = CompletionKind::Reference;
                    item.sort_text = Some(format!("3{n}")); // after the names
                    item.detail = Some(match name {
                        Some(name) => format!("port \"{name}\"/{protocol}"),
                        None => format!("port {n}/{protocol}"),
                    });
                    out.push(item);
                }
                _ => {}
            }
        }
        out
    }

    /// `apiVersion` and `kind` values from the bundled Kubernetes index (and KubeVela's).
    fn head_values(&self, out: &mut Vec<CompletionItem>) {
        let segments = &self.cursor.path.segments;
        let Some(Segment::Key(key)) = segments.last() else {
            return;
        };
        let index = kubernetes_index(self.settings.kube_version);
        let (api_version, kind) = self.sibling_head(segments);
        let mut values: Vec<(String, Option<String>)> = Vec::new();
        if key == "kind" {
            let vela = api_version
                .as_deref()
                .is_some_and(|v| v.starts_with("core.oam.dev/"));
            if vela || api_version.is_none() {
                values.push(("Application".into(), Some("KubeVela".into())));
            }
            if !vela {
                for k in index.kinds() {
                    let fits = api_version.as_deref().is_none_or(|av| av == k.api_version);
                    if fits && !values.iter().any(|(v, _)| *v == k.kind) {
                        values.push((k.kind.clone(), Some(k.api_version.clone())));
                    }
                }
            }
        } else {
            let vela_kind = kind.as_deref() == Some("Application");
            if vela_kind || kind.is_none() {
                values.push(("core.oam.dev/v1beta1".into(), Some("KubeVela".into())));
            }
            for k in index.kinds() {
                let fits = kind.as_deref().is_none_or(|kind| kind == k.kind);
                if fits && !values.iter().any(|(v, _)| *v == k.api_version) {
                    values.push((
                        k.api_version.clone(),
                        kind.is_some().then(|| k.kind.clone()),
                    ));
                }
            }
        }
        for (value, detail) in values {
            let mut item = self.value_item(&value, CompletionKind::Value, None, None, false);
            item.detail = detail;
            out.push(item);
        }
    }

    /// The `apiVersion` and `kind` next to the one being typed.
    fn sibling_head(&self, segments: &[Segment]) -> (Option<String>, Option<String>) {
        let object = self
            .doc_root
            .and_then(|r| self.tree().resolve(r, &segments[..segments.len() - 1]));
        let read = |key: &str| {
            object
                .and_then(|o| self.tree().get(o, key))
                .filter(|&v| !self.tree().span(v).touches(self.cursor.offset))
                .and_then(|v| self.tree().str(v))
                .map(str::to_string)
        };
        let (mut api_version, mut kind) = (read("apiVersion"), read("kind"));
        if object.is_none() || self.format == Format::Yaml {
            let (av, k) =
                schema_lookup::head_lines(self.analysis, self.text, self.cursor.path.document);
            let typing = |k: &str| matches!(segments.last(), Some(Segment::Key(s)) if s == k);
            api_version = api_version.or(av.filter(|_| !typing("apiVersion")));
            kind = kind.or(k.filter(|_| !typing("kind")));
        }
        (api_version, kind)
    }

    // ----- Snippets -----

    /// Whole-element snippets for a new item of the array holding `segments`' last index.
    fn element_snippets(
        &self,
        item: &SchemaLookup,
        segments: &[Segment],
        form: ItemForm,
        out: &mut Vec<CompletionItem>,
    ) {
        let array_key = match segments {
            [.., Segment::Key(k), Segment::Index(_)] => k.as_str(),
            _ => return,
        };
        let definition = item.schema.definition_short();
        let dialect = item.dialect;
        if dialect == Dialect::Hkube && definition == Some("SideCar") {
            out.push(self.snippet(
                "HKube sidecar",
                "a sideCars element: the sidecar container",
                &hkube_sidecar(),
                form,
            ));
        }
        if dialect == Dialect::Kubevela && definition == Some("Trait") {
            out.push(self.snippet(
                "KubeVela sidecar trait",
                "a `type: sidecar` trait: KubeVela appends its container to the component's pod",
                &kubevela_sidecar_trait(),
                form,
            ));
        }
        if dialect == Dialect::Kubernetes
            && array_key == "initContainers"
            && definition == Some("Container")
        {
            out.push(self.snippet(
                "native sidecar",
                "an init container with `restartPolicy: Always`: it starts before the main containers and keeps running next to them",
                &native_sidecar(),
                form,
            ));
        }
        // A new item with the keys the schema requires.
        let required: Vec<&'static str> = item
            .schema
            .properties()
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name)
            .collect();
        if !required.is_empty()
            && out
                .iter()
                .all(|i| i.kind != CompletionKind::Snippet || form != ItemForm::Body)
        {
            let members = required
                .iter()
                .enumerate()
                .map(|(i, name)| (*name, Tpl::Stop(i as u8 + 1, "")))
                .collect();
            let label = format!("new {}", definition.unwrap_or("item"));
            let summary = format!("an item with its required keys: {}", required.join(", "));
            out.push(self.snippet(&label, &summary, &Tpl::Object(members), form));
        }
    }

    /// Skeletons for a document with nothing in it yet.
    fn document_skeletons(&self, out: &mut Vec<CompletionItem>) {
        if !self.json() {
            if self.doc_root.is_none() && self.key_column() == 0 {
                out.push(self.snippet(
                    "KubeVela Application with a sidecar trait",
                    "an Application whose component gets a `type: sidecar` trait",
                    &kubevela_application(),
                    ItemForm::Body,
                ));
                out.push(self.snippet(
                    "Pod with a native sidecar",
                    "a Pod whose init container has `restartPolicy: Always`",
                    &pod_with_native_sidecar(),
                    ItemForm::Body,
                ));
            }
            return;
        }
        let form = if self.doc_root.is_some() {
            ItemForm::Body
        } else {
            ItemForm::Value
        };
        out.push(self.snippet(
            "Calyptia sidecar spec",
            "a sidecar spec file for `calyptia create sidecar --spec FILE.json`",
            &calyptia_spec(),
            form,
        ));
        out.push(self.snippet(
            "HKube algorithm with a sidecar",
            "an algorithm spec with one `sideCars` element",
            &hkube_algorithm(),
            form,
        ));
    }

    fn snippet(&self, label: &str, summary: &str, tpl: &Tpl, form: ItemForm) -> CompletionItem {
        let mut insert_text = if self.json() {
            let ind = match form {
                ItemForm::Body => self.member_indent(),
                _ => self.item_indent(),
            };
            match (form, tpl) {
                (ItemForm::Body, Tpl::Object(members)) => json_members(members, ind, self.unit),
                _ => json_value(tpl, ind, self.unit),
            }
        } else if self.cursor.flow {
            yaml_flow(tpl)
        } else {
            let col = self.key_column();
            match (form, tpl) {
                (ItemForm::Dash, Tpl::Object(members)) => {
                    format!("- {}", yaml_members(members, col + 2, self.unit))
                }
                (_, Tpl::Object(members)) => yaml_members(members, col, self.unit),
                _ => yaml_flow(tpl),
            }
        };
        let mut additional_edits = Vec::new();
        if self.json() {
            self.json_commas(&mut insert_text, &mut additional_edits);
        }
        CompletionItem {
            detail: Some(summary.to_string()),
            is_snippet: true,
            additional_edits,
            ..self.item(label, CompletionKind::Snippet, insert_text, 0)
        }
    }

    /// The indentation of a JSON array item at the cursor.
    fn item_indent(&self) -> usize {
        self.member_indent()
    }
}

/// The document's indentation step: the smallest indentation increase between two lines near
/// the cursor, else 2.
fn indent_unit(text: &str, offset: usize) -> usize {
    let start = text[..offset.min(text.len())]
        .char_indices()
        .rev()
        .filter(|&(_, c)| c == '\n')
        .nth(200)
        .map_or(0, |(i, _)| i + 1);
    let mut unit = usize::MAX;
    let mut previous = 0usize;
    for line in text[start..].lines().take(400) {
        let content = line.trim_start_matches(' ');
        if content.is_empty() {
            continue;
        }
        let indent = line.len() - content.len();
        if indent > previous {
            unit = unit.min(indent - previous);
        }
        previous = indent;
    }
    if (1..=8).contains(&unit) { unit } else { 2 }
}

/// Markdown for a field: its description, default and allowed values.
pub(crate) fn field_documentation(schema: &SchemaRef) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = schema.description() {
        parts.push(d.to_string());
    }
    if let Some(default) = schema.default() {
        parts.push(format!("Default: `{default}`"));
    }
    parts.extend(schema.allowed_values_markdown());
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;
    use crate::ide::apply_edits;

    /// A completion request at the `$0` cursor of a fixture.
    struct Run {
        text: String,
        items: Vec<CompletionItem>,
    }

    fn run(fixture: &str, path: &str) -> Run {
        let (text, offset) = crate::ide::strip_cursor(fixture);
        let settings = Settings::default();
        let analysis = analyze(&text, Some(path), &settings);
        let items = complete(&analysis, &text, offset, &settings);
        Run { text, items }
    }

    impl Run {
        fn labels(&self) -> Vec<&str> {
            self.items.iter().map(|i| i.label.as_str()).collect()
        }

        fn has(&self, label: &str) -> bool {
            self.items.iter().any(|i| i.label == label)
        }

        fn item(&self, label: &str) -> &CompletionItem {
            self.items
                .iter()
                .find(|i| i.label == label)
                .unwrap_or_else(|| panic!("no {label:?} in {:?}", self.labels()))
        }

        /// The text after accepting `label`, with each tab stop replaced by its placeholder
        /// (or its first choice).
        fn accept(&self, label: &str) -> String {
            let item = self.item(label);
            let mut edits = item.additional_edits.clone();
            let new_text = if item.is_snippet {
                expand_snippet(&item.insert_text)
            } else {
                item.insert_text.clone()
            };
            edits.push(TextEdit::replace(item.replace, new_text));
            apply_edits(&self.text, &edits)
        }
    }

    /// Snippet text as an editor first shows it.
    fn expand_snippet(snippet: &str) -> String {
        let mut out = String::new();
        let mut chars = snippet.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.extend(chars.next()),
                '$' if chars.peek() == Some(&'{') => {
                    chars.next();
                    let body: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    let (_, rest) = body.split_once([':', '|']).unwrap_or(("", ""));
                    out.push_str(rest.split([',', '|']).next().unwrap_or(""));
                }
                '$' => {
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                }
                c => out.push(c),
            }
        }
        out
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  volumes:\n    - name: data\n      emptyDir: {}\n    - name: cache\n      emptyDir: {}\n  containers:\n    - name: app\n      image: nginx:1.27\n      ports:\n        - name: http\n          containerPort: 8080\n        - containerPort: 9090\n";

    // ----- Robustness -----

    #[test]
    fn a_missing_comma_goes_after_a_multibyte_character() {
        // Found by fuzzing: the comma was put one byte after the start of the last character
        // before the cursor, inside it.
        let r = run(
            "{\n  \"name\": \"resizer\",\n  \"algorithmImage\": \"hkube/x:1.0\",\n  \"x\": 名\n  $0\n}\n",
            "algorithm.json",
        );
        for item in &r.items {
            for edit in &item.additional_edits {
                assert!(
                    r.text.is_char_boundary(edit.span.start as usize),
                    "{item:?}"
                );
            }
        }
        assert!(r.accept("sideCars").contains("\"x\": 名,\n"));
    }

    // ----- Kubernetes, YAML -----

    #[test]
    fn yaml_keys_on_a_blank_line_of_a_container() {
        let r = run(&format!("{POD}      $0\n"), "pod.yaml");
        assert!(r.has("imagePullPolicy") && r.has("livenessProbe") && r.has("restartPolicy"));
        assert!(
            !r.has("name") && !r.has("image") && !r.has("ports"),
            "present keys"
        );
        let probe = r.item("livenessProbe");
        assert_eq!(probe.insert_text, "livenessProbe:\n        $1");
        assert_eq!(probe.kind, CompletionKind::Property);
        assert_eq!(probe.detail.as_deref(), Some("Probe"));
        assert!(
            probe
                .documentation
                .as_deref()
                .unwrap()
                .starts_with("Periodic probe of container liveness.")
        );
        assert_eq!(r.item("env").insert_text, "env:\n        - $1");
        assert_eq!(
            r.item("imagePullPolicy").insert_text,
            "imagePullPolicy: ${1|Always,IfNotPresent,Never|}"
        );
        assert_eq!(r.item("stdin").insert_text, "stdin: ${1|true,false|}");
    }

    #[test]
    fn yaml_key_typed_without_its_colon() {
        let r = run(&format!("{POD}      imagePu$0\n"), "pod.yaml");
        let item = r.item("imagePullPolicy");
        assert_eq!(&r.text[item.replace.range()], "imagePu");
        assert!(
            r.accept("imagePullPolicy")
                .ends_with("      imagePullPolicy: Always\n")
        );
    }

    #[test]
    fn yaml_key_before_an_existing_colon_inserts_the_key_only() {
        let r = run(&format!("{POD}      imagePu$0: Always\n"), "pod.yaml");
        let item = r.item("imagePullPolicy");
        assert_eq!(item.insert_text, "imagePullPolicy");
        assert!(!item.is_snippet);
        assert!(
            r.accept("imagePullPolicy")
                .ends_with("      imagePullPolicy: Always\n")
        );
    }

    #[test]
    fn yaml_enum_values_for_an_empty_value() {
        let r = run(&format!("{POD}      imagePullPolicy: $0\n"), "pod.yaml");
        assert_eq!(r.labels(), ["Always", "IfNotPresent", "Never"]);
        assert_eq!(r.item("Never").kind, CompletionKind::Enum);
        let typed = run(&format!("{POD}      imagePullPolicy: If$0\n"), "pod.yaml");
        assert!(
            typed
                .accept("IfNotPresent")
                .ends_with("imagePullPolicy: IfNotPresent\n")
        );
    }

    #[test]
    fn yaml_value_inside_quotes_keeps_them() {
        let r = run(
            &format!("{POD}      imagePullPolicy: \"Al$0\"\n"),
            "pod.yaml",
        );
        assert_eq!(r.item("Always").insert_text, "Always\"");
        assert!(
            r.accept("Always")
                .ends_with("      imagePullPolicy: \"Always\"\n")
        );
        let unclosed = run(&format!("{POD}      imagePullPolicy: 'Ne$0\n"), "pod.yaml");
        assert!(
            unclosed
                .accept("Never")
                .ends_with("      imagePullPolicy: 'Never\n")
        );
    }

    #[test]
    fn yaml_skeletons_in_an_empty_document() {
        let r = run("# my app\n$0", "app.yaml");
        assert_eq!(
            r.labels(),
            [
                "KubeVela Application with a sidecar trait",
                "Pod with a native sidecar"
            ]
        );
        assert_eq!(
            r.item("Pod with a native sidecar").insert_text,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${1:my-pod}\nspec:\n  initContainers:\n    - name: ${2:sidecar}\n      image: ${3:image:tag}\n      restartPolicy: Always\n  containers:\n    - name: ${4:app}\n      image: ${5:image:tag}"
        );
        let second = run(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n$0",
            "all.yaml",
        );
        assert!(second.has("KubeVela Application with a sidecar trait"));
    }

    #[test]
    fn yaml_booleans() {
        let r = run(&format!("{POD}      tty: $0\n"), "pod.yaml");
        assert_eq!(r.labels(), ["false", "true"]);
        assert_eq!(r.item("true").insert_text, "true");
    }

    #[test]
    fn yaml_volume_names_in_volume_mounts() {
        let r = run(
            &format!("{POD}      volumeMounts:\n        - mountPath: /data\n          name: $0\n"),
            "pod.yaml",
        );
        assert_eq!(r.labels(), ["cache", "data"]);
        let data = r.item("data");
        assert_eq!(data.kind, CompletionKind::Reference);
        assert_eq!(data.detail.as_deref(), Some("emptyDir volume"));
    }

    #[test]
    fn yaml_volume_names_after_a_typed_prefix_and_on_the_dash_line() {
        for fixture in [
            "      volumeMounts:\n        - name: da$0\n          mountPath: /data\n",
            "      volumeMounts:\n        - name: da$0\n",
            "      volumeMounts:\n        - mountPath: /data\n          name: da$0\n",
        ] {
            let r = run(&format!("{POD}{fixture}"), "pod.yaml");
            assert!(r.labels().contains(&"data"), "{fixture}: {:?}", r.labels());
        }
        let r = run(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  volumes:\n    - name: shared-logs\n      emptyDir: {}\n  containers:\n    - name: app\n      image: nginx:1.27\n      imagePullPolicy: \n      volumeMounts:\n        - name: sha$0\n          mountPath: /var/log\n",
            "pod.yaml",
        );
        assert!(r.labels().contains(&"shared-logs"), "{:?}", r.labels());
        let r = run(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  volumes:\n    - name: shared-logs\n      emptyDir: {}\n  containers:\n    - name: app\n      image: nginx:1.27\n      imagePullPolicy: $0\n      volumeMounts:\n        - name: sha\n          mountPath: /var/log\n",
            "pod.yaml",
        );
        assert!(r.labels().contains(&"Always"), "{:?}", r.labels());
    }

    #[test]
    fn yaml_named_ports_in_probes() {
        let http = run(
            &format!(
                "{POD}      livenessProbe:\n        httpGet:\n          path: /\n          port: $0\n"
            ),
            "pod.yaml",
        );
        assert_eq!(http.labels(), ["http", "9090"]);
        assert_eq!(http.item("http").detail.as_deref(), Some("port 8080/TCP"));
        let tcp = run(
            &format!("{POD}      readinessProbe:\n        tcpSocket:\n          port: h$0\n"),
            "pod.yaml",
        );
        assert!(tcp.accept("http").contains("          port: http\n"));
        // gRPC ports are numbers only.
        let grpc = run(
            &format!("{POD}      startupProbe:\n        grpc:\n          port: $0\n"),
            "pod.yaml",
        );
        assert_eq!(grpc.labels(), ["8080", "9090"]);
        assert_eq!(
            grpc.item("8080").detail.as_deref(),
            Some("port \"http\"/TCP")
        );
    }

    #[test]
    fn yaml_native_sidecar_snippets_in_init_containers() {
        let blank = run(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    $0\n  containers:\n    - name: app\n      image: nginx:1.27\n",
            "pod.yaml",
        );
        let item = blank.item("native sidecar");
        assert_eq!(
            item.insert_text,
            "- name: ${1:sidecar}\n      image: ${2:image:tag}\n      restartPolicy: Always"
        );
        assert_eq!(item.kind, CompletionKind::Snippet);
        assert!(blank.accept("native sidecar").contains(
            "  initContainers:\n    - name: sidecar\n      image: image:tag\n      restartPolicy: Always\n  containers:"
        ));
        assert_eq!(blank.item("new Container").insert_text, "- name: $1");

        let dash = run(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n  - $0\n  containers:\n  - name: app\n",
            "pod.yaml",
        );
        assert_eq!(
            dash.item("native sidecar").insert_text,
            "name: ${1:sidecar}\n    image: ${2:image:tag}\n    restartPolicy: Always"
        );
        assert!(dash.has("image"), "keys too");
        assert!(
            !dash.has("new Container"),
            "the sidecar snippet is enough in an empty item"
        );
    }

    #[test]
    fn yaml_no_native_sidecar_in_regular_containers() {
        let r = run(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    $0\n",
            "pod.yaml",
        );
        assert!(!r.has("native sidecar"));
        assert!(r.has("new Container"));
    }

    #[test]
    fn yaml_restart_policy_of_an_init_container() {
        let r = run(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    - name: proxy\n      restartPolicy: $0\n",
            "pod.yaml",
        );
        assert_eq!(r.labels(), ["Always"]);
        assert!(r.item("Always").preselect);
    }

    #[test]
    fn yaml_kind_and_api_version() {
        let kinds = run("apiVersion: apps/v1\nkind: $0\n", "x.yaml");
        assert!(kinds.has("Deployment") && kinds.has("DaemonSet"));
        assert!(!kinds.has("Pod") && !kinds.has("Application"));
        let vela = run("apiVersion: core.oam.dev/v1beta1\nkind: App$0\n", "x.yaml");
        assert_eq!(vela.labels(), ["Application"]);
        let versions = run("apiVersion: $0\nkind: Deployment\n", "x.yaml");
        assert_eq!(versions.labels(), ["apps/v1"]);
    }

    #[test]
    fn yaml_flow_mapping_keys() {
        let r = run(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, ima$0}]}\n",
            "pod.yaml",
        );
        assert_eq!(r.item("image").insert_text, "image: $1");
        assert_eq!(r.item("resources").insert_text, "resources: {$1}");
        assert_eq!(r.item("ports").insert_text, "ports: [$1]");
    }

    #[test]
    fn yaml_non_ascii_before_the_cursor() {
        let r = run(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations: {note: \"héllo wörld 😀\"}\nspec:\n  containers:\n    - name: app # contenedor ñ 名前\n      image: \"nginx:1.27\" # 😀\n      volumeMou$0\n",
            "pod.yaml",
        );
        let item = r.item("volumeMounts");
        assert_eq!(&r.text[item.replace.range()], "volumeMou");
        assert_eq!(item.insert_text, "volumeMounts:\n        - $1");
        assert!(
            r.accept("volumeMounts")
                .ends_with("      volumeMounts:\n        - \n")
        );
        let value = run(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: wéb😀\nspec:\n  containers:\n    - name: ñ\n      imagePullPolicy: Nev$0",
            "pod.yaml",
        );
        assert!(value.accept("Never").ends_with("imagePullPolicy: Never"));
    }

    // ----- Kubernetes, JSON -----

    const POD_JSON: &str = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"web\"},\n  \"spec\": {\n    \"containers\": [\n      {\n        \"name\": \"app\",\n";

    #[test]
    fn json_unclosed_key() {
        let r = run(&format!("{POD_JSON}        \"ima$0\n"), "pod.json");
        let item = r.item("image");
        assert_eq!(&r.text[item.replace.range()], "\"ima");
        assert_eq!(item.filter_text.as_deref(), Some("\"image\""));
        assert_eq!(item.insert_text, "\"image\": \"$1\"");
        assert_eq!(
            r.item("resources").insert_text,
            "\"resources\": {\n          $1\n        }"
        );
        assert_eq!(
            r.item("ports").insert_text,
            "\"ports\": [\n          $1\n        ]"
        );
        assert_eq!(
            r.item("imagePullPolicy").insert_text,
            "\"imagePullPolicy\": \"${1|Always,IfNotPresent,Never|}\""
        );
    }

    #[test]
    fn json_key_between_members_gets_its_commas() {
        let r = run(
            &format!(
                "{POD_JSON}        \"image\": \"nginx:1.27\"\n        \"tt$0\"\n        \"stdin\": true\n      }}]}}}}"
            ),
            "pod.json",
        );
        let item = r.item("tty");
        assert_eq!(item.insert_text, "\"tty\": ${1|true,false|},");
        assert!(r.accept("tty").contains(
            "        \"image\": \"nginx:1.27\",\n        \"tty\": true,\n        \"stdin\": true"
        ));
    }

    #[test]
    fn json_value_after_a_colon() {
        let r = run(
            &format!("{POD_JSON}        \"imagePullPolicy\": $0\n      }}]}}}}"),
            "pod.json",
        );
        assert_eq!(r.labels(), ["Always", "IfNotPresent", "Never"]);
        assert_eq!(r.item("Always").insert_text, "\"Always\"");
        let quoted = run(
            &format!(
                "{POD_JSON}        \"imagePullPolicy\": \"Ne$0\",\n        \"image\": \"x\"\n      }}]}}}}"
            ),
            "pod.json",
        );
        assert!(
            quoted
                .accept("Never")
                .contains("\"imagePullPolicy\": \"Never\",")
        );
        let unclosed = run(
            &format!("{POD_JSON}        \"imagePullPolicy\": \"$0"),
            "pod.json",
        );
        assert!(
            unclosed
                .accept("IfNotPresent")
                .ends_with("\"imagePullPolicy\": \"IfNotPresent\"")
        );
    }

    #[test]
    fn json_native_sidecar_as_an_array_item() {
        let r = run(
            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"web\"},\n  \"spec\": {\n    \"initContainers\": [\n      $0\n    ],\n    \"containers\": [{\"name\": \"app\", \"image\": \"nginx:1.27\"}]\n  }\n}",
            "pod.json",
        );
        assert_eq!(
            r.item("native sidecar").insert_text,
            "{\n        \"name\": \"${1:sidecar}\",\n        \"image\": \"${2:image:tag}\",\n        \"restartPolicy\": \"Always\"\n      }"
        );
    }

    // ----- HKube -----

    const ALGO: &str = "{\n  \"name\": \"algo\",\n  \"algorithmImage\": \"hkube/algo:1.0\",\n  \"volumes\": [{\"name\": \"shared\", \"emptyDir\": {}}],\n";

    #[test]
    fn hkube_sidecar_element_snippet() {
        let r = run(
            &format!("{ALGO}  \"sideCars\": [\n    $0\n  ]\n}}"),
            "algo.json",
        );
        assert_eq!(r.labels(), ["HKube sidecar"]);
        assert_eq!(
            r.item("HKube sidecar").insert_text,
            "{\n      \"container\": {\n        \"name\": \"${1:sidecar}\",\n        \"image\": \"${2:image:tag}\"\n      }\n    }"
        );
        let second = run(
            &format!(
                "{ALGO}  \"sideCars\": [\n    {{\"container\": {{\"name\": \"a\", \"image\": \"r:1\"}}}},\n    $0\n  ]\n}}"
            ),
            "algo.json",
        );
        assert!(
            second
                .accept("HKube sidecar")
                .contains("}},\n    {\n      \"container\"")
        );
    }

    #[test]
    fn hkube_empty_element_gets_members_and_keys() {
        let r = run(&format!("{ALGO}  \"sideCars\": [{{$0}}]\n}}"), "algo.json");
        assert!(r.has("HKube sidecar") && r.has("container") && r.has("environments"));
        assert!(
            !r.has("name"),
            "the obsolete element-level name is not offered"
        );
        assert!(
            r.item("HKube sidecar")
                .insert_text
                .starts_with("\"container\": {\n")
        );
    }

    #[test]
    fn hkube_volume_names_put_the_algorithm_volumes_first() {
        let r = run(
            &format!(
                "{ALGO}  \"sideCars\": [{{\"container\": {{\"name\": \"c\", \"image\": \"r:1\"}}, \"volumeMounts\": [{{\"name\": \"$0\", \"mountPath\": \"/x\"}}]}}]\n}}"
            ),
            "algo.json",
        );
        let shared = r.item("shared");
        assert_eq!(shared.sort_text.as_deref(), Some("2shared"));
        assert_eq!(
            r.item("algometrics").sort_text.as_deref(),
            Some("3algometrics")
        );
        assert_eq!(r.labels()[0], "shared");
        assert_eq!(
            r.item("algometrics").detail.as_deref(),
            Some("HKube's metrics volume")
        );
        assert!(
            r.accept("shared")
                .contains("[{\"name\": \"shared\", \"mountPath\"")
        );
    }

    #[test]
    fn hkube_container_keys_and_environments_map() {
        let r = run(
            &format!("{ALGO}  \"sideCars\": [{{\"container\": {{\"name\": \"c\", \"im$0}}}}]\n}}"),
            "algo.json",
        );
        assert_eq!(r.item("image").detail.as_deref(), Some("string (required)"));
        assert!(r.item("image").preselect);
        let env = run(
            &format!(
                "{ALGO}  \"sideCars\": [{{\"container\": {{\"name\": \"c\", \"image\": \"r:1\"}}, \"environments\": {{$0}}}}]\n}}"
            ),
            "algo.json",
        );
        assert!(env.items.is_empty(), "free-form names: {:?}", env.labels());
    }

    // ----- KubeVela -----

    const APP: &str = "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: app\nspec:\n  components:\n    - name: order-worker\n      type: worker\n      properties:\n        image: busybox\n        volumeMounts:\n          emptyDir:\n            - name: app-logs\n              mountPath: /var/log\n      traits:\n";

    #[test]
    fn kubevela_sidecar_trait_snippets() {
        let blank = run(&format!("{APP}        $0\n"), "app.yaml");
        assert_eq!(
            blank.item("KubeVela sidecar trait").insert_text,
            "- type: sidecar\n          properties:\n            name: ${1:sidecar}\n            image: ${2:image:tag}"
        );
        let dash = run(&format!("{APP}        - $0\n"), "app.yaml");
        assert_eq!(
            dash.item("KubeVela sidecar trait").insert_text,
            "type: sidecar\n          properties:\n            name: ${1:sidecar}\n            image: ${2:image:tag}"
        );
        assert!(dash.has("type") && dash.has("properties"));
    }

    #[test]
    fn kubevela_trait_properties() {
        let r = run(
            &format!(
                "{APP}        - type: sidecar\n          properties:\n            name: log-tailer\n            $0\n"
            ),
            "app.yaml",
        );
        assert_eq!(
            r.labels(),
            [
                "image",
                "args",
                "cmd",
                "env",
                "livenessProbe",
                "readinessProbe",
                "volumes"
            ]
        );
        assert_eq!(r.item("cmd").insert_text, "cmd:\n              - $1");
    }

    #[test]
    fn kubevela_volume_names_come_from_the_component() {
        let r = run(
            &format!(
                "{APP}        - type: sidecar\n          properties:\n            name: log-tailer\n            image: busybox\n            volumes:\n              - name: $0\n"
            ),
            "app.yaml",
        );
        assert_eq!(r.labels(), ["app-logs"]);
    }

    #[test]
    fn kubevela_probe_defaults_and_trait_types() {
        let r = run(
            &format!(
                "{APP}        - type: sidecar\n          properties:\n            name: s\n            image: busybox\n            livenessProbe:\n              perio$0\n"
            ),
            "app.yaml",
        );
        assert_eq!(
            r.item("periodSeconds").insert_text,
            "periodSeconds: ${1:10}"
        );
        assert!(!r.has("grpc"), "the trait's probe has no grpc");
        let types = run(&format!("{APP}        - type: s$0\n"), "app.yaml");
        assert!(types.has("sidecar") && types.has("storage"));
    }

    // ----- Calyptia -----

    #[test]
    fn calyptia_skeleton_in_an_empty_json_document() {
        let r = run("$0", "proxy.json");
        assert_eq!(
            r.labels(),
            ["Calyptia sidecar spec", "HKube algorithm with a sidecar"]
        );
        assert_eq!(
            r.item("Calyptia sidecar spec").insert_text,
            "{\n  \"name\": \"${1:my-sidecar}\",\n  \"image\": \"${2:image:tag}\"\n}"
        );
        let braces = run("{\n  $0\n}\n", "proxy.json");
        assert_eq!(
            braces.item("Calyptia sidecar spec").insert_text,
            "\"name\": \"${1:my-sidecar}\",\n  \"image\": \"${2:image:tag}\""
        );
        assert!(braces.has("volumeMounts"), "and the spec's keys");
    }

    #[test]
    fn calyptia_keys_and_values() {
        let r = run(
            "{\n  \"name\": \"proxy\",\n  \"image\": \"envoyproxy/envoy:v1.31.0\",\n  \"imagePullPolicy\": $0\n}",
            "proxy.json",
        );
        let default = r.item("IfNotPresent");
        assert!(default.preselect);
        assert_eq!(default.detail.as_deref(), Some("default"));
        let keys = run(
            "{\n  \"name\": \"proxy\",\n  \"image\": \"envoyproxy/envoy:v1.31.0\",\n  \"li$0\n}",
            "proxy.json",
        );
        assert!(keys.has("livenessProbe") && keys.has("lifecycle"));
        assert!(!keys.has("name") && !keys.has("restartPolicy"));
    }

    #[test]
    fn calyptia_probe_ports_are_numbers() {
        let r = run(
            "{\"name\": \"p\", \"image\": \"x:1\", \"ports\": [{\"name\": \"admin\", \"containerPort\": 9901}],\n \"readinessProbe\": {\"httpGet\": {\"path\": \"/ready\", \"port\": $0}}}",
            "proxy.json",
        );
        assert_eq!(r.labels(), ["9901"]);
        assert_eq!(r.item("9901").insert_text, "9901");
    }

    #[test]
    fn calyptia_unclosed_nested_object() {
        let r = run(
            "{\"name\": \"p\", \"image\": \"x:1\", \"livenessProbe\": {\"httpG$0",
            "proxy.json",
        );
        assert!(r.has("httpGet") && r.has("tcpSocket") && r.has("periodSeconds"));
        assert!(!r.has("image"));
    }

    // ----- Other formats -----

    #[test]
    fn hkube_spec_written_in_yaml() {
        let r = run(
            "name: algo\nalgorithmImage: hkube/algo:1.0\nsideCars:\n  $0\n",
            "algo.yaml",
        );
        assert_eq!(
            r.item("HKube sidecar").insert_text,
            "- container:\n      name: ${1:sidecar}\n      image: ${2:image:tag}"
        );
    }

    #[test]
    fn kubevela_application_and_trait_file_in_json() {
        let app = run(
            "{\"apiVersion\": \"core.oam.dev/v1beta1\", \"kind\": \"Application\", \"metadata\": {\"name\": \"a\"},\n  \"spec\": {\"components\": [{\"name\": \"web\", \"type\": \"worker\", \"traits\": [\n    $0\n  ]}]}}",
            "app.json",
        );
        assert_eq!(
            app.item("KubeVela sidecar trait").insert_text,
            "{\n      \"type\": \"sidecar\",\n      \"properties\": {\n        \"name\": \"${1:sidecar}\",\n        \"image\": \"${2:image:tag}\"\n      }\n    }"
        );
        let file = run(
            "{\"$schema\": \"https://example.com/kubevela-sidecar-trait.json\", \"name\": \"s\", \"image\": \"busybox\", \"c$0\"}",
            "trait.json",
        );
        assert_eq!(
            file.labels(),
            [
                "args",
                "cmd",
                "env",
                "livenessProbe",
                "readinessProbe",
                "volumes"
            ]
        );
        assert_eq!(file.item("cmd").insert_text, "\"cmd\": [$1]");
    }

    // ----- Robustness -----

    /// A 6,700-line Pod: 600 volumes, 500 containers. Each answer walks the document once; a
    /// per-item scan of the other items (600 × 600 volume names) would show here first.
    #[test]
    fn large_documents_are_answered_in_one_pass() {
        let mut text =
            String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  volumes:\n");
        for i in 0..600 {
            text.push_str(&format!("    - name: v{i}\n      emptyDir: {{}}\n"));
        }
        text.push_str("  containers:\n");
        for i in 0..500 {
            text.push_str(&format!("    - name: c{i}\n      image: nginx:1.27\n      ports:\n        - name: http\n          containerPort: 80\n      volumeMounts:\n        - name: v1\n          mountPath: /x\n      livenessProbe:\n        httpGet:\n          port: http\n"));
        }
        assert!(text.lines().count() > 6_600);
        let settings = Settings::default();
        let analysis = analyze(&text, Some("pod.yaml"), &settings);
        let mount = text.rfind("name: v1").unwrap() + "name: ".len();
        let volumes = complete(&analysis, &text, mount, &settings);
        assert_eq!(volumes.len(), 600);
        let port = text.rfind("port: http").unwrap() + "port: ".len();
        let ports: Vec<String> = complete(&analysis, &text, port, &settings)
            .into_iter()
            .map(|i| i.label)
            .collect();
        assert_eq!(ports, ["http"]);
        let hover = crate::ide::hover::hover(&analysis, &text, port + 1, &settings).unwrap();
        assert!(
            hover
                .markdown
                .starts_with("**`spec.containers[499].livenessProbe.httpGet.port`**")
        );
    }

    #[test]
    fn never_panics_at_any_offset() {
        let texts = [
            format!("{POD}      $0"),
            format!("{POD_JSON}$0"),
            format!("{APP}        - type: sidecar\n          properties: {{name: é😀, $0"),
            "{\"sideCars\": [{\"container\": {\"name\": \"é\", $0".to_string(),
        ];
        for fixture in &texts {
            let text = fixture.replacen("$0", "", 1);
            let path = if text.starts_with('{') {
                "a.json"
            } else {
                "a.yaml"
            };
            let settings = Settings::default();
            let analysis = analyze(&text, Some(path), &settings);
            for offset in 0..=text.len() + 2 {
                for item in complete(&analysis, &text, offset, &settings) {
                    assert!(item.replace.end as usize <= text.len());
                    assert!(text.is_char_boundary(item.replace.start as usize));
                }
            }
        }
    }
}
