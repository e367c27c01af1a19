import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's task handler, as small as one can be: the endpoint of the README's http-mode task type. task-service's
 * worker POSTs a task's args ({"text":"..."}) here; the answer ({"words":n}) becomes the task's result. Anything
 * else is a 400, which task-service records as FAILURE without retrying.
 *
 * It does not check the webhook-signature header, because the type's secret is shown only once, at registration.
 * A real endpoint keeps that secret and verifies the signature (docs/tasks.md says how).
 *
 *   java scripts/demo/WordCount.java [port]      (scripts/demo-endpoint.sh starts it in the background)
 */
public class WordCount {

    private static final Pattern TEXT = Pattern.compile("\"text\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/word-count", WordCount::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        System.out.println("word-count endpoint listening on http://127.0.0.1:" + port + "/word-count");
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Matcher text = TEXT.matcher(body);
        boolean ok = exchange.getRequestMethod().equals("POST") && text.find();
        String answer = ok ? "{\"words\":" + words(text.group(1)) + "}"
                : "{\"error\":\"expected {\\\"text\\\":\\\"...\\\"}\"}";
        System.out.printf("%s task %s attempt %s -> %s%n", exchange.getRequestMethod(),
                exchange.getRequestHeaders().getFirst("Task-Id"), exchange.getRequestHeaders().getFirst("Task-Attempt"),
                answer);
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(ok ? 200 : 400, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static int words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
