-- SPDX-FileCopyrightText: 2026 The sinkhost authors
-- SPDX-License-Identifier: Apache-2.0

-- wrk script: POSTs the request bodies of a file, cycling through them, and
-- counts answers that are not the expected status.
--
--   wrk ... -s bench/wrk/post.lua URL -- BODIES_FILE CONTENT_TYPE [STATUS]
--
-- BODIES_FILE holds bodies each followed by a line "--" (bench_load
-- bodies). Every request is formatted once, in init, so the Lua cost per
-- request is one table look-up. done() prints "bad_status N" (and the first
-- bad status seen), which bench/run.sh checks: a run with refused requests
-- does not count.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file, ctype = args[1], args[2]
  expected = tonumber(args[3] or "202")
  requests, n, bad, first_bad = {}, 0, 0, 0
  local body, lines = {}, io.open(file, "r")
  for line in lines:lines() do
    if line == "--" then
      local b = table.concat(body, "\n") .. "\n"
      table.insert(requests, wrk.format("POST", nil, {["Content-Type"] = ctype}, b))
      body = {}
    else
      table.insert(body, line)
    end
  end
  lines:close()
end

function request()
  n = n % #requests + 1
  return requests[n]
end

function response(status, headers, body)
  if status ~= expected then
    bad = bad + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local total, status = 0, 0
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
    if t:get("first_bad") ~= 0 then status = t:get("first_bad") end
  end
  io.write(string.format("bad_status %d %d\n", total, status))
end
