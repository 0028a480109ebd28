//! Requests: each handler takes what it needs from the store synchronously, awaits an analysis
//! of exactly that text, asks the core (`crate::ide`) and converts the answer to LSP types.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::convert::{self, Encoding, Positions};
use super::documents::Snapshot;
use super::state::Shared;
use crate::ide;

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
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), ":".into(), "-".into()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::REFACTOR_REWRITE,
                CodeActionKind::new(PREVIEW_KIND),
            ]),
            ..CodeActionOptions::default()
        })),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![RENDER_POD.into(), POD_TOTALS.into()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// The analysis of a document for a request, or `None` when it is not open.
async fn snapshot(shared: &Arc<Shared>, uri: &Uri) -> Option<Snapshot> {
    shared.snapshot(uri).await
}

/// `answer` given the document's snapshot and its position converter, or `None` when the
/// document is not open (an editor may ask during a close): the request then has no answer.
async fn on_document<R>(
    shared: &Arc<Shared>,
    uri: &Uri,
    answer: impl FnOnce(&Snapshot, &Positions) -> R,
) -> Option<R> {
    let snapshot = snapshot(shared, uri).await?;
    Some(answer(&snapshot, &shared.positions(&snapshot)))
}

/// Like [`on_document`], with the byte offset of the request's position too.
async fn at_position<R>(
    shared: &Arc<Shared>,
    position: &TextDocumentPositionParams,
    answer: impl FnOnce(&Snapshot, &Positions, usize) -> R,
) -> Option<R> {
    on_document(shared, &position.text_document.uri, |snapshot, at| {
        answer(snapshot, at, at.offset(position.position))
    })
    .await
}

/// `textDocument/diagnostic`: the full report of the current text, or "unchanged".
pub async fn pull_diagnostics(
    shared: &Arc<Shared>,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let generation = shared.generation.load(std::sync::atomic::Ordering::Acquire);
    let Some(snapshot) = snapshot(shared, &uri).await else {
        // Not open (or just closed): nothing to report.
        return Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport::default()),
        ));
    };
    let result_id = format!("{}:{generation}", snapshot.revision);
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
    let items = shared.lsp_diagnostics(&uri, &snapshot);
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

/// The document's snapshot, or the "not open" error.
async fn open_snapshot(shared: &Arc<Shared>, uri: &Uri) -> Result<Snapshot> {
    snapshot(shared, uri)
        .await
        .ok_or_else(|| Error::invalid_params(format!("{} is not open", uri.as_str())))
}

fn text_edit(at: &Positions, edit: &ide::TextEdit) -> TextEdit {
    TextEdit {
        range: at.range(edit.span),
        new_text: edit.new_text.clone(),
    }
}

fn workspace_edit(uri: &Uri, at: &Positions, edits: &[ide::TextEdit]) -> WorkspaceEdit {
    let edits = edits.iter().map(|e| text_edit(at, e)).collect();
    WorkspaceEdit {
        changes: Some(std::iter::once((uri.clone(), edits)).collect()),
        ..WorkspaceEdit::default()
    }
}

/// `textDocument/completion`.
pub async fn completion(
    shared: &Arc<Shared>,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let answer = at_position(
        shared,
        &params.text_document_position,
        |snapshot, at, offset| {
            let snippets = shared.facts().snippets;
            let items = ide::completion::complete(
                &snapshot.analysis,
                &snapshot.text,
                offset,
                &snapshot.settings,
            );
            let items = items
                .into_iter()
                .map(|item| completion_item(at, item, snippets))
                .collect();
            CompletionResponse::List(CompletionList {
                is_incomplete: false,
                items,
            })
        },
    );
    Ok(answer.await)
}

fn completion_item(
    at: &Positions,
    item: ide::completion::CompletionItem,
    snippets: bool,
) -> CompletionItem {
    use ide::completion::CompletionKind as K;
    let (new_text, format) = if item.is_snippet && snippets {
        (item.insert_text, InsertTextFormat::SNIPPET)
    } else if item.is_snippet {
        (
            convert::snippet_to_plain(&item.insert_text),
            InsertTextFormat::PLAIN_TEXT,
        )
    } else {
        (item.insert_text, InsertTextFormat::PLAIN_TEXT)
    };
    let additional: Vec<TextEdit> = item
        .additional_edits
        .iter()
        .map(|e| text_edit(at, e))
        .collect();
    CompletionItem {
        label: item.label,
        kind: Some(match item.kind {
            K::Property => CompletionItemKind::PROPERTY,
            K::Value => CompletionItemKind::VALUE,
            K::Enum => CompletionItemKind::ENUM_MEMBER,
            K::Snippet => CompletionItemKind::SNIPPET,
            K::Reference => CompletionItemKind::REFERENCE,
        }),
        detail: item.detail,
        documentation: item.documentation.map(|value| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            })
        }),
        preselect: item.preselect.then_some(true),
        sort_text: item.sort_text,
        filter_text: item.filter_text,
        insert_text_format: Some(format),
        // Insert texts carry their own indentation on every line.
        insert_text_mode: Some(InsertTextMode::AS_IS),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: at.range(item.replace),
            new_text,
        })),
        additional_text_edits: (!additional.is_empty()).then_some(additional),
        ..CompletionItem::default()
    }
}

