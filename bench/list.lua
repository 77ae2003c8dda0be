-- A filtered, sorted list page: wrk ... -s bench/list.lua URL -- URL_FILE
-- URL_FILE holds one request path per line (pages 1..5 of each query in
-- bench/list_queries.txt, with their cursors); bench/run.sh collects it.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local paths = {}

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  assert(#paths > 0, "no list URLs in " .. tostring(args[1]))
  bench_seed()
  bench_auth()
end

function request()
  return wrk.format("GET", paths[math.random(1, #paths)])
end
