//! Hover: what a key or value is (path, type, whether required, default, description), what the
//! platform does with it, and the rules behind the diagnostics under the cursor.
//!
//! Defaults are the ones the platform applies, not only the schema's: Kubernetes' defaulting
//! (kubernetes-rules.md §4, §5, §6, §8), HKube's sidecar resources (hkube.md §2.6, with the
//! settings' `[hkube]` values), KubeVela's probe defaults (kubevela.md §1.3, §2.2) and Calyptia's
//! operator defaults (calyptia.md §3.3).

use crate::analysis::Analysis;
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Dialect};
use crate::dialect::hkube::{self, EffectiveValue};
use crate::ide::cursor::cursor_at;
use crate::ide::model_at;
use crate::ide::schema_lookup::{self, SchemaLookup};
use crate::k8s::image::default_pull_policy;
use crate::model::KUBEVELA_TRAIT_PROPERTIES;
use crate::rules::registry;
use crate::syntax::{NodeId, Segment, Tree, Value, field_path};
use crate::text::Span;

/// A hover answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The text, as markdown.
    pub markdown: String,
    /// The range it describes (the key, the value, or the diagnostic).
    pub span: Span,
}

/// The hover at byte `offset` of `text`, given its analysis.
pub fn hover(analysis: &Analysis, text: &str, offset: usize, settings: &Settings) -> Option<Hover> {
    let offset = crate::text::floor_char_boundary(text, offset.min(text.len()));
    let target = locate(analysis, text, offset);
    // Under the cursor, or on the key or value it hovers (a cursor right after a key).
    let diagnostics: Vec<&Diagnostic> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.span.contains(offset) || target.as_ref().is_some_and(|t| t.span == d.span))
        .collect();
    let field = target
        .as_ref()
        .and_then(|t| field_markdown(analysis, text, settings, t));
    let mut sections: Vec<String> = field.into_iter().collect();
    sections.extend(diagnostics.iter().map(|d| rule_markdown(d)));
    if sections.is_empty() {
        return None;
    }
    let span = match (&target, diagnostics.first()) {
        (Some(t), _) if sections.len() > diagnostics.len() => t.span,
        (_, Some(d)) => d.span,
        (Some(t), None) => t.span,
        (None, None) => return None,
    };
    Some(Hover {
        markdown: sections.join("\n\n---\n\n"),
        span,
    })
}

/// What the cursor is on.
#[derive(Clone, Debug)]
struct Target {
    document: usize,
    /// The path of the field (for a value: of the field holding it).
    segments: Vec<Segment>,
    /// The key or the value under the cursor.
    span: Span,
}

/// The key or scalar under the cursor, from the tree, else (in a region a syntax error cut
/// short) from the cursor path and the word under the cursor.
fn locate(analysis: &Analysis, text: &str, offset: usize) -> Option<Target> {
    let tree = &analysis.syntax.tree;
    let document = analysis
        .syntax
        .documents
        .iter()
        .rposition(|d| (d.span.start as usize) <= offset)
        .unwrap_or(0);
    if let Some(root) = analysis.syntax.documents.get(document).and_then(|d| d.root)
        && let Some((segments, span)) = descend(tree, root, offset)
    {
        return Some(Target {
            document,
            segments,
            span,
        });
    }
    let cursor = cursor_at(analysis, text, offset);
    let mut segments = cursor.path.segments;
    let span = if cursor.path.in_key {
        let word = word_around(text, offset)?;
        segments.push(Segment::Key(text[word.range()].to_string()));
        word
    } else {
        cursor.path.replace
    };
    (!span.is_empty()).then_some(Target {
        document: cursor.path.document,
        segments,
        span,
    })
}

/// Walk down to the key or scalar holding `offset`.
fn descend(tree: &Tree, root: NodeId, offset: usize) -> Option<(Vec<Segment>, Span)> {
    let mut segments = Vec::new();
    let mut node = root;
    loop {
        match tree.value(node) {
            Value::Object(entries) => {
                if let Some(e) = entries.iter().find(|e| e.key_span.touches(offset)) {
                    segments.push(Segment::Key(e.key.to_string()));
                    return Some((segments, e.key_span));
                }
                let e = entries
                    .iter()
                    .find(|e| tree.span(e.value).contains(offset))?;
                segments.push(Segment::Key(e.key.to_string()));
                node = e.value;
            }
            Value::Array(items) => {
                let i = items.iter().position(|&i| tree.span(i).contains(offset))?;
                segments.push(Segment::Index(i));
                node = items[i];
            }
            _ => {
                let span = tree.span(node);
                return (!span.is_empty()).then_some((segments, span));
            }
        }
    }
}

