package com.distpatterns.consensus.api;

import com.distpatterns.consensus.core.KeyValue;
import com.distpatterns.consensus.core.WatchEvent;
import com.distpatterns.consensus.core.WatchMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Watch messages as Server-Sent Events. A revision's changes are one event ({@code put}, {@code delete}, or
 * {@code txn} with a list) whose {@code id} is the revision; {@code progress} carries an id too (nothing the watcher
 * follows changed up to it, so resuming after it misses nothing); {@code compacted} and {@code lagging} end the
 * stream and carry none. The watch hub hands the same message to every watcher whose share is the whole revision,
 * so the last frames are kept by identity: a hundred watchers of one prefix encode each revision once.
 *
 * <p>Threads: any; the cache's slots are replaced whole (records of final fields), a lost race only encodes twice.
 */
final class WatchFrames {

    private static final int CACHED = 1024;

    private record Encoded(WatchMessage.Changes changes, byte[] frame) {}

    private final JsonMapper json;
    private final Encoded[] cache = new Encoded[CACHED];

    WatchFrames(JsonMapper json) {
        this.json = json;
    }

    /** The message's SSE frame, ending with the blank line. */
    byte[] frame(WatchMessage message) {
        return switch (message) {
            case WatchMessage.Changes changes -> changes(changes);
            case WatchMessage.Progress p ->
                frame(p.revision(), "progress", ascii("{\"revision\":" + p.revision() + "}"));
            case WatchMessage.Compacted c ->
                frame(-1, "compacted", ascii("{\"compactedRevision\":" + c.compactedRevision() + "}"));
            case WatchMessage.Lagging l -> frame(-1, "lagging", ascii("{\"resumeFrom\":" + l.resumeFrom() + "}"));
        };
    }

    /** Whether the stream ends after this message. */
    static boolean ends(WatchMessage message) {
        return message instanceof WatchMessage.Compacted || message instanceof WatchMessage.Lagging;
    }

    private byte[] changes(WatchMessage.Changes changes) {
        int slot = (int) (changes.revision() & (CACHED - 1));
        Encoded cached = cache[slot];
        if (cached != null && cached.changes() == changes) {
            return cached.frame();
        }
        List<WatchEvent> events = changes.events();
        byte[] frame;
        if (events.size() == 1) {
            WatchEvent event = events.getFirst();
            frame = frame(changes.revision(), type(event), event(event, changes.revision()));
        } else {
            ByteArrayOutputStream list = new ByteArrayOutputStream();
            list.write('[');
            for (int i = 0; i < events.size(); i++) {
                if (i > 0) {
                    list.write(',');
                }
                list.writeBytes(event(events.get(i), changes.revision()));
            }
            list.write(']');
            frame = frame(changes.revision(), "txn", list.toByteArray());
        }
        cache[slot] = new Encoded(changes, frame);
        return frame;
    }

    private byte[] event(WatchEvent event, long revision) {
        return KvJson.object(json).string("type", type(event)).raw("kv", view(event.kv(), event.type()))
                .raw("prevKv", event.prevKv() == null ? null : KvJson.view(json, event.prevKv(), false))
                .number("revision", revision).bytes();
    }

    /** A put's key as GET /api/kv shows it; a delete's with a null value, version 0 and the delete's revision. */
    private byte[] view(KeyValue kv, WatchEvent.Type type) {
        if (type == WatchEvent.Type.PUT) {
            return KvJson.view(json, kv, false);
        }
        return KvJson.object(json).string("key", kv.key()).raw("value", null).number("createRevision", 0)
                .number("modRevision", kv.modRevision()).number("version", 0).bytes();
    }

    private static String type(WatchEvent event) {
        return event.type() == WatchEvent.Type.PUT ? "put" : "delete";
    }

    private static byte[] frame(long id, String name, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 48);
        if (id >= 0) {
            out.writeBytes(ascii("id:" + id + "\n"));
        }
        out.writeBytes(ascii("event:" + name + "\ndata:"));
        for (byte b : data) {
            // Stored values are JSON kept byte for byte: a raw line break in them can only be whitespace between
            // tokens (inside strings JSON escapes it), and would end the SSE data line.
            out.write(b == '\n' || b == '\r' ? ' ' : b);
        }
        out.writeBytes(ascii("\n\n"));
        return out.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
