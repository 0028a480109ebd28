-- Commands only: the server starts from require("sidecar_lsp").setup() or, on Neovim 0.11,
-- vim.lsp.enable("sidecar_lsp").
if vim.g.loaded_sidecar_lsp or vim.fn.has("nvim-0.7") == 0 then
  return
end
vim.g.loaded_sidecar_lsp = true
require("sidecar_lsp.commands").create()
