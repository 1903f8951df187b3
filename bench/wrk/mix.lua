-- koe mix: 4 searches then 1 match, repeating (80% search / 20% match).
-- usage: wrk -t2 -c8 -d10s -s bench/wrk/mix.lua http://127.0.0.1:PORT -- [KEYWORDS_FILE [VOICES_FILE]]
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(dir .. "common.lua")
local q, v
local hdr = { ["Content-Type"] = "application/json" }
C.install{
  load = function(args)
    q = C.read_lines(args[1] or (dir .. "../queries/keywords.txt"))
    v = C.read_lines(args[2] or (dir .. "../queries/voices.txt"))
  end,
  cycle_len = function() return #q end,
  make_request = function(i)
    if i % 5 == 4 then
      return wrk.format("POST", "/api/v1/match", hdr,
        '{"text": ' .. C.json_string(v[math.floor(i / 5) % #v + 1]) .. ', "limit": 5}')
    end
    return wrk.format("GET", "/api/v1/search?q=" .. C.urlencode(q[i % #q + 1]) .. "&limit=10")
  end,
}
