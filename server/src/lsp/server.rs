//! The `LanguageServer` implementation: lifecycle, document sync, settings and diagnostics.
//! Requests (completion, hover…) are answered in `features.rs`.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::convert::Encoding;
use super::features;
use super::settings::{self, SECTION};
use super::state::{ClientFacts, Shared, diagnostics_worker};
use crate::config::FILE_NAME;

/// The language server.
pub struct Backend {
    /// State shared with the diagnostics workers.
    pub shared: Arc<Shared>,
    /// Numbers settings pulls, so that an older answer never overwrites a newer one.
    settings_pulls: std::sync::atomic::AtomicU64,
    /// The workspace root (dialect globs in the client's settings are relative to it).
    root: std::sync::OnceLock<Option<std::path::PathBuf>>,
}

/// The languages we analyse.
const LANGUAGES: &[&str] = &["json", "jsonc", "yaml"];

impl Backend {
    /// A server talking to `client`.
    pub fn new(client: Client) -> Self {
        Backend {
            shared: Arc::new(Shared::new(client)),
            root: std::sync::OnceLock::new(),
            settings_pulls: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn facts(&self) -> ClientFacts {
        self.shared.facts()
    }

    /// Apply the client's settings; report entries that make no sense.
    async fn apply_client_settings(&self, value: &Value) {
        let root = self.root_path();
        let (settings, options, problems) = settings::from_client(value, root.as_deref());
        self.shared.settings.set_client(settings);
        *self
            .shared
            .options
            .write()
            .unwrap_or_else(|e| e.into_inner()) = options;
        self.shared.reanalyse_all().await;
        // Hints and lenses depend on settings too: ask the client to ask again.
        let facts = self.facts();
        if facts.inlay_hint_refresh {
            let _ = self.shared.client.inlay_hint_refresh().await;
        }
        if facts.code_lens_refresh {
            let _ = self.shared.client.code_lens_refresh().await;
        }
        for problem in problems {
            self.shared
                .client
                .show_message(MessageType::WARNING, problem)
                .await;
        }
    }

    /// Ask the client for our settings section (when it can answer).
    async fn pull_settings(&self) {
        if !self.facts().pull_configuration {
            return;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some(SECTION.into()),
        }];
        let pull = self.settings_pulls.fetch_add(1, Ordering::AcqRel) + 1;
        match self.shared.client.configuration(items).await {
            // A later pull is under way: its answer is the newer one.
            Ok(_) if self.settings_pulls.load(Ordering::Acquire) != pull => {}
            Ok(values) => {
                let value = values.into_iter().next().unwrap_or(Value::Null);
                self.apply_client_settings(&value).await;
            }
            Err(e) => tracing::warn!("workspace/configuration failed: {e}"),
        }
    }

    fn root_path(&self) -> Option<std::path::PathBuf> {
        self.root.get().cloned().flatten()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let encoding = Encoding::negotiate(
            caps.general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        *self
            .shared
            .encoding
            .write()
            .unwrap_or_else(|e| e.into_inner()) = encoding;
        let pulls_diagnostics = caps
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        self.shared
            .push_diagnostics
            .store(!pulls_diagnostics, Ordering::Release);
        let workspace = caps.workspace.as_ref();
        let text = caps.text_document.as_ref();
        let _ = self.shared.facts.set(ClientFacts {
            pull_configuration: workspace.and_then(|w| w.configuration) == Some(true),
            watch_files_dynamically: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                == Some(true),
            snippets: text
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|i| i.snippet_support)
                == Some(true),
            hierarchical_symbols: text
                .and_then(|t| t.document_symbol.as_ref())
                .and_then(|s| s.hierarchical_document_symbol_support)
                == Some(true),
            show_document: caps
                .window
                .as_ref()
                .and_then(|w| w.show_document.as_ref())
                .is_some_and(|s| s.support),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                == Some(true),
            inlay_hint_refresh: workspace
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|i| i.refresh_support)
                == Some(true),
            code_lens_refresh: workspace
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|c| c.refresh_support)
                == Some(true),
        });
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|u| u.to_file_path().map(|p| p.into_owned()));
        let _ = self.root.set(root);
        if let Some(options) = &params.initialization_options {
            let root = self.root_path();
            let (settings, editor, problems) = settings::from_client(options, root.as_deref());
            self.shared.settings.set_client(settings);
            *self
                .shared
                .options
                .write()
                .unwrap_or_else(|e| e.into_inner()) = editor;
            for problem in problems {
                tracing::warn!("{problem}");
            }
        }
        tracing::info!(?encoding, pulls_diagnostics, "initialized");
        Ok(InitializeResult {
            capabilities: features::capabilities(encoding, pulls_diagnostics),
            server_info: Some(ServerInfo {
                name: "sidecar-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.facts().watch_files_dynamically {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String(format!("**/{FILE_NAME}")),
                    kind: None,
                }],
            };
            let registration = Registration {
                id: "sidecar-lsp-config".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(e) = self
                .shared
                .client
                .register_capability(vec![registration])
                .await
            {
                tracing::warn!("could not watch {FILE_NAME}: {e}");
            }
        }
        self.pull_settings().await;
        // Load the schema machinery while the editor gets its first document ready.
        let shared = self.shared.clone();
        tokio::task::spawn_blocking(move || {
            let (settings, _) = shared.settings.for_path(None);
            crate::schema::prewarm(settings.kube_version);
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.shut_down.store(true, Ordering::Release);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        if !LANGUAGES.contains(&doc.language_id.as_str()) {
            return;
        }
        let (wake, new) = self
            .shared
            .documents
            .open(doc.uri.clone(), doc.version, &doc.text);
        // Start the analysis now rather than when the worker first runs: an open has no burst
        // of edits to wait for, and the worker finds this analysis in flight and publishes it.
        drop(self.shared.snapshot(&doc.uri));
        wake.notify_one();
        if new {
            tokio::spawn(diagnostics_worker(self.shared.clone(), doc.uri, wake));
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Synchronous: the edit lands before any other handler can run.
        let unit = self.shared.encoding().0;
        let mut documents = self.shared.documents.lock();
        let Some(doc) = documents.get_mut(&params.text_document.uri) else {
            tracing::warn!(
                "didChange for a document that is not open: {}",
                params.text_document.uri.as_str()
            );
            return;
        };
        for change in &params.content_changes {
            doc.apply_change(change.range, &change.text, unit);
        }
        doc.version = params.text_document.version;
        doc.wake.notify_one();
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if let Some(wake) = self.shared.documents.close(&uri) {
            wake.notify_one();
            self.shared.clear(uri).await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if self.facts().pull_configuration {
            self.pull_settings().await;
        } else {
            self.apply_client_settings(&params.settings).await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        if params
            .changes
            .iter()
            .any(|c| c.uri.as_str().rsplit('/').next() == Some(FILE_NAME))
        {
            self.shared.settings.reset();
            self.shared.reanalyse_all().await;
        }
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        features::pull_diagnostics(&self.shared, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        features::completion(&self.shared, params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        features::hover(&self.shared, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        features::document_symbols(&self.shared, params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        features::definition(&self.shared, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        features::references(&self.shared, params).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        features::prepare_rename(&self.shared, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        features::rename(&self.shared, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        features::code_actions(&self.shared, params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        features::code_lenses(&self.shared, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        features::inlay_hints(&self.shared, params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        features::execute_command(&self.shared, params).await
    }
}
