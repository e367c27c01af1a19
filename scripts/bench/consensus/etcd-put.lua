-- POST /v3/kv/put {"key": base64(key-N), "value": base64(VALUE_BYTES bytes)}: etcd's JSON gateway, keys over KEYS.
local value_bytes = tonumber(os.getenv("VALUE_BYTES") or "96")
local keys = tonumber(os.getenv("KEYS") or "1000")
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function base64(data)
  return ((data:gsub(".", function(c)
    local bits, byte = "", c:byte()
    for i = 8, 1, -1 do bits = bits .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and "1" or "0") end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(bits)
    if #bits < 6 then return "" end
    local n = 0
    for i = 1, 6 do n = n + (bits:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return alphabet:sub(n + 1, n + 1)
  end) .. ({ "", "==", "=" })[#data % 3 + 1])
end

local value = base64(string.rep("x", value_bytes))
local bodies = {}
for i = 0, keys - 1 do
  bodies[i] = '{"key":"' .. base64("key-" .. i) .. '","value":"' .. value .. '"}'
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, "/v3/kv/put", nil, bodies[math.random(0, keys - 1)])
end
