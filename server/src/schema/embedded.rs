//! The generated schemas, compiled into the binary (they are data: see `schemas/`).

/// `(minor version, _definitions.json, index.json)` for every bundled Kubernetes version.
pub const KUBERNETES: &[(u8, &str, &str)] = &[
    (
        33,
        include_str!("../../../schemas/kubernetes/v1.33/_definitions.json"),
        include_str!("../../../schemas/kubernetes/v1.33/index.json"),
    ),
    (
        34,
        include_str!("../../../schemas/kubernetes/v1.34/_definitions.json"),
        include_str!("../../../schemas/kubernetes/v1.34/index.json"),
    ),
    (
        35,
        include_str!("../../../schemas/kubernetes/v1.35/_definitions.json"),
        include_str!("../../../schemas/kubernetes/v1.35/index.json"),
    ),
    (
        36,
        include_str!("../../../schemas/kubernetes/v1.36/_definitions.json"),
        include_str!("../../../schemas/kubernetes/v1.36/index.json"),
    ),
    (
        37,
        include_str!("../../../schemas/kubernetes/v1.37/_definitions.json"),
        include_str!("../../../schemas/kubernetes/v1.37/index.json"),
    ),
];

/// The HKube algorithm schema.
pub const HKUBE: &str = include_str!("../../../schemas/hkube-algorithm.json");
/// The KubeVela sidecar trait parameter schema.
pub const KUBEVELA_TRAIT: &str = include_str!("../../../schemas/kubevela-sidecar-trait.json");
/// The Calyptia sidecar spec schema.
pub const CALYPTIA: &str = include_str!("../../../schemas/calyptia-sidecar.json");
