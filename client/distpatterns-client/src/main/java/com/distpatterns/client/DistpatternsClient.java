package com.distpatterns.client;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The suite from Java code. One instance per application (it holds a connection pool and the locks' watchdog
 * thread), safe for every thread; {@link #close()} it when done.
 *
 * <pre>{@code
 * DistpatternsClient suite = DistpatternsClient.create(ClientSettings.of("http://localhost:8080", "key1"));
 * Lock lock = suite.lock("invoice-42");
 * }</pre>
 */
public final class DistpatternsClient implements AutoCloseable {

    private final ClientSettings settings;
    private final Transport transport;
    private final ScheduledThreadPoolExecutor watchdog;
    private final LockRegistry locks;
    private final TaskWatch taskWatch;

    private DistpatternsClient(ClientSettings settings) {
        this.settings = settings;
        this.transport = new Transport(settings);
        // One thread renews every lease this client holds: a renewal only sends a request and returns.
        this.watchdog = new ScheduledThreadPoolExecutor(1, Transport.daemon("distpatterns-watchdog"));
        this.watchdog.setRemoveOnCancelPolicy(true);
        this.locks = new LockRegistry(watchdog);
        this.taskWatch = new TaskWatch(transport);
    }

    public static DistpatternsClient create(ClientSettings settings) {
        return new DistpatternsClient(settings);
    }

    public ClientSettings settings() {
        return settings;
    }

    /** The lock of that name, with the configured lease time ({@link ClientSettings#lockLeaseTime()}). */
    public DistributedLock lock(String name) {
        return lock(name, settings.lockLeaseTime());
    }

    /** The lock of that name with its own lease time (100 ms .. 1 h); the watchdog renews at a third of it. */
    public DistributedLock lock(String name, Duration leaseTime) {
        return new DistributedLock(name, leaseTime, transport, locks);
    }

    /** The cache of that name (cache-service), values as JSON. */
    public Cache cache(String name) {
        return new Cache(name, transport);
    }

    /** The consensus key-value store (linearizable reads by default). */
    public KvClient kv() {
        return new KvClient(transport);
    }

    /** task-service: tasks submitted with a result future, batches, remote procedure calls of any task type. */
    public TaskClient tasks() {
        return new TaskClient(transport, taskWatch);
    }

    /** event-service: publishing, answered once the broker confirmed the event. */
    public EventPublisher publisher() {
        return new EventPublisher(transport);
    }

    /**
     * Follows events matching {@code pattern} live on a thread of the stream's own, reconnecting by itself; close
     * the stream when done.
     */
    public EventStream stream(String pattern, EventStream.Listener listener) {
        return stream(pattern, listener, EventStream.Options.DEFAULT);
    }

    public EventStream stream(String pattern, EventStream.Listener listener, EventStream.Options options) {
        return EventStream.open(transport, pattern, listener, options);
    }

    /** event-service's durable subscriptions (webhooks). */
    public EventSubscriptions subscriptions() {
        return new EventSubscriptions(transport);
    }

    /**
     * A worker of the pull task type {@code type}, not yet started: {@link TaskWorker#start()} registers the type
     * if task-service lacks it (unless {@link TaskWorker.Options#register()} is false) and starts leasing;
     * {@link TaskWorker#stop(Duration)} ends it. Stop workers before closing this client.
     */
    public TaskWorker worker(String type, TaskWorker.Options options, TaskWorker.Handler handler) {
        return new TaskWorker(type, handler, options, transport);
    }

    /** The transport, for the Spring Boot starter; not an API. */
    public Transport transport() {
        return transport;
    }

    /**
     * Stops the watchdog (held leases then run out after their TTL), the task event stream (futures of tasks still
     * running stay incomplete) and the HTTP threads.
     */
    @Override
    public void close() {
        taskWatch.close();
        watchdog.shutdownNow();
        transport.close();
    }
}