/// `textDocument/hover`.
pub async fn hover(shared: &Arc<Shared>, params: HoverParams) -> Result<Option<Hover>> {
    let answer = at_position(
        shared,
        &params.text_document_position_params,
        |snapshot, at, offset| {
            let found = ide::hover::hover(
                &snapshot.analysis,
                &snapshot.text,
                offset,
                &snapshot.settings,
            );
            found.map(|h| Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: Some(at.range(h.span)),
            })
        },
    );
    Ok(answer.await.flatten())
}

/// `textDocument/documentSymbol`: nested when the client can show it, else flat.
pub async fn document_symbols(
    shared: &Arc<Shared>,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let uri = &params.text_document.uri;
    let answer = on_document(shared, uri, |snapshot, at| {
        let symbols = ide::symbols::document_symbols(&snapshot.analysis, &snapshot.text);
        if shared.facts().hierarchical_symbols {
            let nested = symbols.iter().map(|s| document_symbol(at, s)).collect();
            return DocumentSymbolResponse::Nested(nested);
        }
        let mut flat = Vec::new();
        flatten_symbols(uri, at, &symbols, None, &mut flat);
        DocumentSymbolResponse::Flat(flat)
    });
    Ok(answer.await)
}

fn symbol_kind(kind: ide::symbols::SymbolKind) -> SymbolKind {
    use ide::symbols::SymbolKind as K;
    match kind {
        K::Object => SymbolKind::MODULE,
        K::Workload => SymbolKind::NAMESPACE,
        K::Container => SymbolKind::CLASS,
        K::Sidecar => SymbolKind::STRUCT,
        K::Volume => SymbolKind::FILE,
        K::Field => SymbolKind::FIELD,
    }
}

#[allow(deprecated)]
fn document_symbol(at: &Positions, s: &ide::symbols::Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: at.range(s.span),
        selection_range: at.range(s.selection_span),
        children: (!s.children.is_empty())
            .then(|| s.children.iter().map(|c| document_symbol(at, c)).collect()),
    }
}

#[allow(deprecated)]
fn flatten_symbols(
    uri: &Uri,
    at: &Positions,
    symbols: &[ide::symbols::Symbol],
    container: Option<&str>,
    out: &mut Vec<SymbolInformation>,
) {
    for s in symbols {
        out.push(SymbolInformation {
            name: s.name.clone(),
            kind: symbol_kind(s.kind),
            tags: None,
            deprecated: None,
            location: location(uri, at, s.span),
            container_name: container.map(str::to_string),
        });
        flatten_symbols(uri, at, &s.children, Some(&s.name), out);
    }
}

/// `textDocument/definition`: a mount's volume, a probe's named port.
pub async fn definition(
    shared: &Arc<Shared>,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let position = &params.text_document_position_params;
    let answer = at_position(shared, position, |snapshot, at, offset| {
        let spans = ide::navigation::definition(&snapshot.analysis, &snapshot.text, offset);
        locations(&position.text_document.uri, at, spans).map(GotoDefinitionResponse::Array)
    });
    Ok(answer.await.flatten())
}

