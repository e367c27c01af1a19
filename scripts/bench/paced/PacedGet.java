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
 * <pre>java PacedGet.java URL RATE_PER_SECOND SECONDS [CONNECTIONS=50] ["Name: value" ...]</pre>
 *
 * The arguments after {@code CONNECTIONS} are request headers sent with every request (an API key, say). The requests
 * due in the first fifth of the run (at most 2 s) are sent but not counted: they warm the connections and this
 * program's own JIT, whose pauses would otherwise show in every target's tail alike.
 *
 * Prints one line: {@code requests/s p50_ms p90_ms p99_ms p999_ms max_ms non2xx}. With the environment variable
 * {@code PACED_TRACE} naming a file, it also writes there every counted request as {@code due_epoch_ms latency_us},
 * in the order they were due: where in time the slow ones fall (a stall, or a steady queue), to set beside a
 * server's GC log or flight recording.
 */
public final class PacedGet {

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        double rate = Double.parseDouble(args[1]);
        double seconds = Double.parseDouble(args[2]);
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder headers = new StringBuilder();
        for (int i = 4; i < args.length; i++) {
            headers.append(args[i]).append("\r\n");
        }
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nAccept: */*\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII);
        long perConnection = (long) (rate * seconds / connections);
        long uncounted = (long) (rate * Math.min(2.0, seconds / 5) / connections); // per connection, at the start
        double intervalNanos = 1e9 * connections / rate;
        long[][] latencies = new long[connections][];
        long[] failures = new long[connections];
        Thread[] threads = new Thread[connections];
        long start = System.nanoTime() + 200_000_000L;
        long startEpochNanos = System.currentTimeMillis() * 1_000_000L + 200_000_000L;
        for (int c = 0; c < connections; c++) {
            int connection = c;
            threads[c] = Thread.ofPlatform().start(() -> {
                long[] mine = new long[(int) perConnection];
                long offset = (long) (connection * 1e9 / rate);
                Connection open = null;
                try {
                    for (int i = 0; i < perConnection; i++) {
                        long due = start + offset + (long) (i * intervalNanos);
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        int status = -1;
                        // A server may close a keep-alive connection after so many requests (nginx: 1,000): reconnect
                        // and send again; the time that takes counts in the request's latency.
                        for (int attempt = 0; status < 0; attempt++) {
                            try {
                                if (open == null) {
                                    open = new Connection(uri);
                                }
                                status = open.get(request);
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
                            failures[connection]++;
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
                latencies[connection] = mine;
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).filter(l -> l >= 0).sorted().toArray();
        long failed = Arrays.stream(failures).sum();
        String trace = System.getenv("PACED_TRACE");
        if (trace != null && !trace.isEmpty()) {
            writeTrace(Path.of(trace), latencies, startEpochNanos, rate, intervalNanos);
        }
        System.out.printf("%.0f %.2f %.2f %.2f %.2f %.2f %d%n", (perConnection * connections) / elapsed, ms(all, 0.50),
                ms(all, 0.90),
                ms(all, 0.99), ms(all, 0.999), all[all.length - 1] / 1e6, failed);
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

    /** Every counted request as "due_epoch_ms latency_us", sorted by when it was due. */
    private static void writeTrace(Path file, long[][] latencies, long startEpochNanos, double rate,
            double intervalNanos) throws IOException {
        List<long[]> rows = new ArrayList<>();
        for (int c = 0; c < latencies.length; c++) {
            long offset = (long) (c * 1e9 / rate);
            for (int i = 0; i < latencies[c].length; i++) {
                if (latencies[c][i] >= 0) {
                    rows.add(new long[] {startEpochNanos + offset + (long) (i * intervalNanos), latencies[c][i]});
                }
            }
        }
        rows.sort(Comparator.comparingLong(row -> row[0]));
        StringBuilder out = new StringBuilder(rows.size() * 24);
        for (long[] row : rows) {
            out.append(String.format("%.3f %d%n", row[0] / 1e6, row[1] / 1000));
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
