package com.distpatterns.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptReplyTest {

    @Test
    void fieldsAreReadByNameWhateverTheirPlace() {
        ScriptReply reply = ScriptReply.of(List.of("token", 7L, "owner".getBytes(StandardCharsets.UTF_8),
                "job-1".getBytes(StandardCharsets.UTF_8), "expiresAt", "1700000000000"));
        assertThat(reply.number("token")).isEqualTo(7);
        assertThat(reply.text("owner")).isEqualTo("job-1");
        assertThat(reply.number("expiresAt")).isEqualTo(1_700_000_000_000L);
        assertThat(reply.has("waiter")).isFalse();
    }

    @Test
    void aMissingFieldIsABugNamedInTheError() {
        assertThatThrownBy(() -> ScriptReply.of(List.of("granted", 1L)).number("retryMs"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("retryMs");
        assertThatThrownBy(() -> ScriptReply.of(List.of("granted")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("odd");
        assertThat(ScriptReply.of(List.of()).isEmpty()).isTrue();
    }
}
