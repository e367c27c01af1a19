package com.distpatterns.task.core;

import java.util.Locale;

/** How the tasks of a registered type run: a worker calls the user's endpoint, or the user's workers lease them. */
public enum TaskMode {
    HTTP,
    PULL;

    /** The name clients write: {@code http}, {@code pull}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
