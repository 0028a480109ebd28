//! What the analysis reports: plain data with byte spans, no editor or output types.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::Span;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The platform rejects it, or it cannot work.
    Error,
    /// Probably a mistake, or a risk.
    Warning,
    /// Worth knowing.
    Info,
    /// A suggestion.
    Hint,
}

impl Severity {
    /// Lowercase name, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    /// Parse a lowercase name.
    pub fn parse(name: &str) -> Option<Severity> {
        match name {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The four sidecar dialects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// HKube algorithm specs (`sideCars`).
    Hkube,
    /// KubeVela Applications (`sidecar` traits).
    Kubevela,
    /// Calyptia / Chronosphere pipeline sidecar spec files.
    Calyptia,
    /// Plain Kubernetes objects (classic and native sidecars).
    Kubernetes,
}

impl Dialect {
    /// Every dialect.
    pub const ALL: [Dialect; 4] = [
        Dialect::Hkube,
        Dialect::Kubevela,
        Dialect::Calyptia,
        Dialect::Kubernetes,
    ];

    /// Lowercase name, as in the JSON output and the modeline.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Hkube => "hkube",
            Dialect::Kubevela => "kubevela",
            Dialect::Calyptia => "calyptia",
            Dialect::Kubernetes => "kubernetes",
        }
    }

    /// The platform's name for people.
    pub fn title(self) -> &'static str {
        match self {
            Dialect::Hkube => "HKube",
            Dialect::Kubevela => "KubeVela",
            Dialect::Calyptia => "Calyptia",
            Dialect::Kubernetes => "Kubernetes",
        }
    }

    /// Parse a lowercase name.
    pub fn parse(name: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.as_str() == name)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Another place that a diagnostic involves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// Where.
    pub span: Span,
    /// What is there.
    pub message: String,
}

/// Hints for how an editor shows a diagnostic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    /// The code has no effect (shown faded).
    Unnecessary,
    /// The code is deprecated (shown struck through).
    Deprecated,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The smallest range that shows the problem.
    pub span: Span,
    /// How serious it is (after configuration).
    pub severity: Severity,
    /// The stable rule code, e.g. `K101`.
    pub code: &'static str,
    /// A sentence for the user.
    pub message: String,
    /// The dialect of the document it was found in.
    pub dialect: Option<Dialect>,
    /// Index of the document (in a YAML stream) it was found in.
    pub document: usize,
    /// Other places involved.
    pub related: Vec<Related>,
    /// Display hints.
    pub tags: Vec<Tag>,
}

impl Diagnostic {
    /// A diagnostic with no related places or tags.
    pub fn new(
        code: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            span,
            severity,
            code,
            message: message.into(),
            dialect: None,
            document: 0,
            related: Vec::new(),
            tags: Vec::new(),
        }
    }

    /// Add a related place.
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    /// Add a display tag.
    pub fn with_tag(mut self, tag: Tag) -> Self {
        self.tags.push(tag);
        self
    }

    /// Add a related place to a diagnostic being built.
    pub fn add_related(&mut self, span: Span, message: impl Into<String>) -> &mut Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    /// Add a display tag to a diagnostic being built.
    pub fn add_tag(&mut self, tag: Tag) -> &mut Self {
        self.tags.push(tag);
        self
    }
}

/// A Kubernetes minor version (the major is always 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KubeVersion {
    /// The minor version, e.g. 37 for 1.37.
    pub minor: u8,
}

impl KubeVersion {
    /// The newest version we know.
    pub const LATEST: KubeVersion = KubeVersion { minor: 37 };
    /// The oldest version with bundled schemas.
    pub const OLDEST_SCHEMA: KubeVersion = KubeVersion { minor: 33 };
    /// The oldest version accepted at all (version-gated rules still apply; schemas are 1.33's).
    pub const OLDEST: KubeVersion = KubeVersion { minor: 25 };

    /// A version from its minor number.
    pub const fn new(minor: u8) -> Self {
        KubeVersion { minor }
    }

    /// Parse `1.37`, `v1.37` or `1.37.2`.
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let t = text.trim().trim_start_matches('v');
        let mut parts = t.split('.');
        let major = parts.next().and_then(|m| m.parse::<u32>().ok());
        let minor = parts.next().and_then(|m| m.parse::<u8>().ok());
        match (major, minor) {
            (Some(1), Some(minor))
                if (Self::OLDEST.minor..=Self::LATEST.minor).contains(&minor) =>
            {
                Ok(KubeVersion { minor })
            }
            (Some(1), Some(_)) => Err(format!(
                "Kubernetes version `{text}` is not supported: choose 1.{}–1.{}",
                Self::OLDEST.minor,
                Self::LATEST.minor
            )),
            _ => Err(format!(
                "`{text}` is not a Kubernetes version (expected e.g. `1.{}`)",
                Self::LATEST.minor
            )),
        }
    }

    /// The version whose schemas are used (1.33 for anything older).
    pub fn schema_version(self) -> KubeVersion {
        self.max(Self::OLDEST_SCHEMA)
    }

    /// Whether this version is at least `1.minor`.
    pub fn at_least(self, minor: u8) -> bool {
        self.minor >= minor
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion::LATEST
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_versions() {
        assert_eq!(KubeVersion::parse("1.33").unwrap().minor, 33);
        assert_eq!(KubeVersion::parse("v1.29.4").unwrap().minor, 29);
        assert!(KubeVersion::parse("1.99").is_err());
        assert!(KubeVersion::parse("latest").is_err());
        assert_eq!(KubeVersion::new(28).schema_version(), KubeVersion::new(33));
    }
}
