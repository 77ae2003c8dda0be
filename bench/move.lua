-- Moves deals back and forth between two open stages, as a drag on the board:
-- wrk -t1 ... -s bench/move.lua URL -- IDS_FILE FROM_STAGE TO_STAGE
-- IDS_FILE holds ids of deals that are all in FROM_STAGE (one a line). The
-- first pass over the ids moves each deal to TO_STAGE, the next pass back to
-- FROM_STAGE, and so on, so that every request really changes the stage.
-- No If-Match. Run it with one wrk thread: the passes are kept per thread.
-- BENCH_TOKEN must carry the write scope.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local ids = {}
local from_stage, to_stage
local n = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then ids[#ids + 1] = line end
  end
  assert(#ids > 0, "no deal ids in " .. tostring(args[1]))
  from_stage = assert(tonumber(args[2]), "usage: move.lua IDS_FILE FROM_STAGE TO_STAGE")
  to_stage = assert(tonumber(args[3]), "usage: move.lua IDS_FILE FROM_STAGE TO_STAGE")
  wrk.headers["Content-Type"] = "application/json"
  bench_auth()
end

function request()
  local pass = math.floor(n / #ids)
  local id = ids[n % #ids + 1]
  local stage = pass % 2 == 0 and to_stage or from_stage
  n = n + 1
  return wrk.format("POST", "/api/v1/deals/" .. id .. "/move", nil,
    string.format('{"stage_id":%d}', stage))
end
