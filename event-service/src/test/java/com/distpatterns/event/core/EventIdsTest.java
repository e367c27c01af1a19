package com.distpatterns.event.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void idsAreVersion7UuidsCarryingTheirMillisecond() {
        Instant now = Instant.parse("2026-11-25T10:15:30.123Z");
        UUID id = UUID.fromString(EventIds.next(now));
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(now.toEpochMilli());
    }

    @Test
    void idsOfTheSameMillisecondDiffer() {
        Instant now = Instant.now();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(EventIds.next(now));
        }
        assertThat(ids).hasSize(100_000);
    }

    @Test
    void laterIdsSortAfterEarlierOnes() {
        Instant now = Instant.now();
        assertThat(EventIds.next(now.plusMillis(1))).isGreaterThan(EventIds.next(now));
    }
}