/// The word (key characters) around `offset`.
fn word_around(text: &str, offset: usize) -> Option<Span> {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '$');
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start < end).then(|| Span::new(start, end))
}

/// The rule behind a diagnostic: code, name, severity, summary and its documentation.
fn rule_markdown(d: &Diagnostic) -> String {
    match registry::find(d.code) {
        Some(meta) => format!(
            "**{}** `{}` ({}): {} [Rule documentation]({})",
            meta.code,
            meta.name,
            d.severity,
            meta.summary,
            registry::doc_url(meta)
        ),
        None => format!("**{}** ({})", d.code, d.severity),
    }
}

/// What hover knows about one place.
struct Place<'a> {
    analysis: &'a Analysis,
    settings: &'a Settings,
    tree: &'a Tree,
    root: Option<NodeId>,
    document: usize,
    /// The full path from the document root.
    segments: &'a [Segment],
    /// The path from the object root (inside a `List` item: from the item).
    relative: &'a [Segment],
    lookup: Option<SchemaLookup>,
    dialect: Option<Dialect>,
    /// The document is a KubeVela Application (not a file of trait parameters).
    kubevela_application: bool,
    /// Notes may mention what this document declares (not for a made-up document).
    about_this_document: bool,
}

impl Place<'_> {
    fn key(&self) -> Option<&str> {
        match self.segments.last() {
            Some(Segment::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// The definition (short name) of the object holding the field.
    fn parent_definition(&self) -> Option<&'static str> {
        self.lookup.as_ref()?.parent.as_ref()?.definition_short()
    }

    /// The object holding the field, in the tree.
    fn parent_node(&self) -> Option<NodeId> {
        let (_, parent) = self.segments.split_last()?;
        self.tree.resolve(self.root?, parent)
    }

    /// Whether the relative path matches `pattern`, where `"*"` matches any index.
    fn matches(&self, pattern: &[&str]) -> bool {
        self.relative.len() == pattern.len()
            && self.relative.iter().zip(pattern).all(|(s, p)| match s {
                Segment::Key(k) => k == p,
                Segment::Index(_) => *p == "*",
            })
    }

    /// Whether the relative path starts with `pattern`.
    fn starts_with(&self, pattern: &[&str]) -> bool {
        self.relative.len() >= pattern.len()
            && self.relative.iter().zip(pattern).all(|(s, p)| match s {
                Segment::Key(k) => k == p,
                Segment::Index(_) => *p == "*",
            })
    }
}

/// What hover (and `sidecar-lsp explain`) knows about one field: its schema, the default the
/// platform applies and the platform's own behaviour.
#[derive(Clone, Debug)]
pub struct FieldFacts {
    /// The field's path from its object's root (`spec.containers[0].image`).
    pub path: String,
    /// Whether the path ends at a key (not at an array item).
    pub is_key: bool,
    /// The schema at the place, if any describes it.
    pub lookup: Option<SchemaLookup>,
    /// The default, as markdown: the platform's (Kubernetes defaulting, HKube's sidecar
    /// resources, KubeVela's probe defaults, Calyptia's operator) else the schema's. A list of
    /// several defaults starts with a newline.
    pub default: Option<String>,
    /// What the platform does with the field beyond its schema, as markdown paragraphs.
    pub notes: Vec<String>,
}

/// The facts about the field at `segments` (from the root of document `document`), or `None`
/// when neither a schema nor a platform note describes it.
pub fn field_facts(
    analysis: &Analysis,
    text: &str,
    settings: &Settings,
    document: usize,
    segments: &[Segment],
) -> Option<FieldFacts> {
    facts(analysis, text, settings, document, segments, true)
}

/// The facts about a field in general, as [`field_facts`] gives them, but without what only
/// this document says (such as the volumes its component declares): for a document made up to
/// hold the field, as `sidecar-lsp explain` does.
pub fn general_field_facts(
    analysis: &Analysis,
    text: &str,
    settings: &Settings,
    document: usize,
    segments: &[Segment],
) -> Option<FieldFacts> {
    facts(analysis, text, settings, document, segments, false)
}

fn facts(
    analysis: &Analysis,
    text: &str,
    settings: &Settings,
    document: usize,
    segments: &[Segment],
    about_this_document: bool,
) -> Option<FieldFacts> {
    let lookup = schema_lookup::schema_at(analysis, text, document, segments, settings);
    let document_schema = schema_lookup::document_schema(analysis, text, document, settings);
    let dialect = document_schema.as_ref().map(|d| d.dialect);
    let kubevela_application = document_schema
        .as_ref()
        .is_some_and(|d| d.is_kubevela_application());
    let depth = lookup.as_ref().map_or(0, |l| l.object_depth);
    let place = Place {
        analysis,
        settings,
        tree: &analysis.syntax.tree,
        root: analysis.syntax.documents.get(document).and_then(|d| d.root),
        document,
        segments,
        relative: segments.get(depth..).unwrap_or(&[]),
        lookup,
        dialect,
        kubevela_application,
        about_this_document,
    };
    let default = platform_default(&place).or_else(|| {
        let d = place.lookup.as_ref()?.schema.default()?;
        Some(format!("`{d}`"))
    });
    let notes = platform_notes(&place);
    if place.lookup.is_none() && notes.is_empty() {
        return None;
    }
    Some(FieldFacts {
        path: field_path(place.relative),
        is_key: matches!(segments.last(), Some(Segment::Key(_))),
        lookup: place.lookup,
        default,
        notes,
    })
}

/// The field section of the hover, or `None` when the place is not described anywhere.
fn field_markdown(
    analysis: &Analysis,
    text: &str,
    settings: &Settings,
    target: &Target,
) -> Option<String> {
    let facts = field_facts(analysis, text, settings, target.document, &target.segments)?;
    let lookup = facts.lookup.as_ref();
    let mut out = format!("**`{}`**", facts.path);
    if let Some(l) = lookup {
        out.push_str(&format!(": `{}`", l.schema.type_label()));
        if facts.is_key {
            out.push_str(if l.required {
                ", required"
            } else {
                ", optional"
            });
        }
        if l.schema.is_deprecated() {
            out.push_str(", deprecated");
        }
    }
    match &facts.default {
        Some(d) if d.starts_with('\n') => out.push_str(&format!("\n\nDefaults:{d}")),
        Some(d) => out.push_str(&format!("\n\nDefault: {d}")),
        None => {}
    }
    if let Some(description) = lookup.and_then(|l| l.schema.description()) {
        out.push_str("\n\n");
        out.push_str(description);
    }
    if let Some(values) = lookup.and_then(|l| l.schema.allowed_values_markdown()) {
        out.push_str("\n\n");
        out.push_str(&values);
    }
    for note in &facts.notes {
        out.push_str("\n\n");
        out.push_str(note);
    }
    Some(out)
}

/// Kubernetes' defaulting of fields left out, by the definition holding them
/// (kubernetes-rules.md §4 ports, §5 probes, §6 ConfigMap volumes, §8 containers). The
/// Calyptia schema's own `Probe`, `HTTPGetAction` and `ContainerPort` become the same Kubernetes
/// objects (calyptia.md §7).
const KUBERNETES_DEFAULTS: &[(&str, &str, &str)] = &[
    ("Probe", "initialDelaySeconds", "`0`"),
    (
        "Probe",
        "timeoutSeconds",
        "`1` (an explicit `0` becomes 1 too)",
    ),
    (
        "Probe",
        "periodSeconds",
        "`10` (an explicit `0` becomes 10 too)",
    ),
    (
        "Probe",
        "successThreshold",
        "`1` (an explicit `0` becomes 1 too)",
    ),
    (
        "Probe",
        "failureThreshold",
        "`3` (an explicit `0` becomes 3 too)",
    ),
    ("HTTPGetAction", "path", "`/`"),
    ("HTTPGetAction", "scheme", "`HTTP`"),
    ("ContainerPort", "protocol", "`TCP`"),
    (
        "Container",
        "terminationMessagePath",
        "`/dev/termination-log`",
    ),
    ("Container", "terminationMessagePolicy", "`File`"),
    (
        "ConfigMapVolumeSource",
        "defaultMode",
        "`0644` (420 in decimal)",
    ),
];

/// The default the platform applies to the field, as markdown.
fn platform_default(place: &Place) -> Option<String> {
    let key = place.key()?;
    let parent = place.parent_definition();
    let dialect = place.dialect?;

    // HKube fills in a sidecar's cpu and memory (hkube.md §2.6).
    if dialect == Dialect::Hkube
        && let Some(text) = hkube_resource_default(place)
    {
        return Some(text);
    }
    // The pull policy from the image tag (kubernetes-rules.md §8); Calyptia's operator sets its
    // own (calyptia.md §3.3).
    if key == "imagePullPolicy" {
        let image = place
            .parent_node()
            .and_then(|c| place.tree.get_str(c, "image"));
        if dialect == Dialect::Calyptia && place.relative.len() == 1 {
            let kubernetes = image.map_or(String::new(), |i| {
                format!(
                    "; Kubernetes alone would choose `{}` for `{i}`",
                    default_pull_policy(i)
                )
            });
            return Some(format!(
                "`IfNotPresent` (the Calyptia operator's default, whatever the tag{kubernetes})"
            ));
        }
        if parent == Some("Container") {
            return Some(match image {
                Some(i) => format!(
                    "`{}` (Kubernetes derives it from the image `{i}`: `Always` for the `latest` tag or no tag, else `IfNotPresent`)",
                    default_pull_policy(i)
                ),
                None => "`Always` for the `latest` tag or no tag, else `IfNotPresent` (Kubernetes derives it from the image)".into(),
            });
        }
    }
    // KubeVela writes the trait's probe defaults into the rendered probe (kubevela.md §2.2).
    if dialect == Dialect::Kubevela && parent == Some("HealthProbe") {
        let default = place.lookup.as_ref()?.schema.default()?;
        return Some(format!(
            "`{default}` (KubeVela writes it into the rendered probe when left out)"
        ));
    }
    let parent = parent?;
    KUBERNETES_DEFAULTS
        .iter()
        .find(|(def, field, _)| *def == parent && *field == key)
        .map(|(_, _, text)| format!("{text}, set by Kubernetes"))
}

/// HKube's default for a field of a sidecar's `resources`, or the whole computed set on
/// `resources`, `requests` or `limits`.
fn hkube_resource_default(place: &Place) -> Option<String> {
    let at = place
        .relative
        .iter()
        .position(|s| matches!(s, Segment::Key(k) if k == "resources"))?;
    if !place.starts_with(&["sideCars", "*", "container", "resources"]) || at != 3 {
        return None;
    }
    let container = place.tree.resolve(place.root?, &place.relative[..3])?;
    let effective = hkube::effective_resources(place.tree, container, &place.settings.hkube);
    let factor = if place.settings.hkube.use_resource_limits {
        "the request"
    } else {
        "2 × the request"
    };
    let describe = |section: &str, value: &Option<EffectiveValue>, resource: &str| -> String {
        match value {
            Some(v) if v.node.is_some() => format!("`{}` (as written)", v.text),
            Some(v) if section == "requests" => {
                format!("`{}` (HKube's default sidecar {resource} request)", v.text)
            }
            Some(v) => format!("`{}` (HKube: {factor})", v.text),
            None => {
                "none: HKube cannot compute a CPU limit from a request that is not a plain number"
                    .to_string()
            }
        }
    };
    let rows = [
        ("requests", "cpu", &effective.request_cpu),
        ("requests", "memory", &effective.request_memory),
        ("limits", "cpu", &effective.limit_cpu),
        ("limits", "memory", &effective.limit_memory),
    ];
    let tail: Vec<&str> = place.relative[4..]
        .iter()
        .filter_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
        .collect();
    match tail.as_slice() {
        [section, resource] => rows
            .iter()
            .find(|(s, r, _)| s == section && r == resource)
            .map(|(s, r, v)| describe(s, v, r)),
        [section] => Some(
            rows.iter()
                .filter(|(s, _, _)| s == section)
                .map(|(s, r, v)| format!("\n- `{r}`: {}", describe(s, v, r)))
                .collect(),
        ),
        [] => Some(
            rows.iter()
                .map(|(s, r, v)| format!("\n- `{s}.{r}`: {}", describe(s, v, r)))
                .collect(),
        ),
        _ => None,
    }
}

/// What the platform does with the field, beyond its schema.
fn platform_notes(place: &Place) -> Vec<String> {
    let mut notes = Vec::new();
    let Some(dialect) = place.dialect else {
        return notes;
    };
    let key = place.key();
    match dialect {
        Dialect::Hkube => {
            // hkube.md §2.4.
            if place.matches(&["sideCars", "*", "environments"])
                || place.starts_with(&["sideCars", "*", "environments"])
                    && place.relative.len() == 4
            {
                notes.push("**HKube:** each entry becomes an `env` variable of this sidecar, in map order, replacing a `container.env` entry of the same name. Strings, numbers and booleans become its `value` as strings (`5` → `\"5\"`, `true` → `\"true\"`); an object becomes its `valueFrom`, unchecked; `null` removes an existing entry of that name.".into());
            }
            // hkube.md §2.5.
            if place.matches(&["sideCars", "*", "volumeMounts"]) {
                notes.push("**HKube:** added to this sidecar's container only, replacing a `container.volumeMounts` entry of the same name. Each name must be a pod volume, e.g. one of the algorithm's `volumes`; HKube mounts none of its own volumes into sidecars.".into());
            }
            if place.matches(&["volumeMounts"]) {
                notes.push("**HKube:** these mounts go to the `algorunner` container only, not to the sidecars; to share a volume, mount it in `sideCars[].volumeMounts` too.".into());
            }
            // hkube.md §1.4, §2.10.
            if place.matches(&["sideCars", "*", "container", "name"]) {
                notes.push("**HKube:** must be unique across `sideCars` (the api-server rejects duplicates) and must not be `worker` or `algorunner`, HKube's own containers in the same pod.".into());
            }
            // hkube.md §2.6.
            if place.matches(&["sideCars", "*", "container", "resources"]) {
                notes.push("**HKube:** only `cpu` and `memory` reach the pod; other resources (GPUs, `ephemeral-storage`…) are dropped.".into());
            }
        }
        Dialect::Kubevela => {
            // The path inside a sidecar trait's properties.
            let inside = if place.kubevela_application {
                let trait_path = ["spec", "components", "*", "traits", "*", "properties"];
                let sidecar = place.starts_with(&trait_path)
                    && schema_lookup::is_sidecar_trait(
                        place.tree,
                        place.root,
                        &place.relative[..5],
                    );
                sidecar.then(|| &place.relative[6..])
            } else {
                Some(place.relative)
            };
            match inside {
                // kubevela.md §2.2.
                Some([Segment::Key(k)]) if k == "volumes" => {
                    let mut note = "**KubeVela:** the trait only adds `volumeMounts` to the sidecar (`path` becomes `mountPath`); it adds no pod volume, so each `name` must be a volume the component or another trait declares.".to_string();
                    if place.about_this_document
                        && let Some(names) = component_volumes(place)
                    {
                        note.push_str(&format!(" Volumes of this component: {names}."));
                    }
                    notes.push(note);
                }
                Some([Segment::Key(k)]) if k == "livenessProbe" || k == "readinessProbe" => {
                    notes.push("**KubeVela:** the rendered probe gets every default written out: `initialDelaySeconds: 0`, `periodSeconds: 10`, `timeoutSeconds: 1`, `successThreshold: 1`, `failureThreshold: 3`.".into());
                }
                // kubevela.md §1.3: the parameter struct is open; unknown keys are dropped.
                Some([Segment::Key(k)]) if !KUBEVELA_TRAIT_PROPERTIES.contains(&k.as_str()) => {
                    notes.push(format!("**KubeVela:** `{k}` is not a parameter of the sidecar trait: KubeVela accepts it and silently drops it."));
                }
                _ => {}
            }
        }
        Dialect::Calyptia => {
            // calyptia.md §4.1.
            if place.matches(&["volumes"]) {
                notes.push("**Calyptia:** sidecars support ConfigMap volumes only, and the ConfigMap must exist in the pipeline's namespace.".into());
            }
        }
        Dialect::Kubernetes => {
            // kubernetes-rules.md §1, §3.
            if key == Some("restartPolicy") && place.parent_definition() == Some("Container") {
                let init = place
                    .relative
                    .iter()
                    .any(|s| matches!(s, Segment::Key(k) if k == "initContainers"));
                notes.push(if init {
                    "**Native sidecar:** `restartPolicy: Always` makes this init container a sidecar: it starts in init order (the next init container starts once it has started, or once its `startupProbe` succeeds), keeps running next to the main containers, and is stopped after them.".into()
                } else if place.settings.gate("ContainerRestartRules") {
                    "Set on a regular container, this needs the `ContainerRestartRules` feature gate.".into()
                } else {
                    "Only init containers may set `restartPolicy` (`Always`, for a native sidecar) unless the `ContainerRestartRules` feature gate is on.".into()
                });
            }
        }
    }
    notes
}

/// The volume names of the KubeVela component around the place, as markdown.
fn component_volumes(place: &Place) -> Option<String> {
    let root = place.root?;
    let (node, _) = model_at::deepest(place.tree, root, place.segments);
    let (_, workload) = model_at::workload_at(place.analysis, place.document, node)?;
    if workload.volumes.is_empty() {
        return Some("none declared".into());
    }
    Some(
        workload
            .volumes
            .iter()
            .map(|v| format!("`{}`", v.name))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    /// The hover at the `$0` cursor of a fixture, and the text it spans.
    fn at(fixture: &str, path: &str) -> Option<(String, String)> {
        at_with(fixture, path, &Settings::default())
    }

    fn at_with(fixture: &str, path: &str, settings: &Settings) -> Option<(String, String)> {
        let (text, offset) = crate::ide::strip_cursor(fixture);
        let analysis = analyze(&text, Some(path), settings);
        hover(&analysis, &text, offset, settings)
            .map(|h| (h.markdown, text[h.span.range()].to_string()))
    }

    fn markdown(fixture: &str, path: &str) -> String {
        at(fixture, path).expect("a hover").0
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    - name: proxy\n      image: envoyproxy/envoy:v1.31.0\n      restartPolicy: Always\n  containers:\n    - name: app\n      image: nginx:1.27\n";

    #[test]
    fn kubernetes_key_with_its_derived_default() {
        let (md, span) = at(
            &format!("{POD}      imagePull$0Policy: Never\n"),
            "pod.yaml",
        )
        .unwrap();
        assert_eq!(span, "imagePullPolicy");
        assert!(md.starts_with(
            "**`spec.containers[0].imagePullPolicy`**: `string`, optional\n\nDefault: `IfNotPresent` (Kubernetes derives it from the image `nginx:1.27`: `Always` for the `latest` tag or no tag, else `IfNotPresent`)\n\nImage pull policy."
        ), "{md}");
        assert!(md.ends_with("Allowed values: `Always`, `IfNotPresent`, `Never`"));
        let latest = markdown(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx\n      imagePullPolicy: Al$0ways\n",
            "pod.yaml",
        );
        assert!(latest.contains("Default: `Always` (Kubernetes derives it from the image `nginx`"));
    }

    #[test]
    fn a_value_hovers_as_its_field() {
        let (md, span) = at(
            &format!("{POD}      imagePullPolicy: Nev$0er\n"),
            "pod.yaml",
        )
        .unwrap();
        assert_eq!(span, "Never");
        assert!(md.starts_with("**`spec.containers[0].imagePullPolicy`**"));
    }

    #[test]
    fn probe_defaults_from_kubernetes() {
        let md = markdown(
            &format!(
                "{POD}      livenessProbe:\n        httpGet: {{port: 80}}\n        period$0Seconds: 5\n"
            ),
            "pod.yaml",
        );
        assert!(md.starts_with("**`spec.containers[0].livenessProbe.periodSeconds`**: `integer`, optional\n\nDefault: `10` (an explicit `0` becomes 10 too), set by Kubernetes\n\nHow often"), "{md}");
        let path = markdown(
            &format!("{POD}      readinessProbe:\n        httpGet: {{pa$0th: /ready, port: 80}}\n"),
            "pod.yaml",
        );
        assert!(path.contains("Default: `/`, set by Kubernetes"));
    }

    #[test]
    fn native_sidecar_restart_policy() {
        let (md, span) = at(
            &POD.replace("restartPolicy: Always", "restartPol$0icy: Always"),
            "pod.yaml",
        )
        .unwrap();
        assert_eq!(span, "restartPolicy");
        assert!(md.contains(
            "\n\n**Native sidecar:** `restartPolicy: Always` makes this init container a sidecar"
        ));
        let regular = markdown(&format!("{POD}      restartPol$0icy: Always\n"), "pod.yaml");
        assert!(regular.contains("Only init containers may set `restartPolicy`"));
    }

    #[test]
    fn diagnostics_show_their_rule() {
        let (md, span) = at(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      imagePullPolcy$0: Always\n",
            "pod.yaml",
        )
        .unwrap();
        assert_eq!(span, "imagePullPolcy");
        let meta = registry::meta("S101");
        assert!(
            md.contains(&format!(
                "**S101** `unknown-field` (error): {} [Rule documentation]({})",
                meta.summary,
                registry::doc_url(meta)
            )),
            "{md}"
        );
        assert!(
            !md.contains("**`"),
            "no field section for an unknown key: {md}"
        );
    }

    #[test]
    fn field_and_diagnostic_together() {
        let md = markdown(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: Bad_N$0ame\n      image: nginx:1.27\n",
            "pod.yaml",
        );
        assert!(md.starts_with("**`spec.containers[0].name`**: `string`, required\n\n"));
        assert!(md.contains("\n\n---\n\n**K101** `container-name-invalid` (error): "));
    }

    #[test]
    fn hkube_sidecar_resources_follow_the_settings() {
        let text = r#"{"name": "algo", "algorithmImage": "a:1", "sideCars": [{"container": {"name": "c", "image": "r:1", "resou$0rces": {"requests": {"cpu": 0.2}}}}]}"#;
        let md = markdown(text, "algo.json");
        assert!(md.contains("Defaults:\n- `requests.cpu`: `0.2` (as written)\n- `requests.memory`: `128Mi` (HKube's default sidecar memory request)\n- `limits.cpu`: `0.4` (HKube: 2 × the request)\n- `limits.memory`: `256Mi` (HKube: 2 × the request)\n\n"), "{md}");
        assert!(md.ends_with("**HKube:** only `cpu` and `memory` reach the pod; other resources (GPUs, `ephemeral-storage`…) are dropped."));
        let mut settings = Settings::default();
        settings.hkube.use_resource_limits = true;
        settings.hkube.sidecar_memory = "64Mi".into();
        let leaf = r#"{"name": "algo", "sideCars": [{"container": {"name": "c", "image": "r:1", "resources": {"limits": {"mem$0ory": "1Gi"}, "requests": {}}}}]}"#;
        let (md, _) = at_with(leaf, "algo.json", &settings).unwrap();
        assert!(md.contains("Default: `1Gi` (as written)"), "{md}");
        let request = r#"{"name": "algo", "sideCars": [{"container": {"name": "c", "image": "r:1", "resources": {"requests": {"mem$0ory": null}}}}]}"#;
        let (md, _) = at_with(request, "algo.json", &settings).unwrap();
        assert!(
            md.contains("Default: `64Mi` (HKube's default sidecar memory request)"),
            "{md}"
        );
    }

    #[test]
    fn hkube_environments_and_mounts() {
        let env = markdown(
            r#"{"name": "algo", "sideCars": [{"container": {"name": "c", "image": "r:1"}, "environments": {"PO$0RT": 5000}}]}"#,
            "algo.json",
        );
        assert!(env.starts_with("**`sideCars[0].environments.PORT`**"));
        assert!(env.contains("`null` removes an existing entry of that name."));
        let mounts = markdown(
            r#"{"name": "algo", "algorithmImage": "a:1", "volumes": [{"name": "v", "emptyDir": {}}], "volume$0Mounts": [{"name": "v", "mountPath": "/v"}]}"#,
            "algo.json",
        );
        assert!(
            mounts.contains("**HKube:** these mounts go to the `algorunner` container only"),
            "{mounts}"
        );
        let name = markdown(
            r#"{"name": "algo", "sideCars": [{"container": {"na$0me": "c", "image": "r:1"}}]}"#,
            "algo.json",
        );
        assert!(name.contains("must not be `worker` or `algorunner`"));
    }

    const APP: &str = "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: app\nspec:\n  components:\n    - name: order-worker\n      type: worker\n      properties:\n        image: busybox\n        volumeMounts:\n          emptyDir:\n            - name: app-logs\n              mountPath: /var/log\n      traits:\n        - type: sidecar\n          properties:\n            name: log-tailer\n            image: busybox\n";

    #[test]
    fn kubevela_volumes_note_lists_the_component_volumes() {
        let md = markdown(
            &format!(
                "{APP}            vol$0umes:\n              - name: app-logs\n                path: /var/log\n"
            ),
            "app.yaml",
        );
        assert!(md.starts_with("**`spec.components[0].traits[0].properties.volumes`**: `array of VolumeMount`, optional"));
        assert!(md.ends_with("it adds no pod volume, so each `name` must be a volume the component or another trait declares. Volumes of this component: `app-logs`."), "{md}");
    }

    #[test]
    fn kubevela_probe_defaults_and_dropped_keys() {
        let period = markdown(
            &format!(
                "{APP}            readinessProbe:\n              tcpSocket: {{port: 80}}\n              period$0Seconds: 5\n"
            ),
            "app.yaml",
        );
        assert!(
            period.contains(
                "Default: `10` (KubeVela writes it into the rendered probe when left out)"
            ),
            "{period}"
        );
        let ports = markdown(&format!("{APP}            po$0rts: [80]\n"), "app.yaml");
        assert!(ports.starts_with("**`spec.components[0].traits[0].properties.ports`**\n\n**KubeVela:** `ports` is not a parameter of the sidecar trait"), "{ports}");
        let probe = markdown(
            &format!(
                "{APP}            liveness$0Probe:\n              exec: {{command: [cat, /tmp/ok]}}\n"
            ),
            "app.yaml",
        );
        assert!(probe.contains("the rendered probe gets every default written out"));
    }

    #[test]
    fn calyptia_defaults_and_notes() {
        let md = markdown(
            r#"{"name": "proxy", "image": "envoyproxy/envoy:latest", "imagePull$0Policy": "Always"}"#,
            "proxy.json",
        );
        assert!(md.contains("Default: `IfNotPresent` (the Calyptia operator's default, whatever the tag; Kubernetes alone would choose `Always` for `envoyproxy/envoy:latest`)"), "{md}");
        let volumes = markdown(
            r#"{"name": "proxy", "image": "envoy:1", "volu$0mes": [{"name": "c", "configMap": {"name": "c"}}]}"#,
            "proxy.json",
        );
        assert!(volumes.contains("**Calyptia:** sidecars support ConfigMap volumes only"));
        let port = markdown(
            r#"{"name": "proxy", "image": "envoy:1", "ports": [{"containerPort": 80, "proto$0col": "TCP"}]}"#,
            "proxy.json",
        );
        assert!(port.contains("Default: `TCP`, set by Kubernetes"));
    }

    #[test]
    fn half_typed_yaml_still_hovers() {
        let md = markdown(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"oops\nspec:\n  containers:\n    - name: app\n      imagePull$0Policy",
            "pod.yaml",
        );
        assert!(
            md.starts_with("**`spec.containers[0].imagePullPolicy`**: `string`, optional"),
            "{md}"
        );
    }

    #[test]
    fn non_ascii_before_the_cursor() {
        let (md, span) = at(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: wéb # 名前 😀\nspec:\n  containers:\n    - name: app\n      image: \"nginx:1.27\" # ñ\n      tt$0y: true\n",
            "pod.yaml",
        )
        .unwrap();
        assert_eq!(span, "tty");
        assert!(md.starts_with("**`spec.containers[0].tty`**: `boolean`, optional"));
    }

    #[test]
    fn nothing_on_blank_space_or_unknown_documents() {
        assert!(at(&format!("{POD}  $0\n"), "pod.yaml").is_none());
        assert!(at("name: x\nitems: [1, $02]\n", "values.yaml").is_none());
    }

    #[test]
    fn never_panics_at_any_offset() {
        let texts = [
            POD.to_string(),
            format!("{APP}            volumes: [{{name: é😀"),
            "{\"name\": \"algo\", \"sideCars\": [{\"container\": {\"name\": \"é\", \"resources\": {".to_string(),
        ];
        for text in &texts {
            let path = if text.starts_with('{') {
                "a.json"
            } else {
                "a.yaml"
            };
            let settings = Settings::default();
            let analysis = analyze(text, Some(path), &settings);
            for offset in 0..=text.len() + 2 {
                if let Some(h) = hover(&analysis, text, offset, &settings) {
                    assert!(h.span.end as usize <= text.len());
                }
            }
        }
    }
}
