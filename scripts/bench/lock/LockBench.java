// The load generator of scripts/bench/lock.sh, and its comparator: the same lock work done in-process with
// Redisson's RLock. Run with the JDK's source launcher:
//   java -cp "target/lib/*" LockBench.java <mode> key=value...
// modes: http-uncontended | http-contended (against a lock-service URL, direct or through the gateway),
//        client-uncontended | client-contended (the same work through the suite's Java client, DistributedLock),
//        redisson-uncontended | redisson-contended | redisson-fair-contended (in this JVM, against Redis).
// The RESULT line also gives this JVM's own CPU time per measured cycle (cpu_us): what the load generator, or the
// client library inside it, costs; and the part of it spent by the JIT compiler threads (jit_us, Linux only).
// Prints one line: mode, operations, seconds, rate per second, latency percentiles of one operation, and the
// hand-offs: acquisitions by another client than the lock's previous holder (a contended lock that lets the
// releasing client take it straight back makes fewer hand-offs than acquisitions).

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import com.distpatterns.client.ClientSettings;
import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.DistributedLock;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

public class LockBench {

    /**
     * One unit of work a client repeats: an acquire+release cycle, running {@code whileHeld} between the two.
     * Returns false when the service refused.
     */
    interface Cycle {
        boolean run(Runnable whileHeld) throws Exception;
    }

    interface CycleFactory {
        Cycle create(int client) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Map<String, String> options = new HashMap<>();
        for (String arg : Arrays.copyOfRange(args, 1, args.length)) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int clients = Integer.parseInt(options.getOrDefault("clients", "50"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "10"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));
        String prefix = options.getOrDefault("prefix", "bench-lock:");
        String label = options.getOrDefault("label", mode);