/// `textDocument/references`.
pub async fn references(
    shared: &Arc<Shared>,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>> {
    let position = &params.text_document_position;
    let answer = at_position(shared, position, |snapshot, at, offset| {
        let spans = ide::navigation::references(
            &snapshot.analysis,
            &snapshot.text,
            offset,
            params.context.include_declaration,
        );
        locations(&position.text_document.uri, at, spans)
    });
    Ok(answer.await.flatten())
}

/// `spans` of the document at `uri` as locations, or `None` when there are none.
fn locations(uri: &Uri, at: &Positions, spans: Vec<crate::text::Span>) -> Option<Vec<Location>> {
    let locations: Vec<Location> = spans
        .into_iter()
        .map(|span| location(uri, at, span))
        .collect();
    (!locations.is_empty()).then_some(locations)
}

fn location(uri: &Uri, at: &Positions, span: crate::text::Span) -> Location {
    Location {
        uri: uri.clone(),
        range: at.range(span),
    }
}

/// `textDocument/prepareRename`: only volume and port names can be renamed.
pub async fn prepare_rename(
    shared: &Arc<Shared>,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let answer = at_position(shared, &params, |snapshot, at, offset| {
        let target = ide::navigation::prepare_rename(&snapshot.analysis, &snapshot.text, offset);
        target.map(|t| PrepareRenameResponse::RangeWithPlaceholder {
            range: at.range(t.span),
            placeholder: t.placeholder,
        })
    });
    Ok(answer.await.flatten())
}

/// `textDocument/rename`: every mount and declaration of a volume, or a port and its probes.
pub async fn rename(shared: &Arc<Shared>, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let position = &params.text_document_position;
    let uri = &position.text_document.uri;
    let answer = at_position(shared, position, |snapshot, at, offset| {
        match ide::navigation::rename(&snapshot.analysis, &snapshot.text, offset, &params.new_name)
        {
            Ok(edits) => Ok(workspace_edit(uri, at, &edits)),
            // RequestFailed: the request was valid, the rename is not possible.
            Err(message) => Err(Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
                message: message.into(),
                data: None,
            }),
        }
    });
    answer.await.transpose()
}

/// `textDocument/codeAction`: quick fixes, refactors, and the rendered Pod preview.
pub async fn code_actions(
    shared: &Arc<Shared>,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let answer = on_document(shared, &params.text_document.uri, |snapshot, at| {
        actions_in_range(snapshot, at, &params)
    });
    Ok(answer.await)
}

/// The code actions of the requested range, of the kinds the client asks for.
fn actions_in_range(
    snapshot: &Snapshot,
    at: &Positions,
    params: &CodeActionParams,
) -> CodeActionResponse {
    let uri = &params.text_document.uri;
    let range = at.span(params.range);
    let only = params.context.only.as_deref();
    let wanted = |kind: &CodeActionKind| {
        only.is_none_or(|only| {
            only.iter()
                .any(|o| kind.as_str().starts_with(o.as_str()) || o.as_str().is_empty())
        })
    };
    let mut out: Vec<CodeActionOrCommand> = Vec::new();
    for action in ide::actions::code_actions(
        &snapshot.analysis,
        &snapshot.text,
        range,
        &snapshot.settings,
    ) {
        let kind = match action.kind {
            ide::actions::CodeActionKind::QuickFix => CodeActionKind::QUICKFIX,
            ide::actions::CodeActionKind::RefactorRewrite => CodeActionKind::REFACTOR_REWRITE,
        };
        if !wanted(&kind) {
            continue;
        }
        let diagnostics: Vec<Diagnostic> = snapshot
            .analysis
            .diagnostics
            .iter()
            .filter(|d| {
                action
                    .diagnostics
                    .iter()
                    .any(|f| f.code == d.code && f.span == d.span)
            })
            .map(|d| convert::diagnostic(d, uri, at))
            .collect();
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: action.title,
            kind: Some(kind),
            diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
            edit: Some(workspace_edit(uri, at, &action.edits)),
            is_preferred: action.preferred.then_some(true),
            ..CodeAction::default()
        }));
    }
    let preview_kind = CodeActionKind::new(PREVIEW_KIND);
    if wanted(&preview_kind) && on_a_sidecar(snapshot, range) {
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: "Preview rendered Pod".into(),
            kind: Some(preview_kind),
            command: Some(render_command(
                "Preview rendered Pod",
                uri,
                at.position(range.start as usize),
            )),
            ..CodeAction::default()
        }));
    }
    out
}

/// The kind of the preview action (shown with the refactorings; it changes nothing).
const PREVIEW_KIND: &str = "refactor.preview";

/// The command that renders the Pod.
pub const RENDER_POD: &str = "sidecar-lsp.renderPod";
/// The command behind a pod-totals lens: returns (and shows) its breakdown.
pub const POD_TOTALS: &str = "sidecar-lsp.podTotals";

fn render_command(title: &str, uri: &Uri, position: Position) -> Command {
    Command {
        title: title.into(),
        command: RENDER_POD.into(),
        arguments: Some(vec![serde_json::json!({"uri": uri, "position": position})]),
    }
}

