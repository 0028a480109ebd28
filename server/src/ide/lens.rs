//! Code lenses: pod totals above each sidecar list — the cpu and memory the whole pod requests and
//! is limited to once the sidecars are counted, with the platform's defaults applied.
//!
//! Sidecars change a pod's size, and with it scheduling and autoscaling (the HPA and the VPA look
//! at every container; seed `sidecar-pattern-explained.md`), so the lens also says how many
//! containers run without requests.
//!
//! How the totals are added up, per resource:
//! - Running containers (main containers, classic sidecars, native sidecars) add up.
//! - With init containers, the pod needs the larger of that sum and the peak of the init phase:
//!   while init container *i* runs, the native sidecars declared before it are already running,
//!   so its need is its own amount plus theirs; a native sidecar's need is the sum of the native
//!   sidecars up to and including itself. This is KEP-753's "exposing pod resource requirements"
//!   rule, as the scheduler and kubelet compute it (`component-helpers` `resource/helpers.go`,
//!   `InitContainerUse(i)`). Classic sidecars simply add to the running sum.
//! - A limit is only bounded when every container sets it; one container without a limit leaves
//!   the pod unlimited for that resource.
//! - Requests missing but limits given take the limit (kubernetes-rules.md §9.1); amounts are
//!   rounded up to milli-units and printed in Kubernetes' canonical form (§9.2).

use crate::Analysis;
use crate::config::Settings;
use crate::diagnostic::Dialect;
use crate::dialect::hkube::{ALGORUNNER, WORKER};
use crate::ide::defaults::{Amount, AmountSource, CpuMemory, Demand, Resource, container_demand};
use crate::k8s::quantity::Quantity;
use crate::model::{Container, Object, Role, Workload};
use crate::syntax::Tree;
use crate::text::Span;

/// What a code lens is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeLensKind {
    /// The pod's cpu/memory totals over its main containers and sidecars.
    PodTotals,
}

/// A line of information shown above a span of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// Where it belongs: the key of the sidecar list (`containers`, `initContainers`, `sideCars`,
    /// a component's `traits`), or the `name` key of a Calyptia spec.
    pub span: Span,
    /// The one-line text.
    pub title: String,
    /// What it is about.
    pub kind: CodeLensKind,
    /// The breakdown behind the title, one line each (per container, then notes).
    pub details: Vec<String>,
}

/// A pod-totals lens for every pod that has sidecars, in document order.
pub fn code_lenses(analysis: &Analysis, text: &str, settings: &Settings) -> Vec<CodeLens> {
    let tree = &analysis.syntax.tree;
    let mut lenses: Vec<CodeLens> = analysis
        .objects
        .iter()
        .flat_map(|object| object.workloads.iter().map(move |w| (object, w)))
        .filter(|(_, w)| w.containers.iter().any(|c| c.role.is_sidecar()))
        .map(|(object, workload)| pod_totals_lens(tree, text, object, workload, settings))
        .collect();
    lenses.sort_by_key(|l| l.span.start);
    lenses
}

/// A container that counts towards the totals, with its effective resources.
struct Member<'a> {
    container: &'a Container,
    demand: Demand,
}

/// One resource's total, and where the init phase needs more than the running containers.
#[derive(Clone, Copy, Debug, Default)]
struct Total {
    /// The effective pod amount (`None`: nothing set; for limits: unlimited).
    effective: Option<Quantity>,
    /// The sum over the running containers.
    running: Option<Quantity>,
    /// The init-phase peak when it exceeds `running`: amount and the member index.
    init_peak: Option<(Quantity, usize)>,
}

