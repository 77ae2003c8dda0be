-- The board of a pipeline, as the deals page of the web UI asks for it first:
-- wrk ... -s bench/board.lua URL -- PIPELINE_ID [FILTER] [LIMIT]
-- FILTER (filter language, e.g. "amount >= 1000") narrows every stage; LIMIT
-- is the cards per stage (20). Every request is the same.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local path

function init(args)
  local pipeline = assert(tonumber(args[1]), "usage: board.lua PIPELINE_ID [FILTER] [LIMIT]")
  path = string.format("/api/v1/pipelines/%d/board?limit=%d", pipeline, tonumber(args[3]) or 20)
  if args[2] and args[2] ~= "" then
    path = path .. "&filter=" .. bench_urlencode(args[2])
  end
  bench_auth()
end

function request()
  return wrk.format("GET", path)
end
