//! `sidecar-lsp explain PATH`: the documentation of a field, offline, in the manner of
//! `kubectl explain`, for every dialect: `hkube.sideCars.container.resources`,
//! `kubevela.sidecar.volumes`, `calyptia.ports`, `pod.spec.initContainers.restartPolicy`.
//!
//! It says what hover says, from the same places: the schema walk of
//! [`crate::ide::schema_lookup`] gives the type, whether the field is required, its allowed values
//! and description, and the fields below it; the defaults and platform notes come from
//! [`crate::ide::hover::general_field_facts`], asked about the field in a minimal document that holds
//! its parents (so a default that depends on a sibling, such as the pull policy on the image, is
//! described for a field left out). Nothing here reads files.

use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::config::Settings;
use crate::diagnostic::{Dialect, KubeVersion};
use crate::ide::hover;
use crate::ide::schema_lookup::{self, SchemaRef};
use crate::schema::kubernetes_index;
use crate::syntax::{Segment, schema_path};

/// How deep `--recursive` lists fields (Kubernetes' pod spec needs about 8).
const MAX_RECURSION: usize = 12;

/// The dialect prefixes a path may start with (anything else names a Kubernetes kind).
const DIALECT_PREFIXES: &[&str] = &["hkube", "kubevela", "calyptia"];

/// What a path starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Root {
    /// An HKube algorithm spec.
    Hkube,
    /// A KubeVela Application.
    KubevelaApplication,
    /// The parameters of KubeVela's sidecar trait (`kubevela.sidecar`).
    KubevelaSidecar,
    /// A Calyptia sidecar spec file.
    Calyptia,
    /// A built-in Kubernetes kind.
    Kubernetes { api_version: String, kind: String },
}

impl Root {
    fn dialect(&self) -> Dialect {
        match self {
            Root::Hkube => Dialect::Hkube,
            Root::KubevelaApplication | Root::KubevelaSidecar => Dialect::Kubevela,
            Root::Calyptia => Dialect::Calyptia,
            Root::Kubernetes { .. } => Dialect::Kubernetes,
        }
    }

    fn title(&self) -> String {
        match self {
            Root::Hkube => "HKube algorithm".into(),
            Root::KubevelaApplication => "KubeVela Application (core.oam.dev/v1beta1)".into(),
            Root::KubevelaSidecar => "KubeVela sidecar trait (properties)".into(),
            Root::Calyptia => "Calyptia sidecar spec".into(),
            Root::Kubernetes { api_version, kind } => format!("{kind} ({api_version})"),
        }
    }
}

/// The documentation of one field (or of a whole resource, for a path of one segment).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// What the path starts from: `Deployment (apps/v1)`, `HKube algorithm`…
    pub resource: String,
    /// The dialect.
    pub dialect: Dialect,
    /// The Kubernetes version whose schemas describe it.
    pub kubernetes_version: String,
    /// The path as asked, normalised (`pod.spec.initContainers.restartPolicy`).
    pub path: String,
    /// The field's place in a document, with `[]` for list items
    /// (`spec.initContainers[].restartPolicy`); empty for a resource.
    pub field_path: String,
    /// The field's name (the last key), or `None` for a resource.
    pub field: Option<String>,
    /// The type, for people: `string`, `array of Container`, `map of Quantity`.
    #[serde(rename = "type")]
    pub type_label: String,
    /// Whether the object holding the field requires it (`None` for a resource).
    pub required: Option<bool>,
    /// Whether the schema marks the field deprecated.
    pub deprecated: bool,
    /// The default the platform applies (else the schema's), as markdown.
    pub default: Option<String>,
    /// The allowed values, if the schema lists them.
    pub allowed_values: Vec<String>,
    /// The schema's description.
    pub description: Option<String>,
    /// What the platform does with the field, beyond its schema (markdown paragraphs).
    pub notes: Vec<String>,
    /// The fields below it (of the list's items, for a list).
    pub fields: Vec<FieldSummary>,
}

