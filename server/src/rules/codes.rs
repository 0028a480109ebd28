//! Every rule code, in one place. Codes are stable: never reuse or renumber one.

// Syntax and schema.
/// The text is not valid JSON/YAML.
pub const SYNTAX_ERROR: &str = "S001";
/// A key appears twice in one object.
pub const DUPLICATE_KEY: &str = "S002";
/// A field the schema does not know.
pub const UNKNOWN_FIELD: &str = "S101";
/// A value of the wrong JSON type.
pub const WRONG_TYPE: &str = "S102";
/// A required field is missing.
pub const REQUIRED_FIELD: &str = "S103";
/// A value outside a fixed set.
pub const UNSUPPORTED_VALUE: &str = "S104";
/// A value that breaks a pattern or a bound.
pub const INVALID_VALUE: &str = "S105";
/// An `apiVersion` the chosen Kubernetes version does not serve for this kind.
pub const API_VERSION_NOT_SERVED: &str = "S106";
/// A Kubernetes document without `apiVersion` or `kind`.
pub const MISSING_API_VERSION_OR_KIND: &str = "S107";
/// A `# sidecar-lsp:` comment that cannot be understood.
pub const INVALID_DIRECTIVE: &str = "S108";

// Kubernetes API.
/// Container name empty or not a DNS-1123 label.
pub const CONTAINER_NAME_INVALID: &str = "K101";
/// Two containers of one pod with the same name.
pub const CONTAINER_NAME_DUPLICATE: &str = "K102";
/// A container without an image.
pub const CONTAINER_IMAGE_REQUIRED: &str = "K103";
/// An image with leading or trailing whitespace (Pods).
pub const IMAGE_WHITESPACE: &str = "K104";
/// `containerPort`/`hostPort` out of range.
pub const CONTAINER_PORT_INVALID: &str = "K105";
/// A port name that is not an IANA_SVC_NAME.
pub const PORT_NAME_INVALID: &str = "K106";
/// Two ports of one container with the same name.
pub const PORT_NAME_DUPLICATE: &str = "K107";
/// Two containers claiming the same host port.
pub const HOST_PORT_CONFLICT: &str = "K108";
/// A probe with no handler or several.
pub const PROBE_HANDLER: &str = "K109";
/// A liveness or startup probe with `successThreshold` other than 1.
pub const PROBE_SUCCESS_THRESHOLD: &str = "K110";
/// A probe field out of bounds.
pub const PROBE_FIELD_INVALID: &str = "K111";
/// A probe port that is not a valid number or name.
pub const PROBE_PORT_INVALID: &str = "K112";
/// A probe naming a port the container does not declare.
pub const PROBE_PORT_NAME_UNKNOWN: &str = "K113";
/// A lifecycle hook with no handler, several, or a bad sleep.
pub const LIFECYCLE_HANDLER: &str = "K114";
/// A volume mount naming no pod volume.
pub const VOLUME_MOUNT_NOT_FOUND: &str = "K115";
/// Two mounts of one container at the same path.
pub const MOUNT_PATH_DUPLICATE: &str = "K116";
/// A mount without name or path, or with a bad subPath.
pub const MOUNT_FIELD_INVALID: &str = "K117";
/// An env var name the API rejects.
pub const ENV_NAME_INVALID: &str = "K118";
/// An env var with both `value` and `valueFrom`.
pub const ENV_VALUE_AND_VALUE_FROM: &str = "K119";
/// An env `valueFrom` with no source, several, or a bad key reference.
pub const ENV_VALUE_FROM_SOURCE: &str = "K120";
/// A resource quantity that does not parse, or is negative.
pub const RESOURCE_QUANTITY_INVALID: &str = "K121";
/// A request above its limit.
pub const RESOURCE_REQUEST_EXCEEDS_LIMIT: &str = "K122";
/// A resource name containers may not use.
pub const RESOURCE_NAME_INVALID: &str = "K123";
/// `restartPolicy` on a regular container.
pub const RESTART_POLICY_ON_CONTAINER: &str = "K124";
/// An init container `restartPolicy` other than `Always`.
pub const INIT_RESTART_POLICY: &str = "K125";
/// Probes or lifecycle on a plain init container.
pub const INIT_PROBE_OR_LIFECYCLE: &str = "K126";
/// A native sidecar on a Kubernetes version that does not run them.
pub const NATIVE_SIDECAR_VERSION: &str = "K127";
/// A pod with no regular container.
pub const POD_WITHOUT_CONTAINER: &str = "K128";
/// A pod `restartPolicy` the workload kind does not allow.
pub const WORKLOAD_RESTART_POLICY: &str = "K129";
/// `metadata.name` that is not a valid DNS-1123 name.
pub const METADATA_NAME_INVALID: &str = "K130";
/// A pod volume name that is invalid or duplicated.
pub const VOLUME_NAME_INVALID: &str = "K131";
/// A workload selector that does not select its own pod template.
pub const SELECTOR_MISMATCH: &str = "K132";
/// An ephemeral container with forbidden fields or an unknown target.
pub const EPHEMERAL_CONTAINER_INVALID: &str = "K133";
/// A field the chosen Kubernetes version does not have yet.
pub const FIELD_NEEDS_NEWER_KUBERNETES: &str = "K134";

