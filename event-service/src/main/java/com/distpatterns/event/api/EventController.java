package com.distpatterns.event.api;

import com.distpatterns.platform.service.ApiException;
import com.distpatterns.platform.service.JsonBodies;
import java.nio.charset.StandardCharsets;
import com.distpatterns.event.config.EventServiceProperties;
import com.distpatterns.event.core.EventPublishing;
import com.distpatterns.event.core.EventType;
import com.distpatterns.event.core.PublishedEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Publishing: any JSON body becomes the data of a CloudEvent on the topic exchange. */
@RestController
public class EventController {

    private final EventPublishing publishing;
    private final JsonBodies bodies;
    private final int maxBytes;

    public EventController(EventPublishing publishing, JsonBodies bodies, EventServiceProperties properties) {
        this.publishing = publishing;
        this.bodies = bodies;
        this.maxBytes = Math.toIntExact(properties.maxEventSize().toBytes());
    }

    @Operation(summary = "Publish an event; answered once the broker has confirmed it",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    description = "Any JSON value, up to 1 MiB: the event's data, carried byte for byte",
                    content = @Content(mediaType = "application/json", schema = @Schema(type = "object"))))
    @PostMapping("/api/events/{type}")
    public ResponseEntity<PublishResponse> publish(@PathVariable String type, HttpServletRequest request)
            throws IOException {
        EventType eventType = new EventType(type);
        // One JSON value checked by streaming over it, kept as the exact text the client sent (it is valid UTF-8).
        String data = new String(bodies.readJsonValue(request, maxBytes, () -> ApiException.payloadTooLarge(
                "The event data is larger than " + maxBytes
                        + " bytes; publish a smaller event, or a reference to where the data is.")),
                StandardCharsets.UTF_8);
        PublishedEvent event = publishing.publish(eventType, data);
        return ResponseEntity.accepted().body(new PublishResponse(event.id(), event.type(), event.time()));
    }
}