/// One field below the explained one.
#[derive(Clone, Debug, Serialize)]
pub struct FieldSummary {
    /// The key.
    pub name: String,
    /// Its type, for people.
    #[serde(rename = "type")]
    pub type_label: String,
    /// Whether it is required.
    pub required: bool,
    /// The first sentence of its description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Its own fields (with `--recursive`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldSummary>,
}

/// A path that names nothing we describe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainError {
    /// What is wrong, with a "did you mean" when a known name is close.
    pub message: String,
}

impl std::fmt::Display for ExplainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExplainError {}

/// Explain `path` (`DIALECT-OR-KIND.field.field…`) under `settings` (its Kubernetes version and
/// HKube defaults). With `recursive`, the fields below are listed to the bottom.
pub fn explain(
    path: &str,
    settings: &Settings,
    recursive: bool,
) -> Result<Explanation, ExplainError> {
    let (root, keys) = parse_root(path.trim(), settings.kube_version)?;
    let mut schema = match &root {
        Root::KubevelaSidecar => schema_lookup::kubevela_sidecar_trait(),
        Root::Kubernetes { api_version, kind } => {
            schema_lookup::dialect_root(Dialect::Kubernetes, Some((api_version, kind)), settings)
        }
        other => schema_lookup::dialect_root(other.dialect(), None, settings),
    }
    .ok_or_else(|| ExplainError {
        message: format!("no schema describes {}", root.title()),
    })?;

    // Walk the keys; list items are transparent, as in `kubectl explain`.
    let mut segments: Vec<Segment> = Vec::new();
    let mut required = None;
    let mut walked: Vec<&str> = Vec::new();
    for key in &keys {
        while let Some(items) = list_items(&schema) {
            segments.push(Segment::Index(0));
            schema = items;
        }
        let Some(next) = schema.sidecar_child(key) else {
            return Err(unknown_field(&root, &walked, key, &schema));
        };
        required = Some(schema.requires(key));
        segments.push(Segment::Key(key.to_string()));
        walked.push(key);
        schema = next;
    }

    let facts = facts_for(&root, &segments, settings);
    let described = described(&schema);
    let mut on_stack = Vec::new();
    let fields = match described {
        Some(object) => summaries(&object, recursive, 0, &mut on_stack),
        None => Vec::new(),
    };
    let mut normalised = vec![root_name(&root)];
    normalised.extend(keys.iter().cloned());
    Ok(Explanation {
        resource: root.title(),
        dialect: root.dialect(),
        kubernetes_version: settings.kube_version.schema_version().to_string(),
        path: normalised.join("."),
        field_path: schema_path(&segments),
        field: keys.last().cloned(),
        type_label: schema.type_label(),
        required,
        deprecated: schema.is_deprecated(),
        default: facts.as_ref().and_then(|f| f.default.clone()),
        allowed_values: schema
            .enum_values()
            .iter()
            .map(|v| match v.as_str() {
                Some(s) => s.to_string(),
                None => v.to_string(),
            })
            .collect(),
        description: schema.description().map(str::to_string),
        notes: facts.map(|f| f.notes).unwrap_or_default(),
        fields,
    })
}

