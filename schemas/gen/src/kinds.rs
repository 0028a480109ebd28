//! Which Kubernetes kinds get a schema, and which API groups are built in.
//!
//! The listed kinds are the creatable built-in kinds (ones a user puts in a manifest) that
//! k8s-openapi offers at a GA version (`v1`, `v2`). Those present in every supported version
//! are listed unconditionally; the rest are gated on the version features. Review types
//! (`TokenReview`, `SubjectAccessReview`, …), subresources (`Binding`, `Eviction`, `Scale`,
//! `TokenRequest`) and the read-only `ComponentStatus` are left out.

use k8s_openapi::Resource;
use k8s_openapi::schemars::{JsonSchema, Schema, SchemaGenerator};

use k8s_openapi::api::{
    admissionregistration, apps, autoscaling, batch, certificates, coordination, core, discovery,
    events, flowcontrol, networking, node, policy, rbac, scheduling, storage,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration;

/// One kind with a schema file.
#[derive(Clone, Debug)]
pub struct Kind {
    /// `apiVersion` as written in manifests, e.g. `apps/v1` or `v1`.
    pub api_version: &'static str,
    /// API group, `""` for core.
    pub group: &'static str,
    /// Group version, e.g. `v1`.
    pub version: &'static str,
    /// Kind, e.g. `Deployment`.
    pub kind: &'static str,
    /// k8s-openapi definition name, e.g. `io.k8s.api.apps.v1.Deployment`.
    pub definition: String,
    add: fn(&mut SchemaGenerator) -> Schema,
}

impl Kind {
    fn of<T: Resource + JsonSchema>() -> Self {
        Self {
            api_version: T::API_VERSION,
            group: T::GROUP,
            version: T::VERSION,
            kind: T::KIND,
            definition: T::schema_name().into_owned(),
            add: SchemaGenerator::subschema_for::<T>,
        }
    }

    /// Adds this kind's definition (and everything it references) to `generator`.
    pub fn add_to(&self, generator: &mut SchemaGenerator) {
        (self.add)(generator);
    }

    /// `<kind-lowercase>-<group>-<version>.json`; the core group has no group part
    /// (`pod-v1.json`, `deployment-apps-v1.json`).
    pub fn file_name(&self) -> String {
        let kind = self.kind.to_ascii_lowercase();
        if self.group.is_empty() {
            format!("{kind}-{}.json", self.version)
        } else {
            format!("{kind}-{}-{}.json", self.group, self.version)
        }
    }
}

/// The kinds of the compiled-in version, sorted by (`apiVersion`, `kind`).
pub fn kinds() -> Vec<Kind> {
    let mut kinds = vec![
        Kind::of::<core::v1::ConfigMap>(),
        Kind::of::<core::v1::Endpoints>(),
        Kind::of::<core::v1::Event>(),
        Kind::of::<core::v1::LimitRange>(),
        Kind::of::<core::v1::Namespace>(),
        Kind::of::<core::v1::Node>(),
        Kind::of::<core::v1::PersistentVolume>(),
        Kind::of::<core::v1::PersistentVolumeClaim>(),
        Kind::of::<core::v1::Pod>(),
        Kind::of::<core::v1::PodTemplate>(),
        Kind::of::<core::v1::ReplicationController>(),
        Kind::of::<core::v1::ResourceQuota>(),
        Kind::of::<core::v1::Secret>(),
        Kind::of::<core::v1::Service>(),
        Kind::of::<core::v1::ServiceAccount>(),
        Kind::of::<admissionregistration::v1::MutatingWebhookConfiguration>(),
        Kind::of::<admissionregistration::v1::ValidatingAdmissionPolicy>(),
        Kind::of::<admissionregistration::v1::ValidatingAdmissionPolicyBinding>(),
        Kind::of::<admissionregistration::v1::ValidatingWebhookConfiguration>(),
        Kind::of::<apiextensions::v1::CustomResourceDefinition>(),
        Kind::of::<apiregistration::v1::APIService>(),
        Kind::of::<apps::v1::ControllerRevision>(),
        Kind::of::<apps::v1::DaemonSet>(),
        Kind::of::<apps::v1::Deployment>(),
        Kind::of::<apps::v1::ReplicaSet>(),
        Kind::of::<apps::v1::StatefulSet>(),
        Kind::of::<autoscaling::v1::HorizontalPodAutoscaler>(),
        Kind::of::<autoscaling::v2::HorizontalPodAutoscaler>(),
        Kind::of::<batch::v1::CronJob>(),
        Kind::of::<batch::v1::Job>(),
        Kind::of::<certificates::v1::CertificateSigningRequest>(),
        Kind::of::<coordination::v1::Lease>(),
        Kind::of::<discovery::v1::EndpointSlice>(),
        Kind::of::<events::v1::Event>(),
        Kind::of::<flowcontrol::v1::FlowSchema>(),
        Kind::of::<flowcontrol::v1::PriorityLevelConfiguration>(),
        Kind::of::<networking::v1::IPAddress>(),
        Kind::of::<networking::v1::Ingress>(),
        Kind::of::<networking::v1::IngressClass>(),
        Kind::of::<networking::v1::NetworkPolicy>(),
        Kind::of::<networking::v1::ServiceCIDR>(),
        Kind::of::<node::v1::RuntimeClass>(),
        Kind::of::<policy::v1::PodDisruptionBudget>(),
        Kind::of::<rbac::v1::ClusterRole>(),
        Kind::of::<rbac::v1::ClusterRoleBinding>(),
        Kind::of::<rbac::v1::Role>(),
        Kind::of::<rbac::v1::RoleBinding>(),
        Kind::of::<scheduling::v1::PriorityClass>(),
        Kind::of::<storage::v1::CSIDriver>(),
        Kind::of::<storage::v1::CSINode>(),
        Kind::of::<storage::v1::CSIStorageCapacity>(),
        Kind::of::<storage::v1::StorageClass>(),
        Kind::of::<storage::v1::VolumeAttachment>(),
    ];
    kinds.extend(version_specific_kinds());
    kinds.sort_by(|a, b| (a.api_version, a.kind).cmp(&(b.api_version, b.kind)));
    kinds
}

/// Kinds that are GA in some of the supported versions only.
#[allow(clippy::vec_init_then_push)]
#[cfg_attr(feature = "v1_33", allow(unused_mut))] // nothing to add in 1.33
fn version_specific_kinds() -> Vec<Kind> {
    let mut kinds: Vec<Kind> = Vec::new();
    // resource.k8s.io/v1 (dynamic resource allocation) and VolumeAttributesClass: GA in 1.34.
    #[cfg(any(
        feature = "v1_34",
        feature = "v1_35",
        feature = "v1_36",
        feature = "v1_37"
    ))]
    {
        use k8s_openapi::api::resource;
        kinds.push(Kind::of::<resource::v1::DeviceClass>());
        kinds.push(Kind::of::<resource::v1::ResourceClaim>());
        kinds.push(Kind::of::<resource::v1::ResourceClaimTemplate>());
        kinds.push(Kind::of::<resource::v1::ResourceSlice>());
        kinds.push(Kind::of::<storage::v1::VolumeAttributesClass>());
    }
    // MutatingAdmissionPolicy: admissionregistration.k8s.io/v1 from 1.36.
    #[cfg(any(feature = "v1_36", feature = "v1_37"))]
    {
        kinds.push(Kind::of::<admissionregistration::v1::MutatingAdmissionPolicy>());
        kinds.push(Kind::of::<
            admissionregistration::v1::MutatingAdmissionPolicyBinding,
        >());
    }
    #[cfg(feature = "v1_37")]
    {
        use k8s_openapi::api::{resource, storagemigration};
        kinds.push(Kind::of::<certificates::v1::ClusterTrustBundle>());
        kinds.push(Kind::of::<certificates::v1::PodCertificateRequest>());
        kinds.push(Kind::of::<resource::v1::DeviceTaintRule>());
        kinds.push(Kind::of::<storagemigration::v1::StorageVersionMigration>());
    }
    kinds
}

