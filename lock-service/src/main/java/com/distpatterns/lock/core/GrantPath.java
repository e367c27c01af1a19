package com.distpatterns.lock.core;

/** How a grant came about: at once, after a release notification, or after a safety-net poll. */
public enum GrantPath {
    IMMEDIATE,
    NOTIFICATION,
    POLL
}
