-- The user commands (:SidecarPreview, :SidecarRestart) and the client-side handler of the
-- server's `sidecar-lsp.renderPod` command, registered for every client (nvim-lspconfig and
-- `vim.lsp.enable` users included).

local M = {}

--- Create the commands; safe to call more than once.
function M.create()
  local preview = require("sidecar_lsp.preview")
  vim.lsp.commands[preview.COMMAND] = preview.run_command
  vim.api.nvim_create_user_command("SidecarPreview", function()
    require("sidecar_lsp").preview()
  end, { desc = "sidecar-lsp: show the rendered Pod of the workload under the cursor", force = true })
  vim.api.nvim_create_user_command("SidecarRestart", function()
    require("sidecar_lsp").restart()
  end, { desc = "sidecar-lsp: restart the language server", force = true })
end

return M
