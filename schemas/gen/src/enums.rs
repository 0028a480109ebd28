//! String properties whose values the Kubernetes API fixes. k8s-openapi states them only in
//! prose ("One of Always, Never, IfNotPresent"), so they are listed here and a unit test
//! checks every value against the property's description.
//!
//! Every enum also accepts `null` (see [`crate::tighten`], rule 2). Where the Go field is a
//! plain (non-pointer) string with `omitempty` that is defaulted or optional, `""` decodes
//! exactly like an absent field and the API accepts it, so [`EnumRule::empty_ok`] adds `""`
//! too (e.g. `imagePullPolicy: ""` is defaulted from the image tag, kubernetes-rules.md §8).
//! Pointer fields (`mountPropagation`, `ipFamilyPolicy`, …) and required fields reject `""`.
//!
//! `Container.restartPolicy` deliberately has no enum: its allowed values depend on the
//! container kind and on version gates, so a linter rule owns it (kubernetes-rules.md §1, §3).

use serde_json::{Value, json};

/// One `(definition, property) -> values` entry.
#[derive(Clone, Copy, Debug)]
pub struct EnumRule {
    /// k8s-openapi definition name, e.g. `io.k8s.api.core.v1.Container`.
    pub definition: &'static str,
    /// Property of that definition.
    pub property: &'static str,
    /// The allowed values (case-sensitive), in the order the API documents them.
    pub values: &'static [&'static str],
    /// Whether `""` is accepted as well (it decodes like an absent field).
    pub empty_ok: bool,
    /// `false` marks an exception: the description does not list every value. Each such entry
    /// says where the values come from.
    pub listed_in_description: bool,
}

impl EnumRule {
    /// The JSON `enum` keyword's value: the values, then `""` if [`Self::empty_ok`], then `null`.
    pub fn enum_values(&self) -> Value {
        let mut values: Vec<Value> = self.values.iter().map(|v| json!(v)).collect();
        if self.empty_ok && !self.values.contains(&"") {
            values.push(json!(""));
        }
        values.push(Value::Null);
        Value::Array(values)
    }
}

const fn rule(
    definition: &'static str,
    property: &'static str,
    values: &'static [&'static str],
    empty_ok: bool,
) -> EnumRule {
    EnumRule {
        definition,
        property,
        values,
        empty_ok,
        listed_in_description: true,
    }
}

const fn unlisted(
    definition: &'static str,
    property: &'static str,
    values: &'static [&'static str],
    empty_ok: bool,
) -> EnumRule {
    EnumRule {
        listed_in_description: false,
        ..rule(definition, property, values, empty_ok)
    }
}

const CONTAINER: &str = "io.k8s.api.core.v1.Container";
const EPHEMERAL_CONTAINER: &str = "io.k8s.api.core.v1.EphemeralContainer";
const PULL_POLICIES: &[&str] = &["Always", "IfNotPresent", "Never"];
const TERMINATION_MESSAGE_POLICIES: &[&str] = &["File", "FallbackToLogsOnError"];
const PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP"];
const TAINT_EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];
const PROFILE_TYPES: &[&str] = &["Localhost", "RuntimeDefault", "Unconfined"];
const UPDATE_STRATEGIES: &[&str] = &["RollingUpdate", "OnDelete"];
const TRAFFIC_POLICIES: &[&str] = &["Cluster", "Local"];

/// `Lt` and `Gt` (gate `TaintTolerationComparisonOperators`) are documented from 1.35 on.
#[cfg(any(feature = "v1_33", feature = "v1_34"))]
const TOLERATION_OPERATORS: &[&str] = &["Exists", "Equal"];
#[cfg(not(any(feature = "v1_33", feature = "v1_34")))]
const TOLERATION_OPERATORS: &[&str] = &["Exists", "Equal", "Lt", "Gt"];

