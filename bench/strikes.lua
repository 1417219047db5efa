-- wrk script for bench/strikes_vs_pgbench.sh: POST /api/v1/strikes with unique
-- idempotency keys. Each request goes out as a different phone: the next line of SESSIONS
-- ("TOKEN ADDRESS", one session per line) gives its bearer token and its X-Forwarded-For
-- address (the server runs with --trust-forwarded-for, as behind the reverse proxy of
-- docs/security.md). Voter ids come from VOTERS, one per line, taken in turn.
--   wrk ... -s bench/strikes.lua URL -- SESSIONS VOTERS BATCH [contacts | answers | get:PATH]
-- With "contacts", the same load goes to POST /api/v1/contacts as knocks ("not home"); with
-- "answers", as taps added to a visit (two answers of examples/field-book.json and a tag); with
-- "get:PATH", each request GETs PATH (a turf, say) instead; for bench/canvass_bench.sh.
local sessions, voters = {}, {}
local batch, si, vi, n, me = 1, 0, 0, 0, 0
local contacts = false
local answers = false
local get_path = nil
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  for line in io.lines(args[1]) do
    local token, addr = line:match("^(%S+)%s+(%S+)$")
    if token then sessions[#sessions + 1] = {token, addr} end
  end
  for line in io.lines(args[2]) do
    if #line > 0 then voters[#voters + 1] = line end
  end
  batch = tonumber(args[3] or "1")
  answers = args[4] == "answers"
  contacts = args[4] == "contacts" or answers
  if args[4] and args[4]:sub(1, 4) == "get:" then get_path = args[4]:sub(5) end
  me = tonumber(tid) or 0
  si = (me * 7919) % #sessions
  vi = (me * 104729) % #voters
end

local function item()
  n = n + 1
  vi = vi % #voters + 1
  if answers then
    return string.format('{"voter_id":"%s","idempotency_key":"bench-%d-%d-%d",' ..
                         '"answers":{"vote_plan":"unsure","top_issue":["jobs","schools"]},' ..
                         '"tags":["yard_sign"]}', voters[vi], me, os.time(), n)
  end
  if contacts then
    return string.format('{"voter_id":"%s","idempotency_key":"bench-%d-%d-%d","result":"NH"}',
                         voters[vi], me, os.time(), n)
  end
  return string.format('{"voter_id":"%s","idempotency_key":"bench-%d-%d-%d"}',
                       voters[vi], me, os.time(), n)
end

function request()
  si = si % #sessions + 1
  local s = sessions[si]
  if get_path then
    return wrk.format("GET", get_path, {
      ["Authorization"] = "Bearer " .. s[1],
      ["X-Forwarded-For"] = s[2],
    })
  end
  local body
  if batch <= 1 then
    body = item()
  else
    local items = {}
    for i = 1, batch do items[i] = item() end
    body = '{"' .. (contacts and "contacts" or "strikes") .. '":[' .. table.concat(items, ",") .. ']}'
  end
  return wrk.format("POST", contacts and "/api/v1/contacts" or "/api/v1/strikes", {
    ["Authorization"] = "Bearer " .. s[1],
    ["X-Forwarded-For"] = s[2],
    ["Content-Type"] = "application/json",
  }, body)
end
