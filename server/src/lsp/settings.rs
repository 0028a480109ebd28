//! Settings in the editor: the client's `sidecarLsp` section (pulled with
//! `workspace/configuration`, or given as initialization options) with each file's
//! `sidecar-lsp.toml` applied on top — the project's file wins, as in `lint`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSetBuilder};
use serde::Deserialize;
use serde_json::Value;

use crate::config::{self, ConfigError, DialectGlobs, Settings};
use crate::diagnostic::{Dialect, KubeVersion};
use crate::rules::registry;

/// The client's settings section name.
pub const SECTION: &str = "sidecarLsp";

/// Options that only matter in the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EditorOptions {
    /// Show effective defaults as inlay hints.
    pub inlay_hints: bool,
    /// Show pod totals and previews as code lenses.
    pub code_lens: bool,
}

impl Default for EditorOptions {
    fn default() -> Self {
        EditorOptions {
            inlay_hints: true,
            code_lens: true,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct EditorSettings {
    #[serde(default)]
    kubernetes: KubernetesSection,
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    dialects: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    hkube: HkubeSection,
    #[serde(default)]
    inlay_hints: Toggle,
    #[serde(default)]
    code_lens: Toggle,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct KubernetesSection {
    version: Option<String>,
    #[serde(default)]
    feature_gates: BTreeMap<String, bool>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct HkubeSection {
    use_resource_limits: Option<bool>,
    sidecar_cpu: Option<f64>,
    sidecar_memory: Option<String>,
}

/// `{"enable": bool}`, or a bare boolean.
#[derive(Deserialize)]
#[serde(from = "ToggleForm")]
struct Toggle {
    enable: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ToggleForm {
    Bare(bool),
    Object {
        #[serde(default = "enabled")]
        enable: bool,
    },
}

fn enabled() -> bool {
    true
}

impl From<ToggleForm> for Toggle {
    fn from(form: ToggleForm) -> Self {
        match form {
            ToggleForm::Bare(enable) | ToggleForm::Object { enable } => Toggle { enable },
        }
    }
}

impl Default for Toggle {
    fn default() -> Self {
        Toggle { enable: true }
    }
}

/// Parse the client's settings (the `sidecarLsp` object, or an object holding it). Entries that
/// make no sense are skipped and described in the returned messages.
pub fn from_client(value: &Value, root: Option<&Path>) -> (Settings, EditorOptions, Vec<String>) {
    let value = value.get(SECTION).unwrap_or(value);
    let mut problems = Vec::new();
    let mut settings = Settings::default();
    if value.is_null() {
        return (settings, EditorOptions::default(), problems);
    }
    let parsed: EditorSettings = match serde_json::from_value(value.clone()) {
        Ok(parsed) => parsed,
        Err(e) => {
            problems.push(format!("sidecarLsp settings ignored: {e}"));
            return (settings, EditorOptions::default(), problems);
        }
    };
    if let Some(version) = &parsed.kubernetes.version {
        match KubeVersion::parse(version) {
            Ok(v) => settings.kube_version = v,
            Err(e) => problems.push(format!("sidecarLsp.kubernetes.version: {e}")),
        }
    }
    settings
        .feature_gates
        .extend(parsed.kubernetes.feature_gates);
    for (rule, level) in &parsed.rules {
        match (registry::find(rule), config::parse_level(level)) {
            (Some(meta), Some(level)) => {
                settings.rules.insert(meta.code, level);
            }
            (None, _) => problems.push(format!("sidecarLsp.rules: unknown rule `{rule}`")),
            (_, None) => problems.push(format!(
                "sidecarLsp.rules.{rule}: unknown level `{level}` (error, warning, info, hint or off)"
            )),
        }
    }
    for (name, globs) in &parsed.dialects {
        let Some(dialect) = Dialect::parse(name) else {
            problems.push(format!("sidecarLsp.dialects: unknown dialect `{name}`"));
            continue;
        };
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            match Glob::new(glob) {
                Ok(g) => {
                    builder.add(g);
                }
                Err(e) => problems.push(format!("sidecarLsp.dialects.{name}: {e}")),
            }
        }
        if let Ok(globs) = builder.build() {
            settings.dialect_globs.push(DialectGlobs {
                dialect,
                base: root.map(Path::to_path_buf).unwrap_or_default(),
                globs,
            });
        }
    }
    let hkube = &parsed.hkube;
    if let Some(v) = hkube.use_resource_limits {
        settings.hkube.use_resource_limits = v;
    }
    match hkube.sidecar_cpu {
        Some(cpu) if cpu.is_nan() || cpu < 0.0 => {
            problems.push("sidecarLsp.hkube.sidecarCpu must be a number of cores".into())
        }
        Some(cpu) if cpu > 0.0 => settings.hkube.sidecar_cpu = cpu,
        _ => {}
    }
    if let Some(memory) = &hkube.sidecar_memory {
        if crate::k8s::quantity::Quantity::parse(memory).is_ok() {
            settings.hkube.sidecar_memory = memory.clone();
        } else {
            problems.push(format!(
                "sidecarLsp.hkube.sidecarMemory: `{memory}` is not a Kubernetes quantity"
            ));
        }
    }
    let options = EditorOptions {
        inlay_hints: parsed.inlay_hints.enable,
        code_lens: parsed.code_lens.enable,
    };
    (settings, options, problems)
}

/// The effective settings of each file: the client's, with the nearest `sidecar-lsp.toml` on top.
/// Lookups and parsed files are cached until [`SettingsCache::reset`].
#[derive(Default)]
pub struct SettingsCache {
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    client: Arc<Settings>,
    /// Directory → its config file, if any.
    config_of_dir: HashMap<PathBuf, Option<PathBuf>>,
    /// Config file → the settings it gives (or why it cannot be used).
    by_config: HashMap<PathBuf, Result<Arc<Settings>, ConfigError>>,
}

impl SettingsCache {
    /// Replace the client's settings and forget every file's.
    pub fn set_client(&self, settings: Settings) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *inner = CacheInner {
            client: Arc::new(settings),
            ..CacheInner::default()
        };
    }

    /// Forget what the config files said (one was created, changed or deleted).
    pub fn reset(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.config_of_dir.clear();
        inner.by_config.clear();
    }

    /// The settings for a document at `path` (`None` for an unsaved buffer), and a config
    /// file's error the first time it is met.
    pub fn for_path(&self, path: Option<&str>) -> (Arc<Settings>, Option<ConfigError>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let Some(dir) = path.and_then(|p| Path::new(p).parent()) else {
            return (inner.client.clone(), None);
        };
        let config = match inner.config_of_dir.get(dir) {
            Some(found) => found.clone(),
            None => {
                let found = config::find_config(&dir.join("_"));
                inner.config_of_dir.insert(dir.to_path_buf(), found.clone());
                found
            }
        };
        let Some(config) = config else {
            return (inner.client.clone(), None);
        };
        if let Some(cached) = inner.by_config.get(&config) {
            return match cached {
                Ok(settings) => (settings.clone(), None),
                Err(_) => (inner.client.clone(), None),
            };
        }
        let mut settings = (*inner.client).clone();
        let result = config::load(&config, &mut settings).map(|()| Arc::new(settings));
        let (settings, error) = match &result {
            Ok(s) => (s.clone(), None),
            Err(e) => (inner.client.clone(), Some(e.clone())),
        };
        inner.by_config.insert(config, result);
        (settings, error)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::config::RuleLevel;
    use crate::diagnostic::Severity;

    #[test]
    fn client_settings_map_onto_the_config_options() {
        let value = json!({"sidecarLsp": {
            "kubernetes": {"version": "1.31", "featureGates": {"ContainerRestartRules": true}},
            "rules": {"K101": "warning", "probes-missing": "off"},
            "hkube": {"useResourceLimits": true, "sidecarCpu": 0.25, "sidecarMemory": "256Mi"},
            "dialects": {"hkube": ["algorithms/*.json"]},
            "inlayHints": {"enable": false}
        }});
        let (s, options, problems) = from_client(&value, Some(Path::new("/repo")));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.kube_version, KubeVersion::new(31));
        assert!(s.gate("ContainerRestartRules"));
        assert_eq!(
            s.rule_level("K101"),
            Some(RuleLevel::Severity(Severity::Warning))
        );
        assert!(s.hkube.use_resource_limits);
        assert_eq!(s.hkube.sidecar_cpu, 0.25);
        assert_eq!(s.hkube.sidecar_memory, "256Mi");
        assert_eq!(
            s.dialect_for(Some("/repo/algorithms/a.json")),
            Some(Dialect::Hkube)
        );
        assert!(!options.inlay_hints && options.code_lens);
        let (_, options, problems) =
            from_client(&json!({"inlayHints": {}, "codeLens": false}), None);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(options.inlay_hints && !options.code_lens);
    }

    #[test]
    fn bad_entries_are_reported_and_skipped() {
        let value = json!({"kubernetes": {"version": "2.0"}, "rules": {"K999": "off", "K101": "loud"}, "hkube": {"sidecarMemory": "lots"}});
        let (s, _, problems) = from_client(&value, None);
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert_eq!(s.kube_version, KubeVersion::LATEST);
        let (_, _, problems) = from_client(&json!({"rules": 3}), None);
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn the_project_file_applies_on_top_of_the_client_settings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("sidecar-lsp.toml"),
            "[rules]\nK101 = \"off\"\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let cache = SettingsCache::default();
        let (client, _, _) = from_client(&json!({"kubernetes": {"version": "1.30"}}), None);
        cache.set_client(client);
        let file = dir.path().join("sub/pod.yaml");
        let (s, error) = cache.for_path(file.to_str());
        assert!(error.is_none());
        assert_eq!(s.rule_level("K101"), Some(RuleLevel::Off));
        assert_eq!(s.kube_version, KubeVersion::new(30));
        // A broken file is reported once; the client's settings apply meanwhile.
        std::fs::write(dir.path().join("sidecar-lsp.toml"), "[rules\n").unwrap();
        cache.reset();
        let (s, error) = cache.for_path(file.to_str());
        assert!(error.is_some());
        assert_eq!(s.rule_level("K101"), None);
        assert!(cache.for_path(file.to_str()).1.is_none());
    }
}
