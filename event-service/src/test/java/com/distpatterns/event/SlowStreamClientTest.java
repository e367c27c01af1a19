package com.distpatterns.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.distpatterns.event.testing.SseClient;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowStreamClientTest extends EventServiceTestBase {

    /** The test deployment's per-client buffer (events.stream.buffer-size). */
    static final long BUFFER_BYTES = 512 * 1024;
    static final String EVENT_DATA = "\"" + "x".repeat(64 * 1024) + "\"";

    @Test
    void aClientTooSlowToKeepUpIsCutOffWithAnErrorWhileMemoryStaysBoundedAndOthersCarryOn() throws Exception {
        double cutOffsBefore = client.metric("events_stream_cut_offs_total");
        try (Socket slow = new Socket()) {
            // A client that reads nothing: a small window, so the service's side fills up after a few MiB.
            slow.setReceiveBufferSize(8 * 1024);
            slow.connect(new InetSocketAddress("127.0.0.1", port));
            slow.getOutputStream().write(("GET /api/events/stream?pattern=bulk.%23 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = slow.getInputStream();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            readUntil(in, seen, "streaming events matching");

            int published = 0;
            double mostBuffered = 0;
            try (SseClient fast = SseClient.open(client.http(), client.uri("/api/events/stream?pattern=bulk.%23"))) {
                while (client.metric("events_stream_cut_offs_total") == cutOffsBefore) {
                    assertThat(published).as("events published without the slow client being cut off").isLessThan(600);
                    for (int i = 0; i < 10; i++) {
                        client.published("bulk.item", EVENT_DATA);
                    }
                    published += 10;
                    mostBuffered = Math.max(mostBuffered, client.metric("events_stream_buffered_bytes"));
                }
                client.published("bulk.end", "{}");
                // The fast client on the same pattern got every event.
                assertThat(fast.until("bulk.end", Duration.ofSeconds(120))).hasSize(published + 1);
            }
            // Two clients, each held to its own bound, whatever was published meanwhile (tens of MiB).
            assertThat(mostBuffered).isLessThanOrEqualTo(2 * BUFFER_BYTES);
            assertThat(client.metric("events_stream_buffer_high_water_bytes")).isLessThanOrEqualTo(BUFFER_BYTES);

            // When the slow client finally reads, it finds what was in flight, then the final error, then the end.
            slow.setSoTimeout(120_000);
            seen.write(in.readAllBytes());
            String stream = seen.toString(StandardCharsets.UTF_8);
            assertThat(stream).contains("event: error", "/problems/slow-consumer");
            assertThat(stream.lastIndexOf("event: error")).isGreaterThan(stream.lastIndexOf("event: bulk.item"));
            assertThat(stream).doesNotContain("event: bulk.end");
        }
        assertThat(client.metric("events_stream_buffered_bytes")).isZero();
    }

    private static void readUntil(InputStream in, ByteArrayOutputStream seen, String marker) throws Exception {
        byte[] buffer = new byte[1024];
        while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
            int n = in.read(buffer);
            assertThat(n).as("stream ended before '%s'", marker).isPositive();
            seen.write(buffer, 0, n);
        }
    }
}
