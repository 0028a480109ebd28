-- :checkhealth sidecar_lsp — is the server there, which version, which clients run.

local M = {}

local health = vim.health or require("health")
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local err = health.error or health.report_error
local info = health.info or health.report_info

local function trim(text)
  return (text:gsub("^%s+", ""):gsub("%s+$", ""))
end

function M.check()
  local plugin = require("sidecar_lsp")
  local compat = require("sidecar_lsp.compat")
  start("sidecar-lsp")
  local version = vim.version()
  local nvim = string.format("%d.%d.%d", version.major, version.minor, version.patch)
  if compat.has("0.7") then
    ok("Neovim " .. nvim)
  else
    err("Neovim " .. nvim .. " is too old: sidecar-lsp needs 0.7 or later")
  end

  local cmd = plugin.options().cmd
  if type(cmd) ~= "table" or type(cmd[1]) ~= "string" then
    info("`cmd` is not a command line; nothing to check")
  elseif vim.fn.executable(cmd[1]) == 1 then
    local path = vim.fn.exepath(cmd[1])
    local output = vim.fn.system({ cmd[1], "--version" })
    if vim.v.shell_error == 0 then
      ok("server: " .. path .. " (" .. trim(output) .. ")")
    else
      err("server: " .. path .. " does not run: " .. trim(output))
    end
  else
    err("server: `" .. cmd[1] .. "` is not executable", {
      "Build it with `cargo install --path server` in the sidecar-lsp repository",
      "or point `cmd` at it: require('sidecar_lsp').setup({ cmd = { '/path/to/sidecar-lsp' } })",
    })
  end

  if plugin.is_setup() then
    ok("setup() has run: the server starts for " .. table.concat(plugin.options().filetypes, ", "))
  elseif vim.lsp.config then
    info("setup() has not run; with Neovim 0.11, vim.lsp.enable('sidecar_lsp') starts it too")
  else
    warn("setup() has not run: call require('sidecar_lsp').setup()")
  end

  local clients = compat.clients(plugin.NAME)
  if #clients == 0 then
    info("no client is running")
  end
  for _, client in ipairs(clients) do
    info(string.format(
      "client %d: root %s, %d buffer(s), position encoding %s",
      client.id,
      client.config.root_dir or "(none)",
      #compat.buffers_of(client),
      tostring(client.offset_encoding)
    ))
  end
end

return M
