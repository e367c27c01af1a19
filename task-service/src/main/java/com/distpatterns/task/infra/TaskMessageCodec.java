package com.distpatterns.task.infra;

import com.distpatterns.task.core.TaskMessage;
import java.time.Duration;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Task messages as JSON: the body is the {@link TaskMessage}, the attempt travels in the {@code x-task-attempt}
 * header (a header of our own: RabbitMQ 4 no longer lets clients set {@code x-death}).
 */
public final class TaskMessageCodec {

    public static final String ATTEMPT_HEADER = "x-task-attempt";
    private static final String CONTENT_TYPE = "application/json";

    private final JsonMapper json;

    public TaskMessageCodec(JsonMapper json) {
        this.json = json;
    }

    public Message encode(TaskMessage task, int attempt, Duration expiration) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(CONTENT_TYPE);
        properties.setContentEncoding("UTF-8");
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setMessageId(task.id());
        properties.setType(task.type());
        properties.setHeader(ATTEMPT_HEADER, attempt);
        if (expiration != null) {
            properties.setExpiration(Long.toString(expiration.toMillis()));
        }
        return new Message(json.writeValueAsBytes(task), properties);
    }

    /** @throws IllegalArgumentException when the body is not a task message */
    public TaskMessage decode(Message message) {
        TaskMessage task;
        try {
            task = json.readValue(message.getBody(), TaskMessage.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("Not a task message: " + e.getOriginalMessage(), e);
        }
        if (task == null || task.id() == null || task.type() == null) {
            throw new IllegalArgumentException("Not a task message: id and type are required");
        }
        return task;
    }

    public int attempt(Message message) {
        Object header = message.getMessageProperties().getHeaders().get(ATTEMPT_HEADER);
        return header instanceof Number number ? Math.max(1, number.intValue()) : 1;
    }
}
