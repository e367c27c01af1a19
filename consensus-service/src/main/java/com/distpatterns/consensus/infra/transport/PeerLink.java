package com.distpatterns.consensus.infra.transport;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one outgoing connection to one peer: a bounded queue that a dedicated thread drains onto a persistent TCP
 * connection, reconnecting with exponential backoff and jitter. A full queue drops the frame (Raft resends what
 * matters); frames queued while the connection was down are dropped with it.
 */
final class PeerLink {

    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    private static final int CONNECT_TIMEOUT_MS = 1000;

    private final long selfId;
    private final long peerId;
    private volatile PeerAddress address;
    private final ArrayBlockingQueue<PeerFrame> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile Socket socket;

    PeerLink(long selfId, long peerId, PeerAddress address, int queueCapacity) {
        this.selfId = selfId;
        this.peerId = peerId;
        this.address = address;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = Thread.ofPlatform().daemon().name("raft-peer-out-" + peerId).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Queues a frame; false (and dropped) if the queue is full or the peer unreachable right now. */
    boolean offer(PeerFrame frame) {
        if (!connected || !queue.offer(frame)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    void setAddress(PeerAddress address) {
        if (!address.equals(this.address)) {
            this.address = address;
            closeSocket(); // reconnect to the new address
        }
    }

    PeerAddress address() {
        return address;
    }

    boolean connected() {
        return connected;
    }

    long dropped() {
        return dropped.get();
    }

    private void run() {
        long backoffMs = MIN_BACKOFF.toMillis();
        boolean reportedDown = false;
        while (running) {
            PeerAddress target = address;
            try (Socket s = new Socket()) {
                socket = s;
                s.setTcpNoDelay(true);
                s.setKeepAlive(true);
                // A new InetSocketAddress resolves the name again: a restarted pod may have a new IP.
                s.connect(new InetSocketAddress(target.host(), target.port()), CONNECT_TIMEOUT_MS);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 64 << 10));
                FrameCodec.write(new PeerFrame.Hello(selfId), out);
                out.flush();
                connected = true;
                reportedDown = false;
                backoffMs = MIN_BACKOFF.toMillis();
                log.info("Peer {} connected at {}", peerId, target);
                pump(out);
            } catch (IOException | RuntimeException e) {
                if (connected || !reportedDown) {
                    log.info("Peer {} disconnected ({}: {}); reconnecting with backoff", peerId, target,
                            e.getMessage());
                    reportedDown = true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                connected = false;
                socket = null;
                queue.clear();
            }
            if (!running) {
                return;
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(backoffMs / 2, backoffMs + 1));
            } catch (InterruptedException e) {
                return;
            }
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
        }
    }

    private void pump(DataOutputStream out) throws IOException, InterruptedException {
        while (running) {
            PeerFrame frame = queue.poll(1, TimeUnit.SECONDS);
            if (frame == null) {
                continue;
            }
            FrameCodec.write(frame, out);
            // Write what else is queued before one flush: many frames, one send.
            for (PeerFrame next = queue.poll(); next != null; next = queue.poll()) {
                FrameCodec.write(next, out);
            }
            out.flush();
        }
    }

    private void closeSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }

    void close() {
        running = false;
        closeSocket();
        thread.interrupt();
    }
}
