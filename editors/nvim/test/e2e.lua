-- End-to-end test of the Neovim plugin against the real server, headless:
--
--   nvim --headless -u NONE -i NONE -n -c "luafile editors/nvim/test/e2e.lua"
--
-- Runs on Neovim 0.7.2 (Debian bookworm) and later. The server is $SIDECAR_LSP_BIN, else the
-- repository's target/debug/sidecar-lsp. Exits 0 when every check passes, 1 otherwise.

local uv = vim.uv or vim.loop
local started_at = uv.hrtime()

local script = debug.getinfo(1, "S").source:sub(2)
local plugin_root = vim.fn.fnamemodify(script, ":p:h:h")
local repo_root = vim.fn.fnamemodify(plugin_root, ":h:h")
local fixtures = plugin_root .. "/test/fixtures"
local binary = os.getenv("SIDECAR_LSP_BIN")
if not binary or binary == "" then
  binary = repo_root .. "/target/debug/sidecar-lsp"
end

local function say(line)
  io.stdout:write(line .. "\n")
  io.stdout:flush()
end

local function finish(code)
  local ok, compat = pcall(require, "sidecar_lsp.compat")
  if ok then
    for _, client in ipairs(compat.clients("sidecar_lsp")) do
      compat.stop(client, true)
    end
  end
  if code == 0 then
    vim.cmd("qall!")
  else
    vim.cmd("cquit 1")
  end
end

if vim.fn.executable(binary) ~= 1 then
  say("FAIL: no server at " .. binary .. " (cargo build -p sidecar-lsp, or set SIDECAR_LSP_BIN)")
  finish(1)
  return
end

vim.o.hidden = true
vim.o.swapfile = false
vim.o.more = false
vim.opt.runtimepath:prepend(plugin_root)
vim.cmd("filetype on")
vim.cmd("runtime plugin/sidecar_lsp.lua")
vim.lsp.set_log_level("ERROR")

-- Workspace: <tmp>/ws/sidecar-lsp.toml (the root marker) and the specs one level below.
local workspace = vim.fn.fnamemodify(vim.fn.tempname(), ":p") .. "-ws"
local specs = workspace .. "/specs"
vim.fn.mkdir(specs, "p")
vim.fn.writefile({ "# sidecar-lsp settings for the e2e test: none" }, workspace .. "/sidecar-lsp.toml")
local files = {
  hkube = "pipeline-duplicate.json",
  vela = "checkout-app.yaml",
  calyptia = "audit-forwarder.sidecar.json",
  kube = "api-native-sidecar.yaml",
}
for _, name in pairs(files) do
  vim.fn.writefile(vim.fn.readfile(fixtures .. "/" .. name), specs .. "/" .. name)
end

-- Keep the plugin's notifications for the checks instead of printing them.
local notifications = {}
vim.notify = function(message, level)
  table.insert(notifications, { message = message, level = level })
end

local sl = require("sidecar_lsp")
local compat = require("sidecar_lsp.compat")
local preview = require("sidecar_lsp.preview")

-- Record every workspace/configuration request the server makes and what we answer.
local configuration_requests = {}
local answer_configuration = sl.configuration_handler
sl.configuration_handler = function(err, result, ctx)
  local answer = answer_configuration(err, result, ctx)
  table.insert(configuration_requests, { items = result.items, answer = answer })
  return answer
end

local attached = {}
sl.setup({
  cmd = { binary },
  settings = { rules = { B603 = "off" } },
  on_attach = function(client, bufnr)
    attached[bufnr] = client.id
  end,
})

---------------------------------------------------------------------------------------------
-- A tiny test runner.

local passed, failed = 0, {}

local function fail(message, level)
  error(message, (level or 1) + 1)
end

local function expect(condition, message)
  if not condition then
    fail(message, 2)
  end
end