/// The root named by the path's first segment, and the keys after it.
fn parse_root(path: &str, version: KubeVersion) -> Result<(Root, Vec<String>), ExplainError> {
    if path.is_empty() {
        return Err(ExplainError {
            message:
                "nothing to explain: give a path such as `pod.spec.containers` or `hkube.sideCars`"
                    .into(),
        });
    }
    // `networking.k8s.io/v1/Ingress.spec`: the API group has dots of its own.
    let (api_version, rest) = match path.rfind('/') {
        Some(slash) => (Some(&path[..slash]), &path[slash + 1..]),
        None => (None, path),
    };
    let mut parts = rest.split('.').map(|p| {
        // `containers[0]` or `containers[]` name the list itself.
        p.split('[').next().unwrap_or(p).to_string()
    });
    let head = parts.next().unwrap_or_default();
    let mut keys: Vec<String> = parts.collect();
    if let Some(empty) = keys.iter().position(String::is_empty) {
        return Err(ExplainError {
            message: format!(
                "`{path}` has an empty segment (after `{}`)",
                keys[..empty].join(".")
            ),
        });
    }
    let root = match (api_version, head.to_ascii_lowercase().as_str()) {
        (None, "hkube") => Root::Hkube,
        (None, "calyptia") => Root::Calyptia,
        (None, "kubevela") if keys.first().map(String::as_str) == Some("sidecar") => {
            keys.remove(0);
            Root::KubevelaSidecar
        }
        (None, "kubevela") => Root::KubevelaApplication,
        _ => {
            let index = kubernetes_index(version);
            let name = match api_version {
                Some(av) => format!("{av}/{head}"),
                None => head.clone(),
            };
            let Some(info) = index.find_kind(&name) else {
                let known = DIALECT_PREFIXES
                    .iter()
                    .copied()
                    .chain(index.kinds().iter().map(|k| k.kind.as_str()));
                let hint = crate::suggest::closest(&head, known)
                    .map(|s| format!(" (did you mean `{}`?)", s.to_ascii_lowercase()))
                    .unwrap_or_default();
                return Err(ExplainError {
                    message: format!(
                        "`{name}` is neither a dialect (hkube, kubevela, calyptia) nor a built-in Kubernetes kind{hint}"
                    ),
                });
            };
            Root::Kubernetes {
                api_version: info.api_version.clone(),
                kind: info.kind.clone(),
            }
        }
    };
    Ok((root, keys))
}

/// How the root is written in a normalised path.
fn root_name(root: &Root) -> String {
    match root {
        Root::Hkube => "hkube".into(),
        Root::KubevelaApplication => "kubevela".into(),
        Root::KubevelaSidecar => "kubevela.sidecar".into(),
        Root::Calyptia => "calyptia".into(),
        Root::Kubernetes { kind, .. } => kind.to_ascii_lowercase(),
    }
}

/// The items of a list schema (that is not also an object).
fn list_items(schema: &SchemaRef) -> Option<SchemaRef> {
    (schema.is_array() && !schema.is_object())
        .then(|| schema.items())
        .flatten()
}

/// The object whose fields describe the value: itself, or its list's items.
fn described(schema: &SchemaRef) -> Option<SchemaRef> {
    let mut schema = schema.clone();
    for _ in 0..MAX_RECURSION {
        match list_items(&schema) {
            Some(items) => schema = items,
            None => break,
        }
    }
    (!schema.properties().is_empty()).then_some(schema)
}

/// The error for `key`, unknown below `walked`, with the closest known field.
fn unknown_field(root: &Root, walked: &[&str], key: &str, schema: &SchemaRef) -> ExplainError {
    let properties = schema.properties();
    let hint = crate::suggest::closest(key, properties.iter().map(|p| p.name))
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    let mut at = vec![root_name(root)];
    at.extend(walked.iter().map(|w| w.to_string()));
    let known = if properties.is_empty() {
        format!("`{}` has no fields", at.join("."))
    } else {
        let names: Vec<&str> = properties.iter().map(|p| p.name).collect();
        format!("its fields: {}", names.join(", "))
    };
    ExplainError {
        message: format!(
            "field `{key}` does not exist in `{}`{hint}; {known}",
            at.join(".")
        ),
    }
}

