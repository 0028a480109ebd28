//! Defaults filled into typed containers: the Kubernetes API's own (kubernetes-rules.md §5, §8,
//! §9.1, §11), and the probe defaults KubeVela's `#HealthProbe` writes out (kubevela.md §1.3).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, HTTPGetAction, Lifecycle, LifecycleHandler, PodSpec, Probe,
};

use crate::k8s::image::default_pull_policy;

/// What API defaulting changed, for the header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// `imagePullPolicy` set from the tag: (container, policy).
    pub pull_policies: Vec<(String, String)>,
    /// Containers that got `terminationMessagePath`/`Policy`.
    pub termination_message: Vec<String>,
    /// Probes that got timing defaults or an `httpGet` path/scheme: `container.livenessProbe`.
    pub probes: Vec<String>,
    /// Ports that got `protocol: TCP`: `container.ports[i]`.
    pub port_protocols: Vec<String>,
    /// `restartPolicy` set to `Always`.
    pub restart_policy: bool,
    /// Volumes with no source, given `emptyDir: {}`.
    pub empty_dirs: Vec<String>,
    /// Containers whose missing requests were copied from limits (a Pod only).
    pub requests_from_limits: Vec<String>,
}

impl Applied {
    /// One line per kind of default, citing the rule.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.pull_policies.is_empty() {
            let list: Vec<String> = self
                .pull_policies
                .iter()
                .map(|(c, p)| format!("{c} {p}"))
                .collect();
            lines.push(format!(
                "imagePullPolicy from the image tag (latest or none: Always, else IfNotPresent; kubernetes-rules.md §8): {}",
                list.join(", ")
            ));
        }
        if !self.termination_message.is_empty() {
            lines.push(format!(
                "terminationMessagePath /dev/termination-log and terminationMessagePolicy File (kubernetes-rules.md §8): {}",
                self.termination_message.join(", ")
            ));
        }
        if !self.probes.is_empty() {
            lines.push(format!(
                "probe timeoutSeconds 1, periodSeconds 10, successThreshold 1, failureThreshold 3, httpGet path / and scheme HTTP where unset (kubernetes-rules.md §5): {}",
                self.probes.join(", ")
            ));
        }
        if !self.port_protocols.is_empty() {
            lines.push(format!(
                "port protocol TCP (kubernetes-rules.md §4): {}",
                self.port_protocols.join(", ")
            ));
        }
        if self.restart_policy {
            lines.push("pod restartPolicy Always (kubernetes-rules.md §11)".into());
        }
        if !self.empty_dirs.is_empty() {
            lines.push(format!(
                "a volume with no source becomes emptyDir: {{}}: {}",
                self.empty_dirs.join(", ")
            ));
        }
        if !self.requests_from_limits.is_empty() {
            lines.push(format!(
                "missing requests copied from limits, as for every Pod (kubernetes-rules.md §9.1): {}",
                self.requests_from_limits.join(", ")
            ));
        }
        lines
    }
}

/// Apply the API defaults that matter for sidecars to a pod spec. `is_pod` adds the defaults
/// only bare Pods get (requests copied from limits).
pub fn apply_api_defaults(spec: &mut PodSpec, is_pod: bool) -> Applied {
    let mut applied = Applied::default();
    if spec.restart_policy.as_deref().is_none_or(str::is_empty) {
        spec.restart_policy = Some("Always".into());
        applied.restart_policy = true;
    }
    for list in [Some(&mut spec.containers), spec.init_containers.as_mut()]
        .into_iter()
        .flatten()
    {
        for container in list.iter_mut() {
            container_defaults(container, is_pod, &mut applied);
        }
    }
    for volume in spec.volumes.iter_mut().flatten() {
        let only_name = serde_json::to_value(&*volume)
            .ok()
            .and_then(|v| v.as_object().map(|m| m.len() == 1))
            .unwrap_or(false);
        if only_name {
            volume.empty_dir = Some(EmptyDirVolumeSource::default());
            applied.empty_dirs.push(volume.name.clone());
        }
    }
    applied
}

fn container_defaults(c: &mut Container, is_pod: bool, applied: &mut Applied) {
    let name = c.name.clone();
    if c.image_pull_policy.as_deref().is_none_or(str::is_empty)
        && let Some(image) = &c.image
    {
        let policy = default_pull_policy(image).to_string();
        applied.pull_policies.push((name.clone(), policy.clone()));
        c.image_pull_policy = Some(policy);
    }
    let mut termination = false;
    if c.termination_message_path
        .as_deref()
        .is_none_or(str::is_empty)
    {
        c.termination_message_path = Some("/dev/termination-log".into());
        termination = true;
    }
    if c.termination_message_policy
        .as_deref()
        .is_none_or(str::is_empty)
    {
        c.termination_message_policy = Some("File".into());
        termination = true;
    }
    if termination {
        applied.termination_message.push(name.clone());
    }
    for (i, port) in c.ports.iter_mut().flatten().enumerate() {
        if port.protocol.as_deref().is_none_or(str::is_empty) {
            port.protocol = Some("TCP".into());
            applied.port_protocols.push(format!("{name}.ports[{i}]"));
        }
    }
    for (key, probe) in [
        ("livenessProbe", c.liveness_probe.as_mut()),
        ("readinessProbe", c.readiness_probe.as_mut()),
        ("startupProbe", c.startup_probe.as_mut()),
    ] {
        if let Some(probe) = probe
            && api_probe_defaults(probe)
        {
            applied.probes.push(format!("{name}.{key}"));
        }
    }
    if let Some(lifecycle) = c.lifecycle.as_mut() {
        lifecycle_defaults(lifecycle);
    }
    if is_pod
        && let Some(resources) = c.resources.as_mut()
        && let Some(limits) = &resources.limits
    {
        let requests = resources.requests.get_or_insert_with(BTreeMap::new);
        let mut copied = false;
        for (resource, quantity) in limits {
            if !requests.contains_key(resource) {
                requests.insert(resource.clone(), quantity.clone());
                copied = true;
            }
        }
        if copied {
            applied.requests_from_limits.push(name);
        }
    }
}

