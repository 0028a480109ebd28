//! Kubernetes API validation of containers and pods, as the API server does it. Every dialect
//! ends up as a pod, so most of these rules apply to all four.

mod env;
mod ephemeral;
mod identity;
mod metadata;
mod mounts;
mod ports;
mod probes;
mod resources;
mod sidecars;
mod versions;

use super::Rule;

pub(crate) use identity::anchor as container_anchor;
pub(crate) use resources::quantity_message;

/// The Kubernetes API rules, in code order.
pub static RULES: &[&Rule] = &[
    &identity::CONTAINER_NAME_INVALID,
    &identity::CONTAINER_NAME_DUPLICATE,
    &identity::CONTAINER_IMAGE_REQUIRED,
    &identity::IMAGE_WHITESPACE,
    &ports::CONTAINER_PORT_INVALID,
    &ports::PORT_NAME_INVALID,
    &ports::PORT_NAME_DUPLICATE,
    &ports::HOST_PORT_CONFLICT,
    &probes::PROBE_HANDLER,
    &probes::PROBE_SUCCESS_THRESHOLD,
    &probes::PROBE_FIELD_INVALID,
    &probes::PROBE_PORT_INVALID,
    &probes::PROBE_PORT_NAME_UNKNOWN,
    &probes::LIFECYCLE_HANDLER,
    &mounts::VOLUME_MOUNT_NOT_FOUND,
    &mounts::MOUNT_PATH_DUPLICATE,
    &mounts::MOUNT_FIELD_INVALID,
    &env::ENV_NAME_INVALID,
    &env::ENV_VALUE_AND_VALUE_FROM,
    &env::ENV_VALUE_FROM_SOURCE,
    &resources::RESOURCE_QUANTITY_INVALID,
    &resources::RESOURCE_REQUEST_EXCEEDS_LIMIT,
    &resources::RESOURCE_NAME_INVALID,
    &sidecars::RESTART_POLICY_ON_CONTAINER,
    &sidecars::INIT_RESTART_POLICY,
    &sidecars::INIT_PROBE_OR_LIFECYCLE,
    &sidecars::NATIVE_SIDECAR_VERSION,
    &sidecars::POD_WITHOUT_CONTAINER,
    &sidecars::WORKLOAD_RESTART_POLICY,
    &metadata::METADATA_INVALID,
    &metadata::VOLUME_INVALID,
    &metadata::SELECTOR_MISMATCH,
    &ephemeral::EPHEMERAL_CONTAINER_INVALID,
    &versions::FIELD_NEEDS_NEWER_KUBERNETES,
];

/// `<path>: Required value`.
pub(crate) fn required_value(path: &str) -> String {
    format!("{path}: Required value")
}

/// Whether a value holds `{{ … }}` template placeholders (Helm, Go templates): such values are
/// not checked until rendered.
pub(crate) fn is_templated(s: &str) -> bool {
    s.contains("{{") && s.contains("}}")
}
