"""The peer of scripts/bench/tasks.sh: Celery running no-op tasks end to end on the same RabbitMQ and Redis.

Configured as fairly as task-service is (../shared/anchors/celery_bench.py, with names and hosts from the
environment so a run keeps to its own queue and keys): late acks, publisher confirms, a durable queue and
persistent messages, results and the STARTED state in Redis, 64 submitting threads like the service bench's 64
HTTP clients, the prefork pool. The worker starts without Celery's CLI (its click plugins are not installable
everywhere).

    python celery_bench.py worker [concurrency] [pool]
    python celery_bench.py submit N        prints "RESULT e2e_per_s=..." lines like TaskBench

Environment: CELERY_BROKER (amqp://guest:guest@127.0.0.1:5672//), CELERY_REDIS_HOST/PORT (127.0.0.1:6379),
CELERY_QUEUE (celery-anchor), CELERY_KEY_PREFIX (prefix of every result key in Redis, none by default).
"""
import os
import sys
import threading
import time

from celery import Celery

redis_host = os.environ.get("CELERY_REDIS_HOST", "127.0.0.1")
redis_port = int(os.environ.get("CELERY_REDIS_PORT", "6379"))
key_prefix = os.environ.get("CELERY_KEY_PREFIX", "")

app = Celery("anchor", broker=os.environ.get("CELERY_BROKER", "amqp://guest:guest@127.0.0.1:5672//"),
             backend=f"redis://{redis_host}:{redis_port}/0")
app.conf.update(task_acks_late=True, task_track_started=True, worker_prefetch_multiplier=16,
                broker_transport_options={"confirm_publish": True},
                task_default_queue=os.environ.get("CELERY_QUEUE", "celery-anchor"),
                result_backend_transport_options={"global_keyprefix": key_prefix} if key_prefix else {},
                result_expires=600, worker_hijack_root_logger=False, broker_connection_retry_on_startup=True)


@app.task(name="noop")
def noop(ms=0):
    return ms


def submit(n, threads=64):
    import redis
    results = [None] * n
    t0 = time.time()

    def sub(i0):
        for i in range(i0, n, threads):
            results[i] = noop.apply_async(args=(0,))

    ts = [threading.Thread(target=sub, args=(k,)) for k in range(threads)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    t_sub = time.time() - t0
    rd = redis.Redis(host=redis_host, port=redis_port, db=0)
    pending = [r.id for r in results]
    deadline = t0 + 300
    while pending and time.time() < deadline:
        pipe = rd.pipeline(transaction=False)
        for tid in pending:
            pipe.get(f"{key_prefix}celery-task-meta-{tid}")
        vals = pipe.execute()
        pending = [tid for tid, v in zip(pending, vals) if not v or b'"SUCCESS"' not in v]
        if pending:
            time.sleep(0.05)
    t_all = time.time() - t0
    print(f"RESULT tasks={n}", flush=True)
    print(f"RESULT finished={n - len(pending)}", flush=True)
    print(f"RESULT submit_per_s={n / t_sub:.0f}", flush=True)
    print(f"RESULT e2e_per_s={(n - len(pending)) / t_all:.0f}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "worker":
        from celery.apps.worker import Worker
        conc = int(sys.argv[2]) if len(sys.argv) > 2 else 2
        pool = sys.argv[3] if len(sys.argv) > 3 else "prefork"
        Worker(app=app, concurrency=conc, pool=pool, loglevel="WARNING", quiet=True).start()
    else:
        submit(int(sys.argv[2]))
        os._exit(0)  # the result consumers' threads would keep the interpreter alive
