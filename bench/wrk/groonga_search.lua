-- Groonga: /d/select with the keyword query (words ANDed, Groonga's default), cycling keywords.txt
-- usage: wrk -t2 -c8 -d10s -s bench/wrk/groonga_search.lua http://127.0.0.1:PORT -- [KEYWORDS_FILE]
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(dir .. "common.lua")
local G = dofile(dir .. "groonga_common.lua")
local q
C.install{
  load = function(args) q = C.read_lines(args[1] or (dir .. "../queries/keywords.txt")) end,
  cycle_len = function() return #q end,
  make_request = function(i) return G.select(C, q[i % #q + 1]) end,
  is_app_error = G.is_app_error,
}
