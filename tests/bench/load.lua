-- wrk script for the benchmark: learners from a file, one JSON ping (or one progress read) per request.
-- args: learners file, courses file, mode (ping | get), path, delay in ms between a connection's requests (0 = flat out).
-- Each learner watches one lecture of one course; positions advance 5 s per ping like a player's auto-save,
-- client times are the real clock. The summary goes to the JSON file named by WRK_OUT.
local learners, courses, sent = {}, {}, {}
local mode, path, pause

local function split(line)
  local fields = {}
  for field in line:gmatch("%S+") do fields[#fields + 1] = field end
  return fields
end

function init(args)
  for line in io.lines(args[2]) do
    local f = split(line)
    local lectures = {}
    for i = 2, #f, 2 do lectures[#lectures + 1] = { id = f[i], duration = tonumber(f[i + 1]) } end
    courses[#courses + 1] = { id = f[1], lectures = lectures }
  end
  for line in io.lines(args[1]) do
    local f = split(line)
    local course = courses[tonumber(f[3]) + 1]
    learners[#learners + 1] = {
      id = f[1], auth = "Bearer " .. f[2], course = course,
      lecture = course.lectures[tonumber(f[4]) + 1], start = tonumber(f[5]), session = f[1]:sub(1, 8) .. "-s1",
    }
  end
  mode, path, pause = args[3], args[4], tonumber(args[5])
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  local learner = learners[math.random(#learners)]
  local headers = { ["Authorization"] = learner.auth }
  if mode == "get" then
    return wrk.format("GET", path .. learner.course.id, headers)
  end
  local n = (sent[learner.id] or 0) + 1
  sent[learner.id] = n
  local lecture = learner.lecture
  local position = (learner.start + 5 * n) % lecture.duration
  local segment = position >= 5 and position - 5 or 0
  headers["Content-Type"] = "application/json"
  local body = string.format(
    '{"courseId":"%s","lectureId":"%s","watchTime":%d,"duration":%d,"clientTs":%d%03d,"segmentStart":%d,"sessionId":"%s"}',
    learner.course.id, lecture.id, position, lecture.duration, os.time(), n % 1000, segment, learner.session)
  return wrk.format("POST", path, headers, body)
end

function delay()
  return pause
end

function done(summary, latency, requests)
  local errors = summary.errors
  local out = io.open(os.getenv("WRK_OUT"), "w")
  out:write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d,"status_errors":%d}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
  out:close()
end
