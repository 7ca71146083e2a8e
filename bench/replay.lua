-- The wrk script of `make bench`: replays requests prepared by bench/guests.py.
-- Arguments after `--`: FILE MODE EXPECT THREADS. FILE has one request a line, METHOD \t
-- PATH \t COOKIE \t BODY (urlencoded or empty); wrk's -H headers go with each. MODE "cycle"
-- goes round the lines until wrk stops (pages, one session a line); "once" sends each line
-- once (an answer form is valid once), then leaves the connection idle. EXPECT is the
-- status every response must have. Thread i of THREADS takes lines i, i + THREADS, ...
-- The rate runs from the first request to the last response, not over wrk's duration,
-- which may end with idle connections. done() prints "BENCH {json}" for bench/run.py.
local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]])
local clock = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

-- Main script state: one handle per thread, read back in done().
local threads = {}
function setup(thread)
  thread:set("index", #threads)
  threads[#threads + 1] = thread
end

-- Per-thread state; globals, so that done() can read them with thread:get().
sent, ok, bad, started, finished, sample = 0, 0, 0, nil, nil, ""
local requests, expected = {}, 200

local function prepared(line)
  local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
  local headers = { Cookie = cookie ~= "" and cookie or nil }
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  if body ~= "" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  return wrk.format(method, path, headers, body ~= "" and body or nil)
end

function init(args)
  local count = tonumber(args[4])
  expected = tonumber(args[3])
  local n = 0
  for line in io.lines(args[1]) do
    if n % count == index then
      requests[#requests + 1] = prepared(line)
    end
    n = n + 1
  end
  if args[2] == "once" then
    local reserved = 0 -- wrk asks delay() before each request: none while lines are left
    delay = function()
      reserved = reserved + 1
      return reserved <= #requests and 0 or 3600000
    end
  end
end

-- wrk also calls request() once before the run on thread 0, to check it: the line it took
-- comes round again last.
function request()
  sent = sent + 1
  started = started or now()
  return requests[(sent - 1) % #requests + 1]
end

function response(status, headers, body)
  finished = now()
  if status == expected then
    ok = ok + 1
  else
    bad = bad + 1
    if sample == "" then
      local text = body:gsub("<[^>]*>", " "):gsub('[%c"\\]', " "):gsub("%s+", " ")
      sample = status .. ": " .. text:sub(1, 160)
    end
  end
end

function done(summary, latency, _)
  local total = { ok = 0, bad = 0, sent = 0 }
  local first, last, example = math.huge, 0, ""
  for _, thread in ipairs(threads) do
    for name in pairs(total) do
      total[name] = total[name] + thread:get(name)
    end
    first = math.min(first, thread:get("started") or math.huge)
    last = math.max(last, thread:get("finished") or 0)
    if example == "" then
      example = thread:get("sample")
    end
  end
  local e = summary.errors
  io.write(
    string.format(
      'BENCH {"ok": %d, "bad": %d, "sent": %d, "seconds": %.6f, "errors": %d, '
        .. '"p50": %.3f, "p90": %.3f, "p99": %.3f, "example": "%s"}\n',
      total.ok, total.bad, total.sent, math.max(last - first, 0),
      e.connect + e.read + e.write + e.timeout,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, example
    )
  )
end