fn pod_totals_lens(
    tree: &Tree,
    text: &str,
    object: &Object,
    workload: &Workload,
    settings: &Settings,
) -> CodeLens {
    let mut members = Vec::with_capacity(workload.containers.len());
    let mut uncounted = Vec::new();
    for c in &workload.containers {
        if c.role == Role::Ephemeral {
            continue;
        }
        match container_demand(tree, object, c, settings) {
            Some(demand) => members.push(Member {
                container: c,
                demand,
            }),
            None => uncounted.push(c),
        }
    }

    let requests = Resource::ALL.map(|r| total(&members, |d| d.requests.get(r), false));
    let limits = Resource::ALL.map(|r| total(&members, |d| d.limits.get(r), true));

    let counts = Counts::of(&members);
    let has_main = workload.containers.iter().any(|c| c.role == Role::Main);
    let whole_pod = has_main && uncounted.is_empty();
    let mut parts = vec![
        requests_text(&requests),
        limits_text(&limits),
        counts.text(whole_pod),
    ];
    parts.extend(uncounted_title_note(object.dialect, has_main, &uncounted));
    let prefix = if whole_pod {
        "Pod totals"
    } else {
        "Sidecar totals"
    };
    let title = format!("{prefix}: {}", parts.join(" · "));

    let mut details: Vec<String> = members.iter().map(member_line).collect();
    for (label, totals) in [("request", &requests), ("limit", &limits)] {
        for (resource, t) in Resource::ALL.iter().zip(totals.iter()) {
            if let Some((peak, index)) = t.init_peak {
                details.push(init_peak_line(
                    resource.key(),
                    label,
                    peak,
                    t.running,
                    &members,
                    index,
                ));
            }
        }
    }
    details.extend(without_requests_line(&counts.without_requests));
    details.extend(platform_notes(tree, object, workload, &members, &uncounted));

    CodeLens {
        span: lens_span(tree, text, object, workload),
        title,
        kind: CodeLensKind::PodTotals,
        details,
    }
}

/// How many containers of each kind count towards the totals.
struct Counts<'m, 'a> {
    running: usize,
    sidecars: usize,
    init: usize,
    without_requests: Vec<&'m Member<'a>>,
}

impl<'m, 'a> Counts<'m, 'a> {
    fn of(members: &'m [Member<'a>]) -> Self {
        let running: Vec<&Member> = members
            .iter()
            .filter(|m| is_running(m.container.role))
            .collect();
        Counts {
            running: running.len(),
            sidecars: members
                .iter()
                .filter(|m| m.container.role.is_sidecar())
                .count(),
            init: members
                .iter()
                .filter(|m| m.container.role == Role::Init)
                .count(),
            without_requests: running
                .into_iter()
                .filter(|m| {
                    Resource::ALL
                        .iter()
                        .any(|&r| m.demand.requests.get(r).is_none())
                })
                .collect(),
        }
    }

    /// `3 containers (2 sidecars) + 1 init, 2 without requests`, or `2 sidecars` when only the
    /// sidecars are counted.
    fn text(&self, whole_pod: bool) -> String {
        let mut text = if whole_pod {
            format!(
                "{} ({})",
                plural(self.running, "container"),
                plural(self.sidecars, "sidecar")
            )
        } else {
            plural(self.sidecars, "sidecar")
        };
        if whole_pod && self.init > 0 {
            text.push_str(&format!(" + {} init", self.init));
        }
        if !self.without_requests.is_empty() {
            text.push_str(&format!(
                ", {} without requests",
                self.without_requests.len()
            ));
        }
        text
    }
}

/// Which containers run without a request, and why that matters once there are sidecars.
fn without_requests_line(without: &[&Member]) -> Option<String> {
    if without.is_empty() {
        return None;
    }
    let names: Vec<String> = without
        .iter()
        .map(|m| {
            let missing: Vec<&str> = Resource::ALL
                .iter()
                .filter(|&&r| m.demand.requests.get(r).is_none())
                .map(|r| r.key())
                .collect();
            format!("{} ({})", name_of(m.container), missing.join(", "))
        })
        .collect();
    Some(format!(
        "without requests: {}. The HPA computes utilization against the requests of every \
         container, sidecars included (one missing request leaves it without a value), and the \
         VPA recommends requests for sidecars as for any container.",
        names.join(", ")
    ))
}

/// Whether a container runs alongside the main containers for the pod's life.
fn is_running(role: Role) -> bool {
    matches!(role, Role::Main | Role::Sidecar | Role::NativeSidecar)
}

/// Add up one resource over the members (see the module doc for the rule). For limits
/// (`unbounded_if_missing`), a member without the limit makes the pod unlimited.
fn total(
    members: &[Member],
    pick: impl Fn(&Demand) -> Option<Amount>,
    unbounded_if_missing: bool,
) -> Total {
    let mut running: Option<Quantity> = None;
    let mut natives: Option<Quantity> = None;
    let mut peak: Option<(Quantity, usize)> = None;
    let mut missing = false;
    for (index, m) in members.iter().enumerate() {
        let amount = pick(&m.demand).map(|a| a.quantity);
        missing |= amount.is_none();
        let init_use = match m.container.role {
            Role::Main | Role::Sidecar => {
                running = add(running, amount);
                None
            }
            Role::NativeSidecar => {
                running = add(running, amount);
                natives = add(natives, amount);
                natives
            }
            Role::Init => add(natives, amount),
            Role::Ephemeral => None,
        };
        if let Some(q) = init_use
            && peak.is_none_or(|(p, _)| q > p)
        {
            peak = Some((q, index));
        }
    }
    if unbounded_if_missing && missing {
        return Total::default();
    }
    let init_peak = peak.filter(|(p, _)| running.is_none_or(|r| *p > r));
    Total {
        effective: init_peak.map(|(p, _)| p).or(running),
        running,
        init_peak,
    }
}

