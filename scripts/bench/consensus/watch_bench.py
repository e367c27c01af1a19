#!/usr/bin/env python3
"""Watch delivery benchmark: W watchers on one prefix, puts under it at a fixed rate, for consensus-service (SSE,
GET /api/kv/watch) or etcd 3.4 (JSON gateway, POST /v3/watch, keys base64). Each put's key carries its send time
(wall clock, microseconds); every watcher takes the time it received each event, so a latency is put-to-watcher,
commit included. Watchers run in several processes, each a selector loop over raw sockets that de-chunks the
HTTP body and picks the keys out with one regular expression, so the load tool is not what bounds delivery.

  watch_bench.py consensus|etcd WATCH_URL PUT_URL [--watchers 100] [--rate 1000] [--seconds 20] [--warmup 5]

Prints one line: "delivered_per_s p50_ms p99_ms puts_acked puts_failed events_expected events_seen".
"""
import argparse
import base64
import http.client
import json
import multiprocessing
import re
import selectors
import socket
import threading
import time
import urllib.parse

PREFIX = "wb/"
KEY = {"consensus": re.compile(rb'"key":"wb/(\d+)-(\d+)"'), "etcd": re.compile(rb'"key":"([A-Za-z0-9+/=]+)"')}


def now_us():
    return time.time_ns() // 1000


