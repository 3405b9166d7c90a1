-- wrk script of the load test (manage.py load_test): each request takes a random path from the
-- file given after `--`, and the summary is printed as one JSON line for the command to read.
-- Every request says `Accept-Encoding: gzip`, as every browser does.
-- wrk -t1 -c16 -d60s --timeout 10s -s mix.lua http://127.0.0.1:8000 -- paths.txt SEED

local paths = {}

function init(args)
    for line in io.lines(args[1]) do
        paths[#paths + 1] = line
    end
    math.randomseed(tonumber(args[2] or "1"))
    wrk.headers["Accept-Encoding"] = "gzip"
end

function request()
    return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format(
        '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
            .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, '
            .. '"p99_us": %d, "max_us": %d}\n',
        summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
        errors.write, errors.status, errors.timeout, latency:percentile(50),
        latency:percentile(90), latency:percentile(99), latency.max
    ))
end
