package com.distpatterns.event.core;

/** Why a live stream ended on the service's side. */
public enum StreamEnd {
    SLOW_CLIENT("slow-consumer",
            "The client did not read events as fast as they were published and its buffer filled up; reconnect and read faster."),
    BROKER_LOST("broker-unavailable",
            "The connection to the message broker was lost; events published meanwhile are not replayed. Reconnect."),
    SHUTDOWN("service-stopping", "This instance is shutting down; reconnect to reach another one.");

    private final String problem;
    private final String detail;

    StreamEnd(String problem, String detail) {
        this.problem = problem;
        this.detail = detail;
    }

    /** The problem type slug sent in the final error event. */
    public String problem() {
        return problem;
    }

    public String detail() {
        return detail;
    }
}
