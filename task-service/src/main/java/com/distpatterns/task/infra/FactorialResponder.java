package com.distpatterns.task.infra;

import com.distpatterns.task.core.Factorials;
import com.distpatterns.task.core.TaskLimits;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The answering side of the RPC: computes n! and replies to the caller's reply address, same correlation id. */
public final class FactorialResponder implements MessageListener {

    private static final Logger log = LoggerFactory.getLogger(FactorialResponder.class);

    private final RabbitTemplate replies;
    private final JsonMapper json;
    private final TaskLimits limits;

    public FactorialResponder(RabbitTemplate replies, JsonMapper json, TaskLimits limits) {
        this.replies = replies;
        this.json = json;
        this.limits = limits;
    }

    @Override
    public void onMessage(Message request) {
        MessageProperties in = request.getMessageProperties();
        if (in.getReplyTo() == null) {
            log.warn("rpc request dropped: no reply address messageId={}", in.getMessageId());
            return;
        }
        MessageProperties out = new MessageProperties();
        out.setContentType("application/json");
        out.setCorrelationId(in.getCorrelationId());
        replies.send("", in.getReplyTo(), new Message(json.writeValueAsBytes(answer(request)), out));
    }

    private Map<String, String> answer(Message request) {
        if (!RabbitRemoteFactorial.PROCEDURE.equals(request.getMessageProperties().getType())) {
            return Map.of("error", "Unknown procedure '" + request.getMessageProperties().getType() + "'.");
        }
        JsonNode n;
        try {
            n = json.readTree(request.getBody()).get("n");
        } catch (JacksonException e) {
            return Map.of("error", "The request is not JSON.");
        }
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0
                || n.asInt() > limits.maxFactorial()) {
            return Map.of("error", "n must be an integer from 0 to " + limits.maxFactorial() + ".");
        }
        return Map.of("result", Factorials.of(n.asInt()).toString());
    }
}
