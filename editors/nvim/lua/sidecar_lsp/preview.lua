-- The rendered-Pod preview: the server's `sidecar-lsp.renderPod` command answers
-- `{language, text, ok}` for the workload at a position; the text goes into one read-only scratch
-- buffer per spec, named `sidecar://preview/<file>`, shown in a split and refreshed in place.

local compat = require("sidecar_lsp.compat")

local M = {}

--- The server command that renders the Pod.
M.COMMAND = "sidecar-lsp.renderPod"

--- Every preview buffer's name starts with this.
M.PREFIX = "sidecar://preview/"

-- Preview buffer -> { source = the spec's buffer, position = the LSP position it was rendered at }.
local previews = {}

local function options()
  return require("sidecar_lsp").options().preview or {}
end

local function notify(message, level)
  vim.notify("sidecar-lsp: " .. message, level or vim.log.levels.INFO)
end

--- Whether `bufnr` is one of our preview buffers.
function M.is_preview(bufnr)
  if previews[bufnr] then
    return true
  end
  return vim.startswith(vim.api.nvim_buf_get_name(bufnr), M.PREFIX)
end

--- The preview buffer of the spec in `source`, if there is one.
function M.buffer_of(source)
  for buf, info in pairs(previews) do
    if info.source == source and vim.api.nvim_buf_is_valid(buf) then
      return buf
    end
  end
  return nil
end

local function name_for(source)
  local path = vim.api.nvim_buf_get_name(source)
  if path == "" then
    return M.PREFIX .. "buffer-" .. source
  end
  return M.PREFIX .. vim.fn.fnamemodify(path, ":~:.")
end

local function create_buffer(source)
  -- Not listed, scratch: buftype=nofile, bufhidden=hide, noswapfile.
  local buf = vim.api.nvim_create_buf(false, true)
  local name = name_for(source)
  -- A stale buffer may hold the name (a preview whose spec was wiped and reopened).
  if not pcall(vim.api.nvim_buf_set_name, buf, name) then
    pcall(vim.api.nvim_buf_set_name, buf, name .. " (" .. buf .. ")")
  end
  vim.bo[buf].buftype = "nofile"
  vim.bo[buf].bufhidden = "hide"
  vim.bo[buf].swapfile = false
  vim.bo[buf].filetype = "yaml"
  previews[buf] = { source = source }
  vim.api.nvim_create_autocmd("BufWipeout", {
    buffer = buf,
    once = true,
    callback = function()
      previews[buf] = nil
    end,
  })
  return buf
end

local function set_text(buf, text)
  local lines = vim.split(text, "\n", { plain = true })
  if lines[#lines] == "" then
    table.remove(lines)
  end
  vim.bo[buf].readonly = false
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].readonly = true
  vim.bo[buf].modified = false
end

-- Show `buf` in a split unless a window of this tab already shows it; keeps the cursor where it
-- was unless `focus` is set.
local function show_in_window(buf, opts)
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.api.nvim_win_get_buf(win) == buf then
      return win
    end
  end
  local from = vim.api.nvim_get_current_win()
  vim.cmd(opts.vertical == false and "botright split" or "botright vsplit")
  local win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_buf(win, buf)
  if not opts.focus and vim.api.nvim_win_is_valid(from) then
    vim.api.nvim_set_current_win(from)
  end
  return win
end

--- Put a `renderPod` answer into the preview of `source` (creating and showing it as needed).
--- Returns the preview buffer.
function M.show(source, position, result)
  local buf = M.buffer_of(source) or create_buffer(source)
  previews[buf].position = position
  set_text(buf, result.text)
  vim.b[buf].sidecar_lsp_preview_ok = result.ok ~= false
  show_in_window(buf, options())
  if result.ok == false then
    notify("the platform would not run this spec; the preview says why", vim.log.levels.WARN)
  end
  return buf
end

--- Ask `client` to render the workload of `source` at `position` (an LSP position, or nil for
--- every workload of the document) and show it. `callback(buf, result)` runs once it is shown.
function M.render(client, source, position, callback)
  local argument = { uri = vim.uri_from_bufnr(source) }
  if position then
    argument.position = position
  end
  local params = { command = M.COMMAND, arguments = { argument } }
  compat.request(client, "workspace/executeCommand", params, function(err, result)
    if err then
      notify("cannot render the Pod: " .. tostring(err.message or err), vim.log.levels.ERROR)
      return
    end
    if type(result) ~= "table" or type(result.text) ~= "string" then
      notify("the server's renderPod answer has no text", vim.log.levels.ERROR)
      return
    end
    if not vim.api.nvim_buf_is_valid(source) then
      return
    end
    local buf = M.show(source, position, result)
    if callback then
      callback(buf, result)
    end
  end, source)
end

local function client_for(source, client_id)
  local client = client_id and vim.lsp.get_client_by_id(client_id)
  if client then
    return client
  end
  return compat.clients(require("sidecar_lsp").NAME, source)[1]
end

--- `:SidecarPreview`: render the workload under the cursor; in a preview buffer, render its spec
--- again at the same place.
function M.open(callback)
  local current = vim.api.nvim_get_current_buf()
  local info = previews[current]
  local source = info and info.source or current
  if not vim.api.nvim_buf_is_valid(source) then
    notify("the spec of this preview is gone", vim.log.levels.WARN)
    return
  end
  local client = client_for(source)
  if not client then
    notify("the server is not attached to this buffer", vim.log.levels.WARN)
    return
  end
  local position
  if info then
    position = info.position
  else
    position = vim.lsp.util.make_position_params(0, client.offset_encoding).position
  end
  M.render(client, source, position, callback)
end

--- The client side of the server's `sidecar-lsp.renderPod` command (the "Preview rendered Pod"
--- code lens and code action): render with the command's own arguments and open the preview.
function M.run_command(command, ctx)
  local argument = (command.arguments or {})[1] or {}
  local source = ctx and ctx.bufnr
  if type(argument.uri) == "string" then
    source = vim.uri_to_bufnr(argument.uri)
  end
  if not source or source == 0 then
    source = vim.api.nvim_get_current_buf()
  end
  local client = client_for(source, ctx and ctx.client_id)
  if not client then
    notify("the server is not attached to this buffer", vim.log.levels.WARN)
    return
  end
  local position = argument.position
  if position == vim.NIL then
    position = nil
  end
  M.render(client, source, position)
end

return M
