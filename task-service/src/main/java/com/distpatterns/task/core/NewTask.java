package com.distpatterns.task.core;

import java.time.Instant;

/** A task about to be recorded as PENDING. */
public record NewTask(String id, String type, Instant createdAt, String batchId, Integer chunk) {}
