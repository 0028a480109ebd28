-- Neovim 0.11+: `vim.lsp.enable("sidecar_lsp")` uses this config; change it with
-- `vim.lsp.config("sidecar_lsp", { settings = { sidecarLsp = { … } } })`.
return require("sidecar_lsp").lsp_config()
