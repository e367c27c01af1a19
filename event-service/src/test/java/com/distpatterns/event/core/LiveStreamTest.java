package com.distpatterns.event.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The buffer between the broker and a client's socket, fed by hand. */
class LiveStreamTest {

    /** A feed whose events the test pushes, remembering what was opened and closed. */
    static final class HandFedFeed implements LiveFeed {
        final List<LiveEventSink> sinks = new ArrayList<>();
        int closed;

        @Override
        public Handle open(TopicPattern pattern, LiveEventSink sink) {
            sinks.add(sink);
            return () -> closed++;
        }
    }

    final HandFedFeed feed = new HandFedFeed();

    LiveStreams streams(int bufferEvents, long bufferBytes, Duration heartbeat) {
        return new LiveStreams(feed, new LiveStreamLimits(2, bufferEvents, bufferBytes, Long.MAX_VALUE, heartbeat));
    }

    static LiveEvent event(String id, int bytes) {
        return new LiveEvent(id, "t.x", "x".repeat(bytes).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eventsComeOutInOrder() throws Exception {
        LiveStream stream = streams(10, 1000, Duration.ofHours(1)).open(TopicPattern.ALL);
        assertThat(stream.offer(event("a", 10))).isTrue();
        assertThat(stream.offer(event("b", 10))).isTrue();
        assertThat(((StreamSignal.Event) stream.next()).event().id()).isEqualTo("a");
        assertThat(((StreamSignal.Event) stream.next()).event().id()).isEqualTo("b");
    }

    @Test
    void aClientThatFallsBehindTheEventBoundIsCutOffAndItsBufferDropped() throws Exception {
        LiveStreams streams = streams(3, 1_000_000, Duration.ofHours(1));
        LiveStream stream = streams.open(TopicPattern.ALL);
        for (int i = 0; i < 3; i++) {
            assertThat(stream.offer(event("e" + i, 100))).isTrue();
        }
        assertThat(streams.bufferedBytes()).isEqualTo(300);
        assertThat(stream.offer(event("e3", 100))).isFalse();
        assertThat(stream.next()).isEqualTo(new StreamSignal.End(StreamEnd.SLOW_CLIENT));
        assertThat(streams.bufferedBytes()).isZero();
        assertThat(streams.cutOffs()).isEqualTo(1);
        assertThat(stream.offer(event("e4", 1))).isFalse();
    }

    @Test
    void theByteBoundHoldsTooButOneLargeEventAlonePasses() throws Exception {
        LiveStreams streams = streams(100, 1000, Duration.ofHours(1));
        LiveStream stream = streams.open(TopicPattern.ALL);
        assertThat(stream.offer(event("big", 5000))).isTrue();
        assertThat(stream.next()).isInstanceOf(StreamSignal.Event.class);
        assertThat(stream.offer(event("a", 600))).isTrue();
        assertThat(stream.offer(event("b", 600))).isFalse();
        assertThat(streams.highWaterBytes()).isEqualTo(5000);
    }

    @Test
    void theInstanceWideBoundCutsOffAClientThatIsBehindWhenAllBuffersTogetherAreFull() throws Exception {
        LiveStreams streams = new LiveStreams(feed, new LiveStreamLimits(3, 100, 1000, 1500, Duration.ofHours(1)));
        LiveStream first = streams.open(TopicPattern.ALL);
        LiveStream second = streams.open(TopicPattern.ALL);
        assertThat(first.offer(event("a1", 400))).isTrue();
        assertThat(first.offer(event("a2", 400))).isTrue();
        assertThat(second.offer(event("b1", 400))).isTrue();
        // Each is within its own 1000 bytes, but the next byte of a client that is behind passes the instance's 1500.
        assertThat(second.offer(event("b2", 400))).isFalse();
        assertThat(second.next()).isEqualTo(new StreamSignal.End(StreamEnd.SLOW_CLIENT));
        assertThat(streams.bufferedBytes()).isEqualTo(800);
        // A client that keeps up (empty buffer) still gets an event through.
        LiveStream third = streams.open(TopicPattern.ALL);
        assertThat(third.offer(event("c1", 400))).isTrue();
    }

    @Test
    void anIdleStreamGetsHeartbeats() throws Exception {
        LiveStream stream = streams(10, 1000, Duration.ofMillis(20)).open(TopicPattern.ALL);
        assertThat(stream.next()).isInstanceOf(StreamSignal.Heartbeat.class);
        assertThat(stream.next()).isInstanceOf(StreamSignal.Heartbeat.class);
    }

    @Test
    void whenTheBrokerIsLostWhatWasBufferedStillGoesOutBeforeTheEnd() throws Exception {
        LiveStream stream = streams(10, 1000, Duration.ofHours(1)).open(TopicPattern.ALL);
        stream.offer(event("a", 1));
        feed.sinks.getFirst().end(StreamEnd.BROKER_LOST);
        assertThat(stream.next()).isInstanceOf(StreamSignal.Event.class);
        assertThat(stream.next()).isEqualTo(new StreamSignal.End(StreamEnd.BROKER_LOST));
    }

    @Test
    void closingStopsTheFeedAndFreesTheSlot() {
        LiveStreams streams = streams(10, 1000, Duration.ofHours(1));
        LiveStream first = streams.open(TopicPattern.ALL);
        streams.open(TopicPattern.ALL);
        assertThatThrownBy(() -> streams.open(TopicPattern.ALL)).isInstanceOf(StreamCapacityException.class);
        first.close();
        first.close();
        assertThat(feed.closed).isEqualTo(1);
        assertThat(streams.openStreams()).isEqualTo(1);
        assertThat(streams.open(TopicPattern.ALL)).isNotNull();
    }

    @Test
    void shutdownEndsEveryStreamAndRefusesNewOnes() throws Exception {
        LiveStreams streams = streams(10, 1000, Duration.ofHours(1));
        LiveStream stream = streams.open(TopicPattern.ALL);
        stream.offer(event("a", 1));
        streams.closeAll();
        assertThat(stream.next()).isEqualTo(new StreamSignal.End(StreamEnd.SHUTDOWN));
        assertThatThrownBy(() -> streams.open(TopicPattern.ALL)).isInstanceOf(StreamCapacityException.class);
    }
}
