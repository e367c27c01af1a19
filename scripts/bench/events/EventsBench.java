import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives the event-service benchmark (run by scripts/bench/events.sh, JDK and amqp-client only):
 *
 * <ol>
 *   <li>publish: wrk publishes as fast as confirms come back, with one durable queue bound so that every event is
 *       persisted, as PerfTest's are; no consumer in the service.</li>
 *   <li>fan-out: the same load with an SSE client and a webhook subscription attached: publishes/s, SSE
 *       deliveries/s while it lasts, and how fast the webhook drains what was published.</li>
 *   <li>latency: 1,000 events/s for a while, open loop; publish-to-delivery p50/p99 to the SSE client and to the
 *       webhook, measured on one clock (this JVM sends and receives).</li>
 * </ol>
 *
 * Arguments: service URL, AMQP URI, exchange, seconds per run, connections, wrk script, rate, latency seconds,
 * the service's pid. Prints {@code RESULT key=value} lines. {@code clean <amqp-uri> <exchange>} removes the exchange after a failed run.
 */
public class EventsBench {

    static final int MAX_IN_FLIGHT = 256;
    static final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    static final Pattern WRK_REQUESTS = Pattern.compile("(\\d+) requests in");
    static final Pattern WRK_NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    static final Pattern WRK_PERCENTILE = Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$",
            Pattern.MULTILINE);

    public static void main(String[] args) throws Exception {
        if (args[0].equals("clean")) {
            withChannel(args[1], channel -> channel.exchangeDelete(args[2]));
            return;
        }
        String service = args[0];
        String amqp = args[1];
        String exchange = args[2];
        int seconds = Integer.parseInt(args[3]);
        int connections = Integer.parseInt(args[4]);
        String wrkScript = args[5];
        int rate = Integer.parseInt(args[6]);
        int latencySeconds = Integer.parseInt(args[7]);
        ProcessHandle servicePid = ProcessHandle.of(Long.parseLong(args[8])).orElseThrow();

        // Warm-up: the JIT and the connection pools of the service, before anything is measured.
        wrk(service, "/api/events/bench.warm", wrkScript, 10, connections);

        // 1. Publish only, into one durable queue.
        String sink = exchange + ".sink";
        withChannel(amqp, channel -> {
            channel.queueDeclare(sink, true, false, false, Map.of());
            channel.queueBind(sink, exchange, "bench.sink");
        });
        Duration cpuBefore = servicePid.info().totalCpuDuration().orElse(Duration.ZERO);
        Map<String, String> publish = wrk(service, "/api/events/bench.sink", wrkScript, seconds, connections);
        Duration cpuUsed = servicePid.info().totalCpuDuration().orElse(Duration.ZERO).minus(cpuBefore);
        withChannel(amqp, channel -> channel.queueDelete(sink));
        // CPU the service spent per publish: what the machine's load does not change much, unlike the rate.
        result("publish_service_cpu_us", String.format("%.0f",
                cpuUsed.toNanos() / 1e3 / Math.max(1, Long.parseLong(publish.get("requests")))));
        result("publish_per_s", publish.get("rate"));
        result("publish_p50_ms", publish.get("p50"));
        result("publish_p99_ms", publish.get("p99"));
        result("publish_errors", publish.get("errors"));

        // 2. Fan-out: an SSE client and a webhook subscription on the same events.
        Receiver webhook = new Receiver();
        String subscription = "bench-" + ProcessHandle.current().pid();
        send("PUT", service + "/api/subscriptions/" + subscription, "{\"pattern\":\"bench.#\",\"webhookUrl\":\""
                + webhook.url() + "\"}", 201);
        SseReader sse = SseReader.open(service + "/api/events/stream?pattern=bench.%23");
        try {
            long start = System.nanoTime();
            Map<String, String> fanOut = wrk(service, "/api/events/bench.load", wrkScript, seconds, connections);
            double elapsed = (System.nanoTime() - start) / 1e9;
            long published = Long.parseLong(fanOut.get("requests")) - Long.parseLong(fanOut.get("errors"));
            result("fanout_publish_per_s", fanOut.get("rate"));
            result("fanout_publish_errors", fanOut.get("errors"));
            long streamed = sse.load.get();
            result("sse_per_s", String.format("%.0f", streamed / elapsed));
            result("sse_cut_off", Boolean.toString(sse.cutOff));
            // The webhook drains its backlog at its own pace: count until it is all there (or stops growing).
            long last = -1;
            while (webhook.load.get() != last) {
                last = webhook.load.get();
                Thread.sleep(3_000);
            }
            double drain = (webhook.lastLoad.get() - webhook.firstLoad.get()) / 1e9;
            result("webhook_delivered", Long.toString(webhook.load.get()));
            result("webhook_published", Long.toString(published));
            result("webhook_per_s", String.format("%.0f", webhook.load.get() / Math.max(drain, 1e-3)));

            // 3. Latency at a fixed rate.
            if (sse.cutOff) {
                sse = SseReader.open(service + "/api/events/stream?pattern=bench.%23");
            }
            latency(service, rate, latencySeconds, sse, webhook);
        } finally {
            sse.close();
            send("DELETE", service + "/api/subscriptions/" + subscription, null, 204);
            webhook.close();
        }
    }

    /**
     * Sends {@code rate} events per second on a fixed schedule (a late answer never delays the next send), after as
     * many seconds of the same unmeasured: this JVM's HTTP client, SSE reader and webhook receiver, and the
     * service's paths for them, are compiled before anything is timed.
     */
    static void latency(String service, int rate, int seconds, SseReader sse, Receiver webhook) throws Exception {
        warmUp(service, rate, Math.min(seconds, 10));
        int total = rate * seconds;
        long[] sent = new long[total + 1];
        long[] answered = new long[total + 1];
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        List<CompletableFuture<Void>> calls = new ArrayList<>(total);
        AtomicLong errors = new AtomicLong();
        AtomicLong inFlight = new AtomicLong();
        long skipped = 0;
        for (int seq = 1; seq <= total; seq++) {
            long due = start + (seq - 1) * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            // A service that cannot keep up is not buried under ever more connections: the send is counted as missed.
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                skipped++;
                continue;
            }
            inFlight.incrementAndGet();
            int n = seq;
            sent[n] = System.nanoTime();
            HttpRequest request = HttpRequest.newBuilder(URI.create(service + "/api/events/bench.latency"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"seq\":" + n + ",\"phase\":\"latency\"}"))
                    .build();
            calls.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenAccept(response -> {
                if (response.statusCode() == 202) {
                    answered[n] = System.nanoTime();
                } else {
                    errors.incrementAndGet();
                }
            }).exceptionally(e -> {
                errors.incrementAndGet();
                return null;
            }).whenComplete((ok, e) -> inFlight.decrementAndGet()));
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long accepted = java.util.stream.IntStream.rangeClosed(1, total).filter(seq -> answered[seq] != 0).count();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((sse.latency.size() < accepted || webhook.latency.size() < accepted) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        result("latency_rate_per_s", String.format("%.0f", accepted / sendSeconds));
        result("latency_errors", Long.toString(errors.get() + skipped));
        percentiles("latency_publish",
                java.util.stream.IntStream.rangeClosed(1, total).filter(seq -> answered[seq] != 0)
                        .mapToLong(seq -> answered[seq] - sent[seq]).toArray());
        percentiles("latency_sse", delays(sse.latency, sent));
        percentiles("latency_webhook", delays(webhook.latency, sent));
        result("latency_sse_received", Integer.toString(sse.latency.size()));
        result("latency_webhook_received", Integer.toString(webhook.latency.size()));
    }

    /** The latency run's traffic without its bookkeeping: events the receivers do not time (no "seq"). */
    static void warmUp(String service, int rate, int seconds) throws Exception {
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>();
        for (int n = 1; n <= rate * seconds; n++) {
            long wait = start + (n - 1) * periodNanos - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(service + "/api/events/bench.latency"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"warm\":" + n + ",\"phase\":\"warmup\"}"))
                    .build(), HttpResponse.BodyHandlers.discarding()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).handle((ok, e) -> null).get(60,
                TimeUnit.SECONDS);
        Thread.sleep(2_000); // let the deliveries of the warm-up drain
    }

    static long[] delays(Map<Integer, Long> received, long[] sent) {
        return received.entrySet().stream().mapToLong(e -> e.getValue() - sent[e.getKey()]).toArray();
    }

    static void percentiles(String name, long[] nanos) {
        if (nanos.length == 0) {
            result(name + "_p50_ms", "n/a");
            result(name + "_p99_ms", "n/a");
            return;
        }
        Arrays.sort(nanos);
        result(name + "_p50_ms", String.format("%.2f", nanos[(int) (nanos.length * 0.50)] / 1e6));
        result(name + "_p99_ms",
                String.format("%.2f", nanos[Math.min(nanos.length - 1, (int) (nanos.length * 0.99))] / 1e6));
    }

    /** Runs wrk with the publishing script; returns its rate, errors and latency percentiles (ms). */
    static Map<String, String> wrk(String service, String path, String script, int seconds, int connections)
            throws Exception {
        Process wrk = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
                "-s", script, service + path).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        Matcher rate = WRK_RATE.matcher(output);
        if (!rate.find()) {
            throw new IllegalStateException("no rate in wrk's output:\n" + output);
        }
        Matcher requests = WRK_REQUESTS.matcher(output);
        Matcher non2xx = WRK_NON_2XX.matcher(output);
        Map<String, String> figures = new ConcurrentHashMap<>();
        figures.put("rate", String.format("%.0f", Double.parseDouble(rate.group(1))));
        figures.put("requests", requests.find() ? requests.group(1) : "0");
        figures.put("errors", non2xx.find() ? non2xx.group(1) : "0");
        Matcher percentile = WRK_PERCENTILE.matcher(output);
        while (percentile.find()) {
            double value = Double.parseDouble(percentile.group(2));
            double millis = switch (percentile.group(3)) {
                case "us" -> value / 1000;
                case "s" -> value * 1000;
                default -> value;
            };
            figures.put("p" + percentile.group(1), String.format("%.2f", millis));
        }
        return figures;
    }

    static void send(String method, String url, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        request.method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(
                    method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    interface ChannelWork {
        void run(Channel channel) throws Exception;
    }

    static void withChannel(String uri, ChannelWork work) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        try (Connection connection = factory.newConnection("events-bench");
                Channel channel = connection.createChannel()) {
            work.run(channel);
        }
    }

    static void result(String key, String value) {
        System.out.println("RESULT " + key + "=" + value);
    }

    /** The webhook receiver: answers 204 at once, notes when each event arrived. */
    static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final AtomicLong load = new AtomicLong();
        final AtomicLong firstLoad = new AtomicLong();
        final AtomicLong lastLoad = new AtomicLong();
        final Map<Integer, Long> latency = new ConcurrentHashMap<>();

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/hook", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                long now = System.nanoTime();
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
                arrived(new String(body, StandardCharsets.UTF_8), now, load, firstLoad, lastLoad, latency);
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static void arrived(String envelope, long now, AtomicLong load, AtomicLong first, AtomicLong last,
            Map<Integer, Long> latency) {
        Matcher seq = SEQ.matcher(envelope);
        if (seq.find()) {
            latency.putIfAbsent(Integer.parseInt(seq.group(1)), now);
        } else if (envelope.contains("\"phase\":\"load\"")) {
            if (load.getAndIncrement() == 0) {
                first.set(now);
            }
            last.set(now);
        }
    }

    /** The SSE client: reads the stream on a virtual thread, notes when each event arrived. */
    static final class SseReader implements AutoCloseable {
        final AtomicLong load = new AtomicLong();
        final AtomicLong firstLoad = new AtomicLong();
        final AtomicLong lastLoad = new AtomicLong();
        final Map<Integer, Long> latency = new ConcurrentHashMap<>();
        final InputStream body;
        volatile boolean cutOff;

        private SseReader(InputStream body) {
            this.body = body;
            Thread.ofVirtual().start(this::read);
        }

        static SseReader open(String url) throws Exception {
            HttpResponse<InputStream> response = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream()).get(30, TimeUnit.SECONDS);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream answered " + response.statusCode());
            }
            return new SseReader(response.body());
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8),
                    1 << 16)) {
                for (String line; (line = lines.readLine()) != null;) {
                    if (line.startsWith("data: ")) {
                        arrived(line, System.nanoTime(), load, firstLoad, lastLoad, latency);
                    } else if (line.equals("event: error")) {
                        cutOff = true;
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