/// `SetDefaults_Probe` and `SetDefaults_HTTPGetAction`: zero or unset timing fields take their
/// defaults; `initialDelaySeconds` has none. Returns whether anything changed.
fn api_probe_defaults(probe: &mut Probe) -> bool {
    let mut changed = false;
    for (field, default) in [
        (&mut probe.timeout_seconds, 1),
        (&mut probe.period_seconds, 10),
        (&mut probe.success_threshold, 1),
        (&mut probe.failure_threshold, 3),
    ] {
        if field.is_none_or(|v| v == 0) {
            *field = Some(default);
            changed = true;
        }
    }
    if let Some(http) = probe.http_get.as_mut() {
        changed |= http_get_defaults(http);
    }
    changed
}

fn http_get_defaults(http: &mut HTTPGetAction) -> bool {
    let mut changed = false;
    if http.path.as_deref().is_none_or(str::is_empty) {
        http.path = Some("/".into());
        changed = true;
    }
    if http.scheme.as_deref().is_none_or(str::is_empty) {
        http.scheme = Some("HTTP".into());
        changed = true;
    }
    changed
}

fn lifecycle_defaults(lifecycle: &mut Lifecycle) {
    let handlers: [Option<&mut LifecycleHandler>; 2] =
        [lifecycle.post_start.as_mut(), lifecycle.pre_stop.as_mut()];
    for handler in handlers.into_iter().flatten() {
        if let Some(http) = handler.http_get.as_mut() {
            http_get_defaults(http);
        }
    }
}

/// KubeVela's sidecar `#HealthProbe` writes every timing default out: 0/10/1/1/3
/// (kubevela.md §1.3, §2.2).
pub fn vela_probe_defaults(probe: &mut Probe) {
    for (field, default) in [
        (&mut probe.initial_delay_seconds, 0),
        (&mut probe.period_seconds, 10),
        (&mut probe.timeout_seconds, 1),
        (&mut probe.success_threshold, 1),
        (&mut probe.failure_threshold, 3),
    ] {
        if field.is_none() {
            *field = Some(default);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(json: serde_json::Value) -> Container {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn pull_policy_follows_the_tag() {
        let mut spec = PodSpec {
            containers: vec![
                container(serde_json::json!({"name": "a", "image": "nginx"})),
                container(serde_json::json!({"name": "b", "image": "nginx:1.27"})),
                container(
                    serde_json::json!({"name": "c", "image": "nginx", "imagePullPolicy": "Never"}),
                ),
            ],
            ..Default::default()
        };
        let applied = apply_api_defaults(&mut spec, false);
        let policies: Vec<_> = spec
            .containers
            .iter()
            .map(|c| c.image_pull_policy.clone().unwrap())
            .collect();
        assert_eq!(policies, ["Always", "IfNotPresent", "Never"]);
        assert_eq!(applied.pull_policies.len(), 2);
        assert_eq!(spec.restart_policy.as_deref(), Some("Always"));
    }

    #[test]
    fn probes_get_their_defaults_but_not_initial_delay() {
        let mut c = container(serde_json::json!({
            "name": "a", "image": "x:1",
            "livenessProbe": {"httpGet": {"port": 80}, "periodSeconds": 0, "failureThreshold": 5}
        }));
        let mut applied = Applied::default();
        container_defaults(&mut c, false, &mut applied);
        let p = c.liveness_probe.unwrap();
        assert_eq!(
            (
                p.initial_delay_seconds,
                p.timeout_seconds,
                p.period_seconds,
                p.success_threshold,
                p.failure_threshold
            ),
            (None, Some(1), Some(10), Some(1), Some(5))
        );
        let http = p.http_get.unwrap();
        assert_eq!(
            (http.path.as_deref(), http.scheme.as_deref()),
            (Some("/"), Some("HTTP"))
        );
        assert_eq!(c.termination_message_policy.as_deref(), Some("File"));
    }

    #[test]
    fn a_pod_copies_limits_into_missing_requests_a_template_does_not() {
        let json = serde_json::json!({"name": "a", "image": "x:1",
            "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m"}}});
        let mut pod = container(json.clone());
        container_defaults(&mut pod, true, &mut Applied::default());
        let requests = pod.resources.unwrap().requests.unwrap();
        assert_eq!(requests["cpu"].0, "500m");
        assert_eq!(requests["memory"].0, "1Gi");
        let mut template = container(json);
        container_defaults(&mut template, false, &mut Applied::default());
        assert!(
            !template
                .resources
                .unwrap()
                .requests
                .unwrap()
                .contains_key("memory")
        );
    }

    #[test]
    fn vela_writes_every_probe_default_out() {
        let mut p: Probe = serde_json::from_value(
            serde_json::json!({"tcpSocket": {"port": 80}, "periodSeconds": 5}),
        )
        .unwrap();
        vela_probe_defaults(&mut p);
        assert_eq!(
            (
                p.initial_delay_seconds,
                p.period_seconds,
                p.timeout_seconds,
                p.success_threshold,
                p.failure_threshold
            ),
            (Some(0), Some(5), Some(1), Some(1), Some(3))
        );
    }
}
