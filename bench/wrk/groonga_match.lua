-- Groonga: /d/select with each voice as an OR query of its content words
-- (bench/queries/voices_or.txt, made offline with MeCab by make_queries.py)
-- usage: wrk -t2 -c8 -d10s -s bench/wrk/groonga_match.lua http://127.0.0.1:PORT -- [VOICES_OR_FILE]
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(dir .. "common.lua")
local G = dofile(dir .. "groonga_common.lua")
local v
C.install{
  load = function(args) v = C.read_lines(args[1] or (dir .. "../queries/voices_or.txt")) end,
  cycle_len = function() return #v end,
  make_request = function(i) return G.select(C, v[i % #v + 1]) end,
  is_app_error = G.is_app_error,
}
