-- wrk: every request publishes one event (about 250 bytes as a CloudEvents envelope, like PerfTest's 200-byte
-- messages plus the envelope's attributes).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"phase":"load","order":{"id":"o-123456","amount":42.5,"currency":"EUR"},"note":"benchmark event"}'
