package com.distpatterns.consensus.core;

/**
 * A range read: keys in {@code [from, to)} bytewise ({@code to} null: to the end), as of {@code revision} (0: the
 * current one); the page holds at most {@code limit} of them from {@code start} on (a cursor; {@code from} for the
 * first page), and the count covers the whole range.
 */
public record RangeQuery(byte[] from, byte[] to, byte[] start, long revision, int limit, boolean keysOnly,
        boolean countOnly) {}
