package com.distpatterns.event.api;

import com.distpatterns.event.core.LiveEvent;
import com.distpatterns.event.core.StreamEnd;
import com.distpatterns.platform.service.Problems;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Server-Sent Events wire format: {@code id:} the event id, {@code event:} its type, {@code data:} the
 * CloudEvents envelope, one {@code data:} line per line of it so that JSON holding line breaks survives.
 */
final class SseFrames {

    private static final byte[] ID = bytes("id: ");
    private static final byte[] EVENT = bytes("event: ");
    private static final byte[] DATA = bytes("data: ");

    private final JsonMapper json;

    SseFrames(JsonMapper json) {
        this.json = json;
    }

    /** The first frame: how soon to reconnect, and a comment that makes the response start at once. */
    byte[] opening(String pattern, Duration reconnectDelay) {
        return bytes("retry: " + reconnectDelay.toMillis() + "\n: streaming events matching " + pattern + "\n\n");
    }

    byte[] event(LiveEvent event) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(event.size() + 128);
        frame.writeBytes(ID);
        frame.writeBytes(bytes(event.id()));
        frame.write('\n');
        frame.writeBytes(EVENT);
        frame.writeBytes(bytes(event.type()));
        frame.write('\n');
        writeData(frame, event.envelope());
        frame.write('\n');
        return frame.toByteArray();
    }

    byte[] heartbeat() {
        return bytes(": heartbeat\n\n");
    }

    /** The last frame: {@code event: error} with a problem document saying why the stream ends. */
    byte[] end(StreamEnd reason) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", Problems.TYPE_PREFIX + reason.problem());
        problem.put("title", "Live stream ended");
        problem.put("detail", reason.detail());
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes(EVENT);
        frame.writeBytes(bytes("error"));
        frame.write('\n');
        writeData(frame, json.writeValueAsBytes(problem));
        frame.write('\n');
        return frame.toByteArray();
    }

    /** Splits at CR, LF and CRLF, the line ends of the SSE grammar; each piece gets its own {@code data:} line. */
    private static void writeData(ByteArrayOutputStream frame, byte[] data) {
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            boolean end = i == data.length;
            if (end || data[i] == '\n' || data[i] == '\r') {
                frame.writeBytes(DATA);
                frame.write(data, start, i - start);
                frame.write('\n');
                if (!end && data[i] == '\r' && i + 1 < data.length && data[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
