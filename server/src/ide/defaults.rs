//! Effective defaults: what Kubernetes or the platform fills in when a spec leaves a field out.
//! Code lenses (pod totals) and inlay hints share these; each value names the research section it
//! comes from (`/work/shared/research/*.md`).

use crate::config::Settings;
use crate::diagnostic::Dialect;
use crate::dialect::hkube::{EffectiveValue, effective_resources};
use crate::k8s::image;
use crate::k8s::quantity::Quantity;
use crate::model::{Container, Object, Role};
use crate::syntax::{NodeId, Tree, Value};

/// Where a cpu or memory amount comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountSource {
    /// Written in the spec.
    Written,
    /// A missing request that Kubernetes copies from the limit when it creates the Pod
    /// (`SetDefaults_Pod`, kubernetes-rules.md §9.1).
    FromLimit,
    /// Filled in by the platform: HKube's sidecar defaults (hkube.md §2.6).
    PlatformDefault,
    /// Rendered by the platform from one of its own properties: a KubeVela component's
    /// `cpu`/`memory` (kubevela.md §2.3).
    Rendered,
}

/// A cpu or memory amount and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    /// The value, rounded up to milli-units as Kubernetes stores it.
    pub quantity: Quantity,
    /// Where it comes from.
    pub source: AmountSource,
}

/// A cpu and a memory amount (`None`: not set).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuMemory {
    /// `cpu`.
    pub cpu: Option<Amount>,
    /// `memory`.
    pub memory: Option<Amount>,
}

impl CpuMemory {
    /// The amount of `resource`.
    pub fn get(&self, resource: Resource) -> Option<Amount> {
        match resource {
            Resource::Cpu => self.cpu,
            Resource::Memory => self.memory,
        }
    }
}

/// The two resources pod totals add up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    /// CPU.
    Cpu,
    /// Memory.
    Memory,
}

impl Resource {
    /// Both, in display order.
    pub const ALL: [Resource; 2] = [Resource::Cpu, Resource::Memory];

    /// The resource name.
    pub fn key(self) -> &'static str {
        match self {
            Resource::Cpu => "cpu",
            Resource::Memory => "memory",
        }
    }
}

/// A container's effective cpu/memory requests and limits, as the pod will run it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Demand {
    /// `resources.requests`.
    pub requests: CpuMemory,
    /// `resources.limits`.
    pub limits: CpuMemory,
}

/// The effective requests and limits of `container`, or `None` when nothing public says what the
/// platform gives it (HKube's `worker`/`algorunner`, hkube.md §2.6 and §5; the Calyptia
/// pipeline's own container, calyptia.md §5).
///
/// - Kubernetes, Calyptia and KubeVela sidecars: what is written; a missing request takes the
///   limit (kubernetes-rules.md §9.1). The KubeVela trait passes no `resources` at all
///   (kubevela.md §1.3), so its sidecars have none.
/// - HKube sidecars: the task-executor's defaults (hkube.md §2.6), from `settings.hkube`.
/// - A KubeVela component's main container: its `cpu`/`memory` properties go to both requests
///   and limits; `limit.cpu`/`limit.memory` replace the limits (kubevela.md §2.3).
pub fn container_demand(
    tree: &Tree,
    object: &Object,
    container: &Container,
    settings: &Settings,
) -> Option<Demand> {
    if let Some(platform) = &container.platform {
        return match object.dialect {
            Dialect::Kubevela => Some(vela_main_demand(tree, platform.declared_at)),
            _ => None,
        };
    }
    let node = container.node?;
    if object.dialect == Dialect::Hkube && container.role == Role::Sidecar {
        return Some(hkube_demand(tree, node, settings));
    }
    let resources = container.field(tree, "resources");
    let read = |section: &str, resource: Resource| {
        resources
            .and_then(|r| tree.get_path(r, &[section, resource.key()]))
            .and_then(|n| quantity_of(tree, n))
            .map(|quantity| Amount {
                quantity,
                source: AmountSource::Written,
            })
    };
    let limits = CpuMemory {
        cpu: read("limits", Resource::Cpu),
        memory: read("limits", Resource::Memory),
    };
    let request = |resource: Resource| {
        read("requests", resource).or_else(|| {
            limits.get(resource).map(|limit| Amount {
                source: AmountSource::FromLimit,
                ..limit
            })
        })
    };
    Some(Demand {
        requests: CpuMemory {
            cpu: request(Resource::Cpu),
            memory: request(Resource::Memory),
        },
        limits,
    })
}

