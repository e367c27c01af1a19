package com.distpatterns.consensus.core;

/**
 * Which changes a watch follows: keys {@code key}, or every key starting with it when {@code prefix}, from
 * {@code fromRevision} (0: the next revision), with the previous value of each changed key when {@code prevKv}.
 */
public record WatchRequest(String key, boolean prefix, long fromRevision, boolean prevKv) {}