/// The list of fields below `schema`.
fn summaries(
    schema: &SchemaRef,
    recursive: bool,
    depth: usize,
    on_stack: &mut Vec<&'static str>,
) -> Vec<FieldSummary> {
    let mut out = Vec::new();
    for p in schema.properties() {
        let mut fields = Vec::new();
        if recursive && depth < MAX_RECURSION {
            let definition = p.schema.definition();
            // A definition already being listed above would repeat forever.
            let cycle = definition.is_some_and(|d| on_stack.contains(&d));
            if !cycle && let Some(object) = described(&p.schema) {
                let def = described_definition(&p.schema);
                if let Some(d) = def {
                    on_stack.push(d);
                }
                fields = summaries(&object, recursive, depth + 1, on_stack);
                if def.is_some() {
                    on_stack.pop();
                }
            }
        }
        out.push(FieldSummary {
            name: p.name.to_string(),
            type_label: p.schema.type_label(),
            required: p.required,
            summary: (!recursive)
                .then(|| p.schema.description().map(first_sentence))
                .flatten(),
            fields,
        });
    }
    out
}

/// The definition of the object a field describes (through lists).
fn described_definition(schema: &SchemaRef) -> Option<&'static str> {
    let mut schema = schema.clone();
    for _ in 0..MAX_RECURSION {
        match list_items(&schema) {
            Some(items) => schema = items,
            None => break,
        }
    }
    schema.definition()
}

/// The first sentence of a description (up to the first `. ` or line end).
fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    match line.find(". ") {
        Some(end) => line[..=end].to_string(),
        None => line.to_string(),
    }
}

/// Hover's facts (platform default, notes) about the field at `segments`, asked in a minimal
/// document of the dialect that holds the field's parents.
fn facts_for(root: &Root, segments: &[Segment], settings: &Settings) -> Option<hover::FieldFacts> {
    if segments.is_empty() {
        return None;
    }
    let text = skeleton(root, segments)?;
    let settings = Settings {
        dialect: Some(root.dialect()),
        ..settings.clone()
    };
    let analysis = crate::analyze(&text, Some("explain.json"), &settings);
    hover::general_field_facts(&analysis, &text, &settings, 0, segments)
}

/// A JSON document of the root's kind with an empty object or list at each parent of the
/// field (a KubeVela trait is a sidecar trait), the field itself left out.
fn skeleton(root: &Root, segments: &[Segment]) -> Option<String> {
    let mut doc = Map::new();
    match root {
        Root::Kubernetes { api_version, kind } => {
            doc.insert("apiVersion".into(), Json::from(api_version.as_str()));
            doc.insert("kind".into(), Json::from(kind.as_str()));
        }
        Root::KubevelaApplication => {
            doc.insert("apiVersion".into(), Json::from("core.oam.dev/v1beta1"));
            doc.insert("kind".into(), Json::from("Application"));
        }
        Root::Hkube | Root::KubevelaSidecar | Root::Calyptia => {}
    }
    let mut doc = Json::Object(doc);
    let parents = &segments[..segments.len() - 1];
    let mut node = &mut doc;
    for (i, seg) in parents.iter().enumerate() {
        let fresh = match segments.get(i + 1) {
            Some(Segment::Index(_)) => Json::Array(Vec::new()),
            _ => Json::Object(Map::new()),
        };
        node = match seg {
            Segment::Key(k) => node.as_object_mut()?.entry(k.as_str()).or_insert(fresh),
            Segment::Index(_) => {
                let list = node.as_array_mut()?;
                list.push(fresh);
                list.last_mut()?
            }
        };
        let in_traits = i > 0 && matches!(&parents[i - 1], Segment::Key(k) if k == "traits");
        if *root == Root::KubevelaApplication
            && in_traits
            && let Some(object) = node.as_object_mut()
        {
            object.insert("type".into(), Json::from("sidecar"));
        }
    }
    serde_json::to_string_pretty(&doc).ok()
}

