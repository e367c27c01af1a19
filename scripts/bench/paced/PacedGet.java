import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 GET load at a fixed rate, for the latency of a service below saturation (wrk keeps every
 * connection busy, so its percentiles are those of a saturated machine; wrk2 is not packaged here).
 *
 * <p>Each of {@code connections} keep-alive connections sends its share of the requests on a fixed schedule (request
 * i of connection c is due at start + (i * connections + c) / rate). Latency is measured from when a request was due,
 * not from when it was sent, so a stall delays the requests behind it and they count (no coordinated omission).
 *
 * <pre>java PacedGet.java URL[,URL...] RATE_PER_SECOND SECONDS [CONNECTIONS=50] ["Name: value" ...]</pre>
 *
 * The arguments after {@code CONNECTIONS} are request headers sent with every request (an API key, say). The requests
 * due in the first fifth of the run (at most 2 s) are sent but not counted: they warm the connections and this
 * program's own JIT, whose pauses would otherwise show in every target's tail alike.
 *
 * Prints one line: {@code requests/s p50_ms p90_ms p99_ms p999_ms max_ms non2xx}. With the environment variable
 * {@code PACED_TRACE} naming a file, it also writes there every counted request as {@code due_epoch_ms latency_us},
 * in the order they were due: where in time the slow ones fall (a stall, or a steady queue), to set beside a
 * server's GC log or flight recording.
 *
 * <p>With several URLs the targets take turns, in slices of {@code PACED_SLICE_MS} (default 1000) in the order given,
 * each at the full rate during its own slices and with connections of its own: a slowdown of the machine that lasts
 * seconds then falls on every target alike, where one target measured after another takes all of it. It prints one
 * line per target, in the order given, and the trace gives each request's target's index as a third column. The first
 * turn of every target is sent but not counted. {@code PACED_SLICE_MS=0} loads every target at once instead, each at
 * the full rate for the whole time: the same machine for all, at the price of each one's load slowing the others.
 *
 * <p>With {@code PACED_STALLS} naming a file, it writes there every stall of this program itself: a thread that asks
 * to wake every 5 ms records each wake-up that came more than {@code PACED_STALL_MS} (default 100) late, as
 * {@code from_epoch_ms to_epoch_ms}. Requests in flight then are late for a reason no server under test caused: on a
 * shared two-core machine a wake-up that late means the machine ran none of this program's threads. Measured with
 * wrk saturating a gateway, cache-service and Redis on two cores (2026-12-06), 44,453 such wake-ups in 240 s were at
 * most 41 ms late, 13 of them 20 ms or more: the kernel's scheduler gives a waking thread its turn within tens of
 * milliseconds whatever else runs.
 */
public final class PacedGet {

