import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

/**
 * The load client of scripts/bench/tasks.sh. Modes:
 *
 *   e2e   URL TASKS CONCURRENCY      submit TASKS no-op tasks (sleep 0 ms) over HTTP, CONCURRENCY at a time; time
 *                                    from the first submission to the last task.succeeded event
 *   http  URL TASKS CONCURRENCY      the same for an http-mode type whose endpoint is a minimal HTTP server in this
 *                                    JVM (the JDK's HttpServer answering {"ok":true})
 *   pull  URL TASKS CONCURRENCY W    the same for a pull-mode type served by W long-polling workers in this JVM,
 *                                    each leasing up to 16 tasks and completing each with one POST
 *   batch URL ITEMS                  one batch of ITEMS items in chunks of 1 (ITEMS tasks); same clock
 *   rpc   URL WARMUP SECONDS CONC.   POST /api/rpc/factorial {"n":100} in a closed loop: WARMUP seconds
 *                                    unmeasured, then calls/s, p50, p99 over SECONDS
 *   clean PREFIX                     delete the queues and exchanges a task-service made under PREFIX
 *
 * Completion is observed the way a subscriber would: the service's CloudEvents on the "events" exchange.
 * Prints "RESULT name=value" lines for the script.
 */
public class TaskBench {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern EVENT_TASK = Pattern.compile("\"data\"\\s*:\\s*\\{\\s*\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern EVENT_BATCH = Pattern.compile("\"batchId\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "e2e" ->
                endToEnd(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), "sleep", "{\"ms\":0}");
            case "http" -> httpType(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "pull" -> pullType(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "batch" -> batch(args[1], Integer.parseInt(args[2]));
            case "rpc" -> rpc(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "clean" -> clean(args[1]);
            default -> throw new IllegalArgumentException("mode: e2e | http | pull | batch | rpc | clean");
        }
    }

    /** Watches task.succeeded / task.failed events and records when each task's arrived. */
    private static final class Completions implements AutoCloseable {
        final Map<String, Long> byTask = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> byBatch = new ConcurrentHashMap<>();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicLong last = new AtomicLong();
        private final Connection connection;

        Completions() throws Exception {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost(System.getenv().getOrDefault("SPRING_RABBITMQ_HOST", "127.0.0.1"));
            factory.setPort(Integer.parseInt(System.getenv().getOrDefault("SPRING_RABBITMQ_PORT", "5672")));
            connection = factory.newConnection("task-bench");
            Channel channel = connection.createChannel();
            String queue = channel.queueDeclare().getQueue();
            channel.queueBind(queue, "events", "task.succeeded");
            channel.queueBind(queue, "events", "task.failed");
            channel.basicQos(1000);
            channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) {
                    long now = System.nanoTime();
                    String text = new String(body, StandardCharsets.UTF_8);
                    if (envelope.getRoutingKey().equals("task.failed")) {
                        failed.incrementAndGet();
                    }
                    Matcher task = EVENT_TASK.matcher(text);
                    if (task.find()) {
                        byTask.putIfAbsent(task.group(1), now);
                    }
                    Matcher batch = EVENT_BATCH.matcher(text);
                    if (batch.find()) {
                        byBatch.computeIfAbsent(batch.group(1), b -> new AtomicInteger()).incrementAndGet();
                    }
                    last.accumulateAndGet(now, Math::max);
                }
            });
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }

    /** Registers (or updates) a task type; fails the run unless the service takes it. */
    private static void register(String url, String type, String definition) {
        Reply reply = request("PUT", url + "/api/task-types/" + type, definition);
        if (reply.status() != 200 && reply.status() != 201) {
            throw new IllegalStateException("registering " + type + ": " + reply.status() + " " + reply.body());
        }
    }

    /** e2e for an http-mode type whose endpoint is the least an HTTP endpoint can be: read the body, answer JSON. */
    private static void httpType(String url, int tasks, int concurrency) throws Exception {
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        endpoint.createContext("/noop", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        endpoint.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        endpoint.start();
        try {
            register(url, "bench-http",
                    "{\"mode\":\"http\",\"url\":\"http://127.0.0.1:" + endpoint.getAddress().getPort()
                            + "/noop\",\"timeoutMs\":10000,\"maxRetries\":0,\"concurrency\":16}");
            endToEnd(url, tasks, concurrency, "bench-http", "{}");
        } finally {
            endpoint.stop(0);
        }
    }

    private static final Pattern LEASE = Pattern
            .compile("\"leaseId\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"taskId\"\\s*:\\s*\"([^\"]+)\"");

    /** e2e for a pull-mode type: {@code workers} long-polling loops of lease, then complete each task leased. */
    private static void pullType(String url, int tasks, int concurrency, int workers) throws Exception {
        register(url, "bench-pull", "{\"mode\":\"pull\",\"maxRetries\":0}");
        AtomicInteger completeErrors = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        for (int w = 0; w < workers; w++) {
            String lease = "{\"max\":16,\"waitMs\":20000,\"leaseMs\":30000,\"worker\":\"bench-" + w + "\"}";
            Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    Reply leased = request("POST", url + "/api/task-types/bench-pull/leases", lease);
                    if (leased.status() != 200) {
                        completeErrors.incrementAndGet();
                        continue;
                    }
                    Matcher each = LEASE.matcher(leased.body());
                    while (each.find()) {
                        Reply done = request("POST", url + "/api/tasks/" + each.group(2) + "/complete",
                                "{\"leaseId\":\"" + each.group(1) + "\",\"result\":0}");
                        if (done.status() != 200) {
                            completeErrors.incrementAndGet();
                        }
                    }
                }
            });
        }
        try {
            endToEnd(url, tasks, concurrency, "bench-pull", "{}");
        } finally {
            // The loops end after their current long poll; the JVM does not wait for them (virtual threads).
            stop.set(true);
        }
        result("worker_errors", completeErrors.get());
    }

    private static void endToEnd(String url, int tasks, int concurrency, String type, String args) throws Exception {
        try (Completions completions = new Completions()) {
            Map<String, Long> submittedAt = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            String body = "{\"type\":\"" + type + "\",\"args\":" + args + ",\"maxRetries\":0}";
            long start = System.nanoTime();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < concurrency; c++) {
                    clients.submit(() -> {
                        while (next.getAndIncrement() < tasks) {
                            long sent = System.nanoTime();
                            Reply response = post(url + "/api/tasks", body);
                            if (response.status() != 202) {
                                errors.incrementAndGet();
                                continue;
                            }
                            Matcher id = ID.matcher(response.body());
                            if (id.find()) {
                                submittedAt.put(id.group(1), sent);
                            }
                        }
                        return null;
                    });
                }
            }
            long submitted = System.nanoTime();
            long deadline = submitted + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && !completions.byTask.keySet().containsAll(submittedAt.keySet())) {
                Thread.sleep(20);
            }
            long done = submittedAt.keySet().stream().map(completions.byTask::get)
                    .filter(t -> t != null).mapToLong(Long::longValue).max().orElse(System.nanoTime());
            long[] latencies = submittedAt.entrySet().stream()
                    .filter(e -> completions.byTask.containsKey(e.getKey()))
                    .mapToLong(e -> completions.byTask.get(e.getKey()) - e.getValue()).sorted().toArray();
            int finished = latencies.length;
            result("tasks", submittedAt.size());
            result("finished", finished);
            result("errors", errors.get());
            result("failed_events", completions.failed.get());
            result("submit_per_s", rate(submittedAt.size(), submitted - start));
            result("e2e_per_s", rate(finished, done - start));
            result("latency_p50_ms", millis(percentile(latencies, 0.50)));
            result("latency_p99_ms", millis(percentile(latencies, 0.99)));
        }
    }

    private static void batch(String url, int items) throws Exception {
        try (Completions completions = new Completions()) {
            StringBuilder body = new StringBuilder(
                    "{\"type\":\"transform\",\"chunkSize\":1,\"maxRetries\":0,\"items\":[");
            for (int i = 0; i < items; i++) {
                body.append(i == 0 ? "" : ",").append(i);
            }
            body.append("]}");
            long start = System.nanoTime();
            Reply response = post(url + "/api/batches", body.toString());
            if (response.status() != 202) {
                throw new IllegalStateException("batch refused: " + response.status() + " " + response.body());
            }
            long submitted = System.nanoTime();
            Matcher id = ID.matcher(response.body());
            id.find();
            String batchId = id.group(1);
            long deadline = submitted + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline
                    && completions.byBatch.getOrDefault(batchId, new AtomicInteger()).get() < items) {
                Thread.sleep(20);
            }
            int finished = completions.byBatch.getOrDefault(batchId, new AtomicInteger()).get();
            result("tasks", items);
            result("finished", finished);
            result("submit_per_s", rate(items, submitted - start));
            result("e2e_per_s", rate(finished, completions.last.get() - start));
        }
    }

    /** Calls for {@code warmup} seconds unmeasured (the JIT of both sides), then measures for {@code seconds}. */
    private static void rpc(String url, int warmup, int seconds, int concurrency) throws Exception {
        if (warmup > 0) {
            measureRpc(url, warmup, concurrency, false);
        }
        measureRpc(url, seconds, concurrency, true);
    }

    private static void measureRpc(String url, int seconds, int concurrency, boolean report) throws Exception {
        List<long[]> perClient = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(concurrency);
        long start = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            synchronized (perClient) {
                perClient.add(new long[0]);
            }
            int index = c;
            Thread.ofVirtual().start(() -> {
                long[] latencies = new long[1 << 16];
                int count = 0;
                while (System.nanoTime() < end) {
                    long sent = System.nanoTime();
                    Reply response = post(url + "/api/rpc/factorial", "{\"n\":100}");
                    long took = System.nanoTime() - sent;
                    if (response.status() != 200) {
                        errors.incrementAndGet();
                        continue;
                    }
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = took;
                }
                synchronized (perClient) {
                    perClient.set(index, Arrays.copyOf(latencies, count));
                }
                done.countDown();
            });
        }
        done.await();
        long elapsed = System.nanoTime() - start;
        if (!report) {
            return;
        }
        long[] all = perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        result("calls", all.length);
        result("errors", errors.get());
        result("calls_per_s", rate(all.length, elapsed));
        result("p50_ms", millis(percentile(all, 0.50)));
        result("p99_ms", millis(percentile(all, 0.99)));
    }

    private static void clean(String prefix) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(System.getenv().getOrDefault("SPRING_RABBITMQ_HOST", "127.0.0.1"));
        factory.setPort(Integer.parseInt(System.getenv().getOrDefault("SPRING_RABBITMQ_PORT", "5672")));
        try (Connection connection = factory.newConnection("task-bench-clean")) {
            Channel channel = connection.createChannel();
            for (String suffix : List.of("work", "dead", "rpc", "retry.125", "retry.250", "retry.500", "retry.1000",
                    "retry.2000", "retry.4000", "retry.8000",
                    "retry.16000", "retry.32000", "retry.60000", "perf-quorum", "celery")) {
                channel.queueDelete(prefix + "." + suffix);
            }
            channel.exchangeDelete(prefix);
            channel.exchangeDelete(prefix + ".dlx");
            channel.exchangeDelete(prefix + ".celery");
        }
    }

    /** What a call answered; status 0 when the connection failed. */
    record Reply(int status, String body) {}

    /**
     * POSTs JSON over a keep-alive connection of the calling thread's own. A lean HTTP/1.1 client: the JDK's
     * HttpClient costs as much CPU per call as the service on these two cores, and would measure itself.
     */
    private static Reply post(String url, String body) {
        return request("POST", url, body);
    }

    private static Reply request(String method, String url, String body) {
        URI uri = URI.create(url);
        LeanConnection connection = CONNECTIONS.get();
        try {
            if (connection == null) {
                connection = new LeanConnection(uri.getHost(), uri.getPort());
                CONNECTIONS.set(connection);
            }
            return connection.send(method, uri.getRawPath(), body);
        } catch (IOException e) {
            CONNECTIONS.remove();
            if (connection != null) {
                connection.close();
            }
            return new Reply(0, "");
        }
    }

    private static final ThreadLocal<LeanConnection> CONNECTIONS = new ThreadLocal<>();

    /** One keep-alive HTTP/1.1 connection: Content-Length and chunked answers, reconnecting on "Connection: close". */
    private static final class LeanConnection {
        private final String host;
        private final int port;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        LeanConnection(String host, int port) throws IOException {
            this.host = host;
            this.port = port;
            connect();
        }

        private void connect() throws IOException {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        Reply send(String method, String path, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(),
                        16)) {
                    answer.write(in.readNBytes(size));
                    line();
                }
                line();
            } else if (length > 0) {
                answer.write(in.readNBytes(length));
            }
            if (close) {
                close();
                connect();
            }
            return new Reply(status, answer.toString(StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
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

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String rate(long count, long nanos) {
        return String.format(Locale.ROOT, "%.0f", count / (nanos / 1e9));
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static void result(String name, Object value) {
        System.out.println("RESULT " + name + "=" + value);
    }
}
