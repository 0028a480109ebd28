//! Image references: tag, digest, and the pull policy Kubernetes defaults from them (research:
//! kubernetes-rules.md §8).

/// The parts of an image reference that matter for defaulting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Everything before the tag and digest.
    pub name: &'a str,
    /// The tag, if written.
    pub tag: Option<&'a str>,
    /// The digest, if written.
    pub digest: Option<&'a str>,
}

/// Split an image reference into name, tag and digest.
pub fn parse(image: &str) -> ImageRef<'_> {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    // A tag is the part after the last ':' that comes after the last '/' (a ':' before it is a
    // registry port).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    ImageRef { name, tag, digest }
}

/// The `imagePullPolicy` Kubernetes sets when none is given: `Always` for the `latest` tag (or no
/// tag and no digest, which means `latest`), else `IfNotPresent`.
pub fn default_pull_policy(image: &str) -> &'static str {
    let r = parse(image.trim());
    match (r.tag, r.digest) {
        (Some("latest"), _) | (None, None) => "Always",
        _ => "IfNotPresent",
    }
}

/// Whether the reference floats: `latest`, or no tag and no digest.
pub fn is_floating(image: &str) -> bool {
    let r = parse(image.trim());
    matches!((r.tag, r.digest), (Some("latest"), None) | (None, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_digests_and_ports() {
        assert_eq!(parse("nginx").tag, None);
        assert_eq!(parse("nginx:1.25").tag, Some("1.25"));
        assert_eq!(parse("registry:5000/team/app").tag, None);
        assert_eq!(parse("registry:5000/team/app:v2").tag, Some("v2"));
        assert_eq!(parse("nginx@sha256:abc").digest, Some("sha256:abc"));
    }

    #[test]
    fn pull_policy_defaulting() {
        assert_eq!(default_pull_policy("nginx"), "Always");
        assert_eq!(default_pull_policy("nginx:latest"), "Always");
        assert_eq!(default_pull_policy("nginx:1.25"), "IfNotPresent");
        assert_eq!(default_pull_policy("nginx@sha256:abc"), "IfNotPresent");
        assert_eq!(default_pull_policy("nginx:latest@sha256:abc"), "Always");
    }

    #[test]
    fn floating_tags() {
        assert!(is_floating("busybox"));
        assert!(is_floating("busybox:latest"));
        assert!(!is_floating("busybox:1.36"));
        assert!(!is_floating("busybox@sha256:abc"));
    }
}
