//! What the server shares between handlers and diagnostics workers, and the one way to get an
//! analysis of a document's current text.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tokio::sync::Notify;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{Diagnostic, MessageType, Uri};

use super::convert::{self, Encoding, Positions};
use super::documents::{DocumentStore, Snapshot};
use super::settings::{EditorOptions, SettingsCache};
use crate::analysis::{analyze, analyze_edited};

/// What the client said it can do, as far as we care.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientFacts {
    /// It answers `workspace/configuration`.
    pub pull_configuration: bool,
    /// It lets us register file watchers.
    pub watch_files_dynamically: bool,
    /// It expands snippet syntax in completion items.
    pub snippets: bool,
    /// It shows nested document symbols.
    pub hierarchical_symbols: bool,
    /// It opens documents on `window/showDocument`.
    pub show_document: bool,
    /// It re-pulls diagnostics on `workspace/diagnostic/refresh`.
    pub diagnostic_refresh: bool,
    /// It re-asks for inlay hints on `workspace/inlayHint/refresh`.
    pub inlay_hint_refresh: bool,
    /// It re-asks for code lenses on `workspace/codeLens/refresh`.
    pub code_lens_refresh: bool,
}

/// State shared by every handler and worker.
pub struct Shared {
    /// What the client can do (set once, by `initialize`).
    pub facts: std::sync::OnceLock<ClientFacts>,
    /// The connection to the client.
    pub client: Client,
    /// Open documents.
    pub documents: DocumentStore,
    /// Effective settings per file.
    pub settings: SettingsCache,
    /// Bumped whenever settings change, so cached analyses are redone.
    pub generation: AtomicU64,
    /// The negotiated position encoding.
    pub encoding: RwLock<Encoding>,
    /// Editor-only options.
    pub options: RwLock<EditorOptions>,
    /// Whether diagnostics are pushed (`false` when the client pulls them).
    pub push_diagnostics: AtomicBool,
    /// Serialises publishing, so a close's clearing is never overtaken by a late publish.
    pub publish: tokio::sync::Mutex<()>,
    /// `shutdown` was received.
    pub shut_down: AtomicBool,
}

/// One analysis to run: a document's text at one revision.
struct Job {
    uri: Uri,
    /// The settings generation it runs under.
    generation: u64,
    version: i32,
    revision: u64,
    text: Arc<str>,
    path: Option<String>,
    /// The document's latest analysis, to take unchanged parts from.
    previous: Option<Snapshot>,
}

impl Shared {
    /// A fresh state for `client`.
    pub fn new(client: Client) -> Self {
        Shared {
            facts: std::sync::OnceLock::new(),
            client,
            documents: DocumentStore::default(),
            settings: SettingsCache::default(),
            generation: AtomicU64::new(0),
            encoding: RwLock::new(Encoding::default()),
            options: RwLock::new(EditorOptions::default()),
            push_diagnostics: AtomicBool::new(true),
            publish: tokio::sync::Mutex::new(()),
            shut_down: AtomicBool::new(false),
        }
    }

    /// What the client can do.
    pub fn facts(&self) -> ClientFacts {
        self.facts.get().copied().unwrap_or_default()
    }

    /// The negotiated encoding.
    pub fn encoding(&self) -> Encoding {
        *self.encoding.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The editor options.
    pub fn options(&self) -> EditorOptions {
        *self.options.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Converts between the byte spans of `snapshot` and LSP positions.
    pub fn positions<'a>(&self, snapshot: &'a Snapshot) -> Positions<'a> {
        Positions {
            text: &snapshot.text,
            index: &snapshot.analysis.line_index,
            encoding: self.encoding(),
        }
    }

    /// The diagnostics of `snapshot` (the document at `uri`) as LSP diagnostics.
    pub fn lsp_diagnostics(&self, uri: &Uri, snapshot: &Snapshot) -> Vec<Diagnostic> {
        let at = self.positions(snapshot);
        snapshot
            .analysis
            .diagnostics
            .iter()
            .map(|d| convert::diagnostic(d, uri, &at))
            .collect()
    }

    /// An analysis of `uri` as it is *now* (call before the first `.await` of a handler, then
    /// await the result): cached when fresh, else computed off the async threads.
    pub fn snapshot(self: &Arc<Self>, uri: &Uri) -> impl Future<Output = Option<Snapshot>> + use<> {
        let generation = self.generation.load(Ordering::Acquire);
        // One analysis per (revision, generation), shared by the worker and every request.
        let job = {
            let mut documents = self.documents.lock();
            documents.get_mut(uri).map(|doc| {
                if let Some(snapshot) = doc.fresh_snapshot(generation) {
                    return Ok(snapshot);
                }
                if let Some((revision, g, rx)) = &doc.pending
                    && *revision == doc.revision
                    && *g == generation
                {
                    return Err(rx.clone());
                }
                let (tx, rx) = tokio::sync::watch::channel(None);
                doc.pending = Some((doc.revision, generation, rx.clone()));
                let job = Job {
                    uri: uri.clone(),
                    generation,
                    version: doc.version,
                    revision: doc.revision,
                    text: doc.text(),
                    path: doc.path.clone(),
                    previous: doc.last_snapshot(),
                };
                self.start_analysis(job, tx);
                Err(rx)
            })
        };
        async move {
            match job? {
                Ok(snapshot) => Some(snapshot),
                Err(mut rx) => rx.wait_for(Option::is_some).await.ok()?.clone().flatten(),
            }
        }
    }