/// An HKube sidecar's resources after the task-executor's defaulting (hkube.md §2.6).
fn hkube_demand(tree: &Tree, container: NodeId, settings: &Settings) -> Demand {
    let effective = effective_resources(tree, container, &settings.hkube);
    let amount = |value: &Option<EffectiveValue>| {
        value.as_ref().map(|v| Amount {
            quantity: v.quantity.rounded_to_milli(),
            source: if v.node.is_some() {
                AmountSource::Written
            } else {
                AmountSource::PlatformDefault
            },
        })
    };
    Demand {
        requests: CpuMemory {
            cpu: amount(&effective.request_cpu),
            memory: amount(&effective.request_memory),
        },
        limits: CpuMemory {
            cpu: amount(&effective.limit_cpu),
            memory: amount(&effective.limit_memory),
        },
    }
}

/// The main container a KubeVela component renders (kubevela.md §2.3).
fn vela_main_demand(tree: &Tree, component: Option<NodeId>) -> Demand {
    let properties = component.and_then(|c| tree.get(c, "properties"));
    let read = |path: &[&str]| {
        properties
            .and_then(|p| tree.get_path(p, path))
            .and_then(|n| quantity_of(tree, n))
            .map(|quantity| Amount {
                quantity,
                source: AmountSource::Rendered,
            })
    };
    let cpu = read(&["cpu"]);
    let memory = read(&["memory"]);
    Demand {
        requests: CpuMemory { cpu, memory },
        limits: CpuMemory {
            cpu: read(&["limit", "cpu"]).or(cpu),
            memory: read(&["limit", "memory"]).or(memory),
        },
    }
}

/// A quantity written as a string or a number, rounded up to milli-units as
/// `SetDefaults_ResourceList` does (kubernetes-rules.md §9.2). `None` when it does not parse
/// (the rules report that).
pub fn quantity_of(tree: &Tree, node: NodeId) -> Option<Quantity> {
    let parsed = match tree.value(node) {
        Value::String(s) => Quantity::parse(s.trim()),
        Value::Number(n) => Quantity::parse(&n.to_string()),
        _ => return None,
    };
    parsed
        .ok()
        .filter(|q| !q.is_negative())
        .map(Quantity::rounded_to_milli)
}

/// One probe field Kubernetes fills in when it is omitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeDefault {
    /// The field.
    pub field: &'static str,
    /// Its effective value.
    pub value: i64,
    /// A short label for hints (`timeout 1s`).
    pub short: &'static str,
}

/// The probe timing fields and their effective values when omitted: `SetDefaults_Probe` sets
/// timeout 1, period 10, success 1, failure 3, and an omitted initial delay is 0
/// (kubernetes-rules.md §5). KubeVela's `#HealthProbe` writes the same five values out
/// (kubevela.md §1.3, §2.2); Calyptia sidecars get Kubernetes' (calyptia.md §7).
pub const PROBE_DEFAULTS: [ProbeDefault; 5] = [
    ProbeDefault {
        field: "initialDelaySeconds",
        value: 0,
        short: "initialDelay 0s",
    },
    ProbeDefault {
        field: "timeoutSeconds",
        value: 1,
        short: "timeout 1s",
    },
    ProbeDefault {
        field: "periodSeconds",
        value: 10,
        short: "period 10s",
    },
    ProbeDefault {
        field: "successThreshold",
        value: 1,
        short: "success 1",
    },
    ProbeDefault {
        field: "failureThreshold",
        value: 3,
        short: "failure 3",
    },
];

/// The probe fields of `probe` left out (absent or `null`), with their effective values.
pub fn missing_probe_fields(tree: &Tree, probe: NodeId) -> Vec<ProbeDefault> {
    PROBE_DEFAULTS
        .iter()
        .copied()
        .filter(|d| tree.get(probe, d.field).is_none_or(|n| tree.is_null(n)))
        .collect()
}

/// The `imagePullPolicy` a container gets when it sets none, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullPolicyDefault {
    /// `Always` or `IfNotPresent`.
    pub policy: &'static str,
    /// Why, in a sentence, with its source.
    pub reason: String,
}

