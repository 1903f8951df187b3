-- Shared helpers for bench/wrk/*.lua (loaded with dofile by each script).
-- Each script cycles deterministically through its query file(s): thread k
-- starts at line (k*7919 mod N) and takes the next line for each request.
-- done() prints one machine-readable line:
--   WRK_RESULT requests=.. duration_s=.. rps=.. p50_ms=.. p99_ms=.. non2xx=.. app_errors=.. socket_errors=..
-- (non2xx: responses with status outside 200-299; app_errors: 2xx responses
-- whose body the script judges an error, e.g. Groonga's [[-N,...]] return code).

local M = {}

function M.read_lines(path)
  local t = {}
  local f = io.open(path, "r")
  if not f then error("cannot open query file " .. path) end
  for line in f:lines() do
    if line:match("%S") then t[#t + 1] = line end
  end
  f:close()
  if #t == 0 then error("empty query file " .. path) end
  return t
end

function M.urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function M.json_string(s)
  s = s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. s .. '"'
end

M.threads = {}
M.thread_count = 0

-- Installs the setup/init/response/done globals. make_request(i) builds the
-- i-th request (i counts from the thread's start offset); is_app_error(body)
-- is optional.
function M.install(opts)
  local dir = opts.dir
  function setup(thread)
    thread:set("tid", M.thread_count)
    M.thread_count = M.thread_count + 1
    M.threads[#M.threads + 1] = thread
  end
  function init(args)
    M.args = args
    non2xx, app_errors, count = 0, 0, 0
    opts.load(args)
    local n = opts.cycle_len()
    -- thread k starts k*7919 lines in (mod N): deterministic, spread, whatever -t is
    counter = ((tid or 0) * 7919) % n
  end
  function request()
    local r = opts.make_request(counter)
    counter = counter + 1
    return r
  end
  function response(status, headers, body)
    count = count + 1
    if status < 200 or status > 299 then
      non2xx = non2xx + 1
    elseif opts.is_app_error and opts.is_app_error(body) then
      app_errors = app_errors + 1
    end
  end
  function done(summary, latency, requests)
    local n2, ae = 0, 0
    for _, t in ipairs(M.threads) do
      n2 = n2 + (t:get("non2xx") or 0)
      ae = ae + (t:get("app_errors") or 0)
    end
    local e = summary.errors
    local sock = e.connect + e.read + e.write + e.timeout
    local secs = summary.duration / 1e6
    io.write(string.format(
      "WRK_RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d app_errors=%d socket_errors=%d\n",
      summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, n2, ae, sock))
  end
end

M.dir = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./")
return M