def request_bytes(kind, url):
    u = urllib.parse.urlsplit(url)
    host = f"{u.hostname}:{u.port}"
    if kind == "consensus":
        return (f"GET /api/kv/watch?prefix={PREFIX} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n").encode()
    body = json.dumps({"create_request": {"key": base64.b64encode(PREFIX.encode()).decode(),
                                          "range_end": base64.b64encode(b"wb0").decode()}}).encode()
    return (f"POST /v3/watch HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


class Conn:
    """One watcher's connection: headers, then a chunked body de-chunked into `body`, scanned for keys."""

    def __init__(self, sock):
        self.sock = sock
        self.raw = b""
        self.headers_done = False
        self.chunk_left = 0  # bytes of the current chunk still to come; -1: expecting the CRLF after a chunk
        self.body = b""


def watcher_process(kind, url, count, start_us, end_us, ready, results):
    pattern = KEY[kind]
    u = urllib.parse.urlsplit(url)
    sel = selectors.DefaultSelector()
    conns = []
    for _ in range(count):
        s = socket.create_connection((u.hostname, u.port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(request_bytes(kind, url))
        s.setblocking(False)
        c = Conn(s)
        conns.append(c)
        sel.register(s, selectors.EVENT_READ, c)
    latencies = []
    seen = 0
    delivered_in_window = 0
    ready.put(count)
    stop_at = end_us.value + 3_000_000 if end_us.value else None
    while True:
        if stop_at is None and end_us.value:
            stop_at = end_us.value + 3_000_000
        if stop_at is not None and now_us() > stop_at:
            break
        for key, _ in sel.select(timeout=0.2):
            c = key.data
            try:
                data = c.sock.recv(1 << 18)
            except BlockingIOError:
                continue
            if not data:
                sel.unregister(c.sock)
                continue
            received = now_us()
            c.raw += data
            if not c.headers_done:
                i = c.raw.find(b"\r\n\r\n")
                if i < 0:
                    continue
                c.headers_done = True
                c.raw = c.raw[i + 4:]
            body = dechunk(c)
            text = c.body + body
            # Keep a tail that may hold a key cut by the read; keys are short.
            cut = text.rfind(b"\n")
            scan, c.body = (text[:cut + 1], text[cut + 1:]) if cut >= 0 else (b"", text)
            for m in pattern.finditer(scan):
                if kind == "consensus":
                    sent = int(m.group(2))
                else:
                    k = base64.b64decode(m.group(1)).decode()
                    if not k.startswith(PREFIX):
                        continue
                    sent = int(k[len(PREFIX):].split("-")[1])
                seen += 1
                if start_us.value <= sent and (not end_us.value or sent < end_us.value):
                    latencies.append(received - sent)
                if start_us.value <= received and (not end_us.value or received < end_us.value):
                    delivered_in_window += 1
    for c in conns:
        c.sock.close()
    results.put((latencies, seen, delivered_in_window))


def dechunk(c):
    out = []
    raw = c.raw
    pos = 0
    while True:
        if c.chunk_left > 0:
            take = raw[pos:pos + c.chunk_left]
            out.append(take)
            c.chunk_left -= len(take)
            pos += len(take)
            if c.chunk_left > 0:
                break
            c.chunk_left = -1
        if c.chunk_left == -1:
            if len(raw) - pos < 2:
                break
            pos += 2
            c.chunk_left = 0
        i = raw.find(b"\r\n", pos)
        if i < 0:
            break
        size = int(raw[pos:i].split(b";")[0] or b"0", 16)
        pos = i + 2
        if size == 0:
            break
        c.chunk_left = size
    c.raw = raw[pos:]
    return b"".join(out)


def putter(kind, put_url, rate, warmup, seconds, start_us, end_us, counts):
    u = urllib.parse.urlsplit(put_url)
    value96 = '"' + "x" * 94 + '"'
    threads = 32
    interval = threads / rate
    begin = time.time() + 0.5
    window_start = begin + warmup
    window_end = window_start + seconds
    start_us.value = int(window_start * 1_000_000)

    def run(t):
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        n = 0
        next_at = begin + t * interval / 1  # spread the threads over one interval
        next_at = begin + (t / threads) * interval
        while next_at < window_end:
            delay = next_at - time.time()
            if delay > 0:
                time.sleep(delay)
            seq = n * threads + t
            key = f"{PREFIX}{seq}-{now_us()}"
            try:
                if kind == "consensus":
                    conn.request("PUT", "/api/kv/" + urllib.parse.quote(key, safe=""), body=value96,
                                 headers={"Content-Type": "application/json"})
                else:
                    body = json.dumps({"key": base64.b64encode(key.encode()).decode(),
                                       "value": base64.b64encode(value96.encode()).decode()})
                    conn.request("POST", "/v3/kv/put", body=body, headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                counts[0 if r.status == 200 else 1] += 1
            except (OSError, http.client.HTTPException):
                counts[1] += 1
                conn.close()
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            n += 1
            next_at += interval

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for p in pool:
        p.start()
    for p in pool:
        p.join()
    end_us.value = int(window_end * 1_000_000)


def used_heap(jcmd, pid):
    import subprocess
    for _ in range(2):
        subprocess.run([jcmd, str(pid), "GC.run"], check=True, capture_output=True)
        time.sleep(0.5)
    out = subprocess.run([jcmd, str(pid), "GC.heap_info"], check=True, capture_output=True, text=True).stdout
    return sum(int(k) * 1024 for k in re.findall(r"used (\d+)K", out.split("Metaspace")[0]))


def idle_cost(url, pid, jcmd, count):
    """Heap per idle HTTP watcher: the node's used heap after a full GC, before and with `count` idle streams."""
    before = used_heap(jcmd, pid)
    u = urllib.parse.urlsplit(url)
    socks = []
    for i in range(count):
        s = socket.create_connection((u.hostname, u.port))
        s.sendall(request_bytes("consensus", url).replace(PREFIX.encode(), f"idle/{i % 100}/".encode(), 1))
        socks.append(s)
    for s in socks:
        got = b""
        while b": watching" not in got:
            got += s.recv(4096)
    time.sleep(1)
    after = used_heap(jcmd, pid)
    for s in socks:
        s.close()
    print(f"{(after - before) // count} {before} {after}")


def main():
    import sys
    if len(sys.argv) > 1 and sys.argv[1] == "idle":
        idle_cost(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
        return
    a = argparse.ArgumentParser()
    a.add_argument("kind", choices=["consensus", "etcd"])
    a.add_argument("watch_url")
    a.add_argument("put_url")
    a.add_argument("--watchers", type=int, default=100)
    a.add_argument("--rate", type=int, default=1000)
    a.add_argument("--seconds", type=float, default=20)
    a.add_argument("--warmup", type=float, default=5)
    a.add_argument("--processes", type=int, default=4)
    args = a.parse_args()
    ctx = multiprocessing.get_context("fork")
    start_us = ctx.Value("q", 0)
    end_us = ctx.Value("q", 0)
    ready, results = ctx.Queue(), ctx.Queue()
    procs = []
    per = [args.watchers // args.processes + (1 if i < args.watchers % args.processes else 0) for i in range(args.processes)]
    start_us.value = 1 << 62  # nothing counts before the putter sets the window
    for n in per:
        p = ctx.Process(target=watcher_process, args=(args.kind, args.watch_url, n, start_us, end_us, ready, results))
        p.start()
        procs.append(p)
    for _ in per:
        ready.get(timeout=60)
    time.sleep(1)  # every watch registered before the first put
    counts = [0, 0]
    putter(args.kind, args.put_url, args.rate, args.warmup, args.seconds, start_us, end_us, counts)
    latencies, seen, delivered = [], 0, 0
    for _ in per:
        l, s, d = results.get(timeout=120)
        latencies += l
        seen += s
        delivered += d
    for p in procs:
        p.join()
    latencies.sort()
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] / 1000 if latencies else float("nan")
    expected = (counts[0]) * args.watchers
    print(f"{delivered / args.seconds:.0f} {pct(0.50):.2f} {pct(0.99):.2f} {counts[0]} {counts[1]} {expected} {seen}")


if __name__ == "__main__":
    main()
