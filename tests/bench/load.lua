-- wrk script for the benchmark: learners from a file, one JSON ping (or one progress read) per request.
-- args: learners file, courses file, mode (ping | get | paced), path, and for ping and get the delay in ms between a
-- connection's requests (0 = flat out), for paced the seconds between two pings of one learner.
-- Each learner watches one lecture of one course; positions advance 5 s per ping like a player's auto-save,
-- client times are the real clock. ping and get pick learners at random; paced behaves like players: each wrk
-- thread takes its share of the learners in turn and spaces its requests so that each learner pings once per period.
-- The summary goes to the JSON file named by WRK_OUT.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } lp_timespec;
  int clock_gettime(int clock, lp_timespec *ts);
]]
local timespec = ffi.new("lp_timespec")
local function now_ms(clock)
  ffi.C.clock_gettime(clock, timespec)
  return tonumber(timespec.tv_sec) * 1000 + math.floor(tonumber(timespec.tv_nsec) / 1e6)
end
local REALTIME, MONOTONIC = 0, 1

local learners, courses, sent = {}, {}, {}
local mode, path, pause
-- paced: this thread's learners, the next one's index, the period in ms, the first slot and the slots handed out
local mine, turn, period, started, slots = {}, 0, 0, 0, 0

local threads = 0
function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

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
  if mode == "paced" then
    local count = tonumber(os.getenv("WRK_THREADS") or "1")
    for i = 1, #learners do
      if (i - 1) % count == thread_index then mine[#mine + 1] = learners[i] end
    end
    period = pause * 1000
    started = now_ms(MONOTONIC)
  end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

local function pick()
  if mode ~= "paced" then return learners[math.random(#learners)] end
  turn = turn % #mine + 1
  return mine[turn]
end

function request()
  local learner = pick()
  local headers = { ["Authorization"] = learner.auth }
  if mode == "get" then
    return wrk.format("GET", path .. learner.course.id, headers)
  end
  local n = (sent[learner.id] or 0) + 1
  sent[learner.id] = n
  local lecture = learner.lecture
  local position = (learner.start + 5 * n) % lecture.duration
  local segment = position >= 5 and position - 5 or 0
  local ts = now_ms(REALTIME)
  headers["Content-Type"] = "application/json"
  local body = string.format(
    '{"courseId":"%s","lectureId":"%s","watchTime":%d,"duration":%d,"clientTs":%d,"segmentStart":%d,"segmentStartTs":%d,"sessionId":"%s"}',
    learner.course.id, lecture.id, position, lecture.duration, ts, segment, ts - 5000, learner.session)
  return wrk.format("POST", path, headers, body)
end

function delay()
  if mode ~= "paced" then return pause end
  -- Slots are spread evenly over the period: the k-th request of this thread is due at started + k * period / #mine.
  slots = slots + 1
  local due = started + slots * period / #mine
  local wait = due - now_ms(MONOTONIC)
  return wait > 0 and math.floor(wait) or 0
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