local function expect_eq(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    fail(string.format("%s: expected %s, got %s", what, vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

local function expect_contains(text, needle, what)
  if type(text) ~= "string" or not text:find(needle, 1, true) then
    fail(string.format("%s: %q not found in:\n%s", what, needle, tostring(text)), 2)
  end
end

local function wait_for(what, predicate, timeout)
  local ok = vim.wait(timeout or 10000, predicate, 20)
  if not ok then
    fail("timed out waiting for " .. what, 2)
  end
end

local function test(name, body)
  local t0 = uv.hrtime()
  local ok, err = xpcall(body, debug.traceback)
  local ms = (uv.hrtime() - t0) / 1e6
  if ok then
    passed = passed + 1
    say(string.format("ok   %-64s %6.0f ms", name, ms))
  else
    table.insert(failed, name)
    say(string.format("FAIL %-64s %6.0f ms\n     %s", name, ms, tostring(err):gsub("\n", "\n     ")))
  end
end

---------------------------------------------------------------------------------------------
-- Helpers over buffers and the server.

local buffers = {}

local function client_of(buf)
  return compat.clients(sl.NAME, buf)[1]
end

local function codes(buf)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(found, d.code)
  end
  table.sort(found)
  return found
end

local function diagnostic(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return d
    end
  end
  return nil
end

local function wait_for_codes(buf, expected, timeout)
  local ok = vim.wait(timeout or 10000, function()
    return vim.deep_equal(codes(buf), expected)
  end, 20)
  if not ok then
    fail(string.format("diagnostics of %s: expected codes %s, got %s", vim.api.nvim_buf_get_name(buf),
      vim.inspect(expected), vim.inspect(codes(buf))), 2)
  end
end

local function expect_range(d, lnum, col, end_lnum, end_col, what)
  expect_eq({ d.lnum, d.col, d.end_lnum, d.end_col }, { lnum, col, end_lnum, end_col }, what .. " range")
end

local function request(buf, method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, 5000)
  expect(responses, method .. " failed: " .. tostring(err))
  for _, response in pairs(responses) do
    expect(not response.err, method .. " error: " .. vim.inspect(response.err))
    return response.result
  end
  fail(method .. ": no answer", 2)
end

local function at(buf, line, character)
  return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = character } }
end

local function labels(result)
  local items = result and (result.items or result) or {}
  local found = {}
  for _, item in ipairs(items) do
    found[item.label] = item
  end
  return found
end

local function lines(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
end

local function windows_showing(buf)
  local count = 0
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.api.nvim_win_get_buf(win) == buf then
      count = count + 1
    end
  end
  return count
end

local function focus(buf)
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.api.nvim_win_get_buf(win) == buf then
      vim.api.nvim_set_current_win(win)
      return
    end
  end
  vim.api.nvim_set_current_buf(buf)
end

-- Pick the entry titled `title` the next time vim.ui.select is called.
local function choose_next(title)
  local original = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    vim.ui.select = original
    for i, item in ipairs(items) do
      local label = opts.format_item and opts.format_item(item) or tostring(item)
      local action = type(item) == "table" and (item.action or item[2])
      if label == title or (type(action) == "table" and action.title == title) then
        return on_choice(item, i)
      end
    end
    on_choice(nil, nil)
  end
end

---------------------------------------------------------------------------------------------
-- The tests.

say(string.format("sidecar-lsp Neovim e2e: Neovim %s, server %s", tostring(vim.version and
  string.format("%d.%d.%d", vim.version().major, vim.version().minor, vim.version().patch)), binary))

test("root markers are found by walking up", function()
  expect_eq(sl.find_root(specs .. "/" .. files.kube, sl.options().root_markers), workspace, "root of a spec")
  expect_eq(sl.find_root(specs, { "sidecar-lsp.toml" }), workspace, "root of a directory")
  expect_eq(sl.find_root(specs .. "/x.yaml", { "no-such-marker-f00" }), nil, "root without a marker")
end)

test("one client for the workspace, attached to a spec of each dialect", function()
  for key, name in pairs(files) do
    vim.cmd("edit " .. vim.fn.fnameescape(specs .. "/" .. name))
    buffers[key] = vim.api.nvim_get_current_buf()
  end
  expect_eq(vim.bo[buffers.hkube].filetype, "json", "filetype of the HKube spec")
  expect_eq(vim.bo[buffers.calyptia].filetype, "json", "filetype of the Calyptia spec")
  expect_eq(vim.bo[buffers.vela].filetype, "yaml", "filetype of the KubeVela app")
  wait_for("on_attach for the four buffers", function()
    for _, buf in pairs(buffers) do
      if not attached[buf] then
        return false
      end
    end
    return true
  end)
  local clients = compat.clients(sl.NAME)
  expect_eq(#clients, 1, "number of clients")
  expect_eq(clients[1].config.root_dir, workspace, "root_dir")
  for key, buf in pairs(buffers) do
    expect_eq(attached[buf], clients[1].id, key .. " attached to the client")
  end
end)

test("settings reach the server through workspace/configuration", function()
  wait_for("a workspace/configuration request", function()
    return #configuration_requests > 0
  end)
  local first = configuration_requests[1]
  expect_eq(first.items[1].section, "sidecarLsp", "requested section")
  expect_eq(first.answer[1].rules, { B603 = "off" }, "answered rules")
end)

test("HKube: duplicate sidecar name (H301) with its first occurrence", function()
  local buf = buffers.hkube
  wait_for_codes(buf, { "H301" })
  local d = diagnostic(buf, "H301")
  expect_range(d, 15, 16, 15, 32, "H301")
  expect_eq(d.severity, vim.diagnostic.severity.ERROR, "H301 severity")
  expect_contains(d.message, "Sidecar container names must be unique!", "H301 message")
  local related = d.user_data.lsp.relatedInformation
  expect(related and related[1], "H301 has related information")
  expect_eq(related[1].location.range.start, { line = 8, character = 16 }, "the first sidecar's name")
  expect_contains(d.user_data.lsp.codeDescription.href, "docs/rules/H301.md", "H301 doc link")
end)

-- One finding per dialect: its exact range, severity and words.
for _, case in ipairs({
  {
    title = "KubeVela: a trait key the sidecar trait drops (V406)",
    buffer = "vela", code = "V406", range = { 15, 12, 15, 17 },
    severity = vim.diagnostic.severity.WARN, words = "ignores `ports`",
  },
  {
    title = "Calyptia: a named probe port (C503)",
    buffer = "calyptia", code = "C503", range = { 10, 43, 10, 52 },
    severity = vim.diagnostic.severity.ERROR, words = 'not the name "metrics"',
  },
  {
    title = "Kubernetes: native sidecar mounting a missing volume (K115); B603 off by settings",
    buffer = "kube", code = "K115", range = { 31, 20, 31, 26 },
    severity = vim.diagnostic.severity.ERROR,
    words = 'initContainers[0].volumeMounts[0].name: Not found: "tokens"',
  },
}) do
  test(case.title, function()
    local buf = buffers[case.buffer]
    wait_for_codes(buf, { case.code })
    local d = diagnostic(buf, case.code)
    local r = case.range
    expect_range(d, r[1], r[2], r[3], r[4], case.code)
    expect_eq(d.severity, case.severity, case.code .. " severity")
    expect_contains(d.message, case.words, case.code .. " message")
  end)
end

test("completion: keys of a KubeVela sidecar trait, values of imagePullPolicy", function()
  local vela = buffers.vela
  vim.api.nvim_buf_set_lines(vela, 15, 15, false, { "            read" })
  local result = request(vela, "textDocument/completion", at(vela, 15, 16))
  local items = labels(result)
  expect(items.readinessProbe, "readinessProbe offered in the trait: " .. vim.inspect(vim.tbl_keys(items)))
  expect(not items.containerPort, "container keys are not offered in the trait properties")
  vim.api.nvim_buf_set_lines(vela, 15, 16, false, {})

  local kube = buffers.kube
  vim.api.nvim_buf_set_lines(kube, 27, 27, false, { "          imagePullPolicy: " })
  result = request(kube, "textDocument/completion", at(kube, 27, 27))
  items = labels(result)
  for _, value in ipairs({ "Always", "IfNotPresent", "Never" }) do
    expect(items[value], value .. " offered for imagePullPolicy: " .. vim.inspect(vim.tbl_keys(items)))
  end
  vim.api.nvim_buf_set_lines(kube, 27, 28, false, {})
  wait_for_codes(kube, { "K115" })
  wait_for_codes(vela, { "V406" })
end)

test("hover: a Kubernetes field's path and description, a finding's rule", function()
  local kube = buffers.kube
  local result = request(kube, "textDocument/hover", at(kube, 27, 12))
  local value = result.contents.value or result.contents
  expect_contains(value, "spec.template.spec.initContainers[0].restartPolicy", "hover path")
  expect_eq(result.range.start, { line = 27, character = 10 }, "hover range start")

  local hkube = buffers.hkube
  result = request(hkube, "textDocument/hover", at(hkube, 15, 20))
  value = result.contents.value or result.contents
  expect_contains(value, "H301", "hover on a finding names the rule")
end)

test(":SidecarPreview renders the HKube Job into a read-only scratch split, refreshed in place", function()
  local hkube = buffers.hkube
  focus(hkube)
  vim.api.nvim_win_set_cursor(0, { 16, 20 })
  local source_win = vim.api.nvim_get_current_win()
  vim.cmd("SidecarPreview")
  wait_for("the preview buffer", function()
    return preview.buffer_of(hkube) ~= nil and vim.api.nvim_buf_line_count(preview.buffer_of(hkube)) > 1
  end)
  local pbuf = preview.buffer_of(hkube)
  -- The spec is broken: the preview says why the platform would reject it.
  expect_eq(vim.b[pbuf].sidecar_lsp_preview_ok, false, "ok flag of a rejected spec")
  expect_contains(lines(pbuf), "Sidecar container names must be unique!", "preview of a rejected spec")
  expect_eq(vim.api.nvim_get_current_win(), source_win, "the cursor stays in the spec")
  local warned = false
  for _, n in ipairs(notifications) do
    warned = warned or (n.level == vim.log.levels.WARN and n.message:find("would not run this spec", 1, true) ~= nil)
  end
  expect(warned, "a warning says the spec is rejected: " .. vim.inspect(notifications))

  -- Fix the duplicate (an incremental change); the finding goes and the Job renders.
  vim.api.nvim_buf_set_text(hkube, 15, 17, 15, 31, { "trace-agent" })
  wait_for_codes(hkube, {})
  local tick = vim.api.nvim_buf_get_changedtick(pbuf)
  vim.cmd("SidecarPreview")
  wait_for("the refreshed preview", function()
    return vim.api.nvim_buf_get_changedtick(pbuf) ~= tick
  end)
  expect_eq(preview.buffer_of(hkube), pbuf, "the same preview buffer")
  local text = lines(pbuf)
  expect_contains(text, "kind: Job", "rendered kind")
  expect_contains(text, "image: registry.example.org/ops/trace-agent:1.2.0", "the sidecar's image")
  expect_contains(text, "name: trace-agent", "the renamed sidecar")
  expect_contains(text, "name: worker", "HKube's own worker container")
  expect_eq(vim.b[pbuf].sidecar_lsp_preview_ok, true, "ok flag")
  expect(vim.startswith(vim.api.nvim_buf_get_name(pbuf), "sidecar://preview/"), "preview name prefix")
  expect(vim.endswith(vim.api.nvim_buf_get_name(pbuf), files.hkube), "preview named after the spec")
  expect_eq(vim.bo[pbuf].buftype, "nofile", "buftype")
  expect_eq(vim.bo[pbuf].filetype, "yaml", "filetype")
  expect_eq(vim.bo[pbuf].modifiable, false, "modifiable")
  expect_eq(vim.bo[pbuf].readonly, true, "readonly")
  expect_eq(windows_showing(pbuf), 1, "windows showing the preview")
  expect_eq(#compat.clients(sl.NAME, pbuf), 0, "clients attached to the preview")

  -- Run again from inside the preview: same buffer, same window, same content.
  focus(pbuf)
  tick = vim.api.nvim_buf_get_changedtick(pbuf)
  local wins = #vim.api.nvim_tabpage_list_wins(0)
  vim.cmd("SidecarPreview")
  wait_for("the preview refreshed from itself", function()
    return vim.api.nvim_buf_get_changedtick(pbuf) ~= tick
  end)
  expect_eq(lines(pbuf), text, "content rendered again")
  expect_eq(#vim.api.nvim_tabpage_list_wins(0), wins, "no new window")
  vim.cmd("only")
end)

test("code lens 'Preview rendered Pod' opens the Kubernetes preview via the client command", function()
  local kube = buffers.kube
  focus(kube)
  vim.lsp.codelens.refresh()
  wait_for("code lenses", function()
    return #vim.lsp.codelens.get(kube) > 0
  end)
  local lens
  for _, l in ipairs(vim.lsp.codelens.get(kube)) do
    if l.command and l.command.command == preview.COMMAND then
      lens = l
    end
  end
  expect(lens, "a renderPod lens: " .. vim.inspect(vim.lsp.codelens.get(kube)))
  expect_eq(lens.command.title, "Preview rendered Pod", "lens title")
  local argument = lens.command.arguments[1]
  expect_eq(argument.uri, vim.uri_from_bufnr(kube), "lens argument uri")
  expect_eq(argument.position, lens.range.start, "lens argument position")
  vim.api.nvim_win_set_cursor(0, { lens.range.start.line + 1, 0 })
  choose_next("Preview rendered Pod")
  vim.lsp.codelens.run()
  wait_for("the lens preview", function()
    return preview.buffer_of(kube) ~= nil
  end)
  local text = lines(preview.buffer_of(kube))
  expect_contains(text, "kind: Deployment", "rendered kind")
  expect_contains(text, "image: registry.example.org/auth/token-refresher:1.4.2", "the native sidecar's image")
  expect_contains(text, "restartPolicy: Always", "the native sidecar's restartPolicy")
  expect_contains(text, "imagePullPolicy: IfNotPresent", "a defaulted field")
  vim.cmd("only")
end)

test("code action 'Preview rendered Pod' on a KubeVela sidecar opens its Deployment", function()
  local vela = buffers.vela
  focus(vela)
  vim.api.nvim_win_set_cursor(0, { 14, 20 })
  choose_next("Preview rendered Pod")
  vim.lsp.buf.code_action()
  wait_for("the code action preview", function()
    return preview.buffer_of(vela) ~= nil
  end)
  local text = lines(preview.buffer_of(vela))
  expect_contains(text, "kind: Deployment", "rendered kind")
  expect_contains(text, "image: envoyproxy/envoy:v1.31.2", "the trait's sidecar")
  expect_contains(text, "image: registry.example.org/checkout/payments:5.2.0", "the component's container")
  vim.cmd("only")
end)

test("changed settings: a rule turned off disappears, another changes severity", function()
  local kube = buffers.kube
  local asked = #configuration_requests
  sl.set_settings({ rules = { K115 = "off" } })
  wait_for_codes(kube, { "B603" })
  expect_eq(diagnostic(kube, "B603").severity, vim.diagnostic.severity.WARN, "B603 back, as a warning")
  expect(#configuration_requests > asked, "the server asked for the new settings")
  expect_eq(configuration_requests[#configuration_requests].answer[1].rules, { K115 = "off" }, "new answer")

  -- Also accepted wrapped, as `settings` tables of other clients are written.
  sl.set_settings({ sidecarLsp = { rules = { B603 = "off", K115 = "hint" }, hkube = {} } })
  wait_for_codes(kube, { "K115" })
  wait_for("K115 as a hint", function()
    local d = diagnostic(kube, "K115")
    return d and d.severity == vim.diagnostic.severity.HINT
  end)
end)

test("workspace/configuration answers dotted, empty and unknown sections", function()
  local client = client_of(buffers.kube)
  local answer = sl.configuration_handler(nil, {
    items = { { section = "sidecarLsp.rules" }, { section = "" }, { section = "yaml" }, { section = "sidecarLsp" } },
  }, { client_id = client.id })
  expect_eq(answer[1], { B603 = "off", K115 = "hint" }, "sidecarLsp.rules")
  expect_eq(answer[2].sidecarLsp.rules, { B603 = "off", K115 = "hint" }, "the whole settings")
  expect_eq(answer[3], vim.NIL, "a section we do not have")
  expect_eq(vim.json.encode(answer[4].hkube), "{}", "an empty table as an object")
end)

test(":SidecarPreview where the server is not attached only says so", function()
  local scratch = vim.api.nvim_create_buf(true, false)
  vim.api.nvim_set_current_buf(scratch)
  local before = #notifications
  vim.cmd("SidecarPreview")
  expect(#notifications == before + 1, "one notification")
  expect_contains(notifications[#notifications].message, "not attached", "the notification")
  expect_eq(preview.buffer_of(scratch), nil, "no preview")
  vim.cmd("bwipeout! " .. scratch)
end)

test("empty settings tables are sent as JSON objects", function()
  local encoded = vim.json.encode(compat.settings_json({ rules = {}, dialects = { hkube = {} } }))
  expect_eq(vim.json.decode(encoded), { rules = {}, dialects = { hkube = {} } }, "round trip")
  expect_contains(encoded, '"rules":{}', "empty rules")
  expect_contains(encoded, '"hkube":[]', "empty glob list")
end)

test(":SidecarRestart starts a new client on the same buffers with the same settings", function()
  local old = client_of(buffers.kube).id
  vim.cmd("SidecarRestart")
  wait_for("a new client on every buffer", function()
    for _, buf in pairs(buffers) do
      local client = client_of(buf)
      if not client or client.id == old then
        return false
      end
    end
    return vim.lsp.get_client_by_id(old) == nil
  end)
  expect_eq(#compat.clients(sl.NAME), 1, "clients after the restart")
  -- Diagnostics come back from the new server, with the settings changed above.
  local namespace = vim.lsp.diagnostic.get_namespace(client_of(buffers.kube).id)
  wait_for("K115 as a hint from the new server", function()
    local found = vim.diagnostic.get(buffers.kube, { namespace = namespace })
    return #found == 1 and found[1].code == "K115" and found[1].severity == vim.diagnostic.severity.HINT
  end)
  wait_for("C503 from the new server", function()
    local found = vim.diagnostic.get(buffers.calyptia, { namespace = namespace })
    return #found == 1 and found[1].code == "C503"
  end)
end)

test(":checkhealth sidecar_lsp finds the server and its version", function()
  vim.cmd("silent checkhealth sidecar_lsp")
  local text = lines(vim.api.nvim_get_current_buf())
  expect_contains(text, "sidecar-lsp", "health section")
  expect(text:find("sidecar%-lsp %d+%.%d+%.%d+"), "server version in:\n" .. text)
  expect(not text:find("ERROR"), "no errors in:\n" .. text)
  vim.cmd("tabclose")
end)

test("configs for vim.lsp.config (0.11) and nvim-lspconfig", function()
  local config = dofile(plugin_root .. "/lsp/sidecar_lsp.lua")
  expect_eq(config.cmd, { "sidecar-lsp" }, "cmd")
  expect_eq(config.root_markers, { "sidecar-lsp.toml", ".git" }, "root_markers")
  expect(vim.tbl_contains(config.filetypes, "yaml") and vim.tbl_contains(config.filetypes, "json"), "filetypes")
  expect_eq(config.commands[preview.COMMAND], preview.run_command, "client command")
  config.settings.sidecarLsp = { rules = { B602 = "off" }, hkube = {} }
  local params = {}
  config.before_init(params, config)
  expect_eq(vim.json.decode(vim.json.encode(params.initializationOptions)), { rules = { B602 = "off" }, hkube = {} },
    "initializationOptions")
  local default_config = sl.lspconfig()
  expect_eq(default_config.root_dir(specs .. "/" .. files.vela), workspace, "lspconfig root_dir")
  expect_eq(vim.lsp.commands[preview.COMMAND], preview.run_command, "global client command")
end)

test("the help file builds its tags", function()
  local dir = vim.fn.tempname() .. "-doc"
  vim.fn.mkdir(dir, "p")
  vim.fn.writefile(vim.fn.readfile(plugin_root .. "/doc/sidecar_lsp.txt"), dir .. "/sidecar_lsp.txt")
  vim.cmd("helptags " .. vim.fn.fnameescape(dir))
  local tags = table.concat(vim.fn.readfile(dir .. "/tags"), "\n")
  for _, tag in ipairs({ ":SidecarPreview", ":SidecarRestart", "sidecar_lsp-settings", "sidecar_lsp.setup()" }) do
    expect_contains(tags, tag .. "\t", "help tag")
  end
end)

---------------------------------------------------------------------------------------------

local seconds = (uv.hrtime() - started_at) / 1e9
if #failed == 0 then
  say(string.format("PASSED: %d checks in %.1f s", passed, seconds))
  finish(0)
else
  say(string.format("FAILED: %d of %d (%s) in %.1f s", #failed, passed + #failed, table.concat(failed, "; "), seconds))
  finish(1)
end
