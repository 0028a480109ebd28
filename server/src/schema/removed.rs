//! API versions that Kubernetes stopped serving, with the release that removed them and what to
//! use instead (facts from the Kubernetes deprecated API migration guide).

use crate::diagnostic::KubeVersion;

/// `(apiVersion, kind or "*" for every kind, removed in 1.x, replacement apiVersion)`.
const REMOVED: &[(&str, &str, u8, &str)] = &[
    ("extensions/v1beta1", "Deployment", 16, "apps/v1"),
    ("extensions/v1beta1", "DaemonSet", 16, "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet", 16, "apps/v1"),
    (
        "extensions/v1beta1",
        "NetworkPolicy",
        16,
        "networking.k8s.io/v1",
    ),
    ("extensions/v1beta1", "Ingress", 22, "networking.k8s.io/v1"),
    ("apps/v1beta1", "*", 16, "apps/v1"),
    ("apps/v1beta2", "*", 16, "apps/v1"),
    (
        "networking.k8s.io/v1beta1",
        "Ingress",
        22,
        "networking.k8s.io/v1",
    ),
    (
        "networking.k8s.io/v1beta1",
        "IngressClass",
        22,
        "networking.k8s.io/v1",
    ),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "*",
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "rbac.authorization.k8s.io/v1alpha1",
        "*",
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
        22,
        "admissionregistration.k8s.io/v1",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
        22,
        "admissionregistration.k8s.io/v1",
    ),
    (
        "apiextensions.k8s.io/v1beta1",
        "CustomResourceDefinition",
        22,
        "apiextensions.k8s.io/v1",
    ),
    (
        "apiregistration.k8s.io/v1beta1",
        "APIService",
        22,
        "apiregistration.k8s.io/v1",
    ),
    (
        "certificates.k8s.io/v1beta1",
        "CertificateSigningRequest",
        22,
        "certificates.k8s.io/v1",
    ),
    (
        "coordination.k8s.io/v1beta1",
        "Lease",
        22,
        "coordination.k8s.io/v1",
    ),
    (
        "scheduling.k8s.io/v1beta1",
        "PriorityClass",
        22,
        "scheduling.k8s.io/v1",
    ),
    (
        "scheduling.k8s.io/v1alpha1",
        "PriorityClass",
        22,
        "scheduling.k8s.io/v1",
    ),
    (
        "storage.k8s.io/v1beta1",
        "CSIDriver",
        22,
        "storage.k8s.io/v1",
    ),
    ("storage.k8s.io/v1beta1", "CSINode", 22, "storage.k8s.io/v1"),
    (
        "storage.k8s.io/v1beta1",
        "StorageClass",
        22,
        "storage.k8s.io/v1",
    ),
    (
        "storage.k8s.io/v1beta1",
        "VolumeAttachment",
        22,
        "storage.k8s.io/v1",
    ),
    (
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        27,
        "storage.k8s.io/v1",
    ),
    ("batch/v1beta1", "CronJob", 25, "batch/v1"),
    ("batch/v2alpha1", "CronJob", 21, "batch/v1"),
    (
        "discovery.k8s.io/v1beta1",
        "EndpointSlice",
        25,
        "discovery.k8s.io/v1",
    ),
    ("events.k8s.io/v1beta1", "Event", 25, "events.k8s.io/v1"),
    (
        "autoscaling/v2beta1",
        "HorizontalPodAutoscaler",
        25,
        "autoscaling/v2",
    ),
    (
        "autoscaling/v2beta2",
        "HorizontalPodAutoscaler",
        26,
        "autoscaling/v2",
    ),
    ("policy/v1beta1", "PodDisruptionBudget", 25, "policy/v1"),
    (
        "policy/v1beta1",
        "PodSecurityPolicy",
        25,
        "(none: PodSecurityPolicy was removed; use Pod Security Admission)",
    ),
    ("node.k8s.io/v1beta1", "RuntimeClass", 25, "node.k8s.io/v1"),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "*",
        26,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "*",
        29,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "*",
        32,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
];

/// If `kind` under `api_version` is no longer served by `version`: the release that removed it
/// and the replacement.
pub fn removed(api_version: &str, kind: &str, version: KubeVersion) -> Option<(u8, &'static str)> {
    REMOVED
        .iter()
        .find(|(av, k, removed_in, _)| {
            *av == api_version && (*k == "*" || *k == kind) && version.minor >= *removed_in
        })
        .map(|&(_, _, removed_in, replacement)| (removed_in, replacement))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_versions() {
        assert_eq!(
            removed("batch/v1beta1", "CronJob", KubeVersion::LATEST),
            Some((25, "batch/v1"))
        );
        assert_eq!(
            removed("batch/v1beta1", "CronJob", KubeVersion::new(25)),
            Some((25, "batch/v1"))
        );
        assert_eq!(removed("apps/v1", "Deployment", KubeVersion::LATEST), None);
        assert_eq!(
            removed("apps/v1beta2", "StatefulSet", KubeVersion::LATEST),
            Some((16, "apps/v1"))
        );
    }
}
