-- wrk script for quizengine: pre-built participants' requests, one connection per wrk thread.
-- Usage: wrk -t64 -c64 -d10s -s bench/lua/play.lua URL -- PLAN_DIR MODE
-- MODE: mix | page | home | board | checkin | start | answer | upload | hello | insert
--       | floor_page | floor_write
-- Each thread plays its own teams (from the plan), so attempts never collide between threads;
-- with one connection per thread every response belongs to the thread's last request.

local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local plan, mine, mode, photo
local last = "none"
stats = {}
samples = {}  -- action:status -> the start of the first refused answer's body (what went wrong)
exhausted = 0
local serial = 0
local started = {}
local fresh_i, running_i, creative_i = 0, 0, 0

-- the realistic mix: shares of requests, in percent
local MIX = {
  {"page", 20}, {"home", 20}, {"board", 14}, {"checkin", 15},
  {"start", 15}, {"answer", 15}, {"upload", 1},
}

function init(args)
  mode = args[2] or "mix"
  if mode ~= "hello" and mode ~= "insert" then
    plan = dofile(args[1] .. "/common.lua")
    mine = dofile(args[1] .. "/t" .. (tid % plan.threads) .. ".lua")
    local f = io.open(plan.photo, "rb")
    photo = f:read("*a")
    f:close()
  end
  math.randomseed(1000 + tid)
end

local function person(i)
  return mine.people[i or math.random(#mine.people)]
end

local function key()
  serial = serial + 1
  return string.format("w%dk%dr%d", tid, serial, math.random(1000000))
end

local function headers(p, extra)
  local h = {["Cookie"] = p.c, ["Accept"] = "application/json", ["X-CSRFToken"] = p.t}
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

local FORM = "application/x-www-form-urlencoded"

local function post(p, path, body)
  return wrk.format("POST", path, headers(p, {["Content-Type"] = FORM}),
                    body .. "&csrf_token=" .. p.t)
end

local function get(p, path)
  return wrk.format("GET", path, {["Cookie"] = p.c})
end

local builders = {}

function builders.hello() return wrk.format("GET", "/") end

function builders.insert()
  return wrk.format("POST", "/insert", {["Content-Type"] = FORM}, "payload=" .. key())
end

function builders.page()
  local cp = plan.codes[math.random(#plan.codes)]
  return get(person(), "/c/" .. cp.code)
end

function builders.home() return get(person(), "/home") end

function builders.floor_page() return get(person(), "/floor/page") end

function builders.floor_write() return post(person(), "/floor/write", "x=1") end

function builders.board() return get(person(), plan.board) end

function builders.checkin()
  local cp = plan.codes[math.random(#plan.codes)]
  local lat, lon = cp.lat + (math.random() - 0.5) * 0.0004, cp.lon
  if math.random(10) == 1 then lat = lat + 0.01 end -- 1 in 10 is 1 km away: refused
  local body = string.format("lat=%.6f&lon=%.6f&accuracy=%d&fix_ts=%d", lat, lon,
                             5 + math.random(25), os.time() * 1000)
  return post(person(), "/c/" .. cp.code .. "/checkin", body)
end

function builders.start()
  fresh_i = fresh_i + 1
  local item = mine.fresh[fresh_i]
  if item == nil then -- every fresh task started: restart the first (returns the running one)
    exhausted = exhausted + 1
    item = mine.fresh[1]
  else
    table.insert(started, item)
  end
  return post(person(item.p), "/t/" .. item.task .. "/start", "x=1")
end

function builders.answer()
  local item = table.remove(started, 1)
  if item == nil then
    running_i = running_i + 1
    item = mine.running[running_i]
  end
  if item == nil then -- nothing left to answer: replay the first answer (idempotent)
    exhausted = exhausted + 1
    item = mine.running[1]
    return post(person(item.p), "/t/" .. item.task .. "/answer", "answer=" .. item.ans .. "&key=replay" .. tid .. "xx")
  end
  return post(person(item.p), "/t/" .. item.task .. "/answer",
              "answer=" .. item.ans .. "&key=" .. key())
end

function builders.upload()
  creative_i = creative_i + 1
  local item = mine.creative[creative_i]
  if item == nil then
    exhausted = exhausted + 1
    item = mine.creative[1]
  end
  local p = person(item.p)
  local b = "----qebench" .. tid
  local body = "--" .. b .. '\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' .. p.t ..
    "\r\n--" .. b .. '\r\nContent-Disposition: form-data; name="key"\r\n\r\n' .. key() ..
    "\r\n--" .. b .. '\r\nContent-Disposition: form-data; name="text"\r\n\r\nOur team photo' ..
    "\r\n--" .. b .. '\r\nContent-Disposition: form-data; name="photos"; filename="p.jpg"\r\n' ..
    "Content-Type: image/jpeg\r\n\r\n" .. photo .. "\r\n--" .. b .. "--\r\n"
  return wrk.format("POST", "/t/" .. item.task .. "/submit",
                    headers(p, {["Content-Type"] = "multipart/form-data; boundary=" .. b}), body)
end

local function pick()
  local r, acc = math.random(100), 0
  for _, entry in ipairs(MIX) do
    acc = acc + entry[2]
    if r <= acc then return entry[1] end
  end
  return "page"
end

function request()
  if mode == "mix" then last = pick() else last = mode end
  return builders[last]()
end

function response(status, hdrs, body)
  local k = last .. ":" .. status
  stats[k] = (stats[k] or 0) + 1
  if status >= 400 and samples[k] == nil and body ~= nil then
    samples[k] = string.sub(string.gsub(body, '[%c"\\<>]', " "), 1, 240)
  end
end

function done(summary, latency, requests)
  local merged, ex, seen = {}, 0, {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("stats")) do merged[k] = (merged[k] or 0) + v end
    for k, v in pairs(t:get("samples")) do seen[k] = seen[k] or v end
    ex = ex + t:get("exhausted")
  end
  local parts, said = {}, {}
  for k, v in pairs(merged) do table.insert(parts, string.format('"%s":%d', k, v)) end
  for k, v in pairs(seen) do table.insert(said, string.format('"%s":"%s"', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p95_us":%d,' ..
    '"p99_us":%d,"max_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d},"exhausted":%d,"statuses":{%s},"samples":{%s}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, e.connect, e.read, e.write,
    e.status, e.timeout, ex, table.concat(parts, ","), table.concat(said, ",")))
end
