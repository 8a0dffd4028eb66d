-- wrk script for scripts/bench: posts a realistic mix of delivery receipts through the gateway's real routes,
-- or (mode "status") only GETs the URL it was given.
--
--   wrk ... -s scripts/bench.d/receipts.lua URL -- MODE ROWS STRIDE THREADS CONNECTIONS RATE BODIES [START]
--
-- MODE         "receipts" or "status"
-- ROWS         notifications seeded (rows 1..ROWS, all in `sending`)
-- STRIDE       a number coprime with ROWS: request i goes to row (i * STRIDE) mod ROWS + 1, so every request of a run
--              finds a notification no other request of the run touched (until ROWS requests), spread over the table
-- THREADS      wrk's -t, CONNECTIONS wrk's -c
-- RATE         0: as fast as the gateway answers; otherwise the total rate to aim at (receipts/s): each connection
--              waits an exponentially distributed time (mean CONNECTIONS / RATE) before each request
-- BODIES       scripts/bench.d/bodies.tsv
-- START        first request number (default 0)
--
-- Of the receipts, about 5% resend the body the same thread sent just before (a verbatim provider resend: stored
-- once, answered `duplicate`) and about 1% name a notification that does not exist (stored `waiting`). The rest
-- are split by row: multiples of 3 are SES (looked up by reference), remainder 1 Firetext, 2 MMG (by id).
--
-- done() prints one line scripts/bench reads:
--   BENCH requests=N non2xx=N socket_errors=N duration_us=N p50_us=N p99_us=N mean_us=N

local counter = 0

-- Runs in wrk's main Lua state once per thread: number the threads.
function setup(thread)
    thread:set("thread_number", counter)
    counter = counter + 1
end

local mode, rows, stride, threads, mean_delay_ms, start
local kinds = {}
local next_index = 0
local previous_row = nil
local UNKNOWN_BASE = 1000000000

local function split(line)
    local fields = {}
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do
        fields[#fields + 1] = field
    end
    return fields
end

local function load_bodies(path)
    local file = assert(io.open(path, "r"), "cannot read " .. path)
    local by_provider = {}
    for line in file:lines() do
        if line ~= "" and line:sub(1, 1) ~= "#" then
            local f = split(line)
            by_provider[f[1]] = { content_type = f[2], path = f[3], body = f[4] }
        end
    end
    file:close()
    -- Row number mod 3 picks the provider.
    kinds[0] = assert(by_provider.ses, "no ses line in " .. path)
    kinds[1] = assert(by_provider.firetext, "no firetext line in " .. path)
    kinds[2] = assert(by_provider.mmg, "no mmg line in " .. path)
    for _, kind in pairs(kinds) do
        kind.headers = { ["Content-Type"] = kind.content_type }
        if kind == kinds[0] then
            kind.headers["x-amz-sns-message-type"] = "Notification"
        end
    end
end

function init(args)
    mode = args[1] or "status"
    if mode == "status" then
        -- A static request: wrk sends the URL's GET without calling Lua per request.
        request = nil
        delay = nil
        return
    end
    rows = assert(tonumber(args[2]), "ROWS missing")
    stride = assert(tonumber(args[3]), "STRIDE missing")
    threads = assert(tonumber(args[4]), "THREADS missing")
    local connections = assert(tonumber(args[5]), "CONNECTIONS missing")
    local rate = assert(tonumber(args[6]), "RATE missing")
    load_bodies(assert(args[7], "BODIES missing"))
    start = tonumber(args[8] or "0")
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
    local index = start + thread_number + next_index * threads
    next_index = next_index + 1
    local roll = math.random(100)
    local row
    if roll <= 5 and previous_row then
        row = previous_row
    elseif roll == 6 then
        row = UNKNOWN_BASE + index
    else
        -- Both factors below ROWS (at most 10^7 here), so the product is exact in a double.
        row = ((index % rows) * stride) % rows + 1
    end
    previous_row = row
    local kind = kinds[row % 3]
    local padded = string.format("%012d", row)
    local body = kind.body:gsub("{ROW}", padded)
    return wrk.format("POST", kind.path, kind.headers, body)
end

function done(summary, latency, _)
    local e = summary.errors
    io.write(string.format(
        "BENCH requests=%d non2xx=%d socket_errors=%d duration_us=%d p50_us=%d p99_us=%d mean_us=%d\n",
        summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration,
        latency:percentile(50), latency:percentile(99), latency.mean))
end
