package com.distpatterns.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    static List<Message> everyKind() {
        ConfState conf = new ConfState(new TreeSet<>(Set.of(1L, 2L, 3L)), new TreeSet<>(Set.of(9L)));
        List<Entry> entries = List.of(
                Entry.normal(7, 101, "put".getBytes(StandardCharsets.UTF_8)),
                new Entry(7, 102, Entry.Type.CONF_CHANGE, ConfChange.addLearner(9).toBytes()),
                Entry.normal(8, 103, new byte[0]));
        return List.of(
                new Message.RequestVote(1, 2, 8, 103, 8, true, false),
                new Message.RequestVote(1, 2, 8, 103, 8, false, true),
                new Message.VoteResponse(2, 1, 8, true, true),
                new Message.AppendEntries(1, 3, 8, 100, 7, entries, 99),
                new Message.AppendEntries(1, 3, 8, 100, 7, List.of(), 99),
                new Message.AppendResponse(3, 1, 8, true, 100, 42, 6),
                Message.AppendResponse.accepted(3, 1, 8, 103),
                new Message.Heartbeat(1, 2, 8, 99, 12),
                new Message.HeartbeatResponse(2, 1, 8, 12),
                new Message.InstallSnapshot(1, 9, 8, new SnapshotMetadata(90, 7, conf), 4096, new byte[] {1, 2, 3},
                        true),
                new Message.SnapshotResponse(9, 1, 8, 90, 4099),
                new Message.TimeoutNow(1, 2, 8),
                new Message.ReadIndexRequest(2, 1, 8, -5L),
                new Message.ReadIndexResponse(1, 2, 8, Long.MIN_VALUE, 99));
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void everyMessageSurvivesARoundTrip(Message message) {
        byte[] frame = MessageCodec.encode(message);
        assertThat(frame[0]).as("version byte").isEqualTo(MessageCodec.VERSION);
        assertThat(MessageCodec.decode(frame)).isEqualTo(message);
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void aTruncatedFrameIsRefused(Message message) {
        byte[] frame = MessageCodec.encode(message);
        for (int length = 0; length < frame.length; length++) {
            byte[] cut = Arrays.copyOf(frame, length);
            assertThatThrownBy(() -> MessageCodec.decode(cut)).isInstanceOf(MalformedMessageException.class);
        }
    }

    @Test
    void anotherVersionIsRefused() {
        byte[] frame = MessageCodec.encode(new Message.TimeoutNow(1, 2, 3));
        frame[0] = 2;
        assertThatThrownBy(() -> MessageCodec.decode(frame)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("version 2");
    }

    @Test
    void anAppendOfSmallEntriesIsCompact() {
        List<Entry> entries = List.of(Entry.normal(3, 11, new byte[10]), Entry.normal(3, 12, new byte[10]));
        byte[] frame = MessageCodec.encode(new Message.AppendEntries(1, 2, 3, 10, 3, entries, 9));
        // 2 header bytes, 7 one-byte varints, and per entry: term, type, length and 10 bytes of payload.
        assertThat(frame).hasSize(2 + 7 + 2 * 13);
    }
}
