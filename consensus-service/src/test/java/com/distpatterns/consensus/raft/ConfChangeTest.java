package com.distpatterns.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConfChangeTest {

    @Test
    void aChangeWithoutContextKeepsTheVersionOneFormat() {
        byte[] bytes = ConfChange.remove(7).toBytes();
        assertThat(bytes).hasSize(10).startsWith(1);
        assertThat(ConfChange.fromBytes(bytes)).isEqualTo(ConfChange.remove(7));
    }

    @Test
    void theContextTravelsWithTheChange() {
        ConfChange change = ConfChange.addLearner(4, "consensus-3.consensus:7001".getBytes(StandardCharsets.UTF_8));
        ConfChange decoded = ConfChange.fromBytes(change.toBytes());
        assertThat(decoded).isEqualTo(change);
        assertThat(new String(decoded.context(), StandardCharsets.UTF_8)).isEqualTo("consensus-3.consensus:7001");
    }

    @Test
    void anUnknownVersionIsRefused() {
        byte[] bytes = ConfChange.addLearner(4, new byte[] {1}).toBytes();
        bytes[0] = 9;
        assertThatThrownBy(() -> ConfChange.fromBytes(bytes)).isInstanceOf(MalformedMessageException.class);
    }
}
