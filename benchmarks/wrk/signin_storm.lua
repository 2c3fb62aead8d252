-- A storm of failed sign-ins for benchmarks/http_load.py: each request a wrong password for
-- another (unknown) account from another address (X-Forwarded-For; the app trusts one proxy
-- hop), so neither the per-account lock nor the per-address limit stops it. Each connection
-- waits STORM_DELAY_MS between its requests: connections ÷ delay is the storm's rate.
-- Environment: STORM_COOKIE (a session cookie "name=value"), STORM_CSRF (its CSRF token),
-- STORM_DELAY_MS. Prints "status <code> <count>" lines at the end.

local cookie = os.getenv("STORM_COOKIE")
local token = os.getenv("STORM_CSRF")
local pause = tonumber(os.getenv("STORM_DELAY_MS") or "0")
local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   math.randomseed(os.time() * 1000 + id)
   counts = {}
end

function request()
   local n = math.random(1, 10000000)
   local address = string.format(
      "10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254)
   )
   local body = "csrf_token=" .. token .. "&next=&email=storm." .. n
      .. "%40example.org&password=not-the-password-of-anyone-" .. n
   local headers = {
      ["Host"] = wrk.host,
      ["Cookie"] = cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Forwarded-For"] = address,
   }
   return wrk.format("POST", "/sign-in", headers, body)
end

function delay()
   return pause
end

function response(status, headers, body)
   counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
   local total = {}
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("counts")) do
         total[status] = (total[status] or 0) + n
      end
   end
   for status, n in pairs(total) do
      io.write(string.format("status %d %d\n", status, n))
   end
end
