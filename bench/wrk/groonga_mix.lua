-- Groonga mix, same order as mix.lua: 4 keyword selects then 1 voice OR select, repeating.
-- usage: wrk -t2 -c8 -d10s -s bench/wrk/groonga_mix.lua http://127.0.0.1:PORT -- [KEYWORDS_FILE [VOICES_OR_FILE]]
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(dir .. "common.lua")
local G = dofile(dir .. "groonga_common.lua")
local q, v
C.install{
  load = function(args)
    q = C.read_lines(args[1] or (dir .. "../queries/keywords.txt"))
    v = C.read_lines(args[2] or (dir .. "../queries/voices_or.txt"))
  end,
  cycle_len = function() return #q end,
  make_request = function(i)
    if i % 5 == 4 then return G.select(C, v[math.floor(i / 5) % #v + 1]) end
    return G.select(C, q[i % #q + 1])
  end,
  is_app_error = G.is_app_error,
}
