//! Generates the JSON Schemas committed under `schemas/` and checks them for drift.
//!
//! One Kubernetes version is compiled in per build (Cargo features `v1_33` … `v1_37`, default
//! `v1_37`). For that version this crate produces `kubernetes/v1.XX/`: every definition
//! reachable from the listed kinds in `_definitions.json`, one small file per kind that
//! `$ref`s into it, and `index.json`. The dialect schemas (HKube, KubeVela, Calyptia) are
//! produced by the `v1_37` build only.
//!
//! Every Kubernetes definition is tightened for linting (see [`tighten`]). All output is
//! pretty-printed with sorted keys and a trailing newline, so it is byte-for-byte deterministic.

pub mod dialects;
pub mod enums;
pub mod kinds;
pub mod tighten;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use k8s_openapi::schemars::SchemaGenerator;
use serde_json::{Map, Value, json};

/// The JSON Schema dialect of every generated file.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// The Kubernetes minor version compiled into this build, e.g. `"1.37"`.
pub const KUBE_VERSION: &str = if cfg!(feature = "v1_37") {
    "1.37"
} else if cfg!(feature = "v1_36") {
    "1.36"
} else if cfg!(feature = "v1_35") {
    "1.35"
} else if cfg!(feature = "v1_34") {
    "1.34"
} else {
    "1.33"
};

const ENABLED_VERSION_FEATURES: u32 = cfg!(feature = "v1_33") as u32
    + cfg!(feature = "v1_34") as u32
    + cfg!(feature = "v1_35") as u32
    + cfg!(feature = "v1_36") as u32
    + cfg!(feature = "v1_37") as u32;
const _: () = assert!(
    ENABLED_VERSION_FEATURES == 1,
    "enable exactly one of the features v1_33, v1_34, v1_35, v1_36, v1_37"
);

/// The Kubernetes version whose build also writes the dialect schemas.
pub const DIALECT_KUBE_VERSION: &str = "1.37";

/// Whether this build writes the dialect schemas (only the [`DIALECT_KUBE_VERSION`] build does).
pub const WRITES_DIALECTS: bool = cfg!(feature = "v1_37");

/// One generated file: its path relative to `schemas/` (always `/`-separated) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaFile {
    /// Path relative to the `schemas/` directory, e.g. `kubernetes/v1.37/pod-v1.json`.
    pub path: String,
    /// Complete file contents (pretty JSON, sorted keys, trailing newline).
    pub contents: String,
}

impl SchemaFile {
    fn json(path: impl Into<String>, value: &Value) -> Self {
        Self {
            path: path.into(),
            contents: render(value),
        }
    }
}

/// The directory of this build's Kubernetes schemas, relative to `schemas/`: `kubernetes/v1.XX`.
pub fn kubernetes_dir() -> String {
    format!("kubernetes/v{KUBE_VERSION}")
}

/// The `schemas/` directory of the source tree this crate was built from.
pub fn default_schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lives in schemas/gen")
        .to_path_buf()
}