/// The pull policy a container of `dialect` with `image` gets when it sets none.
///
/// - Calyptia: the operator CRD defaults it to `IfNotPresent` whatever the tag (calyptia.md §3.3,
///   §4.4; an inference that the operator copies the CR value).
/// - Everywhere else the field reaches Kubernetes unset (HKube passes the container through,
///   hkube.md §2.7; the KubeVela trait has no such property, kubevela.md §2.2), so Kubernetes
///   derives it from the tag: `latest` or no tag and no digest → `Always`, else `IfNotPresent`
///   (kubernetes-rules.md §8).
pub fn default_pull_policy(dialect: Dialect, image_ref: &str) -> PullPolicyDefault {
    if dialect == Dialect::Calyptia {
        return PullPolicyDefault {
            policy: "IfNotPresent",
            reason: "The Calyptia Pipeline CRD defaults a sidecar's `imagePullPolicy` to \
                     `IfNotPresent`, whatever the tag (calyptia.md §3.3; that the operator copies \
                     it into the pod is an inference, §4.4)."
                .into(),
        };
    }
    let policy = image::default_pull_policy(image_ref);
    let parsed = image::parse(image_ref.trim());
    let why = match (parsed.tag, parsed.digest) {
        (Some("latest"), _) => "the tag is `latest`".to_string(),
        (None, None) => "the image has no tag, which means `latest`".to_string(),
        (Some(tag), _) => format!("the tag is `{tag}`, not `latest`"),
        (None, Some(_)) => "the image is pinned by digest".to_string(),
    };
    PullPolicyDefault {
        policy,
        reason: format!(
            "Kubernetes sets `imagePullPolicy: {policy}` because {why} (`latest` or no tag → \
             `Always`, otherwise `IfNotPresent`; kubernetes-rules.md §8)."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze;

    fn demands(text: &str, path: &str, settings: &Settings) -> Vec<(Option<String>, Demand)> {
        let analysis = analyze(text, Some(path), settings);
        let tree = &analysis.syntax.tree;
        analysis
            .objects
            .iter()
            .flat_map(|o| o.workloads.iter().map(move |w| (o, w)))
            .flat_map(|(o, w)| {
                w.containers.iter().filter_map(move |c| {
                    container_demand(tree, o, c, settings).map(|d| (c.name.clone(), d))
                })
            })
            .collect()
    }

    fn show(d: &CpuMemory) -> String {
        Resource::ALL
            .map(|r| d.get(r).map_or("-".into(), |a| a.quantity.to_string()))
            .join("/")
    }

    #[test]
    fn a_missing_request_takes_the_limit() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        limits: {cpu: 0.5, memory: 1Gi}\n        requests: {memory: 256Mi}\n";
        let d = demands(yaml, "p.yaml", &Settings::default());
        assert_eq!(d.len(), 1);
        assert_eq!(show(&d[0].1.requests), "500m/256Mi");
        assert_eq!(d[0].1.requests.cpu.unwrap().source, AmountSource::FromLimit);
        assert_eq!(show(&d[0].1.limits), "500m/1Gi");
    }

    #[test]
    fn hkube_sidecars_get_the_task_executor_defaults() {
        let json = r#"{"name": "algo", "algorithmImage": "a:1", "sideCars": [{"container": {"name": "car", "image": "redis:7"}}]}"#;
        let d = demands(json, "algo.json", &Settings::default());
        // worker and algorunner are not known: only the sidecar has a demand.
        assert_eq!(d.len(), 1);
        assert_eq!(show(&d[0].1.requests), "100m/128Mi");
        assert_eq!(show(&d[0].1.limits), "200m/256Mi");
        assert_eq!(
            d[0].1.limits.memory.unwrap().source,
            AmountSource::PlatformDefault
        );
    }

    #[test]
    fn kubevela_main_container_renders_cpu_and_memory_into_both() {
        let yaml = "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: a}\nspec:\n  components:\n    - name: web\n      type: webservice\n      properties:\n        image: nginx:1.27\n        cpu: \"0.5\"\n        memory: 512Mi\n      traits:\n        - type: sidecar\n          properties: {name: log, image: busybox:1.36}\n";
        let d = demands(yaml, "app.yaml", &Settings::default());
        assert_eq!(d.len(), 2);
        assert_eq!(show(&d[0].1.requests), "500m/512Mi");
        assert_eq!(show(&d[0].1.limits), "500m/512Mi");
        assert_eq!(show(&d[1].1.requests), "-/-");
    }

    #[test]
    fn pull_policy_by_dialect_and_tag() {
        assert_eq!(
            default_pull_policy(Dialect::Kubernetes, "nginx").policy,
            "Always"
        );
        assert_eq!(
            default_pull_policy(Dialect::Hkube, "redis:7").policy,
            "IfNotPresent"
        );
        assert_eq!(
            default_pull_policy(Dialect::Calyptia, "nginx:latest").policy,
            "IfNotPresent"
        );
    }
}
