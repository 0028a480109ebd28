//! Inlay hints: the effective values of fields a spec leaves out, shown where they would be
//! written — the pull policy Kubernetes derives from the image tag, the probe timings Kubernetes
//! (or KubeVela) fills in, the resources HKube gives a sidecar, and what `restartPolicy: Always`
//! makes of an init container.
//!
//! A hint sits after the value it is about (`image: nginx` → `imagePullPolicy: Always`), after a
//! JSON comma that follows it, or, for a block value below its key, right after the key's colon;
//! for a JSON object opened on its key's line, right after the `{`.

use crate::Analysis;
use crate::config::Settings;
use crate::diagnostic::Dialect;
use crate::dialect::hkube::{EffectiveValue, effective_resources, format_number};
use crate::ide::defaults::{default_pull_policy, missing_probe_fields};
use crate::model::{Container, Object, Role};
use crate::syntax::{NodeId, Tree, Value};
use crate::text::Span;

/// A label shown inside the text at `offset`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Byte offset the label is shown at.
    pub offset: usize,
    /// The short label (`imagePullPolicy: IfNotPresent`).
    pub label: String,
    /// Why this value applies, with its source.
    pub tooltip: String,
    /// Put a space before the label.
    pub padding_left: bool,
    /// Put a space after the label.
    pub padding_right: bool,
}

/// The hints whose offset lies inside `range` (bounds included), in offset order.
pub fn inlay_hints(
    analysis: &Analysis,
    text: &str,
    range: Span,
    settings: &Settings,
) -> Vec<InlayHint> {
    let tree = &analysis.syntax.tree;
    let range = Span::new(
        (range.start as usize).min(text.len()),
        (range.end as usize).min(text.len()),
    );
    let cx = Hints {
        tree,
        text,
        settings,
    };
    let mut hints = Vec::new();
    for object in &analysis.objects {
        if !overlaps(tree.span(object.root), range) {
            continue;
        }
        for workload in &object.workloads {
            for container in &workload.containers {
                if container
                    .node
                    .is_some_and(|n| overlaps(tree.span(n), range))
                {
                    cx.container(object, container, &mut hints);
                }
            }
        }
    }
    hints.retain(|h| range.touches(h.offset));
    hints.sort_by(|a, b| (a.offset, &a.label).cmp(&(b.offset, &b.label)));
    hints.dedup_by(|a, b| a.offset == b.offset && a.label == b.label);
    hints
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start <= b.end && b.start <= a.end
}

struct Hints<'a> {
    tree: &'a Tree,
    text: &'a str,
    settings: &'a Settings,
}

