package com.distpatterns.task.infra;

import com.distpatterns.platform.events.CloudEvent;
import com.distpatterns.platform.events.CloudEventMessages;
import com.distpatterns.platform.messaging.ConfirmedPublisher;
import com.distpatterns.task.core.TaskEvents;
import com.distpatterns.task.core.TaskView;
import java.time.Instant;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Terminal task states as CloudEvents on the suite's {@code events} exchange ({@code task.succeeded},
 * {@code task.failed}, {@code task.revoked}), so event-service subscribers can follow tasks. The event id is
 * derived from the task and its state: announcing again after a crash repeats the same event, which receivers
 * de-duplicate by id.
 */
public final class CloudEventTaskEvents implements TaskEvents {

    public static final String SOURCE = "/task-service";
    /** Results up to this many characters travel in the event; larger ones are left for a GET of the task. */
    static final int MAX_RESULT_IN_EVENT = 256 * 1024;

    private final ConfirmedPublisher publisher;
    private final CloudEventMessages messages;
    private final JsonMapper json;

    public CloudEventTaskEvents(ConfirmedPublisher publisher, CloudEventMessages messages, JsonMapper json) {
        this.publisher = publisher;
        this.messages = messages;
        this.json = json;
    }

    @Override
    public void announce(TaskView task) {
        String type = switch (task.status()) {
            case SUCCESS -> "task.succeeded";
            case FAILURE -> "task.failed";
            case REVOKED -> "task.revoked";
            default -> throw new IllegalArgumentException("Only terminal states are announced, not " + task.status());
        };
        ObjectNode data = json.createObjectNode();
        data.put("id", task.id());
        data.put("type", task.type());
        data.put("status", task.status().name());
        data.put("attempts", task.attempts());
        if (task.result() != null && task.result().length() <= MAX_RESULT_IN_EVENT) {
            data.set("result", json.readTree(task.result()));
        } else if (task.result() != null) {
            // A result of many megabytes would be refused by the broker (RabbitMQ 4 takes 16 MiB at most) or by
            // subscribers; the event says where to read it instead.
            data.put("resultOmitted", true);
            data.put("resultUrl", "/api/tasks/" + task.id());
        }
        if (task.error() != null) {
            data.put("error", task.error());
        }
        if (task.batchId() != null) {
            data.put("batchId", task.batchId());
        }
        Instant time = task.updatedAt() == null ? Instant.now() : task.updatedAt();
        CloudEvent event = new CloudEvent(task.id() + ":" + type, SOURCE, type, time, json.writeValueAsString(data));
        ConfirmedSends.run(() -> publisher.send(CloudEventMessages.EXCHANGE, type, messages.toMessage(event)));
    }
}
