-- koe: GET /api/v1/search?q=<keyword query>&limit=10, cycling bench/queries/keywords.txt
-- usage: wrk -t2 -c8 -d10s -s bench/wrk/search.lua http://127.0.0.1:PORT -- [KEYWORDS_FILE]
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(dir .. "common.lua")
local q
C.install{
  load = function(args) q = C.read_lines(args[1] or (dir .. "../queries/keywords.txt")) end,
  cycle_len = function() return #q end,
  make_request = function(i)
    return wrk.format("GET", "/api/v1/search?q=" .. C.urlencode(q[i % #q + 1]) .. "&limit=10")
  end,
}