/// Whether `range` touches a sidecar container.
fn on_a_sidecar(snapshot: &Snapshot, range: crate::text::Span) -> bool {
    let tree = &snapshot.analysis.syntax.tree;
    snapshot
        .analysis
        .objects
        .iter()
        .flat_map(|o| &o.workloads)
        .flat_map(|w| &w.containers)
        .filter(|c| c.role.is_sidecar())
        .filter_map(|c| c.node)
        .any(|node| {
            let span = tree.span(node);
            span.touches(range.start as usize) || range.contains(span.start as usize)
        })
}

/// `textDocument/codeLens`: pod totals over each sidecar list, and the preview.
pub async fn code_lenses(
    shared: &Arc<Shared>,
    params: CodeLensParams,
) -> Result<Option<Vec<CodeLens>>> {
    let uri = &params.text_document.uri;
    let answer = on_document(shared, uri, |snapshot, at| {
        if !shared.options().code_lens {
            return Vec::new();
        }
        let mut lenses = Vec::new();
        for lens in ide::lens::code_lenses(&snapshot.analysis, &snapshot.text, &snapshot.settings) {
            let range = at.range(lens.span);
            lenses.push(CodeLens {
                range,
                command: Some(Command {
                    title: lens.title,
                    command: POD_TOTALS.into(),
                    arguments: Some(vec![serde_json::json!({"details": lens.details})]),
                }),
                data: None,
            });
            lenses.push(CodeLens {
                range,
                command: Some(render_command("Preview rendered Pod", uri, range.start)),
                data: None,
            });
        }
        lenses
    });
    Ok(answer.await)
}

/// `textDocument/inlayHint`: effective defaults that are not written.
pub async fn inlay_hints(
    shared: &Arc<Shared>,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>> {
    let answer = on_document(shared, &params.text_document.uri, |snapshot, at| {
        if !shared.options().inlay_hints {
            return Vec::new();
        }
        let range = at.span(params.range);
        let hints = ide::inlay::inlay_hints(
            &snapshot.analysis,
            &snapshot.text,
            range,
            &snapshot.settings,
        );
        hints
            .into_iter()
            .map(|h| InlayHint {
                position: at.position(h.offset),
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: Some(InlayHintTooltip::String(h.tooltip)),
                padding_left: Some(h.padding_left),
                padding_right: Some(h.padding_right),
                data: None,
            })
            .collect()
    });
    Ok(answer.await)
}

/// `workspace/executeCommand`.
pub async fn execute_command(
    shared: &Arc<Shared>,
    params: ExecuteCommandParams,
) -> Result<Option<LSPAny>> {
    let argument = params.arguments.into_iter().next().unwrap_or_default();
    match params.command.as_str() {
        RENDER_POD => render_pod(shared, argument).await.map(Some),
        POD_TOTALS => {
            let details: Vec<String> = argument
                .get("details")
                .and_then(|d| serde_json::from_value(d.clone()).ok())
                .unwrap_or_default();
            if !details.is_empty() {
                shared
                    .client
                    .show_message(MessageType::INFO, details.join("\n"))
                    .await;
            }
            Ok(Some(serde_json::json!({ "details": details })))
        }
        other => Err(Error::invalid_params(format!("unknown command `{other}`"))),
    }
}

#[derive(serde::Deserialize)]
struct RenderArguments {
    uri: Uri,
    position: Option<Position>,
    /// Also write the preview under the cache directory and ask the client to show it.
    #[serde(default)]
    open: bool,
}

/// `sidecar-lsp.renderPod`: `{ "language": "yaml", "text": … }` for the workload at the
/// position (or every workload of the document).
async fn render_pod(shared: &Arc<Shared>, argument: LSPAny) -> Result<LSPAny> {
    let arguments: RenderArguments = serde_json::from_value(argument).map_err(|e| {
        Error::invalid_params(format!(
            "{RENDER_POD} takes {{\"uri\", \"position\"?, \"open\"?}}: {e}"
        ))
    })?;
    let snapshot = open_snapshot(shared, &arguments.uri).await?;
    let at = shared.positions(&snapshot);
    let analysis = &snapshot.analysis;
    let result = match arguments.position {
        Some(p) => {
            crate::render::render_at(analysis, &snapshot.text, at.offset(p), &snapshot.settings)
        }
        None => crate::render::render(analysis, &snapshot.text, None, &snapshot.settings),
    };
    let text = match &result {
        Ok(rendered) => rendered.to_yaml(),
        Err(e) => e.to_comment(analysis, &snapshot.text),
    };
    if arguments.open && shared.facts().show_document {
        super::preview::show(shared, &arguments.uri, &text).await;
    }
    Ok(serde_json::json!({
        "language": "yaml",
        "text": text,
        "ok": result.is_ok(),
    }))
}
