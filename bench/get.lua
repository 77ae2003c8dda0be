-- GET one contact by a random id: wrk ... -s bench/get.lua URL -- MAX_ID [PATH_PREFIX]
-- Used for both the real server and bench/probe.c (same ids in the same order).
-- BENCH_TOKEN in the environment: sent as a Bearer token (see report.lua).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local max_id = 1000
local prefix = "/api/v1/contacts/"

function init(args)
  max_id = tonumber(args[1]) or max_id
  prefix = args[2] or prefix
  bench_seed()
  bench_auth()
end

function request()
  return wrk.format("GET", prefix .. math.random(1, max_id))
end
