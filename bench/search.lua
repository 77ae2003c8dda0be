-- Full-text search (q=) as the contacts page of the web UI sends it, newest
-- first (sort=-id, the API's default): wrk ... -s bench/search.lua URL -- [common]
-- Without an argument a quarter of the requests use a very common term
-- (a frequent first name, surname or mail domain, a two-letter prefix as
-- typed in a search box) and the rest rarer names, phones and addresses;
-- with "common" every request uses a very common term.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local common = {
  "Александр", "Елена", "Anna", "James", "Smith", "Иванова", "Müller", "gmail", "yandex",
  "ал", "an",
}
local rare = {
  "Вишневская", "Голицына Ксения", "Kowalski Zofia", "Østergaard", "Lindqvist Åsa", "Трубецкая",
  "Цой Дмитрий", "technogroup", "kovalchuk", "andreev.alexander", "+7 916 425", "Алёна Седых",
  "Björg", "Joaquín Dvořák", "Kovács Ingrid", "Щукина Вера",
}
local common_only = false

function init(args)
  common_only = args[1] == "common"
  bench_seed()
  bench_auth()
end

function request()
  local term
  if common_only or math.random() < 0.25 then
    term = common[math.random(1, #common)]
  else
    term = rare[math.random(1, #rare)]
  end
  return wrk.format("GET", "/api/v1/contacts?sort=-id&q=" .. bench_urlencode(term))
end
