package com.distpatterns.event.api;

import com.distpatterns.event.config.EventServiceProperties;
import com.distpatterns.event.core.LiveStream;
import com.distpatterns.event.core.LiveStreams;
import com.distpatterns.event.core.StreamSignal;
import com.distpatterns.event.core.TopicPattern;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live Server-Sent Events. The request's own (virtual) thread writes the stream for as long as it lasts: blocking
 * on a slow client's socket costs one virtual thread, while the bounded buffer behind it decides when such a
 * client is cut off.
 */
@RestController
public class EventStreamController {

    private final LiveStreams streams;
    private final SseFrames frames;
    private final Duration reconnectDelay;

    public EventStreamController(LiveStreams streams, JsonMapper json, EventServiceProperties properties) {
        this.streams = streams;
        this.frames = new SseFrames(json);
        this.reconnectDelay = properties.stream().reconnectDelay();
    }

    @Operation(summary = "Follow events live as Server-Sent Events: id = event id, event = type, data = CloudEvent")
    @GetMapping(path = "/api/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public void stream(
            @Parameter(
                    description = "AMQP topic pattern: '*' one word, '#' zero or more; all events when absent") @RequestParam(
                            name = "pattern", required = false) String pattern,
            HttpServletResponse response) {
        TopicPattern topic = pattern == null ? TopicPattern.ALL : new TopicPattern(pattern);
        try (LiveStream stream = streams.open(topic)) {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Accel-Buffering", "no");
            ServletOutputStream out = response.getOutputStream();
            write(out, frames.opening(topic.value(), reconnectDelay));
            while (true) {
                StreamSignal signal = stream.next();
                switch (signal) {
                    case StreamSignal.Event event -> write(out, frames.event(event.event()));
                    case StreamSignal.Heartbeat heartbeat -> write(out, frames.heartbeat());
                    case StreamSignal.End end -> {
                        write(out, frames.end(end.reason()));
                        return;
                    }
                }
            }
        } catch (IOException clientGone) {
            // The client closed the connection: the normal end of a stream, nothing to answer.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(ServletOutputStream out, byte[] frame) throws IOException {
        out.write(frame);
        out.flush();
    }
}
