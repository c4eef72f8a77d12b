-- SPDX-FileCopyrightText: 2026 The sinkhost authors
-- SPDX-License-Identifier: Apache-2.0

-- wrk script: POST /api/event with a mix of User-Agents and client
-- addresses, for the enrichment rows; counts answers that are not the
-- expected status, as post.lua does.
--
--   wrk ... -s bench/wrk/enrich.lua URL -- MIX_FILE [STATUS]
--
-- MIX_FILE holds one request a line, "<User-Agent>\t<address>\t<body>"
-- (bench_enrich mix). The address goes in X-Forwarded-For, as the one
-- reverse proxy in front of the host (trusted_proxy_hops: 1) would write
-- it. Every request is formatted once, in init, so the Lua cost per
-- request is one table look-up. Each wrk thread starts at its own offset,
-- so the threads do not send the same visitor at the same moment. done()
-- prints "bad_status N" (and the first bad status seen), which
-- bench/run.sh checks.

local threads = {}

function setup(thread)
  thread:set("offset", #threads * 4999)
  table.insert(threads, thread)
end

function init(args)
  local file = args[1]
  expected = tonumber(args[2] or "202")
  requests, bad, first_bad = {}, 0, 0
  local f = assert(io.open(file, "r"))
  for line in f:lines() do
    local ua, address, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    assert(ua, "bad line in " .. file .. ": " .. line)
    table.insert(requests, wrk.format("POST", nil, {
      ["Content-Type"] = "text/plain",
      ["User-Agent"] = ua,
      ["X-Forwarded-For"] = address,
    }, body))
  end
  f:close()
  n = (offset or 0) % #requests
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