    /// Analyse the text of `job` on the blocking pool; install the result and post it to
    /// `done`. Everything happens on the blocking thread, so a result reaches its waiters with
    /// no extra hop through the async threads (a panic drops `done`: waiters get `None`).
    fn start_analysis(
        self: &Arc<Self>,
        job: Job,
        done: tokio::sync::watch::Sender<Option<Option<Snapshot>>>,
    ) {
        let shared = self.clone();
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let Job {
                uri,
                generation,
                version,
                revision,
                text,
                path,
                previous,
            } = job;
            // Finding and reading `sidecar-lsp.toml` is file I/O: off the async threads too.
            let (settings, config_error) = shared.settings.for_path(path.as_deref());
            let analysis = match &previous {
                // The unchanged parts of a long stream are not read again.
                Some(before) => analyze_edited(
                    &text,
                    path.as_deref(),
                    &settings,
                    &before.text,
                    &before.analysis,
                ),
                None => analyze(&text, path.as_deref(), &settings),
            };
            drop(previous);
            let snapshot = Snapshot {
                version,
                revision,
                text,
                analysis: Arc::new(analysis),
                settings,
            };
            let replaced = shared.documents.install(&uri, generation, snapshot.clone());
            let _ = done.send(Some(Some(snapshot)));
            // Freeing the replaced analysis (a long stream's tree takes a while) waits until
            // its successor is on its way.
            drop(replaced);
            if let Some(error) = config_error {
                runtime.spawn(async move {
                    shared
                        .client
                        .show_message(MessageType::WARNING, format!("sidecar-lsp: {error}"))
                        .await;
                });
            }
        });
    }

    /// Wake every open document's worker (settings changed); a client that pulls is asked to
    /// pull again.
    pub async fn reanalyse_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        for doc in self.documents.lock().values() {
            doc.wake.notify_one();
        }
        if !self.push_diagnostics.load(Ordering::Acquire)
            && self.facts().diagnostic_refresh
            && let Err(e) = self.client.workspace_diagnostic_refresh().await
        {
            tracing::warn!("workspace/diagnostic/refresh failed: {e}");
        }
    }

    /// Publish the diagnostics of `snapshot`, unless the document has changed or closed since.
    pub async fn publish(&self, uri: &Uri, snapshot: &Snapshot) {
        if !self.push_diagnostics.load(Ordering::Acquire)
            || !self.documents.is_current(uri, snapshot.revision)
        {
            return;
        }
        let diagnostics = self.lsp_diagnostics(uri, snapshot);
        let _guard = self.publish.lock().await;
        if self.documents.is_current(uri, snapshot.revision) {
            self.client
                .publish_diagnostics(uri.clone(), diagnostics, Some(snapshot.version))
                .await;
        }
    }

    /// Clear the diagnostics of a closed document.
    pub async fn clear(&self, uri: Uri) {
        if !self.push_diagnostics.load(Ordering::Acquire) {
            return;
        }
        let _guard = self.publish.lock().await;
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }
}

/// The diagnostics worker of one document: one analysis per burst of edits. Each wake-up
/// analyses the latest text; edits that arrive meanwhile coalesce into the next round, and an
/// analysis that is stale by the time it finishes is never published.
pub async fn diagnostics_worker(shared: Arc<Shared>, uri: Uri, wake: Arc<Notify>) {
    loop {
        wake.notified().await;
        // Let changes already queued behind this one land first.
        tokio::task::yield_now().await;
        loop {
            let still_mine = shared
                .documents
                .lock()
                .get(&uri)
                .is_some_and(|d| Arc::ptr_eq(&d.wake, &wake));
            if !still_mine {
                return;
            }
            // `None`: closed meanwhile (its close left a wake-up, so the check above ends us) or
            // the analysis panicked: wait for the next edit instead of dying.
            let Some(snapshot) = shared.snapshot(&uri).await else {
                break;
            };
            if shared.documents.is_current(&uri, snapshot.revision) {
                shared.publish(&uri, &snapshot).await;
                break;
            }
            // The text changed while we analysed: go again with the latest.
        }
    }
}
