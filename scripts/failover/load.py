"""Load and checks of scripts/failover/rabbitmq.sh: submits tasks and publishes events while a broker node is
stopped, then waits until every task answered 202 has ended SUCCESS and every event answered 202 has reached the
webhook receiver. Standard library only. Prints one summary line per figure; exits 1 when anything was lost."""

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def call(method, url, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError as e:
        return 0, str(e).encode()


class Receiver:
    """The webhook: answers 204 and remembers every webhook-id it got."""

    def __init__(self, port):
        self.ids = set()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.ids.add(self.headers.get("webhook-id"))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self):
        with self.lock:
            return set(self.ids)


class Stream:
    """One kind of call made at a steady rate: every answer's time and status, the ids of those answered 202."""

    def __init__(self, name, make_call, per_second):
        self.name, self.make_call, self.per_second = name, make_call, per_second
        self.accepted, self.answers = [], []
        self.stop = threading.Event()

    def run(self):
        n = 0
        while not self.stop.is_set():
            started = time.time()
            status, body = self.make_call(n)
            self.answers.append((started, status))
            if status == 202:
                self.accepted.append(json.loads(body)["id"])
            n += 1
            time.sleep(max(0.0, 1.0 / self.per_second - (time.time() - started)))

    def outage(self, moment):
        """Seconds from the first failed call after the node's stop to the first 202 after the last one."""
        failed = [t for t, status in self.answers if t >= moment and status != 202]
        if not failed:
            return 0.0
        later = [t for t, status in self.answers if t > failed[-1] and status == 202]
        return (later[0] - failed[0]) if later else None

    def recovery_after(self, moment, down):
        """Seconds from the node being down to the first 202 following the last failed call (0: none failed)."""
        failed = [t for t, status in self.answers if t >= moment and status != 202]
        if not failed:
            return 0.0
        later = [t for t, status in self.answers if t > failed[-1] and status == 202]
        return max(0.0, later[0] - down) if later else None

    def failures(self):
        counts = {}
        for _, status in self.answers:
            if status != 202:
                counts[status] = counts.get(status, 0) + 1
        return counts


def main():
    tasks_url, events_url, receiver_port, stop_command, before, after, settle = sys.argv[1:8]
    receiver = Receiver(int(receiver_port))

    tasks = Stream("tasks", lambda n: call("POST", tasks_url + "/api/tasks",
                                           {"type": "sleep", "args": {"ms": 20}, "maxRetries": 3}), 10)
    events = Stream("events", lambda n: call("POST", events_url + "/api/events/failover.tick", {"n": n}), 10)
    threads = [threading.Thread(target=s.run, daemon=True) for s in (tasks, events)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(float(before))
        stopped_at = time.time()
        print(f"stopping the node: {stop_command}", flush=True)
        subprocess.run(stop_command, shell=True, check=True)
        down_at = time.time()
        print(f"the node is down ({down_at - stopped_at:.1f} s for the command); the load goes on for {after} s",
              flush=True)
        time.sleep(float(after))
    finally:
        for s in (tasks, events):
            s.stop.set()
        for thread in threads:
            thread.join()

    deadline = time.time() + float(settle)
    pending_tasks, missing_events = set(tasks.accepted), set(events.accepted)
    statuses = {}
    while time.time() < deadline and (pending_tasks or missing_events):
        for task in list(pending_tasks):
            status, body = call("GET", f"{tasks_url}/api/tasks/{task}")
            state = json.loads(body).get("status") if status == 200 else f"HTTP {status}"
            statuses[task] = state
            if state == "SUCCESS":
                pending_tasks.discard(task)
        missing_events -= receiver.received()
        if pending_tasks or missing_events:
            time.sleep(2)
    settled = time.time() - down_at

    recovered = all(s.recovery_after(stopped_at, down_at) is not None for s in (tasks, events))
    ok = not pending_tasks and not missing_events and recovered
    for s, done in ((tasks, len(tasks.accepted) - len(pending_tasks)), (events, len(events.accepted) - len(missing_events))):
        recovery, outage = s.recovery_after(stopped_at, down_at), s.outage(stopped_at)
        print(f"{s.name}: {len(s.answers)} calls, {len(s.accepted)} answered 202, "
              f"{done} of them {'ended SUCCESS' if s is tasks else 'reached the webhook'}; "
              f"other answers {s.failures() or 'none'}; "
              f"answering 202 again {'never' if recovery is None else f'{recovery:.1f} s'} after the node was down, "
              f"{'never' if outage is None else f'{outage:.1f} s'} after the first failed call")
    if pending_tasks:
        print("tasks answered 202 that did not end SUCCESS:",
              {task: statuses.get(task) for task in sorted(pending_tasks)[:20]})
    if missing_events:
        print("events answered 202 that never reached the webhook:", sorted(missing_events)[:20])
    if not recovered:
        print("a service did not answer 202 again by itself before the load ended")
    print(f"{'PASS' if ok else 'FAIL'}: everything checked {settled:.0f} s after the node stopped")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
