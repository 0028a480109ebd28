-- Small shims over the Neovim APIs that changed between 0.7 and 0.11, so that the rest of the
-- plugin is written once: the client methods became `client:method()` in 0.11,
-- `get_active_clients` became `get_clients` in 0.10, `vim.loop` became `vim.uv`.

local M = {}

--- Whether this Neovim is at least `version` ("0.8", "0.11"…).
function M.has(version)
  return vim.fn.has("nvim-" .. version) == 1
end

--- libuv bindings (`vim.uv` from 0.10, `vim.loop` before).
M.uv = vim.uv or vim.loop

-- 0.11 made the client's functions methods; the dot form is deprecated there.
local methods = M.has("0.11")

--- Send a request through `client`; returns (ok, request_id).
function M.request(client, method, params, handler, bufnr)
  if methods then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Send a notification through `client`.
function M.notify(client, method, params)
  if methods then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

--- Ask `client` to shut down.
function M.stop(client, force)
  if methods then
    return client:stop(force)
  end
  return client.stop(force)
end

--- Whether `client` has stopped (or is stopping).
function M.is_stopped(client)
  if methods then
    return client:is_stopped()
  end
  return client.is_stopped()
end

--- The running clients named `name`, optionally only those attached to `bufnr`.
function M.clients(name, bufnr)
  local found = {}
  local all
  if vim.lsp.get_clients then
    all = vim.lsp.get_clients({ name = name, bufnr = bufnr })
  elseif bufnr then
    all = vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  else
    all = vim.lsp.get_active_clients()
  end
  for _, client in ipairs(all) do
    if client.name == name then
      table.insert(found, client)
    end
  end
  table.sort(found, function(a, b)
    return a.id < b.id
  end)
  return found
end

--- The buffers `client` is attached to.
function M.buffers_of(client)
  local buffers = vim.tbl_keys(client.attached_buffers or {})
  table.sort(buffers)
  return buffers
end

-- Lua encodes an empty table as a JSON array; the server wants an object for every table of our
-- settings except the glob lists under `dialects`.
local is_list = vim.islist or vim.tbl_islist

local function objects_for_empty_tables(value, own_key, parent_key)
  if type(value) ~= "table" then
    return value
  end
  if next(value) == nil then
    if parent_key == "dialects" then
      return value
    end
    return vim.empty_dict()
  end
  if is_list(value) then
    return value
  end
  local copy = {}
  for key, item in pairs(value) do
    copy[key] = objects_for_empty_tables(item, key, own_key)
  end
  return copy
end

--- A copy of the `sidecarLsp` settings table that encodes as the JSON the server expects.
function M.settings_json(settings)
  return objects_for_empty_tables(settings or {}, nil, nil)
end

return M