/// `a + b`, keeping `a`'s format as apimachinery's `Quantity.Add` does.
fn add(a: Option<Quantity>, b: Option<Quantity>) -> Option<Quantity> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Quantity::from_nanos(a.nanos + b.nanos, a.format)),
        (a, b) => a.or(b),
    }
}

fn requests_text(requests: &[Total; 2]) -> String {
    if requests.iter().all(|t| t.effective.is_none()) {
        return "no requests".into();
    }
    let [cpu, memory] = requests.map(|t| t.effective.map_or("0".into(), |q| q.to_string()));
    format!("requests cpu {cpu}, memory {memory}")
}

fn limits_text(limits: &[Total; 2]) -> String {
    if limits.iter().all(|t| t.effective.is_none()) {
        return "no limits".into();
    }
    let [cpu, memory] = limits.map(|t| {
        t.effective
            .map_or("unlimited".into(), |q: Quantity| q.to_string())
    });
    format!("limits cpu {cpu}, memory {memory}")
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// What the title says about containers whose resources are not known.
fn uncounted_title_note(
    dialect: Dialect,
    has_main: bool,
    uncounted: &[&Container],
) -> Option<String> {
    match dialect {
        Dialect::Hkube if !uncounted.is_empty() => {
            Some(format!("{WORKER} and {ALGORUNNER} not counted"))
        }
        Dialect::Calyptia if !uncounted.is_empty() => {
            Some("the pipeline's own container not counted".into())
        }
        Dialect::Kubevela if !has_main => Some("main container not known".into()),
        _ if !uncounted.is_empty() => Some(format!("{} not counted", uncounted.len())),
        _ => None,
    }
}

fn role_word(role: Role) -> &'static str {
    match role {
        Role::Main => "main",
        Role::Sidecar => "sidecar",
        Role::NativeSidecar => "native sidecar",
        Role::Init => "init container",
        Role::Ephemeral => "ephemeral container",
    }
}

fn name_of(c: &Container) -> String {
    c.name
        .as_deref()
        .map_or_else(|| "(unnamed)".into(), |n| format!("\"{n}\""))
}