impl Hints<'_> {
    fn container(&self, object: &Object, c: &Container, out: &mut Vec<InlayHint>) {
        if c.role == Role::Ephemeral {
            return;
        }
        self.pull_policy(object.dialect, c, out);
        if c.role != Role::Init {
            self.probes(object.dialect, c, out);
        }
        if object.dialect == Dialect::Hkube && c.role == Role::Sidecar {
            self.hkube_resources(c, out);
        }
        if c.role == Role::NativeSidecar {
            self.native_sidecar(c, out);
        }
    }

    fn hint(&self, value: NodeId, label: String, tooltip: String) -> InlayHint {
        InlayHint {
            offset: hint_offset(self.tree, self.text, value),
            label,
            tooltip,
            padding_left: true,
            padding_right: false,
        }
    }

    /// `imagePullPolicy` from the tag when not written (kubernetes-rules.md §8; Calyptia's CRD
    /// default, calyptia.md §3.3). KubeVela's trait cannot set it at all (kubevela.md §2.2).
    fn pull_policy(&self, dialect: Dialect, c: &Container, out: &mut Vec<InlayHint>) {
        let tree = self.tree;
        let Some(image) = c.field(tree, "image") else {
            return;
        };
        let Some(reference) = tree.str(image).filter(|s| !s.trim().is_empty()) else {
            return;
        };
        if c.field(tree, "imagePullPolicy")
            .is_some_and(|p| !tree.is_null(p))
        {
            return;
        }
        let default = default_pull_policy(dialect, reference);
        out.push(self.hint(
            image,
            format!("imagePullPolicy: {}", default.policy),
            default.reason,
        ));
    }

    /// Probe timings left out (kubernetes-rules.md §5; KubeVela writes the same values,
    /// kubevela.md §1.3 and §2.2; Calyptia, calyptia.md §7).
    fn probes(&self, dialect: Dialect, c: &Container, out: &mut Vec<InlayHint>) {
        for (kind, probe) in c.probes(self.tree) {
            let missing = missing_probe_fields(self.tree, probe);
            if missing.is_empty() {
                continue;
            }
            let label = missing
                .iter()
                .map(|d| d.short)
                .collect::<Vec<_>>()
                .join(" · ");
            let fields = missing
                .iter()
                .map(|d| format!("{} {}", d.field, d.value))
                .collect::<Vec<_>>()
                .join(", ");
            let tooltip = match dialect {
                Dialect::Kubevela => format!(
                    "KubeVela's sidecar trait writes its `#HealthProbe` defaults into the rendered \
                     `{}`: {fields} (kubevela.md §1.3, §2.2).",
                    kind.key()
                ),
                _ => format!(
                    "Not written, so the `{}` runs with {fields}: Kubernetes fills in \
                     timeoutSeconds, periodSeconds, successThreshold and failureThreshold \
                     (SetDefaults_Probe), and an omitted initialDelaySeconds is 0 \
                     (kubernetes-rules.md §5{}).",
                    kind.key(),
                    if dialect == Dialect::Calyptia {
                        "; calyptia.md §7"
                    } else {
                        ""
                    }
                ),
            };
            out.push(self.hint(probe, label, tooltip));
        }
    }

    /// What HKube's task-executor fills into a sidecar's resources (hkube.md §2.6).
    fn hkube_resources(&self, c: &Container, out: &mut Vec<InlayHint>) {
        let tree = self.tree;
        let Some(node) = c.node else {
            return;
        };
        let hkube = &self.settings.hkube;
        let e = effective_resources(tree, node, hkube);
        let filled = |v: &Option<EffectiveValue>| {
            v.as_ref()
                .filter(|v| v.node.is_none())
                .map(|v| v.quantity.rounded_to_milli().to_string())
        };
        let section = |name: &str, cpu: Option<String>, memory: Option<String>| {
            let parts: Vec<String> = [("cpu", cpu), ("memory", memory)]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| format!("{k} {v}")))
                .collect();
            (!parts.is_empty()).then(|| format!("{name} {}", parts.join(", ")))
        };
        let cpu_limit_dropped = e.limit_cpu.is_none()
            && tree
                .get_path(node, &["resources", "limits", "cpu"])
                .is_none_or(|n| js_falsy(tree, n));
        let mut parts: Vec<String> = [
            section(
                "requests",
                filled(&e.request_cpu),
                filled(&e.request_memory),
            ),
            section("limits", filled(&e.limit_cpu), filled(&e.limit_memory)),
        ]
        .into_iter()
        .flatten()
        .collect();
        if cpu_limit_dropped {
            parts.push("no cpu limit".into());
        }
        if parts.is_empty() {
            return;
        }
        let factor = if hkube.use_resource_limits {
            "equal to the effective requests (use-resource-limits)"
        } else {
            "twice the effective requests"
        };
        let mut tooltip = format!(
            "HKube's task-executor fills in what the sidecar leaves out: requests cpu {} and \
             memory {}, limits {factor} (hkube.md §2.6; set in the [hkube] settings).",
            format_number(hkube.sidecar_cpu),
            hkube.sidecar_memory
        );
        if cpu_limit_dropped {
            tooltip.push_str(
                " A CPU request written as a string such as \"500m\" cannot be multiplied by the \
                 task-executor, so the sidecar gets no CPU limit (hkube.md §2.6, item 8).",
            );
        }
        let label = parts.join(" · ");
        match tree.get(node, "resources") {
            Some(resources) => out.push(self.hint(resources, label, tooltip)),
            None => out.push(self.hint(node, format!("resources: {label}"), tooltip)),
        }
    }

    /// What `restartPolicy: Always` does to an init container (kubernetes-rules.md §1).
    fn native_sidecar(&self, c: &Container, out: &mut Vec<InlayHint>) {
        let Some(policy) = c.field(self.tree, "restartPolicy") else {
            return;
        };
        let version = self.settings.kube_version;
        let supported =
            version.minor >= 29 || (version.minor == 28 && self.settings.gate("SidecarContainers"));
        let label = if supported {
            "native sidecar: runs alongside the main containers".to_string()
        } else {
            format!("native sidecar: needs Kubernetes 1.29+ (set: {version})")
        };
        out.push(
            self.hint(
                policy,
                label,
                "`restartPolicy: Always` makes this init container a native sidecar (KEP-753): it \
             starts in init-container order, and the next init container starts as soon as it \
             has started (or its startupProbe has succeeded); it is restarted whenever it exits, \
             its readiness counts toward the pod's, and it is stopped once the main containers \
             have finished. Its resources add to the pod's running total. Needs the \
             SidecarContainers feature: beta and on by default in 1.29, GA in 1.33 \
             (kubernetes-rules.md §1)."
                    .into(),
            ),
        );
    }
}

