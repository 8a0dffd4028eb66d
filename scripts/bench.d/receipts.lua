-- wrk script for scripts/bench: posts delivery receipts of every provider through the gateway's real routes, each
-- signed ahead of the run, or (mode "status") only GETs the URL it was given.
--
--   wrk ... -s scripts/bench.d/receipts.lua URL -- MODE REQUESTS RATE CONNECTIONS
--
-- MODE         "receipts" or "status"
-- REQUESTS     a folder written by `sign-fixtures bench-requests` (see BenchRequestsCommand.swift for the walk over
--              the rows, the 5% resends and the 1% unknown notifications): thread t sends thread-<t>.http, one raw
--              request a line (line breaks written as byte 0x01), from its start, again from the start if it runs out
--              (counted as `rewinds`: the requests after it find notifications already final)
-- RATE         0: as fast as the gateway answers; otherwise the total rate to aim at (receipts/s): each connection
--              waits an exponentially distributed time (mean CONNECTIONS / RATE) before each request
-- CONNECTIONS  wrk's -c
--
-- done() prints one line scripts/bench reads:
--   BENCH requests=N non2xx=N socket_errors=N duration_us=N p50_us=N p99_us=N mean_us=N rewinds=N

local counter = 0
local threads = {}

-- Runs in wrk's main Lua state once per thread: number the threads.
function setup(thread)
    thread:set("thread_number", counter)
    counter = counter + 1
    threads[#threads + 1] = thread
end

local mode, mean_delay_ms, file, path
rewinds = 0

function init(args)
    mode = args[1] or "status"
    if mode == "status" then
        -- A static request: wrk sends the URL's GET without calling Lua per request.
        request = nil
        delay = nil
        return
    end
    local folder = assert(args[2], "REQUESTS missing")
    local rate = assert(tonumber(args[3]), "RATE missing")
    local connections = assert(tonumber(args[4]), "CONNECTIONS missing")
    path = folder .. "/thread-" .. thread_number .. ".http"
    file = assert(io.open(path, "rb"), "cannot read " .. path .. ": write it with sign-fixtures bench-requests")
    if rate > 0 then
        mean_delay_ms = connections / rate * 1000
    else
        delay = nil
    end
    math.randomseed(1000 + thread_number)
end

function delay()
    -- Poisson arrivals per connection; wrk takes whole milliseconds.
    return -math.log(1 - math.random()) * mean_delay_ms
end

function request()
    local line = file:read("*l")
    if not line then
        rewinds = rewinds + 1
        file:seek("set", 0)
        line = assert(file:read("*l"), path .. " is empty")
    end
    return (line:gsub("\1", "\r\n"))
end

function done(summary, latency, _)
    local e = summary.errors
    local total_rewinds = 0
    for _, thread in ipairs(threads) do
        total_rewinds = total_rewinds + (thread:get("rewinds") or 0)
    end
    io.write(string.format(
        "BENCH requests=%d non2xx=%d socket_errors=%d duration_us=%d p50_us=%d p99_us=%d mean_us=%d rewinds=%d\n",
        summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration,
        latency:percentile(50), latency:percentile(99), latency.mean, total_rewinds))
end
