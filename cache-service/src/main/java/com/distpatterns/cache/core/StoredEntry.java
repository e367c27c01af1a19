package com.distpatterns.cache.core;

import java.time.Duration;

/**
 * An entry as read back: the JSON bytes exactly as they were stored and how long the entry still lives.
 *
 * @param json the value's bytes, never re-encoded
 * @param remaining the time to live left
 */
public record StoredEntry(byte[] json, Duration remaining) {}
