-- wrk script for bench/turnout_vs_nginx.sh: GET PATH, each request as the next session of
-- SESSIONS ("TOKEN ADDRESS" lines; bearer token and X-Forwarded-For address, the server
-- running with --trust-forwarded-for as behind the reverse proxy of docs/security.md).
-- The requests are formatted once at start, so that wrk spends no more per request here
-- than it does on the anchor's fixed request (the two share the machine's cores).
--   wrk ... -s bench/turnout.lua URL -- SESSIONS PATH
local requests, ri = {}, 0
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  local path = args[2]
  for line in io.lines(args[1]) do
    local token, addr = line:match("^(%S+)%s+(%S+)$")
    if token then
      requests[#requests + 1] = wrk.format("GET", path, {
        ["Authorization"] = "Bearer " .. token,
        ["X-Forwarded-For"] = addr,
      })
    end
  end
  ri = ((tonumber(tid) or 0) * 7919) % #requests
end

function request()
  ri = ri % #requests + 1
  return requests[ri]
end
