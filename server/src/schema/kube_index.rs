//! Which Kubernetes kinds a version has schemas for, and which API groups are built in.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::diagnostic::KubeVersion;

/// One kind with a bundled schema.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KindInfo {
    /// `apps/v1`.
    pub api_version: String,
    /// `Deployment`.
    pub kind: String,
    /// The definition name in `_definitions.json`.
    pub definition: String,
    /// The per-kind schema file.
    pub file: String,
}

/// The index of one Kubernetes version (`schemas/kubernetes/v1.XX/index.json`).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeIndex {
    /// `1.37`.
    pub kubernetes_version: String,
    kinds: Vec<KindInfo>,
    groups: Vec<String>,
}

impl KubeIndex {
    /// Every kind with a schema.
    pub fn kinds(&self) -> &[KindInfo] {
        &self.kinds
    }

    /// The kind with this `apiVersion` and `kind`.
    pub fn kind(&self, api_version: &str, kind: &str) -> Option<&KindInfo> {
        self.kinds
            .iter()
            .find(|k| k.api_version == api_version && k.kind == kind)
    }

    /// Find a kind by `Kind`, `kind` (case-insensitive) or `apiVersion/Kind`; the GA version wins.
    pub fn find_kind(&self, name: &str) -> Option<&KindInfo> {
        if let Some((api_version, kind)) = name.rsplit_once('/')
            && let Some(k) = self.kind(api_version, kind)
        {
            return Some(k);
        }
        let mut candidates: Vec<&KindInfo> = self
            .kinds
            .iter()
            .filter(|k| k.kind.eq_ignore_ascii_case(name))
            .collect();
        candidates.sort_by_key(|k| std::cmp::Reverse(k.api_version.clone()));
        candidates.first().copied()
    }

    /// Whether `group` is a built-in API group (`""` is core).
    pub fn is_builtin_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group) || group == "extensions"
    }

    /// Whether some built-in API has a kind of this name.
    pub fn is_known_kind(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k.kind == kind)
    }

    /// The `apiVersion`s with a schema for `kind`.
    pub fn api_versions_of(&self, kind: &str) -> Vec<&str> {
        self.kinds
            .iter()
            .filter(|k| k.kind == kind)
            .map(|k| k.api_version.as_str())
            .collect()
    }
}

/// The index for `version` (versions before 1.33 use 1.33's schemas).
pub fn kubernetes_index(version: KubeVersion) -> &'static KubeIndex {
    static INDEXES: [OnceLock<KubeIndex>; 5] = [const { OnceLock::new() }; 5];
    let version = version.schema_version();
    let slot = usize::from(version.minor.saturating_sub(33)).min(4);
    INDEXES[slot].get_or_init(|| {
        let (_, text) = super::kubernetes_text(version);
        serde_json::from_str(text).expect("generated index is valid")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_knows_workloads_and_groups() {
        let index = kubernetes_index(KubeVersion::LATEST);
        assert_eq!(index.kubernetes_version, "1.37");
        assert!(index.kind("apps/v1", "Deployment").is_some());
        assert!(index.is_builtin_group("apps"));
        assert!(index.is_builtin_group(""));
        assert!(!index.is_builtin_group("networking.istio.io"));
        assert_eq!(index.api_versions_of("ReplicationController"), ["v1"]);
        assert_eq!(
            index.find_kind("deployment").unwrap().api_version,
            "apps/v1"
        );
    }
}
