//! Settings: `sidecar-lsp.toml` (found by walking up from a file, or given with `--config`) and
//! command-line or editor options, merged into one [`Settings`] the analysis reads.
//!
//! ```toml
//! [kubernetes]
//! version = "1.37"                               # 1.25–1.37; schemas exist for 1.33–1.37
//! feature-gates = { ContainerRestartRules = true }
//!
//! [rules]                                        # by code or name: error | warning | info | hint | off
//! B601 = "off"
//! probes-missing = "info"
//!
//! [dialects]                                     # globs, relative to this file's directory
//! hkube = ["algorithms/**/*.json"]
//!
//! [hkube]                                        # the task-executor's sidecar defaults
//! use-resource-limits = false
//! sidecar-cpu = 0.1
//! sidecar-memory = "128Mi"
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Dialect, KubeVersion, Severity};
use crate::rules::registry;

/// The config file's name.
pub const FILE_NAME: &str = "sidecar-lsp.toml";

/// How a rule is configured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLevel {
    /// The rule does not run.
    Off,
    /// The rule reports at this severity.
    Severity(Severity),
}

/// HKube task-executor settings that shape sidecar defaults (hkube.md §2.6).
#[derive(Clone, Debug, PartialEq)]
pub struct HkubeSettings {
    /// `USE_RESOURCE_LIMITS`: limits equal requests instead of twice the requests.
    pub use_resource_limits: bool,
    /// `DEFAULT_SIDECAR_CPU` in cores.
    pub sidecar_cpu: f64,
    /// `DEFAULT_SIDECAR_MEMORY`.
    pub sidecar_memory: String,
}

impl Default for HkubeSettings {
    fn default() -> Self {
        HkubeSettings {
            use_resource_limits: false,
            sidecar_cpu: 0.1,
            sidecar_memory: "128Mi".into(),
        }
    }
}

/// Everything the analysis can be told.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The Kubernetes version to check against.
    pub kube_version: KubeVersion,
    /// Kubernetes feature gates turned on or off (only the ones rules know are read).
    pub feature_gates: BTreeMap<String, bool>,
    /// Per-rule severity overrides, by rule code.
    pub rules: HashMap<&'static str, RuleLevel>,
    /// A dialect forced for every document (`--dialect`).
    pub dialect: Option<Dialect>,
    /// Dialects chosen by file path.
    pub dialect_globs: Vec<DialectGlobs>,
    /// HKube settings.
    pub hkube: HkubeSettings,
    /// Report syntax errors even in a file none of whose documents is recognised (for files
    /// named explicitly on the command line).
    pub report_unrecognised: bool,
}

/// Globs that select a dialect, relative to a base directory.
#[derive(Clone, Debug)]
pub struct DialectGlobs {
    /// The dialect.
    pub dialect: Dialect,
    /// The directory the globs are relative to.
    pub base: PathBuf,
    /// The compiled globs.
    pub globs: GlobSet,
}

impl Settings {
    /// Whether a feature gate is on (gates not mentioned are off: we only model gates whose
    /// default is off in the versions we support).
    pub fn gate(&self, name: &str) -> bool {
        self.feature_gates.get(name).copied().unwrap_or(false)
    }

    /// The dialect the settings force for `path`, if any.
    pub fn dialect_for(&self, path: Option<&str>) -> Option<Dialect> {
        if self.dialect.is_some() {
            return self.dialect;
        }
        let path = Path::new(path?);
        self.dialect_globs.iter().find_map(|g| {
            let relative = path.strip_prefix(&g.base).unwrap_or(path);
            g.globs.is_match(relative).then_some(g.dialect)
        })
    }

    /// The configured level of rule `code`, if overridden.
    pub fn rule_level(&self, code: &str) -> Option<RuleLevel> {
        self.rules.get(code).copied()
    }
}

/// A problem in a config file, with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The config file.
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    kubernetes: Option<Spanned<KubernetesSection>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    dialects: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    hkube: Option<HkubeSection>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct KubernetesSection {
    version: Option<Spanned<String>>,
    #[serde(default, alias = "feature_gates")]
    feature_gates: BTreeMap<String, bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct HkubeSection {
    #[serde(alias = "use_resource_limits")]
    use_resource_limits: Option<bool>,
    #[serde(alias = "sidecar_cpu")]
    sidecar_cpu: Option<Spanned<f64>>,
    #[serde(alias = "sidecar_memory")]
    sidecar_memory: Option<Spanned<String>>,
}

/// Find the config file for `file`: the nearest `sidecar-lsp.toml` in its directory or above.
pub fn find_config(file: &Path) -> Option<PathBuf> {
    let start = if file.is_dir() { file } else { file.parent()? };
    let start = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let absolute = std::fs::canonicalize(start).ok()?;
    absolute
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Read and apply a config file onto `settings`.
pub fn load(path: &Path, settings: &mut Settings) -> Result<(), ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        message: format!("cannot read the config file: {e}"),
    })?;
    apply(path, &text, settings)
}