/// `main "app": requests cpu 250m, memory 64Mi · limits cpu 500m, memory 128Mi`.
fn member_line(m: &Member) -> String {
    let section = |cm: &CpuMemory| -> String {
        if cm.cpu.is_none() && cm.memory.is_none() {
            return "none".into();
        }
        Resource::ALL
            .iter()
            .map(|&r| format!("{} {}", r.key(), amount_text(cm.get(r))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{} {}: requests {} · limits {}",
        role_word(m.container.role),
        name_of(m.container),
        section(&m.demand.requests),
        section(&m.demand.limits)
    )
}

fn amount_text(amount: Option<Amount>) -> String {
    match amount {
        None => "none".into(),
        Some(a) => match a.source {
            AmountSource::Written | AmountSource::Rendered => a.quantity.to_string(),
            AmountSource::FromLimit => format!("{} (the limit)", a.quantity),
            AmountSource::PlatformDefault => format!("{} (default)", a.quantity),
        },
    }
}

/// Why the init phase sets the pod's amount.
fn init_peak_line(
    resource: &str,
    label: &str,
    peak: Quantity,
    running: Option<Quantity>,
    members: &[Member],
    index: usize,
) -> String {
    let before = members[..index]
        .iter()
        .filter(|m| m.container.role == Role::NativeSidecar)
        .count();
    let with = if before == 0 {
        String::new()
    } else {
        format!(
            " with the {} started before it",
            plural(before, "native sidecar")
        )
    };
    format!(
        "{resource} {label} {peak} is set by init container {}{with}: more than the {} the running containers need (KEP-753)",
        name_of(members[index].container),
        running.map_or("0".into(), |q| q.to_string()),
    )
}

/// Notes on what the platform adds that the totals cannot count, and on how it schedules.
fn platform_notes(
    tree: &Tree,
    object: &Object,
    workload: &Workload,
    members: &[Member],
    uncounted: &[&Container],
) -> Vec<String> {
    let mut notes = Vec::new();
    match object.dialect {
        Dialect::Hkube => {
            for c in uncounted {
                match c.name.as_deref() {
                    Some(ALGORUNNER) => notes.push(algorunner_note(tree, object)),
                    Some(WORKER) => notes.push(format!(
                        "{WORKER}: set by the task-executor from cluster settings (WORKER_CPU 0.5 \
                         and WORKER_MEMORY 512 by default, used only with RESOURCES_ENABLE, off by \
                         default); what it renders is not known (hkube.md §2.3, §2.6)"
                    )),
                    _ => {}
                }
            }
            let written = Resource::ALL.map(|r| {
                members
                    .iter()
                    .filter_map(|m| m.demand.requests.get(r))
                    .filter(|a| a.source == AmountSource::Written)
                    .fold(None, |sum, a| add(sum, Some(a.quantity)))
                    .map_or("0".into(), |q| q.to_string())
            });
            notes.push(format!(
                "HKube schedules on the sidecar requests written in the spec (cpu {}, memory {}), \
                 not on the defaults it fills in later (hkube.md §2.9)",
                written[0], written[1]
            ));
        }
        Dialect::Calyptia if !uncounted.is_empty() => notes.push(
            "the pipeline's own Fluent Bit container: its resources are set by the Calyptia \
             operator and are not public (calyptia.md §5)"
                .into(),
        ),
        Dialect::Kubevela => {
            if !workload.containers.iter().any(|c| c.role == Role::Main) {
                notes.push(
                    "the component type is not one of the built-in pod types, so its main \
                     container is not known (kubevela.md §2.3)"
                        .into(),
                );
            }
            notes.push(
                "the sidecar trait has no `resources` property: its containers get none unless \
                 another trait sets them (kubevela.md §1.3)"
                    .into(),
            );
        }
        Dialect::Kubernetes
            if workload
                .pod_spec
                .and_then(|s| tree.get(s, "resources"))
                .is_some() =>
        {
            notes.push(
                "the pod sets pod-level `resources` (Kubernetes 1.32+): those bound the pod as a \
                 whole, whatever the containers add up to"
                    .into(),
            );
        }
        _ => {}
    }
    notes
}

/// The algorunner runs the algorithm; the algorithm's own `cpu`/`mem` are what HKube counts for it.
fn algorunner_note(tree: &Tree, object: &Object) -> String {
    let show = |key: &str| {
        tree.get(object.root, key)
            .and_then(|n| crate::ide::defaults::quantity_of(tree, n).map(|q| format!("{key} {q}")))
    };
    let asked: Vec<String> = ["cpu", "mem"].iter().filter_map(|k| show(k)).collect();
    if asked.is_empty() {
        format!("{ALGORUNNER}: runs the algorithm; its resources are not known here")
    } else {
        format!(
            "{ALGORUNNER}: runs the algorithm, which asks for {}; HKube adds this to the pod's \
             request when it schedules (hkube.md §3.4), its container limits are not known here",
            asked.join(", ")
        )
    }
}

/// Where the lens goes: the key of the first list (in the text) holding the pod's sidecars.
fn lens_span(tree: &Tree, text: &str, object: &Object, workload: &Workload) -> Span {
    let clamp = |s: Span| {
        let len = text.len();
        Span::new((s.start as usize).min(len), (s.end as usize).min(len))
    };
    let span = match object.dialect {
        Dialect::Kubernetes => workload
            .containers
            .iter()
            .filter(|c| c.role.is_sidecar())
            .filter_map(|c| c.node.and_then(|n| tree.node(n).parent))
            .filter_map(|list| tree.key_span(list))
            .min_by_key(|s| s.start),
        Dialect::Kubevela => tree
            .get(workload.anchor, "traits")
            .and_then(|t| tree.key_span(t)),
        Dialect::Calyptia => tree.entry(object.root, "name").map(|e| e.key_span),
        Dialect::Hkube => tree.key_span(workload.anchor),
    };
    clamp(span.unwrap_or_else(|| {
        let s = tree.span(workload.anchor);
        Span::new(s.start as usize, s.start as usize + 1)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze;
    use crate::config::HkubeSettings;

    fn lenses_of(text: &str, path: &str, settings: &Settings) -> Vec<CodeLens> {
        let analysis = analyze(text, Some(path), settings);
        code_lenses(&analysis, text, settings)
    }

    /// The single lens of `fixture`, checked to sit on the key after `$0`.
    fn only_lens(fixture_text: &str, path: &str, key: &str, settings: &Settings) -> CodeLens {
        let (text, offset) = crate::ide::strip_cursor(fixture_text);
        let lenses = lenses_of(&text, path, settings);
        assert_eq!(lenses.len(), 1, "{lenses:#?}");
        let lens = lenses.into_iter().next().unwrap();
        assert_eq!(
            lens.span,
            Span::new(offset, offset + key.len()),
            "{lens:#?}"
        );
        assert_eq!(&text[lens.span.range()], key);
        assert_eq!(lens.kind, CodeLensKind::PodTotals);
        lens
    }

    #[test]
    fn classic_sidecars_add_up_in_yaml() {
        let lens = only_lens(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      $0containers:
        - name: app
          image: nginx:1.27
          resources:
            requests: {cpu: 250m, memory: 256Mi}
            limits: {cpu: 500m, memory: 512Mi}
        - name: proxy
          image: envoyproxy/envoy:v1.31
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 200m, memory: 256Mi}
"#,
            "web.yaml",
            "containers",
            &Settings::default(),
        );
        assert_eq!(
            lens.title,
            "Pod totals: requests cpu 350m, memory 384Mi · limits cpu 700m, memory 768Mi · 2 containers (1 sidecar)"
        );
        assert_eq!(
            lens.details,
            [
                "main \"app\": requests cpu 250m, memory 256Mi · limits cpu 500m, memory 512Mi",
                "sidecar \"proxy\": requests cpu 100m, memory 128Mi · limits cpu 200m, memory 256Mi",
            ]
        );
    }

    #[test]
    fn native_sidecars_raise_the_init_phase_peak() {
        // The migration runs while the log shipper already runs: 100m + 900m = 1 CPU, more than
        // the running containers' 300m. Memory: 128Mi + 64Mi = 192Mi < 256Mi + 128Mi.
        let lens = only_lens(
            r#"apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  $0initContainers:
    - name: logs
      image: fluent/fluent-bit:3.1
      restartPolicy: Always
      resources:
        requests: {cpu: 100m, memory: 128Mi}
    - name: migrate
      image: migrate/migrate:v4.17.1
      resources:
        requests: {cpu: 900m, memory: 64Mi}
  containers:
    - name: app
      image: nginx:1.27
      resources:
        requests: {cpu: 200m, memory: 256Mi}
        limits: {cpu: 200m, memory: 256Mi}
"#,
            "pod.yaml",
            "initContainers",
            &Settings::default(),
        );
        assert_eq!(
            lens.title,
            "Pod totals: requests cpu 1, memory 384Mi · no limits · 2 containers (1 sidecar) + 1 init"
        );
        assert!(
            lens.details.contains(
                &"cpu request 1 is set by init container \"migrate\" with the 1 native sidecar started before it: more than the 300m the running containers need (KEP-753)".to_string()
            ),
            "{:#?}",
            lens.details
        );
    }

    #[test]
    fn missing_requests_are_counted_and_limits_become_unlimited_in_json() {
        let lens = only_lens(
            r#"{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "p"},
  "spec": {
    $0"containers": [
      {"name": "app", "image": "nginx:1.27", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}},
      {"name": "proxy", "image": "envoyproxy/envoy:v1.31"},
      {"name": "agent", "image": "datadog/agent:7", "resources": {"requests": {"cpu": 0.05}}}
    ]
  }
}"#,
            "pod.json",
            "\"containers\"",
            &Settings::default(),
        );
        assert_eq!(
            lens.title,
            "Pod totals: requests cpu 1050m, memory 1Gi · no limits · 3 containers (2 sidecars), 2 without requests"
        );
        assert_eq!(
            lens.details[0],
            "main \"app\": requests cpu 1 (the limit), memory 1Gi (the limit) · limits cpu 1, memory 1Gi"
        );
        assert!(
            lens.details[3].starts_with(
                "without requests: \"proxy\" (cpu, memory), \"agent\" (memory). The HPA"
            )
        );
    }

    #[test]
    fn a_pod_without_sidecars_gets_no_lens() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: app, image: nginx:1.27}\n";
        assert!(lenses_of(text, "p.yaml", &Settings::default()).is_empty());
    }

    const HKUBE: &str = r#"{
  "name": "algo",
  "algorithmImage": "hkube/algo:1.0",
  "cpu": 1,
  "mem": "512Mi",
  $0"sideCars": [
    {"container": {"name": "cache", "image": "redis:7"}},
    {"container": {"name": "web", "image": "nginx:1.27",
                   "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}}}}
  ]
}"#;

    #[test]
    fn hkube_sidecars_get_default_resources() {
        // cache: 0.1/128Mi, limits ×2; web: 250m/256Mi written, cpu limit dropped ("250m" × 2 is
        // NaN in the task-executor), memory limit 512Mi.
        let lens = only_lens(HKUBE, "algo.json", "\"sideCars\"", &Settings::default());
        assert_eq!(
            lens.title,
            "Sidecar totals: requests cpu 350m, memory 384Mi · limits cpu unlimited, memory 768Mi · 2 sidecars · worker and algorunner not counted"
        );
        assert_eq!(
            lens.details,
            [
                "sidecar \"cache\": requests cpu 100m (default), memory 128Mi (default) · limits cpu 200m (default), memory 256Mi (default)",
                "sidecar \"web\": requests cpu 250m, memory 256Mi · limits cpu none, memory 512Mi (default)",
                "worker: set by the task-executor from cluster settings (WORKER_CPU 0.5 and WORKER_MEMORY 512 by default, used only with RESOURCES_ENABLE, off by default); what it renders is not known (hkube.md §2.3, §2.6)",
                "algorunner: runs the algorithm, which asks for cpu 1, mem 512Mi; HKube adds this to the pod's request when it schedules (hkube.md §3.4), its container limits are not known here",
                "HKube schedules on the sidecar requests written in the spec (cpu 250m, memory 256Mi), not on the defaults it fills in later (hkube.md §2.9)",
            ]
        );
    }

    #[test]
    fn hkube_resource_limits_setting_makes_limits_equal_requests() {
        let settings = Settings {
            hkube: HkubeSettings {
                use_resource_limits: true,
                sidecar_cpu: 0.2,
                sidecar_memory: "64Mi".into(),
            },
            ..Settings::default()
        };
        let lens = only_lens(HKUBE, "algo.json", "\"sideCars\"", &settings);
        assert_eq!(
            lens.title,
            "Sidecar totals: requests cpu 450m, memory 320Mi · limits cpu unlimited, memory 320Mi · 2 sidecars · worker and algorunner not counted"
        );
    }

    #[test]
    fn kubevela_component_with_a_sidecar_trait() {
        let lens = only_lens(
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
        cpu: "0.5"
        memory: 512Mi
      $0traits:
        - type: sidecar
          properties:
            name: logs
            image: busybox:1.36
"#,
            "app.yaml",
            "traits",
            &Settings::default(),
        );
        assert_eq!(
            lens.title,
            "Pod totals: requests cpu 500m, memory 512Mi · no limits · 2 containers (1 sidecar), 1 without requests"
        );
        assert_eq!(
            lens.details[0],
            "main \"web\": requests cpu 500m, memory 512Mi · limits cpu 500m, memory 512Mi"
        );
    }

    #[test]
    fn calyptia_spec_counts_the_sidecar_only() {
        let lens = only_lens(
            r#"{
  $0"name": "shipper",
  "image": "fluent/fluent-bit:3.1",
  "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "200m", "memory": "128Mi"}}
}"#,
            "shipper.json",
            "\"name\"",
            &Settings::default(),
        );
        assert_eq!(
            lens.title,
            "Sidecar totals: requests cpu 100m, memory 64Mi · limits cpu 200m, memory 128Mi · 1 sidecar · the pipeline's own container not counted"
        );
    }

    #[test]
    fn half_typed_documents_do_not_panic() {
        for text in [
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: x\n    - name: b\n      resources:\n        requests:\n          cpu: ",
            "{\"sideCars\": [{\"container\": {\"name\": \"c\", \"image\": ",
            "{\"sideCars\": [{\"container\": {\"resources\": {\"requests\": {\"cpu\": \"abc\"}}}}]}",
        ] {
            for path in ["a.yaml", "a.json"] {
                let _ = lenses_of(text, path, &Settings::default());
            }
        }
    }
}