/// JavaScript falsiness (the task-executor ignores falsy resource values, hkube.md §2.6).
fn js_falsy(tree: &Tree, node: NodeId) -> bool {
    match tree.value(node) {
        Value::Null | Value::Missing => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == 0.0,
        Value::String(s) => s.is_empty(),
        Value::Array(_) | Value::Object(_) => false,
    }
}

/// Where a hint about `value` goes (see the module doc). Never past the end of `text`.
fn hint_offset(tree: &Tree, text: &str, value: NodeId) -> usize {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let span = tree.span(value);
    let (start, end) = ((span.start as usize).min(len), (span.end as usize).min(len));
    let key_end = tree
        .key_span(value)
        .map_or(start, |k| (k.end as usize).min(start));
    let gap = bytes.get(key_end..start).unwrap_or(&[]);
    if gap.contains(&b'\n') || start == end {
        // A block value below its key (or none at all): right after the colon.
        return gap
            .iter()
            .position(|&b| b == b':')
            .map_or(key_end, |i| key_end + i + 1);
    }
    let multi_line = bytes.get(start..end).is_some_and(|s| s.contains(&b'\n'));
    if multi_line && matches!(bytes.get(start), Some(b'{' | b'[')) {
        return start + 1;
    }
    if bytes.get(end) == Some(&b',') {
        end + 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze;
    use crate::config::HkubeSettings;
    use crate::diagnostic::KubeVersion;

    /// Strip every `$0` marker: the text and the markers' offsets, in order.
    fn fixture(text: &str) -> (String, Vec<usize>) {
        let mut clean = String::with_capacity(text.len());
        let mut offsets = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find("$0") {
            clean.push_str(&rest[..i]);
            offsets.push(clean.len());
            rest = &rest[i + 2..];
        }
        clean.push_str(rest);
        (clean, offsets)
    }

    fn hints(text: &str, path: &str, settings: &Settings) -> Vec<InlayHint> {
        let analysis = analyze(text, Some(path), settings);
        inlay_hints(&analysis, text, Span::new(0, text.len()), settings)
    }

    /// The hints of `fixture_text` are exactly `labels`, one at each `$0`.
    fn check(
        fixture_text: &str,
        path: &str,
        settings: &Settings,
        labels: &[&str],
    ) -> Vec<InlayHint> {
        let (text, offsets) = fixture(fixture_text);
        let got = hints(&text, path, settings);
        let actual: Vec<(usize, &str)> = got.iter().map(|h| (h.offset, h.label.as_str())).collect();
        let expected: Vec<(usize, &str)> =
            offsets.into_iter().zip(labels.iter().copied()).collect();
        assert_eq!(actual, expected, "{got:#?}");
        got
    }

    #[test]
    fn kubernetes_yaml_pull_policy_probes_and_native_sidecar() {
        let got = check(
            r#"apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  initContainers:
    - name: logs
      image: fluent/fluent-bit:3.1$0
      restartPolicy: Always$0
      startupProbe:$0
        tcpSocket: {port: 2020}
        periodSeconds: 2
        failureThreshold: 30
  containers:
    - name: app
      image: nginx$0
      livenessProbe: {httpGet: {path: /healthz, port: 8080}, timeoutSeconds: 2}$0
    - name: proxy
      image: envoyproxy/envoy:v1.31
      imagePullPolicy: Always
"#,
            "pod.yaml",
            &Settings::default(),
            &[
                "imagePullPolicy: IfNotPresent",
                "native sidecar: runs alongside the main containers",
                "initialDelay 0s · timeout 1s · success 1",
                "imagePullPolicy: Always",
                "initialDelay 0s · period 10s · success 1 · failure 3",
            ],
        );
        assert!(got[0].tooltip.contains("the tag is `3.1`"));
        assert!(got[3].tooltip.contains("no tag, which means `latest`"));
        assert!(got[2].tooltip.contains("kubernetes-rules.md §5"));
    }

    #[test]
    fn kubernetes_json_hints_follow_the_comma_or_the_brace() {
        check(
            r#"{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "p"},
  "spec": {
    "containers": [
      {
        "name": "app",
        "image": "nginx:latest",$0
        "readinessProbe": {$0
          "httpGet": {"path": "/", "port": 80},
          "initialDelaySeconds": 5,
          "timeoutSeconds": 1,
          "periodSeconds": 10,
          "successThreshold": 1
        }
      },
      {"name": "log", "image": "busybox:1.36"$0}
    ]
  }
}"#,
            "pod.json",
            &Settings::default(),
            &[
                "imagePullPolicy: Always",
                "failure 3",
                "imagePullPolicy: IfNotPresent",
            ],
        );
    }

    #[test]
    fn plain_init_containers_get_no_probe_hints_and_old_clusters_are_warned() {
        let settings = Settings {
            kube_version: KubeVersion::new(28),
            ..Settings::default()
        };
        check(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n    - name: setup\n      image: busybox:1.36$0\n    - name: logs\n      image: busybox:1.36$0\n      restartPolicy: Always$0\n  containers:\n    - {name: app, image: nginx:1.27, imagePullPolicy: IfNotPresent}\n",
            "pod.yaml",
            &settings,
            &[
                "imagePullPolicy: IfNotPresent",
                "imagePullPolicy: IfNotPresent",
                "native sidecar: needs Kubernetes 1.29+ (set: 1.28)",
            ],
        );
    }

    #[test]
    fn hkube_sidecar_resources_defaults() {
        let got = check(
            r#"{
  "name": "algo",
  "algorithmImage": "hkube/algo:1.0",
  "sideCars": [
    {
      "container": {$0
        "name": "cache",
        "image": "redis:7",
        "imagePullPolicy": "IfNotPresent"
      }
    },
    {
      "container": {
        "name": "web",
        "image": "nginx:1.27",
        "imagePullPolicy": "IfNotPresent",
        "resources": {"requests": {"cpu": 0.2, "memory": "150Mi"}}$0
      }
    },
    {
      "container": {"name": "api", "image": "nginx:1.27", "imagePullPolicy": "Always",
        "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}}$0}
    },
    {"container": {"name": "done", "image": "nginx:1.27", "imagePullPolicy": "Always",
      "resources": {"requests": {"cpu": 1, "memory": "1Gi"}, "limits": {"cpu": 1, "memory": "1Gi"}}}}
  ]
}"#,
            "algo.json",
            &Settings::default(),
            &[
                "resources: requests cpu 100m, memory 128Mi · limits cpu 200m, memory 256Mi",
                "limits cpu 400m, memory 300Mi",
                "no cpu limit",
            ],
        );
        assert!(got[0].tooltip.contains("requests cpu 0.1 and memory 128Mi"));
        assert!(got[2].tooltip.contains("no CPU limit"));
    }

    #[test]
    fn hkube_settings_change_the_defaults() {
        let settings = Settings {
            hkube: HkubeSettings {
                use_resource_limits: true,
                sidecar_cpu: 0.25,
                sidecar_memory: "64Mi".into(),
            },
            ..Settings::default()
        };
        check(
            r#"{"name": "algo", "sideCars": [{"container": {"name": "c", "image": "redis:7", "imagePullPolicy": "Always"}$0}]}"#,
            "algo.json",
            &settings,
            &["resources: requests cpu 250m, memory 64Mi · limits cpu 250m, memory 64Mi"],
        );
    }

    #[test]
    fn kubevela_trait_probes_and_pull_policy() {
        let got = check(
            r#"apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: app
spec:
  components:
    - name: web
      type: webservice
      properties:
        image: nginx:1.27
      traits:
        - type: sidecar
          properties:
            name: logs
            image: busybox$0
            readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 5}$0
"#,
            "app.yaml",
            &Settings::default(),
            &[
                "imagePullPolicy: Always",
                "initialDelay 0s · timeout 1s · success 1 · failure 3",
            ],
        );
        assert!(got[1].tooltip.contains("kubevela.md §1.3"));
    }

    #[test]
    fn calyptia_pull_policy_is_the_crd_default() {
        let got = check(
            r#"{
  "name": "shipper",
  "image": "fluent/fluent-bit:latest",$0
  "livenessProbe": {"exec": {"command": ["true"]}, "initialDelaySeconds": 3, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
}"#,
            "shipper.json",
            &Settings::default(),
            &["imagePullPolicy: IfNotPresent"],
        );
        assert!(got[0].tooltip.contains("calyptia.md §3.3"));
    }

    #[test]
    fn only_hints_inside_the_range() {
        let (text, offsets) = fixture(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: nginx$0\n    - name: b\n      image: redis$0\n",
        );
        let analysis = analyze(&text, Some("p.yaml"), &Settings::default());
        let range = Span::new(offsets[1] - 5, offsets[1]);
        let got = inlay_hints(&analysis, &text, range, &Settings::default());
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].offset, offsets[1]);
        let outside = inlay_hints(
            &analysis,
            &text,
            Span::new(text.len() + 10, text.len() + 20),
            &Settings::default(),
        );
        assert!(outside.is_empty());
    }

    #[test]
    fn half_typed_documents_do_not_panic() {
        for text in [
            "apiVersion: v1\nkind: Pod\nspec:\n  initContainers:\n    - name: a\n      restartPolicy: Always\n      livenessProbe:",
            "{\"sideCars\": [{\"container\": {\"name\": \"c\", \"image\": ",
            "{\"sideCars\": [{\"container\": {\"resources\": null}}, {\"container\": {}}]}",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: é\n    livenessProbe: {",
        ] {
            for path in ["a.yaml", "a.json"] {
                let analysis = analyze(text, Some(path), &Settings::default());
                for range in [
                    Span::new(0, text.len()),
                    Span::new(3, 4),
                    Span::new(0, 1 << 30),
                ] {
                    let _ = inlay_hints(&analysis, text, range, &Settings::default());
                }
            }
        }
    }
}
