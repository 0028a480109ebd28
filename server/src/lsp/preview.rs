//! The rendered-Pod preview for clients that open documents on request (`window/showDocument`):
//! written under the user's cache directory, never next to the user's files.

use std::path::PathBuf;

use tower_lsp_server::ls_types::{ShowDocumentParams, Uri};

use super::state::Shared;

/// Where previews go: `$XDG_CACHE_HOME/sidecar-lsp/previews`, else `~/.cache/sidecar-lsp/previews`.
pub fn directory() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("sidecar-lsp").join("previews"))
}

/// The preview file of the document at `source`: named after it, so each spec has one preview.
pub fn file_for(source: &Uri) -> Option<PathBuf> {
    let name = source
        .as_str()
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or("document");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in source.as_str().bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Some(directory()?.join(format!("{safe}-{hash:016x}.rendered.yaml")))
}

/// Write `text` as the preview of `source` and ask the client to show it beside the editor.
pub async fn show(shared: &Shared, source: &Uri, text: &str) {
    let Some(path) = file_for(source) else {
        tracing::warn!("no cache directory for the preview (HOME is not set)");
        return;
    };
    let (file, contents) = (path.clone(), text.to_string());
    let written = tokio::task::spawn_blocking(move || {
        file.parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&file, contents))
    })
    .await;
    match written {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::warn!("cannot write the preview {}: {e}", path.display());
            return;
        }
        Err(e) => {
            tracing::warn!("writing the preview failed: {e}");
            return;
        }
    }
    let Some(uri) = Uri::from_file_path(&path) else {
        return;
    };
    let params = ShowDocumentParams {
        uri,
        external: Some(false),
        take_focus: Some(false),
        selection: None,
    };
    if let Err(e) = shared.client.show_document(params).await {
        tracing::warn!("the client did not show the preview: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_live_in_the_cache_directory_one_per_source() {
        let a: Uri = "file:///repo/algo.json".parse().unwrap();
        let b: Uri = "file:///other/algo.json".parse().unwrap();
        let (Some(pa), Some(pb)) = (file_for(&a), file_for(&b)) else {
            return; // no HOME: nothing is ever written
        };
        assert_ne!(pa, pb);
        assert!(pa.starts_with(directory().unwrap()));
        assert!(!pa.starts_with("/repo"));
        assert!(pa.to_string_lossy().ends_with(".rendered.yaml"));
    }
}