/// The enum table, applied to every Kubernetes and dialect schema.
pub const ENUMS: &[EnumRule] = &[
    rule(CONTAINER, "imagePullPolicy", PULL_POLICIES, true),
    rule(EPHEMERAL_CONTAINER, "imagePullPolicy", PULL_POLICIES, true),
    rule(
        CONTAINER,
        "terminationMessagePolicy",
        TERMINATION_MESSAGE_POLICIES,
        true,
    ),
    rule(
        EPHEMERAL_CONTAINER,
        "terminationMessagePolicy",
        TERMINATION_MESSAGE_POLICIES,
        true,
    ),
    rule(
        "io.k8s.api.core.v1.ContainerPort",
        "protocol",
        PROTOCOLS,
        true,
    ),
    rule(
        "io.k8s.api.core.v1.ServicePort",
        "protocol",
        PROTOCOLS,
        true,
    ),
    rule(
        "io.k8s.api.core.v1.EndpointPort",
        "protocol",
        PROTOCOLS,
        true,
    ),
    rule(
        "io.k8s.api.discovery.v1.EndpointPort",
        "protocol",
        PROTOCOLS,
        false,
    ),
    rule(
        "io.k8s.api.networking.v1.NetworkPolicyPort",
        "protocol",
        PROTOCOLS,
        false,
    ),
    // Exception: the description names only the default, HTTP. Values: kubernetes-rules.md §5
    // (`validateHTTPGetAction`: scheme must be in {HTTP, HTTPS}).
    unlisted(
        "io.k8s.api.core.v1.HTTPGetAction",
        "scheme",
        &["HTTP", "HTTPS"],
        true,
    ),
    rule(
        "io.k8s.api.core.v1.PodSpec",
        "restartPolicy",
        &["Always", "OnFailure", "Never"],
        true,
    ),
    rule(
        "io.k8s.api.core.v1.PodSpec",
        "dnsPolicy",
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        true,
    ),
    rule(
        "io.k8s.api.core.v1.PodSpec",
        "preemptionPolicy",
        &["Never", "PreemptLowerPriority"],
        false,
    ),
    // Exception: the description names only None. Values: kubernetes-rules.md §6
    // (`ValidateVolumeMounts`: mountPropagation in {Bidirectional, HostToContainer, None}).
    unlisted(
        "io.k8s.api.core.v1.VolumeMount",
        "mountPropagation",
        &["None", "HostToContainer", "Bidirectional"],
        false,
    ),
    rule(
        "io.k8s.api.core.v1.ServiceSpec",
        "type",
        &["ExternalName", "ClusterIP", "NodePort", "LoadBalancer"],
        true,
    ),
    rule(
        "io.k8s.api.core.v1.ServiceSpec",
        "sessionAffinity",
        &["ClientIP", "None"],
        true,
    ),
    rule(
        "io.k8s.api.core.v1.ServiceSpec",
        "externalTrafficPolicy",
        TRAFFIC_POLICIES,
        true,
    ),
    rule(
        "io.k8s.api.core.v1.ServiceSpec",
        "internalTrafficPolicy",
        TRAFFIC_POLICIES,
        false,
    ),
    rule(
        "io.k8s.api.core.v1.ServiceSpec",
        "ipFamilyPolicy",
        &["SingleStack", "PreferDualStack", "RequireDualStack"],
        false,
    ),
    rule(
        "io.k8s.api.apps.v1.DeploymentStrategy",
        "type",
        &["Recreate", "RollingUpdate"],
        true,
    ),
    rule(
        "io.k8s.api.apps.v1.StatefulSetSpec",
        "podManagementPolicy",
        &["OrderedReady", "Parallel"],
        true,
    ),
    // Exception: the description names only the default, RollingUpdate. Values: the
    // `StatefulSetUpdateStrategyType` constants of `apps/v1/types.go` (kubernetes/api, the
    // repository kubernetes-rules.md cites for `core/v1/types.go`); the same pair as DaemonSet's.
    unlisted(
        "io.k8s.api.apps.v1.StatefulSetUpdateStrategy",
        "type",
        UPDATE_STRATEGIES,
        true,
    ),
    rule(
        "io.k8s.api.apps.v1.DaemonSetUpdateStrategy",
        "type",
        UPDATE_STRATEGIES,
        true,
    ),
    rule(
        "io.k8s.api.batch.v1.CronJobSpec",
        "concurrencyPolicy",
        &["Allow", "Forbid", "Replace"],
        true,
    ),
    rule(
        "io.k8s.api.batch.v1.JobSpec",
        "completionMode",
        &["NonIndexed", "Indexed"],
        false,
    ),
    rule(
        "io.k8s.api.core.v1.Toleration",
        "operator",
        TOLERATION_OPERATORS,
        true,
    ),
    // "Empty means match all taint effects."
    rule(
        "io.k8s.api.core.v1.Toleration",
        "effect",
        TAINT_EFFECTS,
        true,
    ),
    rule("io.k8s.api.core.v1.Taint", "effect", TAINT_EFFECTS, false),
    rule(
        "io.k8s.api.core.v1.NodeSelectorRequirement",
        "operator",
        &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"],
        false,
    ),
    rule(
        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
        "operator",
        &["In", "NotIn", "Exists", "DoesNotExist"],
        false,
    ),
    rule(
        "io.k8s.api.core.v1.TopologySpreadConstraint",
        "whenUnsatisfiable",
        &["DoNotSchedule", "ScheduleAnyway"],
        false,
    ),
    rule(
        "io.k8s.api.core.v1.SeccompProfile",
        "type",
        PROFILE_TYPES,
        false,
    ),
    rule(
        "io.k8s.api.core.v1.AppArmorProfile",
        "type",
        PROFILE_TYPES,
        false,
    ),
    // Exception: the description only says 'Defaults to ""'. Values: the `HostPathType`
    // constants of `core/v1/types.go` (kubernetes/api, a source of kubernetes-rules.md);
    // `""` (HostPathUnset) is a valid value, not an absent one.
    unlisted(
        "io.k8s.api.core.v1.HostPathVolumeSource",
        "type",
        &[
            "",
            "DirectoryOrCreate",
            "Directory",
            "FileOrCreate",
            "File",
            "Socket",
            "CharDevice",
            "BlockDevice",
        ],
        true,
    ),
    // Exception: the description names only Filesystem. Values: the `PersistentVolumeMode`
    // constants of `core/v1/types.go` (kubernetes/api, a source of kubernetes-rules.md).
    unlisted(
        "io.k8s.api.core.v1.PersistentVolumeClaimSpec",
        "volumeMode",
        &["Block", "Filesystem"],
        false,
    ),
    rule(
        "io.k8s.api.core.v1.PodSecurityContext",
        "fsGroupChangePolicy",
        &["OnRootMismatch", "Always"],
        false,
    ),
    rule(
        "io.k8s.api.core.v1.PodOS",
        "name",
        &["linux", "windows"],
        false,
    ),
    // Exception: the description names only NotRequired. Values: the
    // `ResourceResizeRestartPolicy` constants of `core/v1/types.go` (kubernetes/api, a source
    // of kubernetes-rules.md).
    unlisted(
        "io.k8s.api.core.v1.ContainerResizePolicy",
        "restartPolicy",
        &["NotRequired", "RestartContainer"],
        false,
    ),
    rule(
        "io.k8s.api.networking.v1.HTTPIngressPath",
        "pathType",
        &["Exact", "Prefix", "ImplementationSpecific"],
        false,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_in_the_description() {
        let definitions = crate::kubernetes_definitions();
        let mut failures = Vec::new();
        for rule in ENUMS {
            let property = definitions
                .get(rule.definition)
                .and_then(|d| d.pointer(&format!("/properties/{}", rule.property)))
                .unwrap_or_else(|| panic!("{}.{} missing", rule.definition, rule.property));
            let description = property["description"].as_str().unwrap_or_default();
            let missing: Vec<&str> = rule
                .values
                .iter()
                .copied()
                .filter(|value| !value.is_empty() && !description.contains(value))
                .collect();
            match (rule.listed_in_description, missing.is_empty()) {
                (true, false) => failures.push(format!(
                    "{}.{}: {missing:?} not in {description:?}",
                    rule.definition, rule.property
                )),
                (false, true) => failures.push(format!(
                    "{}.{}: all values are in the description now; drop the exception",
                    rule.definition, rule.property
                )),
                _ => {}
            }
            assert_eq!(property["enum"], rule.enum_values());
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn container_restart_policy_has_no_enum() {
        let definitions = crate::kubernetes_definitions();
        let property = &definitions[CONTAINER]["properties"]["restartPolicy"];
        assert!(property.is_object());
        assert!(property.get("enum").is_none());
    }

    #[test]
    fn enum_values_add_empty_and_null() {
        let pull = rule(CONTAINER, "imagePullPolicy", PULL_POLICIES, true);
        assert_eq!(
            pull.enum_values(),
            json!(["Always", "IfNotPresent", "Never", "", null])
        );
        let propagation = rule("d", "p", &["None"], false);
        assert_eq!(propagation.enum_values(), json!(["None", null]));
    }
}
