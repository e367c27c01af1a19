import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

/**
 * The load client of scripts/bench/tasks.sh. Modes:
 *
 *   e2e   URL TASKS CONCURRENCY      submit TASKS no-op tasks (sleep 0 ms) over HTTP, CONCURRENCY at a time; time
 *                                    from the first submission to the last task.succeeded event
 *   batch URL ITEMS                  one batch of ITEMS items in chunks of 1 (ITEMS tasks); same clock
 *   rpc   URL SECONDS CONCURRENCY    POST /api/rpc/factorial {"n":100} in a closed loop; calls/s, p50, p99
 *   clean PREFIX                     delete the queues and exchanges a task-service made under PREFIX
 *
 * Completion is observed the way a subscriber would: the service's CloudEvents on the "events" exchange.
 * Prints "RESULT name=value" lines for the script.
 */
public class TaskBench {

  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern EVENT_TASK = Pattern.compile("\"data\"\\s*:\\s*\\{\\s*\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern EVENT_BATCH = Pattern.compile("\"batchId\"\\s*:\\s*\"([^\"]+)\"");

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "e2e" -> endToEnd(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      case "batch" -> batch(args[1], Integer.parseInt(args[2]));
      case "rpc" -> rpc(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      case "clean" -> clean(args[1]);
      default -> throw new IllegalArgumentException("mode: e2e | batch | rpc | clean");
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
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
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

  private static void endToEnd(String url, int tasks, int concurrency) throws Exception {
    try (Completions completions = new Completions()) {
      Map<String, Long> submittedAt = new ConcurrentHashMap<>();
      AtomicInteger next = new AtomicInteger();
      AtomicInteger errors = new AtomicInteger();
      String body = "{\"type\":\"sleep\",\"args\":{\"ms\":0},\"maxRetries\":0}";
      long start = System.nanoTime();
      try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int c = 0; c < concurrency; c++) {
          clients.submit(() -> {
            while (next.getAndIncrement() < tasks) {
              long sent = System.nanoTime();
              HttpResponse<String> response = post(url + "/api/tasks", body);
              if (response == null || response.statusCode() != 202) {
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
      StringBuilder body = new StringBuilder("{\"type\":\"transform\",\"chunkSize\":1,\"maxRetries\":0,\"items\":[");
      for (int i = 0; i < items; i++) {
        body.append(i == 0 ? "" : ",").append(i);
      }
      body.append("]}");
      long start = System.nanoTime();
      HttpResponse<String> response = post(url + "/api/batches", body.toString());
      if (response == null || response.statusCode() != 202) {
        throw new IllegalStateException("batch refused: " + (response == null ? "no answer" : response.body()));
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

  private static void rpc(String url, int seconds, int concurrency) throws Exception {
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
          HttpResponse<String> response = post(url + "/api/rpc/factorial", "{\"n\":100}");
          long took = System.nanoTime() - sent;
          if (response == null || response.statusCode() != 200) {
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
      for (String suffix : List.of("work", "dead", "rpc", "retry.1000", "retry.2000", "retry.4000", "retry.8000",
          "retry.16000", "retry.32000", "retry.60000")) {
        channel.queueDelete(prefix + "." + suffix);
      }
      channel.exchangeDelete(prefix);
      channel.exchangeDelete(prefix + ".dlx");
    }
  }

  private static HttpResponse<String> post(String url, String body) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      return null;
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