impl Explanation {
    /// The explanation as text, in the manner of `kubectl explain`.
    pub fn text(&self) -> String {
        let mut out = format!(
            "RESOURCE:   {}\nDIALECT:    {} (schemas of Kubernetes {})\n",
            self.resource,
            self.dialect.title(),
            self.kubernetes_version
        );
        if let Some(field) = &self.field {
            out.push_str(&format!("FIELD:      {field} <{}>\n", self.type_label));
            out.push_str(&format!("PATH:       {}\n", self.field_path));
            let mut flags = vec![if self.required == Some(true) {
                "required"
            } else {
                "optional"
            }];
            if self.deprecated {
                flags.push("deprecated");
            }
            out.push_str(&format!("REQUIRED:   {}\n", flags.join(", ")));
        } else {
            out.push_str(&format!("TYPE:       <{}>\n", self.type_label));
        }
        if let Some(default) = &self.default {
            out.push_str("\nDEFAULT:\n");
            match default.strip_prefix('\n') {
                Some(list) => {
                    for line in list.lines() {
                        out.push_str(&format!("    {}\n", plain(line)));
                    }
                }
                None => out.push_str(&wrap(&plain(default), 4)),
            }
        }
        if !self.allowed_values.is_empty() {
            out.push_str("\nALLOWED VALUES:\n");
            out.push_str(&wrap(&self.allowed_values.join(", "), 4));
        }
        if let Some(description) = &self.description {
            out.push_str("\nDESCRIPTION:\n");
            out.push_str(&wrap(description, 4));
        }
        if !self.notes.is_empty() {
            out.push_str("\nPLATFORM:\n");
            for (i, note) in self.notes.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&wrap(&plain(note), 4));
            }
        }
        if !self.fields.is_empty() {
            out.push_str("\nFIELDS:\n");
            write_fields(&mut out, &self.fields, 1);
        }
        out
    }

    /// The explanation as pretty-printed JSON.
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        text.push('\n');
        text
    }
}

fn write_fields(out: &mut String, fields: &[FieldSummary], level: usize) {
    let indent = "  ".repeat(level);
    for f in fields {
        let required = if f.required { " -required-" } else { "" };
        out.push_str(&format!(
            "{indent}{}\t<{}>{required}\n",
            f.name, f.type_label
        ));
        if let Some(summary) = &f.summary {
            out.push_str(&wrap(summary, level * 2 + 2));
        }
        write_fields(out, &f.fields, level + 1);
    }
}

/// Markdown emphasis dropped for a terminal (backticks stay: they mark values).
fn plain(markdown: &str) -> String {
    markdown.replace("**", "")
}

