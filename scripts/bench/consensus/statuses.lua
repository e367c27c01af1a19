-- Counts the answers that were not 200 by status, per thread, and prints them once the run is done.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  unexpected = {}
end
function response(status, headers, body)
  if status ~= 200 then
    unexpected[status] = (unexpected[status] or 0) + 1
  end
end
function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("unexpected")
    for status, n in pairs(counts) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  for status, n in pairs(totals) do
    io.write(string.format("status %d: %d\n", status, n))
  end
end
