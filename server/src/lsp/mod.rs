//! The language server: `tower-lsp-server` over stdio, on `tokio`.
//!
//! This is the only module that knows LSP. It keeps the open documents (`documents`), converts
//! positions and types at the edge (`convert`), maps editor settings onto the core's
//! (`settings`), runs one diagnostics worker per document (`state`) and answers requests by
//! asking the core's `ide` layer (`features`).
//!
//! Handlers run concurrently. Every document mutation is applied synchronously before a
//! handler's first `.await`, diagnostics carry the version they were computed for, and a stale
//! analysis is never published.

mod convert;
mod documents;
mod features;
mod preview;
mod server;
mod settings;
mod state;

use tower_lsp_server::{LspService, Server};

pub use server::Backend;

/// Serve LSP on `input`/`output` until the client sends `exit` (or closes the stream).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = LspService::new(Backend::new);
    Server::new(input, output, socket)
        .concurrency_level(16)
        .serve(service)
        .await;
}

/// Serve LSP over stdin/stdout on a multi-threaded runtime.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    Ok(())
}
