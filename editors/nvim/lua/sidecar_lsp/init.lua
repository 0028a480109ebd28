-- sidecar-lsp for Neovim: starts the language server for JSON and YAML buffers, one client per
-- project root, passes the `sidecarLsp` settings, and shows the rendered Pod.
--
--   require("sidecar_lsp").setup({ settings = { rules = { B602 = "off" } } })
--
-- Works on Neovim 0.7 (`vim.lsp.start_client`) through 0.11 (`vim.lsp.start`; or, without
-- `setup()`, `vim.lsp.enable("sidecar_lsp")` with the config in `lsp/sidecar_lsp.lua`).

local compat = require("sidecar_lsp.compat")
local preview = require("sidecar_lsp.preview")

local M = {}

--- The client's name (and the 0.11 config's name).
M.NAME = "sidecar_lsp"

--- The settings section the server asks for.
M.SECTION = "sidecarLsp"

--- The options `setup()` starts from.
M.defaults = {
  -- The server's command line.
  cmd = { "sidecar-lsp" },
  -- Buffers of these filetypes get the server (it reads JSON and YAML).
  filetypes = { "json", "jsonc", "yaml" },
  -- The root is the nearest directory above the file holding one of these.
  root_markers = { "sidecar-lsp.toml", ".git" },
  -- The `sidecarLsp` settings table (see `:help sidecar_lsp-settings`).
  settings = {},
  -- Called as on_attach(client, bufnr) when the server attaches to a buffer.
  on_attach = nil,
  -- Client capabilities (default: vim.lsp.protocol.make_client_capabilities()).
  capabilities = nil,
  -- Extra handlers, merged over ours.
  handlers = nil,
  -- The rendered-Pod split: vertical (default) or horizontal, and whether it takes the cursor.
  preview = { vertical = true, focus = false },
  -- Start the server from the FileType autocommand.
  autostart = true,
}

local options = vim.deepcopy(M.defaults)
local augroup = nil
-- Neovim 0.7 has no vim.lsp.start: root (or "" without one) -> client id.
local clients_by_root = {}

-- The `sidecarLsp` table, also when given wrapped as `{ sidecarLsp = {…} }`.
local function unwrap(settings)
  settings = settings or {}
  if type(settings[M.SECTION]) == "table" and vim.tbl_count(settings) == 1 then
    return settings[M.SECTION]
  end
  return settings
end

--- The options in effect.
function M.options()
  return options
end

--- Whether `setup()` has run.
function M.is_setup()
  return augroup ~= nil
end

--- The directory above `path` (a file or directory) that holds one of `markers`, nearest first;
--- nil when there is none.
function M.find_root(path, markers)
  if not path or path == "" then
    return nil
  end
  local dir = vim.fn.fnamemodify(path, ":p")
  if vim.fn.isdirectory(dir) == 0 then
    dir = vim.fn.fnamemodify(dir, ":h")
  end
  dir = dir:gsub("[/\\]+$", "")
  if dir == "" then
    dir = "/"
  end
  while true do
    for _, marker in ipairs(markers or M.defaults.root_markers) do
      local candidate = (dir == "/" and "" or dir) .. "/" .. marker
      if compat.uv.fs_stat(candidate) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir or parent == "" or parent == "." then
      return nil
    end
    dir = parent
  end
end

--- The settings a client holds: `{ sidecarLsp = … }` (`client.settings` from 0.10, where
--- users change them; `client.config.settings` before).
local function client_settings(client)
  local settings = client.settings
  if type(settings) ~= "table" then
    settings = client.config.settings
  end
  return type(settings) == "table" and settings or {}
end

--- The value at a dotted `section` of `settings`, or vim.NIL.
local function lookup(settings, section)
  local value = settings
  for _, part in ipairs(vim.split(section, ".", { plain = true })) do
    if type(value) ~= "table" or value[part] == nil then
      return vim.NIL
    end
    value = value[part]
  end
  return value
end