        RedissonClient redisson = null;
        DistpatternsClient suite = null;
        CycleFactory factory;
        switch (mode) {
            case "http-uncontended" -> {
                URI base = URI.create(options.get("url"));
                factory = client -> httpCycle(base, prefix + "u-" + client, 0);
            }
            case "http-contended" -> {
                URI base = URI.create(options.get("url"));
                factory = client -> httpCycle(base, prefix + "contended", 60_000);
            }
            case "client-uncontended", "client-contended" -> {
                // One client for the JVM, as an application has: its connection pool and watchdog shared by every thread.
                suite = DistpatternsClient.create(ClientSettings.of(options.get("url"), null));
                DistpatternsClient client = suite;
                boolean contended = mode.equals("client-contended");
                factory = c -> {
                    // The same lease as the other lines (10 s): the watchdog's first renewal would come after 3.3 s, never
                    // within one cycle.
                    DistributedLock lock = client.lock(prefix + (contended ? "client-contended" : "client-u-" + c),
                            Duration.ofSeconds(10));
                    return whileHeld -> {
                        if (contended) {
                            lock.lock(); // waits on the service, as http-contended's waitMs
                        } else if (!lock.tryLock()) { // waitMs 0, as http-uncontended
                            return false;
                        }
                        whileHeld.run();
                        lock.unlock();
                        return true;
                    };
                };
            }
            case "redisson-uncontended", "redisson-contended", "redisson-fair-contended" -> {
                Config config = new Config();
                config.useSingleServer().setAddress("redis://" + options.getOrDefault("redis", "127.0.0.1:6379"));
                redisson = Redisson.create(config);
                RedissonClient client = redisson;
                boolean contended = !mode.equals("redisson-uncontended");
                boolean fair = mode.equals("redisson-fair-contended");
                factory = c -> {
                    String name = prefix + (contended ? "redisson-contended" : "redisson-u-" + c);
                    RLock lock = fair ? client.getFairLock(name) : client.getLock(name);
                    return whileHeld -> {
                        // A lease time like the service's ttlMs: no watchdog renewals, the same work per cycle.
                        lock.lock(10, TimeUnit.SECONDS);
                        whileHeld.run();
                        lock.unlock();
                        return true;
                    };
                };
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        try {
            run(label, clients, warmup, seconds, mode.endsWith("-contended"), factory);
        } finally {
            if (redisson != null) {
                redisson.shutdown();
            }
            if (suite != null) {
                suite.close();
            }
        }
    }

    /** @param contended whether the clients share one lock: only then are hand-offs counted */
    private static void run(String label, int clients, int warmup, int seconds, boolean contended, CycleFactory factory)
            throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong cycles = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong handOffs = new AtomicLong();
        // Written only by the client holding the one lock: which client held it last.
        AtomicInteger lastHolder = new AtomicInteger(-1);
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            Cycle cycle = factory.create(c);
            long[] samples = new long[1 << 20];
            latencies.add(samples);
            int client = c;
            // On distinct locks there is nothing to hand over, and a shared counter would only add contention.
            Runnable whileHeld = !contended ? () -> {} : () -> {
                if (lastHolder.getAndSet(client) != client && measuring.get()) {
                    handOffs.incrementAndGet();
                }
            };
            Thread thread = Thread.ofPlatform().name("client-" + c).start(() -> {
                ready.countDown();
                int n = 0;
                while (!stop.get()) {
                    long start = System.nanoTime();
                    boolean ok;
                    try {
                        ok = cycle.run(whileHeld);
                    } catch (Exception e) {
                        if (failures.incrementAndGet() <= 3) {
                            System.err.println("client " + client + ": " + e);
                        }
                        ok = false;
                    }
                    if (measuring.get()) {
                        if (ok) {
                            cycles.incrementAndGet();
                            if (n < samples.length) {
                                samples[n++] = System.nanoTime() - start;
                            }
                        } else {
                            refusals.incrementAndGet();
                        }
                    }
                }
                if (n < samples.length) {
                    samples[n] = -1;
                }
            });
            threads.add(thread);
        }
        ready.await();
        Thread.sleep(warmup * 1000L);
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean();
        measuring.set(true);
        long start = System.nanoTime();
        long cpuStart = os.getProcessCpuTime();
        long jitStart = jitTicks();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        long cpu = os.getProcessCpuTime() - cpuStart;
        long jitNanos = (jitTicks() - jitStart) * 10_000_000L; // clock ticks of 10 ms (CLK_TCK 100 on Linux)
        double elapsed = (System.nanoTime() - start) / 1e9;
        long done = cycles.get();
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(120_000);
        }
        long[] all = latencies.stream().flatMapToLong(s -> Arrays.stream(s).takeWhile(v -> v > 0)).sorted().toArray();
        System.out.printf(
                "RESULT label=%s clients=%d cycles=%d seconds=%.1f rate=%.0f p50_ms=%.2f p99_ms=%.2f refused=%d failed=%d"
                        + " handoff_rate=%.0f cpu_us=%.1f jit_us=%.1f%n",
                label, clients, done, elapsed, done / elapsed, percentile(all, 0.50),
                percentile(all, 0.99), refusals.get(), failures.get(), handOffs.get() / elapsed,
                done > 0 ? cpu / 1e3 / done : 0.0,
                done > 0 ? jitNanos / 1e3 / done : 0.0);
    }

    /**
     * CPU clock ticks of this JVM's JIT compiler threads so far (Linux /proc; 0 elsewhere): a fresh JVM is still
     * compiling a library's code seconds into a run, a one-time cost the measured window may include.
     */
    private static long jitTicks() {
        long ticks = 0;
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        for (java.io.File task : tasks == null ? new java.io.File[0] : tasks) {
            try {
                String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                }
            } catch (IOException | RuntimeException gone) {
                // a thread that ended meanwhile
            }
        }
        return ticks;
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
    }

    /** Acquire then release over one keep-alive HTTP/1.1 connection, as a lean client would. */
    private static Cycle httpCycle(URI base, String lock, int waitMs) throws IOException {
        HttpConnection http = new HttpConnection(base);
        String acquirePath = "/api/locks/" + lock + "/acquire";
        String releasePath = "/api/locks/" + lock + "/release";
        String acquireBody = "{\"ttlMs\":10000,\"waitMs\":" + waitMs + "}";
        return whileHeld -> {
            HttpConnection.Response granted = http.post(acquirePath, acquireBody);
            if (granted.status() != 200) {
                return false;
            }
            whileHeld.run();
            String body = granted.body();
            int at = body.indexOf("\"leaseId\":\"") + 11;
            String leaseId = body.substring(at, body.indexOf('"', at));
            HttpConnection.Response released = http.post(releasePath, "{\"leaseId\":\"" + leaseId + "\"}");
            if (released.status() != 204) {
                throw new IllegalStateException("release answered " + released.status() + ": " + released.body());
            }
            return true;
        };
    }

    /** A minimal HTTP/1.1 client: one socket, requests in sequence, Content-Length or chunked responses. */
    static final class HttpConnection {
        record Response(int status, String body) {}

        private final URI base;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        HttpConnection(URI base) throws IOException {
            this.base = base;
            connect();
        }

        private void connect() throws IOException {
            socket = new Socket(base.getHost(), base.getPort());
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            out = socket.getOutputStream();
        }

        Response post(String path, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
            System.arraycopy(body, 0, request, headBytes.length, body.length);
            out.write(request);
            out.flush();
            return read();
        }

        private Response read() throws IOException {
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            int contentLength = -1;
            boolean chunked = false;
            boolean close = false;
            String header;
            while (!(header = line()).isEmpty()) {
                String lower = header.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    contentLength = Integer.parseInt(header.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                int size;
                while ((size = Integer.parseInt(line().trim(), 16)) > 0) {
                    body.write(in.readNBytes(size));
                    line();
                }
                line();
            } else if (contentLength > 0) {
                body.write(in.readNBytes(contentLength));
            }
            if (close) {
                socket.close();
                connect();
            }
            return new Response(status, body.toString(StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }
}
