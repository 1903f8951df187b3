-- Groonga select request shared by groonga_*.lua. Same table/column as
-- bench/groonga/load.sh; top 10 by relevance (sort_keys=-_score: koe ranks its
-- results, so Groonga is asked to rank too); cache=no (see serve.sh).
local G = {}
function G.select(C, query)
  return wrk.format("GET", "/d/select?table=Sections&match_columns=text&query=" .. C.urlencode(query)
    .. "&limit=10&output_columns=_id,_score&sort_keys=-_score&cache=no")
end
-- Groonga answers [[rc, start, elapsed(, message)], body]; rc 0 is success.
function G.is_app_error(body)
  return body:sub(1, 4) ~= "[[0,"
end
return G
