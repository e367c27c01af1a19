package com.distpatterns.task.config;

/** What one process of the service does: serve the API, execute tasks, or both. */
public enum TaskRole {
    API,
    WORKER
}