--- Answer the server's `workspace/configuration` request from the client's `settings`
--- (`{ sidecarLsp = {…} }`): the `sidecarLsp` section as the server expects it.
function M.configuration_handler(_, result, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local settings = client and client_settings(client) or {}
  local answer = {}
  for _, item in ipairs((result or {}).items or {}) do
    local value
    if item.section == nil or item.section == "" then
      value = compat.settings_json(settings)
    else
      value = lookup(settings, item.section)
      if item.section == M.SECTION then
        value = compat.settings_json(value ~= vim.NIL and value or {})
      end
    end
    table.insert(answer, value)
  end
  return answer
end

--- `capabilities` (default: Neovim's) saying that we answer `workspace/configuration`, which
--- Neovim 0.7 does not advertise although it can: the server then asks for its settings.
function M.capabilities(capabilities)
  capabilities = vim.deepcopy(capabilities or vim.lsp.protocol.make_client_capabilities())
  capabilities.workspace = capabilities.workspace or {}
  if capabilities.workspace.configuration == nil then
    capabilities.workspace.configuration = true
  end
  return capabilities
end

--- Send the client's settings again (the server then asks for them).
local function push_settings(client)
  compat.notify(client, "workspace/didChangeConfiguration", {
    settings = compat.settings_json(client_settings(client)),
  })
end

--- The client config for a project at `root_dir` (nil: files outside any project), built from
--- `opts` (the options of `setup()`; by default the ones in effect). Usable with
--- `vim.lsp.start()` and `vim.lsp.start_client()`.
function M.client_config(root_dir, opts)
  opts = opts or options
  local settings = vim.deepcopy(opts.settings or {})
  local handlers = { ["workspace/configuration"] = M.configuration_handler }
  for method, handler in pairs(opts.handlers or {}) do
    handlers[method] = handler
  end
  return {
    name = M.NAME,
    cmd = opts.cmd,
    root_dir = root_dir,
    init_options = compat.settings_json(settings),
    settings = { [M.SECTION] = settings },
    capabilities = M.capabilities(opts.capabilities),
    handlers = handlers,
    commands = { [preview.COMMAND] = preview.run_command },
    on_init = function(client)
      -- 0.8 and later send `settings` after initialization themselves; 0.7 does not.
      if not compat.has("0.8") then
        push_settings(client)
      end
    end,
    on_attach = opts.on_attach,
  }
end

--- Whether the server belongs on `bufnr`: a file buffer of one of our filetypes.
local function wanted(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return false
  end
  if preview.is_preview(bufnr) or vim.api.nvim_buf_get_name(bufnr) == "" then
    return false
  end
  return vim.tbl_contains(options.filetypes, vim.bo[bufnr].filetype)
end

local warned_missing = false

local function executable(cmd)
  if type(cmd) ~= "table" or type(cmd[1]) ~= "string" then
    return true -- a function (an RPC client): nothing to check
  end
  if vim.fn.executable(cmd[1]) == 1 then
    return true
  end
  if not warned_missing then
    warned_missing = true
    vim.notify(
      "sidecar-lsp: `" .. cmd[1] .. "` is not executable; install it or set `cmd` in setup()",
      vim.log.levels.WARN
    )
  end
  return false
end

--- Start (or reuse) the client of `bufnr`'s project and attach it. Returns the client id.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not wanted(bufnr) or not executable(options.cmd) then
    return nil
  end
  local root = M.find_root(vim.api.nvim_buf_get_name(bufnr), options.root_markers)
  local config = M.client_config(root)
  if vim.lsp.start then
    return vim.lsp.start(config, {
      bufnr = bufnr,
      reuse_client = function(client, wanted_config)
        return client.name == wanted_config.name
          and client.config.root_dir == wanted_config.root_dir
          and not compat.is_stopped(client)
      end,
    })
  end
  local key = root or ""
  local id = clients_by_root[key]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or compat.is_stopped(client) then
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    clients_by_root[key] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Replace the `sidecarLsp` settings of every running client (and of clients started later);
--- the server re-checks the open documents.
function M.set_settings(settings)
  options.settings = vim.deepcopy(unwrap(settings))
  for _, client in ipairs(compat.clients(M.NAME)) do
    client.config.settings = client.config.settings or {}
    client.config.settings[M.SECTION] = vim.deepcopy(options.settings)
    if type(client.settings) == "table" then
      client.settings[M.SECTION] = vim.deepcopy(options.settings)
    end
    push_settings(client)
  end
end

--- `:SidecarPreview`: the rendered Pod of the workload under the cursor, in a split.
function M.preview(callback)
  preview.open(callback)
end

--- `:SidecarRestart`: stop our clients and start them again on the same buffers (after
--- `setup()`, on every buffer that should have the server, e.g. after a crash).
function M.restart()
  local buffers = {}
  local stopping = compat.clients(M.NAME)
  for _, client in ipairs(stopping) do
    for _, buf in ipairs(compat.buffers_of(client)) do
      buffers[buf] = true
    end
    compat.stop(client)
  end
  if augroup then
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and wanted(buf) then
        buffers[buf] = true
      end
    end
  end
  clients_by_root = {}
  local timer = compat.uv.new_timer()
  local waited = 0
  timer:start(
    20,
    20,
    vim.schedule_wrap(function()
      waited = waited + 20
      local done = true
      for _, client in ipairs(stopping) do
        if vim.lsp.get_client_by_id(client.id) and waited < 3000 then
          done = false
        end
      end
      if not done or timer:is_closing() then
        return
      end
      timer:stop()
      timer:close()
      for _, client in ipairs(stopping) do
        if vim.lsp.get_client_by_id(client.id) then
          compat.stop(client, true)
        end
      end
      for buf in pairs(buffers) do
        if vim.api.nvim_buf_is_valid(buf) then
          if augroup then
            M.attach(buf)
          else
            -- Started by vim.lsp.enable() (0.11): its FileType autocommand starts it again.
            vim.api.nvim_exec_autocmds("FileType", { buffer = buf, modeline = false })
          end
        end
      end
    end)
  )
end

--- Start the server for JSON and YAML buffers. `opts`: see `M.defaults`.
function M.setup(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("sidecar_lsp.setup: expected a table of options, got " .. type(opts), 2)
  end
  options = vim.tbl_extend("force", vim.deepcopy(M.defaults), opts or {})
  options.preview = vim.tbl_extend("force", M.defaults.preview, (opts or {}).preview or {})
  options.settings = unwrap(options.settings)
  if type(options.cmd) == "string" then
    options.cmd = { options.cmd }
  end
  augroup = vim.api.nvim_create_augroup("sidecar_lsp", { clear = true })
  if options.autostart then
    vim.api.nvim_create_autocmd("FileType", {
      group = augroup,
      pattern = options.filetypes,
      callback = function(args)
        M.attach(args.buf)
      end,
      desc = "Start sidecar-lsp",
    })
    -- Buffers opened before setup() (lazy loading).
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and wanted(buf) then
        M.attach(buf)
      end
    end
  end
  require("sidecar_lsp.commands").create()
end

--- The client config for Neovim 0.11's `vim.lsp.config` (what `lsp/sidecar_lsp.lua` returns):
--- settings come from its `settings.sidecarLsp`.
function M.lsp_config()
  return {
    cmd = vim.deepcopy(M.defaults.cmd),
    filetypes = vim.deepcopy(M.defaults.filetypes),
    root_markers = vim.deepcopy(M.defaults.root_markers),
    settings = { [M.SECTION] = {} },
    handlers = { ["workspace/configuration"] = M.configuration_handler },
    commands = { [preview.COMMAND] = preview.run_command },
    before_init = function(params, config)
      local settings = (config.settings or {})[M.SECTION]
      params.initializationOptions = compat.settings_json(settings or {})
    end,
  }
end

--- A `default_config` for an nvim-lspconfig custom server entry.
function M.lspconfig()
  local config = M.lsp_config()
  local markers = config.root_markers
  config.root_markers = nil
  -- lspconfig reads `commands` as user commands of its own; ours are registered globally.
  config.commands = nil
  config.root_dir = function(fname)
    return M.find_root(fname, markers)
  end
  -- Files outside any project get the server too.
  config.single_file_support = true
  return config
end

return M