/// Renders a JSON value the way every committed schema is written: 2-space indent, object keys
/// sorted (whatever serde_json's map type), trailing newline.
pub fn render(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(&sorted(value)).expect("JSON values serialize");
    text.push('\n');
    text
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|key| (key.clone(), sorted(&map[key])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// A schema generator with the settings every file uses (draft 2020-12, refs to `#/$defs/…`).
pub(crate) fn new_generator() -> SchemaGenerator {
    SchemaGenerator::default()
}

/// Every tightened definition reachable from [`kinds::kinds`], keyed by k8s-openapi's name
/// (e.g. `io.k8s.api.apps.v1.Deployment`). Kind definitions carry
/// `x-kubernetes-group-version-kind`.
pub fn kubernetes_definitions() -> Map<String, Value> {
    let kinds = kinds::kinds();
    let mut generator = new_generator();
    for kind in &kinds {
        kind.add_to(&mut generator);
    }
    let mut definitions = generator.take_definitions(true);
    tighten::tighten_definitions(&mut definitions)
        .unwrap_or_else(|error| panic!("tightening the Kubernetes {KUBE_VERSION} schema: {error}"));
    for kind in &kinds {
        let definition = definitions
            .get_mut(&kind.definition)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("no definition {} for {}", kind.definition, kind.kind));
        definition
            .entry("x-kubernetes-group-version-kind")
            .or_insert_with(
                || json!([{"group": kind.group, "version": kind.version, "kind": kind.kind}]),
            );
    }
    definitions
}

/// The files of `kubernetes/v1.XX/` for the compiled-in version: `_definitions.json`, one file
/// per kind and `index.json`.
pub fn kubernetes_files() -> Vec<SchemaFile> {
    let dir = kubernetes_dir();
    let kinds = kinds::kinds();
    let definitions = kubernetes_definitions();
    let mut files = vec![SchemaFile::json(
        format!("{dir}/_definitions.json"),
        &json!({"$schema": DRAFT_2020_12, "$defs": definitions}),
    )];
    let mut index_kinds = Vec::new();
    for kind in &kinds {
        let file = kind.file_name();
        files.push(SchemaFile::json(
            format!("{dir}/{file}"),
            &json!({
                "$schema": DRAFT_2020_12,
                "title": format!("{} ({}), Kubernetes {KUBE_VERSION}", kind.kind, kind.api_version),
                "$ref": format!("_definitions.json#/$defs/{}", kind.definition),
            }),
        ));
        index_kinds.push(json!({
            "apiVersion": kind.api_version,
            "kind": kind.kind,
            "definition": kind.definition,
            "file": file,
        }));
    }
    files.push(SchemaFile::json(
        format!("{dir}/index.json"),
        &json!({
            "kubernetesVersion": KUBE_VERSION,
            "kinds": index_kinds,
            "groups": kinds::groups(),
        }),
    ));
    files
}

/// The dialect schemas (`hkube-algorithm.json`, `kubevela-sidecar-trait.json`,
/// `calyptia-sidecar.json`), built from the compiled-in Kubernetes version. The committed ones
/// come from the [`DIALECT_KUBE_VERSION`] build.
pub fn dialect_files() -> Vec<SchemaFile> {
    dialects::all()
        .into_iter()
        .map(|(name, schema)| SchemaFile::json(name, &schema))
        .collect()
}

/// Everything this build owns: [`kubernetes_files`], plus [`dialect_files`] when
/// [`WRITES_DIALECTS`].
pub fn generate() -> Vec<SchemaFile> {
    let mut files = kubernetes_files();
    if WRITES_DIALECTS {
        files.extend(dialect_files());
    }
    files
}

/// Writes `files` under `root` (normally [`default_schemas_dir`]), creating directories, and
/// removes stale `*.json` files from this build's Kubernetes directory.
pub fn write_files(root: &Path, files: &[SchemaFile]) -> std::io::Result<()> {
    for file in files {
        let path = root.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &file.contents)?;
    }
    for stale in stale_files(root, files)? {
        std::fs::remove_file(root.join(stale))?;
    }
    Ok(())
}

/// `*.json` files in this build's Kubernetes directory under `root` that `files` does not
/// contain (paths relative to `root`).
pub fn stale_files(root: &Path, files: &[SchemaFile]) -> std::io::Result<Vec<String>> {
    let dir = kubernetes_dir();
    let mut stale = Vec::new();
    let entries = match std::fs::read_dir(root.join(&dir)) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(stale),
        Err(error) => return Err(error),
    };
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let path = format!("{dir}/{name}");
        if name.ends_with(".json") && !files.iter().any(|file| file.path == path) {
            stale.push(path);
        }
    }
    stale.sort();
    Ok(stale)
}

/// Compares `files` with what is on disk under `root`. Returns one line per difference
/// (missing, different or stale file); empty when everything matches.
pub fn check_files(root: &Path, files: &[SchemaFile]) -> std::io::Result<Vec<String>> {
    let mut problems = Vec::new();
    for file in files {
        match std::fs::read_to_string(root.join(&file.path)) {
            Ok(text) if text == file.contents => {}
            Ok(text) => problems.push(format!(
                "{}: differs from the generated schema{}",
                file.path,
                first_difference(&text, &file.contents)
            )),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                problems.push(format!("{}: missing", file.path));
            }
            Err(error) => return Err(error),
        }
    }
    for stale in stale_files(root, files)? {
        problems.push(format!("{stale}: not generated any more (stale)"));
    }
    Ok(problems)
}

fn first_difference(on_disk: &str, generated: &str) -> String {
    let mut out = String::new();
    for (number, (old, new)) in on_disk.lines().zip(generated.lines()).enumerate() {
        if old != new {
            let _ = write!(
                out,
                " (first at line {}: committed `{}`, generated `{}`)",
                number + 1,
                old.trim(),
                new.trim()
            );
            return out;
        }
    }
    let _ = write!(
        out,
        " (committed has {} lines, generated {})",
        on_disk.lines().count(),
        generated.lines().count()
    );
    out
}

/// How to bring the committed schemas up to date; printed by `--check` and the drift test.
pub const REGENERATE_HINT: &str = "regenerate with `UPDATE_SCHEMAS=1 cargo test -p sidecar-schema-gen` \
     (this version only) or `bash schemas/generate.sh` (all versions)";
