-- koe: POST /api/v1/match {"text": <voice>, "limit": 5}, cycling bench/queries/voices.txt
-- usage: wrk -t2 -c8 -d10s -s bench/wrk/match.lua http://127.0.0.1:PORT -- [VOICES_FILE]
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(dir .. "common.lua")
local v
local hdr = { ["Content-Type"] = "application/json" }
C.install{
  load = function(args) v = C.read_lines(args[1] or (dir .. "../queries/voices.txt")) end,
  cycle_len = function() return #v end,
  make_request = function(i)
    return wrk.format("POST", "/api/v1/match", hdr,
      '{"text": ' .. C.json_string(v[i % #v + 1]) .. ', "limit": 5}')
  end,
}