// Pod-level sidecar rules.
/// Two containers of one pod on the same port and protocol.
pub const PORT_CLASH: &str = "P201";
/// A classic sidecar in a Job or CronJob.
pub const CLASSIC_SIDECAR_IN_JOB: &str = "P202";
/// A sidecar mounting a shareable volume that no main container mounts.
pub const SIDECAR_VOLUME_NOT_SHARED: &str = "P203";
/// Two containers of one pod with the same port name.
pub const PORT_NAME_DUPLICATE_IN_POD: &str = "P204";

// HKube.
/// Two sidecars with the same container name.
pub const HKUBE_SIDECAR_NAMES: &str = "H301";
/// A violation of the HKube api-server's own schema.
pub const HKUBE_SCHEMA: &str = "H302";
/// An algorithm without `name`.
pub const HKUBE_ALGORITHM_NAME: &str = "H303";
/// A `sideCars` element without `container`.
pub const HKUBE_SIDECAR_WITHOUT_CONTAINER: &str = "H304";
/// A sidecar named `worker` or `algorunner`.
pub const HKUBE_RESERVED_NAME: &str = "H305";
/// Sidecar resource keys HKube drops.
pub const HKUBE_RESOURCE_DROPPED: &str = "H306";
/// A non-numeric CPU request whose CPU limit HKube omits.
pub const HKUBE_CPU_LIMIT_LOST: &str = "H307";
/// A container field Kubernetes does not know (dropped when HKube creates the Job).
pub const HKUBE_UNKNOWN_CONTAINER_FIELD: &str = "H308";
/// A sidecar memory request without a unit.
pub const HKUBE_MEMORY_UNIT: &str = "H309";

// KubeVela.
/// A sidecar trait without `name`.
pub const VELA_NAME_REQUIRED: &str = "V401";
/// A sidecar trait without `image`.
pub const VELA_IMAGE_REQUIRED: &str = "V402";
/// A key the closed probe definition does not allow.
pub const VELA_PROBE_FIELD: &str = "V403";
/// A value of the wrong type for the trait's parameter.
pub const VELA_TYPE_MISMATCH: &str = "V404";
/// A required trait value left out (rendering fails).
pub const VELA_INCOMPLETE_VALUE: &str = "V405";
/// A trait key KubeVela silently drops.
pub const VELA_IGNORED_FIELD: &str = "V406";
/// A sidecar whose name merges it into another container.
pub const VELA_SIDECAR_MERGES: &str = "V407";
/// An env source the trait does not declare.
pub const VELA_ENV_SOURCE_UNCHECKED: &str = "V408";
/// A sidecar trait on a component type whose pod it cannot reach.
pub const VELA_WORKLOAD_UNSUPPORTED: &str = "V409";

// Calyptia.
/// A spec file without the `.json` extension.
pub const CALYPTIA_EXTENSION: &str = "C501";
/// A volume that is not a ConfigMap.
pub const CALYPTIA_VOLUME_TYPE: &str = "C502";
/// A probe port that is not a number.
pub const CALYPTIA_PROBE_PORT: &str = "C503";
/// A spec without `name` or `image`.
pub const CALYPTIA_REQUIRED: &str = "C504";
/// A key the spec does not know (ignored by the CLI).
pub const CALYPTIA_UNKNOWN_FIELD: &str = "C505";
/// A resource key the operator drops.
pub const CALYPTIA_RESOURCE_DROPPED: &str = "C506";

// Best practice.
/// An image without a tag, or `:latest`.
pub const IMAGE_TAG_FLOATING: &str = "B601";
/// A container without resource requests or limits.
pub const RESOURCES_MISSING: &str = "B602";
/// A main container without liveness or readiness probe.
pub const PROBES_MISSING: &str = "B603";
/// A sidecar exposing ports without a readiness probe.
pub const SIDECAR_PORTS_WITHOUT_READINESS: &str = "B604";
/// A probe aimed at a port the container does not declare, or at a UDP port.
pub const PROBE_PORT_NOT_DECLARED: &str = "B605";
/// Two env vars of one container with the same name.
pub const ENV_DUPLICATE: &str = "B606";
/// An env reference to a ConfigMap/Secret in the file that lacks the key.
pub const ENV_KEY_REF_MISSING: &str = "B607";