    public static void main(String[] args) throws Exception {
        String[] urls = args[0].split(",");
        int targets = urls.length;
        double rate = Double.parseDouble(args[1]);
        double seconds = Double.parseDouble(args[2]);
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        long sliceNanos = 1_000_000L * Long.parseLong(System.getenv().getOrDefault("PACED_SLICE_MS", "1000"));
        boolean turns = targets > 1 && sliceNanos > 0;
        if (turns && seconds * 1e9 < 2.0 * targets * sliceNanos) {
            throw new IllegalArgumentException("give each of the " + targets + " targets at least two slices");
        }
        StringBuilder headers = new StringBuilder();
        for (int i = 4; i < args.length; i++) {
            headers.append(args[i]).append("\r\n");
        }
        URI[] uris = new URI[targets];
        byte[][] requests = new byte[targets][];
        for (int t = 0; t < targets; t++) {
            uris[t] = URI.create(urls[t]);
            String path = uris[t].getRawPath() + (uris[t].getRawQuery() == null ? "" : "?" + uris[t].getRawQuery());
            requests[t] = ("GET " + path + " HTTP/1.1\r\nHost: " + uris[t].getHost() + ":" + uris[t].getPort()
                    + "\r\nAccept: */*\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        long perConnection = (long) (rate * seconds / connections);
        // Per connection, at the start; with several targets, each one's first slice, so that all lose the same.
        double warmSeconds = turns ? targets * sliceNanos / 1e9 : Math.min(2.0, seconds / 5);
        long uncounted = (long) (rate * warmSeconds / connections);
        double intervalNanos = 1e9 * connections / rate;
        long[][][] latencies = new long[targets][connections][];
        long[][] failures = new long[targets][connections];
        Thread[] threads = new Thread[targets * connections];
        long start = System.nanoTime() + 200_000_000L;
        long startEpochNanos = System.currentTimeMillis() * 1_000_000L + 200_000_000L;
        StallMeter stalls = new StallMeter(
                1_000_000L * Long.parseLong(System.getenv().getOrDefault("PACED_STALL_MS", "100")));
        Thread meter = Thread.ofPlatform().daemon().name("stall-meter").start(stalls);
        for (int t = 0; t < targets; t++) {
            for (int c = 0; c < connections; c++) {
                int target = t;
                int connection = c;
                // Each target has connections of its own: a target that falls behind holds up none of another's
                // requests in this program, only on the machine they share.
                threads[t * connections + c] = Thread.ofPlatform().start(() -> {
                    long[] mine = new long[(int) perConnection];
                    long offset = (long) (connection * 1e9 / rate);
                    Connection open = null;
                    try {
                        for (int i = 0; i < perConnection; i++) {
                            long due = start + offset + (long) (i * intervalNanos);
                            if (turns && (due - start) / sliceNanos % targets != target) {
                                mine[i] = -1; // another target's turn
                                continue;
                            }
                            long wait;
                            while ((wait = due - System.nanoTime()) > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            int status = -1;
                            // A server may close a keep-alive connection after so many requests (nginx: 1,000):
                            // reconnect and send again; the time that takes counts in the request's latency.
                            for (int attempt = 0; status < 0; attempt++) {
                                try {
                                    if (open == null) {
                                        open = new Connection(uris[target]);
                                    }
                                    status = open.get(requests[target]);
                                } catch (IOException e) {
                                    if (open != null) {
                                        open.close();
                                        open = null;
                                    }
                                    if (attempt == 2) {
                                        throw e;
                                    }
                                }
                            }
                            if (status / 100 != 2) {
                                failures[target][connection]++;
                            }
                            mine[i] = i < uncounted ? -1 : System.nanoTime() - due;
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        if (open != null) {
                            open.close();
                        }
                    }
                    latencies[target][connection] = mine;
                });
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        meter.interrupt();
        meter.join();
        String stallFile = System.getenv("PACED_STALLS");
        if (stallFile != null && !stallFile.isEmpty()) {
            StringBuilder out = new StringBuilder();
            for (long[] stall : stalls.stalls) {
                out.append(String.format("%.3f %.3f%n", (startEpochNanos + stall[0] - start) / 1e6,
                        (startEpochNanos + stall[1] - start) / 1e6));
            }
            Files.writeString(Path.of(stallFile), out);
        }
        String trace = System.getenv("PACED_TRACE");
        if (trace != null && !trace.isEmpty()) {
            writeTrace(Path.of(trace), latencies, startEpochNanos, rate, intervalNanos);
        }
        for (int t = 0; t < targets; t++) {
            long[] all = Arrays.stream(latencies[t]).flatMapToLong(Arrays::stream).filter(l -> l >= 0).sorted()
                    .toArray();
            // The schedule's rate: each target's in turns (during its own turns) as at once.
            System.out.printf("%.0f %.2f %.2f %.2f %.2f %.2f %d%n", (perConnection * connections) / elapsed,
                    ms(all, 0.50), ms(all, 0.90), ms(all, 0.99), ms(all, 0.999), all[all.length - 1] / 1e6,
                    Arrays.stream(failures[t]).sum());
        }
    }

    /** Records, as nanoTime intervals, each time this program's threads were not run for longer than a threshold. */
    private static final class StallMeter implements Runnable {
        private static final long TICK_NANOS = 5_000_000L;
        private final long thresholdNanos;
        /** Read by the main thread after it has joined this one. */
        final List<long[]> stalls = new ArrayList<>();

        StallMeter(long thresholdNanos) {
            this.thresholdNanos = thresholdNanos;
        }

        @Override
        public void run() {
            while (!Thread.currentThread().isInterrupted()) {
                long due = System.nanoTime() + TICK_NANOS;
                LockSupport.parkNanos(TICK_NANOS);
                long woke = System.nanoTime();
                if (woke - due > thresholdNanos) {
                    stalls.add(new long[] {due, woke});
                }
            }
        }
    }

    /** One keep-alive connection. */
    private static final class Connection {
        private final Socket socket = new Socket();
        private final OutputStream out;
        private final InputStream in;

        Connection(URI uri) throws IOException {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        int get(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            return readResponse(in);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /**
     * Every counted request as "due_epoch_ms latency_us", sorted by when it was due; with several targets, each line
     * ends with the target's index (0 for the first URL).
     */
    private static void writeTrace(Path file, long[][][] latencies, long startEpochNanos, double rate,
            double intervalNanos) throws IOException {
        List<long[]> rows = new ArrayList<>();
        for (int t = 0; t < latencies.length; t++) {
            for (int c = 0; c < latencies[t].length; c++) {
                long offset = (long) (c * 1e9 / rate);
                for (int i = 0; i < latencies[t][c].length; i++) {
                    if (latencies[t][c][i] >= 0) {
                        rows.add(new long[] {startEpochNanos + offset + (long) (i * intervalNanos),
                                latencies[t][c][i], t});
                    }
                }
            }
        }
        rows.sort(Comparator.comparingLong(row -> row[0]));
        StringBuilder out = new StringBuilder(rows.size() * 24);
        for (long[] row : rows) {
            out.append(String.format("%.3f %d", row[0] / 1e6, row[1] / 1000));
            out.append(latencies.length > 1 ? " " + row[2] + "\n" : "\n");
        }
        Files.writeString(file, out);
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    /** Reads one response (headers, then a Content-Length or chunked body) and returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int status = -1;
        long length = 0;
        boolean chunked = false;
        while (!readLine(in, line).isEmpty()) {
            String header = line.toString();
            if (status < 0) {
                status = Integer.parseInt(header.substring(9, 12));
            } else if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Long.parseLong(header.substring(15).trim());
            } else if (header.regionMatches(true, 0, "transfer-encoding:", 0, 18)) {
                chunked = header.contains("chunked");
            }
        }
        if (!chunked) {
            in.skipNBytes(length);
            return status;
        }
        long chunk;
        while ((chunk = Long.parseLong(readLine(in, line).toString().split(";")[0].trim(), 16)) > 0) {
            in.skipNBytes(chunk);
            readLine(in, line);
        }
        while (!readLine(in, line).isEmpty()) {
            // trailers
        }
        return status;
    }

    private static StringBuilder readLine(InputStream in, StringBuilder line) throws IOException {
        line.setLength(0);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line;
    }
}