/// `text` wrapped at 100 columns, each line indented by `indent` spaces; blank lines between
/// paragraphs are kept.
fn wrap(text: &str, indent: usize) -> String {
    const WIDTH: usize = 100;
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && indent + line.chars().count() + 1 + word.chars().count() > WIDTH
            {
                out.push_str(&format!("{pad}{line}\n"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("{pad}{line}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(path: &str) -> Explanation {
        explain(path, &Settings::default(), false).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn err(path: &str) -> String {
        explain(path, &Settings::default(), false)
            .expect_err(path)
            .message
    }

    fn names(fields: &[FieldSummary]) -> Vec<&str> {
        fields.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn hkube_sidecar_resources_with_the_platform_defaults() {
        let e = ok("hkube.sideCars.container.resources");
        assert_eq!(e.dialect, Dialect::Hkube);
        assert_eq!(e.field_path, "sideCars[].container.resources");
        assert_eq!(e.type_label, "ResourceRequirements");
        assert_eq!(e.required, Some(false));
        let default = e.default.as_deref().unwrap();
        assert!(
            default.contains("`requests.cpu`: `0.1` (HKube's default sidecar cpu request)"),
            "{default}"
        );
        assert!(default.contains("`limits.memory`: `256Mi` (HKube: 2 × the request)"));
        assert!(
            e.notes
                .iter()
                .any(|n| n.contains("only `cpu` and `memory`"))
        );
        assert!(names(&e.fields).contains(&"limits"));
    }

    #[test]
    fn hkube_defaults_follow_the_settings() {
        let mut settings = Settings::default();
        settings.hkube.sidecar_memory = "64Mi".into();
        settings.hkube.use_resource_limits = true;
        let e = explain(
            "hkube.sideCars.container.resources.limits.memory",
            &settings,
            false,
        )
        .unwrap();
        assert_eq!(e.type_label, "Quantity");
        assert_eq!(e.default.as_deref(), Some("`64Mi` (HKube: the request)"));
    }

    #[test]
    fn kubevela_sidecar_trait_parameters() {
        let e = ok("kubevela.sidecar.volumes");
        assert_eq!(e.resource, "KubeVela sidecar trait (properties)");
        assert_eq!(e.type_label, "array of VolumeMount");
        assert_eq!(names(&e.fields), ["name", "path"]);
        assert!(e.fields.iter().all(|f| f.required));
        assert!(
            e.notes
                .iter()
                .any(|n| n.contains("(`path` becomes `mountPath`)")),
            "{:?}",
            e.notes
        );
        assert!(
            !e.notes
                .iter()
                .any(|n| n.contains("Volumes of this component"))
        );
        let probe = ok("kubevela.sidecar.livenessProbe.periodSeconds");
        assert_eq!(
            probe.default.as_deref(),
            Some("`10` (KubeVela writes it into the rendered probe when left out)")
        );
    }

    #[test]
    fn kubevela_application_path_reaches_the_trait() {
        let e = ok("kubevela.spec.components.traits.properties.image");
        assert_eq!(e.field_path, "spec.components[].traits[].properties.image");
        assert_eq!(e.type_label, "string");
        assert_eq!(e.required, Some(true));
        let root = ok("kubevela");
        assert!(root.field.is_none());
        assert!(names(&root.fields).contains(&"spec"));
    }

    #[test]
    fn kubernetes_native_sidecar_restart_policy() {
        let e = ok("pod.spec.initContainers.restartPolicy");
        assert_eq!(e.resource, "Pod (v1)");
        assert_eq!(e.path, "pod.spec.initContainers.restartPolicy");
        assert_eq!(e.field_path, "spec.initContainers[].restartPolicy");
        assert!(e.notes.iter().any(|n| n.contains("**Native sidecar:**")));
        assert!(e.description.is_some());
    }

    #[test]
    fn deployment_image_and_pull_policy() {
        let e = ok("deployment.spec.template.spec.containers.image");
        assert_eq!(e.resource, "Deployment (apps/v1)");
        assert_eq!(e.type_label, "string");
        assert_eq!(
            e.required,
            Some(false),
            "required only by the API's validation"
        );
        let policy = ok("Deployment.spec.template.spec.containers.imagePullPolicy");
        assert_eq!(policy.allowed_values, ["Always", "IfNotPresent", "Never"]);
        assert!(
            policy
                .default
                .as_deref()
                .unwrap()
                .starts_with("`Always` for the `latest` tag or no tag")
        );
    }

    #[test]
    fn calyptia_ports_and_the_list_items_fields() {
        let e = ok("calyptia.ports");
        assert_eq!(e.dialect, Dialect::Calyptia);
        assert!(e.type_label.starts_with("array of"), "{}", e.type_label);
        assert!(names(&e.fields).contains(&"containerPort"));
        let policy = ok("calyptia.imagePullPolicy");
        assert!(
            policy
                .default
                .as_deref()
                .unwrap()
                .contains("the Calyptia operator's default")
        );
    }

    #[test]
    fn kinds_with_api_groups_and_list_indexes() {
        let e = ok("networking.k8s.io/v1/Ingress.spec.rules");
        assert_eq!(e.resource, "Ingress (networking.k8s.io/v1)");
        let indexed = ok("pod.spec.containers[0].ports[].containerPort");
        assert_eq!(
            indexed.field_path,
            "spec.containers[].ports[].containerPort"
        );
        assert_eq!(indexed.required, Some(true));
    }

    #[test]
    fn unknown_paths_suggest_the_closest_name() {
        assert_eq!(
            err("pod.spec.containers.imagee"),
            "field `imagee` does not exist in `pod.spec.containers` (did you mean `image`?); its fields: args, command, env, envFrom, image, imagePullPolicy, lifecycle, livenessProbe, name, ports, readinessProbe, resizePolicy, resources, restartPolicy, restartPolicyRules, securityContext, startupProbe, stdin, stdinOnce, terminationMessagePath, terminationMessagePolicy, tty, volumeDevices, volumeMounts, workingDir"
        );
        assert!(err("hkub.sideCars").contains("(did you mean `hkube`?)"));
        assert!(err("deploymnt.spec").contains("(did you mean `deployment`?)"));
        assert!(err("calyptia.image.foo").contains("`calyptia.image` has no fields"));
        assert!(err("pod..spec").contains("empty segment"));
        assert!(err("").contains("nothing to explain"));
    }

    #[test]
    fn odd_paths_are_errors_not_panics() {
        for path in [
            ".",
            "/",
            "//",
            "pod.",
            ".spec",
            "a/b/c",
            "é.ü",
            "hkube.[0]",
            "kubevela.sidecar.",
            "pod.metadata.labels.app.x",
            "hkube.sideCars.environments.A.B",
        ] {
            assert!(explain(path, &Settings::default(), true).is_err(), "{path}");
        }
        // Map values are described by the map's value schema.
        let label = ok("pod.metadata.labels.app");
        assert_eq!(label.type_label, "string");
    }

    #[test]
    fn kube_version_selects_the_schema() {
        let old = Settings {
            kube_version: KubeVersion::new(33),
            ..Settings::default()
        };
        assert!(explain("pod.spec.containers.restartPolicyRules", &old, false).is_err());
        assert!(
            explain(
                "pod.spec.containers.restartPolicyRules",
                &Settings::default(),
                false
            )
            .is_ok()
        );
    }

    #[test]
    fn recursive_lists_nested_fields_without_summaries() {
        let e = explain(
            "pod.spec.containers.livenessProbe",
            &Settings::default(),
            true,
        )
        .unwrap();
        let http = e.fields.iter().find(|f| f.name == "httpGet").unwrap();
        assert!(names(&http.fields).contains(&"port"));
        assert!(http.summary.is_none());
        // The whole pod spec lists, bounded, without repeating itself forever.
        let pod = explain("pod", &Settings::default(), true).unwrap();
        assert!(pod.text().lines().count() > 500);
    }

    #[test]
    fn text_reads_like_kubectl_explain() {
        let text = ok("pod.spec.initContainers.restartPolicy").text();
        assert!(text.starts_with(
            "RESOURCE:   Pod (v1)\nDIALECT:    Kubernetes (schemas of Kubernetes 1.37)\nFIELD:      restartPolicy <string>\nPATH:       spec.initContainers[].restartPolicy\nREQUIRED:   optional\n"
        ), "{text}");
        assert!(text.contains("\nPLATFORM:\n    Native sidecar: `restartPolicy: Always`"));
        let fields = ok("hkube.sideCars").text();
        assert!(
            fields.contains("\nFIELDS:\n  container\t<Container>\n    The sidecar container: "),
            "{fields}"
        );
        let required = ok("kubevela.sidecar").text();
        assert!(
            required.contains("\n  image\t<string> -required-\n"),
            "{required}"
        );
    }

    #[test]
    fn json_has_the_documented_keys() {
        let json: Json = serde_json::from_str(&ok("calyptia.ports").json()).unwrap();
        for key in [
            "resource",
            "dialect",
            "kubernetesVersion",
            "path",
            "fieldPath",
            "field",
            "type",
            "required",
            "deprecated",
            "default",
            "allowedValues",
            "description",
            "notes",
            "fields",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        assert_eq!(json["dialect"], "calyptia");
    }
}
