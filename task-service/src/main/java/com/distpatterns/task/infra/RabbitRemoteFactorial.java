package com.distpatterns.task.infra;

import com.distpatterns.platform.tracing.TracePropagation;
import com.distpatterns.task.core.InvalidTaskException;
import com.distpatterns.task.core.QueueUnavailableException;
import com.distpatterns.task.core.RemoteFactorial;
import com.distpatterns.task.core.RpcTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The calling side of the RPC: a request on the RPC queue with RabbitMQ's direct reply-to as its reply address
 * and a correlation id, then a wait for the one reply. The request expires with the caller's timeout, so no
 * worker computes an answer nobody waits for. The request carries the caller's trace, so the worker answers in it.
 */
public final class RabbitRemoteFactorial implements RemoteFactorial {

    static final String PROCEDURE = "factorial";

    private final RabbitTemplate template;
    private final TaskTopology topology;
    private final JsonMapper json;
    private final Duration timeout;
    private final TracePropagation trace;

    /** @param template a template whose reply timeout is {@code timeout}, using direct reply-to */
    public RabbitRemoteFactorial(RabbitTemplate template, TaskTopology topology, JsonMapper json, Duration timeout,
            TracePropagation trace) {
        this.template = template;
        this.topology = topology;
        this.json = json;
        this.timeout = timeout;
        this.trace = trace;
    }

    @Override
    public String factorial(int n) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        properties.setType(PROCEDURE);
        properties.setDeliveryMode(MessageDeliveryMode.NON_PERSISTENT);
        properties.setExpiration(Long.toString(timeout.toMillis()));
        trace.inject(properties);
        Message request = new Message(json.writeValueAsBytes(Map.of("n", n)), properties);
        Message reply;
        try {
            reply = template.sendAndReceive(topology.exchange(), TaskTopology.RPC_KEY, request);
        } catch (AmqpException e) {
            throw new QueueUnavailableException("The message broker is unreachable: " + e.getMessage(), e);
        }
        if (reply == null) {
            throw new RpcTimeoutException("No worker answered factorial(" + n + ") within " + timeout.toMillis()
                    + " ms: are workers running?");
        }
        JsonNode answer = json.readTree(reply.getBody());
        if (answer.hasNonNull("error")) {
            throw new InvalidTaskException(answer.get("error").asString());
        }
        return answer.get("result").asString();
    }
}
