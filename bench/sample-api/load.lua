-- wrk script for the sample API benchmark. Environment:
--   API_KEY      the key sent as X-Api-Key
--   MODE         "bare" (GET /bare), "healthz" (GET /healthz through every middleware) or "users" (GET /users/{id})
--   MAX_ID       ids are drawn uniformly from 1..MAX_ID
--   WRITE_SHARE  share of requests that are PUT /users/{id} (0.2 = the 80/20 mix)
--   USER_PATH    the path the ids are appended to in "users" mode (default "/users/"; "/bare/npgsql/" etc. for the layers)
local key = os.getenv("API_KEY") or ""
local mode = os.getenv("MODE") or "users"
local maxId = tonumber(os.getenv("MAX_ID") or "100000")
local writeShare = tonumber(os.getenv("WRITE_SHARE") or "0")
local userPath = os.getenv("USER_PATH") or "/users/"
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
  wrk.headers["X-Api-Key"] = key
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  if mode == "bare" then
    return wrk.format("GET", "/bare")
  end
  if mode == "healthz" then
    return wrk.format("GET", "/healthz")
  end
  local id = math.random(1, maxId)
  if writeShare > 0 and math.random() < writeShare then
    local body = string.format('{"name":"Mixed %d","email":"mix%d@bench.example"}', id, id)
    return wrk.format("PUT", "/users/" .. id, nil, body)
  end
  return wrk.format("GET", userPath .. id)
end
