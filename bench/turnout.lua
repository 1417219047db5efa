-- wrk script for bench/turnout_vs_nginx.sh: GET PATH, each request as the next session of
-- SESSIONS ("TOKEN ADDRESS" lines; bearer token and X-Forwarded-For address, the server
-- running with --trust-forwarded-for as behind the reverse proxy of docs/security.md).
--   wrk ... -s bench/turnout.lua URL -- SESSIONS PATH
local sessions, si, path = {}, 0, "/"
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
  path = args[2]
  si = ((tonumber(tid) or 0) * 7919) % #sessions
end

function request()
  si = si % #sessions + 1
  local s = sessions[si]
  return wrk.format("GET", path, {
    ["Authorization"] = "Bearer " .. s[1],
    ["X-Forwarded-For"] = s[2],
  })
end
