-- wrk script: cycle through the request paths listed in a file, one per line (already
-- percent-encoded). Used by bench/serve_load.sh:
--     wrk -t2 -c8 -d20s --latency -s bench/wrk_paths.lua http://127.0.0.1:8001 -- paths.txt
-- Each thread starts at a different offset so that concurrent connections ask different things.
-- Responses with status >= 400 are counted by wrk as "Non-2xx or 3xx responses"; done() also
-- prints the count of each status seen (3xx included), so redirects are visible.

local paths = {}
local counter = 0
statuses = {}
local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file = args[1] or "paths.txt"
   for line in io.lines(file) do
      if line ~= "" then table.insert(paths, line) end
   end
   if #paths == 0 then error("no paths in " .. file) end
   counter = (id or 0) * 7
end

function request()
   counter = counter + 1
   return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local total = {}
   for _, t in ipairs(threads) do
      local s = t:get("statuses")
      for code, n in pairs(s) do total[code] = (total[code] or 0) + n end
   end
   local parts = {}
   for code, n in pairs(total) do table.insert(parts, code .. "=" .. n) end
   table.sort(parts)
   io.write("statuses: " .. table.concat(parts, " ") .. "\n")
   local e = summary.errors
   io.write(string.format("requests %d in %.1f s: %.1f req/s; latency ms p50 %.1f p95 %.1f p99 %.1f max %.1f; "
      .. "socket errors connect %d read %d write %d timeout %d\n",
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, e.connect, e.read, e.write, e.timeout))
end
