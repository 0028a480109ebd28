//! Requests: each handler takes what it needs from the store synchronously, awaits an analysis
//! of exactly that text, asks the core (`crate::ide`) and converts the answer to LSP types.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::convert::{self, Encoding, Positions};
use super::documents::Snapshot;
use super::state::Shared;

/// What the server can do.
pub fn capabilities(encoding: Encoding, pull_diagnostics: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        diagnostic_provider: pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("sidecar-lsp".into()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        }),
        ..ServerCapabilities::default()
    }
}

/// The analysis of a document for a request, or `None` when it is not open.
async fn snapshot(shared: &Arc<Shared>, uri: &Uri) -> Option<Snapshot> {
    shared.snapshot(uri).await
}

fn positions<'a>(shared: &Shared, snapshot: &'a Snapshot) -> Positions<'a> {
    Positions {
        text: &snapshot.text,
        index: &snapshot.analysis.line_index,
        encoding: shared.encoding(),
    }
}

/// `textDocument/diagnostic`: the full report of the current text, or "unchanged".
pub async fn pull_diagnostics(
    shared: &Arc<Shared>,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let generation = shared.generation.load(std::sync::atomic::Ordering::Acquire);
    let Some(snapshot) = snapshot(shared, &uri).await else {
        return Err(Error::invalid_params(format!(
            "{} is not open",
            uri.as_str()
        )));
    };
    let result_id = format!("{}:{generation}", snapshot.version);
    if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
        return Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                related_documents: None,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                    result_id,
                },
            }),
        ));
    }
    let at = positions(shared, &snapshot);
    let items = snapshot
        .analysis
        .diagnostics
        .iter()
        .map(|d| convert::diagnostic(d, &uri, &at))
        .collect();
    Ok(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: Some(result_id),
                items,
            },
        }),
    ))
}
