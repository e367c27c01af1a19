package com.distpatterns.consensus.core;

import java.util.List;

/** What a {@link Watch} hands its reader, in revision order. */
public sealed interface WatchMessage {

    /** Every change one revision made to the watched keys (several for a transaction), never split. */
    record Changes(long revision, List<WatchEvent> events) implements WatchMessage {
        public Changes {
            events = List.copyOf(events);
        }
    }

    /** Nothing changed on the watched keys up to {@code revision}. */
    record Progress(long revision) implements WatchMessage {}

    /** The watch asked for history that compaction removed; it is over, the reader lists again. */
    record Compacted(long compactedRevision) implements WatchMessage {}

    /** The reader fell behind its buffer; the watch is over, a new one from {@code resumeFrom} misses nothing. */
    record Lagging(long resumeFrom) implements WatchMessage {}
}