fn group_of<T: Resource>() -> &'static str {
    T::GROUP
}

/// Every API group built into Kubernetes that k8s-openapi knows for the compiled-in version,
/// `""` for core, sorted. Includes groups served only at alpha/beta versions and groups
/// without creatable kinds, so a linter can tell a built-in group from a custom resource.
pub fn groups() -> Vec<&'static str> {
    use k8s_openapi::api::{apiserverinternal, authentication, authorization, resource};
    let mut groups: Vec<&'static str> = kinds().iter().map(|kind| kind.group).collect();
    // One witness type per group that may have no listed kind.
    groups.extend([
        group_of::<authentication::v1::TokenReview>(),
        group_of::<authorization::v1::SubjectAccessReview>(),
        group_of::<apiserverinternal::v1alpha1::StorageVersion>(),
        group_of::<resource::v1beta2::DeviceClass>(),
    ]);
    #[cfg(any(feature = "v1_33", feature = "v1_34"))]
    groups.push(group_of::<
        k8s_openapi::api::storagemigration::v1alpha1::StorageVersionMigration,
    >());
    #[cfg(any(feature = "v1_35", feature = "v1_36", feature = "v1_37"))]
    groups.push(group_of::<
        k8s_openapi::api::storagemigration::v1beta1::StorageVersionMigration,
    >());
    #[cfg(feature = "v1_37")]
    groups.push(group_of::<
        k8s_openapi::api::lifecycle::v1alpha1::EvictionRequest,
    >());
    groups.sort_unstable();
    groups.dedup();
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_the_layout() {
        let names: Vec<String> = kinds().iter().map(Kind::file_name).collect();
        for expected in [
            "deployment-apps-v1.json",
            "pod-v1.json",
            "horizontalpodautoscaler-autoscaling-v2.json",
            "horizontalpodautoscaler-autoscaling-v1.json",
            "ingress-networking.k8s.io-v1.json",
            "event-v1.json",
            "event-events.k8s.io-v1.json",
        ] {
            assert!(names.iter().any(|name| name == expected), "{expected}");
        }
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "file names must be unique");
    }

    #[test]
    fn kinds_are_sorted_and_ga() {
        let kinds = kinds();
        assert!(
            kinds
                .windows(2)
                .all(|w| (w[0].api_version, w[0].kind) < (w[1].api_version, w[1].kind))
        );
        for kind in &kinds {
            assert!(
                kind.version == "v1" || kind.version == "v2",
                "{} {} is not GA",
                kind.api_version,
                kind.kind
            );
        }
    }

    #[test]
    fn groups_cover_kinds_and_core() {
        let groups = groups();
        assert_eq!(groups.first(), Some(&""));
        for kind in kinds() {
            assert!(groups.contains(&kind.group), "{}", kind.group);
        }
        for group in [
            "authentication.k8s.io",
            "authorization.k8s.io",
            "internal.apiserver.k8s.io",
            "resource.k8s.io",
            "storagemigration.k8s.io",
        ] {
            assert!(groups.contains(&group), "{group}");
        }
    }
}