/// Parse config `text` (read from `path`) and apply it onto `settings`.
pub fn apply(path: &Path, text: &str, settings: &mut Settings) -> Result<(), ConfigError> {
    let index = crate::text::LineIndex::new(text);
    let error_at = |span: Option<std::ops::Range<usize>>, message: String| {
        let pos = span.map(|s| index.line_col(text, s.start, crate::text::ColumnUnit::Char));
        ConfigError {
            path: path.to_path_buf(),
            line: pos.map(|p| p.line as usize + 1),
            column: pos.map(|p| p.col as usize + 1),
            message,
        }
    };
    let file: FileConfig = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().to_string();
        error_at(e.span(), message)
    })?;

    if let Some(kube) = file.kubernetes {
        let kube = kube.into_inner();
        if let Some(version) = kube.version {
            settings.kube_version = KubeVersion::parse(version.get_ref())
                .map_err(|m| error_at(Some(version.span()), m))?;
        }
        settings.feature_gates.extend(kube.feature_gates);
    }
    for (name, level) in &file.rules {
        let rule = registry::find(name.get_ref()).ok_or_else(|| {
            error_at(
                Some(name.span()),
                format!("unknown rule `{}`", name.get_ref()),
            )
        })?;
        let level = parse_level(level.get_ref()).ok_or_else(|| {
            error_at(
                Some(level.span()),
                format!(
                    "unknown level `{}` for rule {}: use error, warning, info, hint or off",
                    level.get_ref(),
                    rule.code
                ),
            )
        })?;
        settings.rules.insert(rule.code, level);
    }
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let base = std::fs::canonicalize(&base).unwrap_or(base);
    for (name, globs) in &file.dialects {
        let dialect = Dialect::parse(name.get_ref()).ok_or_else(|| {
            error_at(
                Some(name.span()),
                format!(
                    "unknown dialect `{}`: use hkube, kubevela, calyptia or kubernetes",
                    name.get_ref()
                ),
            )
        })?;
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            let compiled = Glob::new(glob.get_ref())
                .map_err(|e| error_at(Some(glob.span()), format!("invalid glob: {e}")))?;
            builder.add(compiled);
        }
        let globs = builder
            .build()
            .map_err(|e| error_at(Some(name.span()), format!("invalid globs: {e}")))?;
        settings.dialect_globs.push(DialectGlobs {
            dialect,
            base: base.clone(),
            globs,
        });
    }
    if let Some(hkube) = file.hkube {
        if let Some(v) = hkube.use_resource_limits {
            settings.hkube.use_resource_limits = v;
        }
        if let Some(cpu) = hkube.sidecar_cpu {
            if cpu.get_ref().is_nan() || *cpu.get_ref() < 0.0 {
                return Err(error_at(
                    Some(cpu.span()),
                    "sidecar-cpu must be a number of cores (0 means HKube's default, 0.1)".into(),
                ));
            }
            // As in the task-executor, 0 falls back to the default.
            if *cpu.get_ref() > 0.0 {
                settings.hkube.sidecar_cpu = *cpu.get_ref();
            }
        }
        if let Some(memory) = hkube.sidecar_memory {
            if crate::k8s::quantity::Quantity::parse(memory.get_ref()).is_err() {
                return Err(error_at(
                    Some(memory.span()),
                    format!(
                        "sidecar-memory `{}` is not a Kubernetes quantity",
                        memory.get_ref()
                    ),
                ));
            }
            settings.hkube.sidecar_memory = memory.into_inner();
        }
    }
    Ok(())
}

/// Parse a rule level name.
pub fn parse_level(text: &str) -> Option<RuleLevel> {
    match text {
        "off" | "none" | "disabled" => Some(RuleLevel::Off),
        other => Severity::parse(other).map(RuleLevel::Severity),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply_text(text: &str) -> Result<Settings, ConfigError> {
        let mut settings = Settings::default();
        apply(Path::new("/x/sidecar-lsp.toml"), text, &mut settings).map(|()| settings)
    }

    #[test]
    fn full_config_applies() {
        let s = apply_text(
            "[kubernetes]\nversion = \"1.33\"\nfeature-gates = { ContainerRestartRules = true }\n\
             [rules]\nB601 = \"off\"\n[hkube]\nuse-resource-limits = true\nsidecar-memory = \"256Mi\"\n",
        )
        .unwrap();
        assert_eq!(s.kube_version, KubeVersion::new(33));
        assert!(s.gate("ContainerRestartRules"));
        assert_eq!(s.rule_level("B601"), Some(RuleLevel::Off));
        assert!(s.hkube.use_resource_limits);
        assert_eq!(s.hkube.sidecar_memory, "256Mi");
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let e = apply_text("[kubernetes]\nversoin = \"1.33\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
        assert!(e.message.contains("versoin"), "{}", e.message);
    }

    #[test]
    fn unknown_rule_and_level_are_errors_with_position() {
        let e = apply_text("[rules]\nX999 = \"off\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("unknown rule"));
        let e = apply_text("[rules]\nB601 = \"loud\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(8)));
    }

    #[test]
    fn snake_case_spellings_are_accepted() {
        let s = apply_text("[hkube]\nuse_resource_limits = true\nsidecar_cpu = 0.25\n").unwrap();
        assert!(s.hkube.use_resource_limits);
        assert_eq!(s.hkube.sidecar_cpu, 0.25);
    }

    #[test]
    fn bad_version_and_memory_are_errors() {
        assert!(apply_text("[kubernetes]\nversion = \"2.0\"\n").is_err());
        assert!(apply_text("[hkube]\nsidecar-memory = \"lots\"\n").is_err());
    }
}
