-- wrk script for GET benchmarks (bench/turnout_vs_nginx.sh, bench/reads_vs_standby.sh):
-- GETs PATHS, a file of paths one per line taken in turn, or, when no file has that name,
-- that one path. Each request goes out as a different phone: the next line of SESSIONS
-- ("TOKEN ADDRESS") gives its bearer token and its X-Forwarded-For address (the server
-- runs with --trust-forwarded-for, as behind the reverse proxy of docs/security.md).
-- The requests are formatted once at start, so that wrk spends no more per request here
-- than it does on an anchor's fixed request (the two share the machine's cores).
--   wrk ... -s bench/reads.lua URL -- SESSIONS PATHS
local requests, ri = {}, 0
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  local sessions, paths = {}, {}
  for line in io.lines(args[1]) do
    local token, addr = line:match("^(%S+)%s+(%S+)$")
    if token then sessions[#sessions + 1] = {token, addr} end
  end
  local file = io.open(args[2], "r")
  if file then
    for line in file:lines() do
      if #line > 0 then paths[#paths + 1] = line end
    end
    file:close()
  else
    paths[1] = args[2]
  end
  for i = 1, math.max(#sessions, #paths) do
    local s = sessions[(i - 1) % #sessions + 1]
    requests[i] = wrk.format("GET", paths[(i - 1) % #paths + 1], {
      ["Authorization"] = "Bearer " .. s[1],
      ["X-Forwarded-For"] = s[2],
    })
  end
  ri = ((tonumber(tid) or 0) * 7919) % #requests
end

function request()
  ri = ri % #requests + 1
  return requests[ri]
end
