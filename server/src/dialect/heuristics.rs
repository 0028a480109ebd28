//! Guesses that only shape presentation (which regular container is the main one), never a
//! verdict: no rule reports an error because of a guess made here.

/// Image names of widely used sidecars (service-mesh proxies, log shippers, SQL proxies…).
const SIDECAR_IMAGES: &[&str] = &[
    "proxyv2",
    "envoy",
    "linkerd-proxy",
    "linkerd2-proxy",
    "cloud-sql-proxy",
    "cloudsql-proxy",
    "cloudsql-docker",
    "fluentd",
    "fluent-bit",
    "configmap-reload",
    "prometheus-to-sd",
    "oauth2-proxy",
    "vault-agent",
    "k8s-sidecar",
    "git-sync",
];

/// Whether an image reference names a well-known sidecar.
pub fn looks_like_sidecar_image(image: &str) -> bool {
    let name = image.rsplit('/').next().unwrap_or(image);
    let name = name.split([':', '@']).next().unwrap_or(name);
    SIDECAR_IMAGES.iter().any(|s| name.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_sidecar_images() {
        assert!(looks_like_sidecar_image("docker.io/istio/proxyv2:1.22"));
        assert!(looks_like_sidecar_image(
            "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0"
        ));
        assert!(!looks_like_sidecar_image("nginx:1.25"));
        assert!(!looks_like_sidecar_image("busybox"));
    }
}
