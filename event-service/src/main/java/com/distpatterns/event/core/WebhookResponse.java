package com.distpatterns.event.core;

/** How a webhook call went. */
public sealed interface WebhookResponse {

    boolean accepted();

    /** The receiver answered with this status. */
    record Answered(int status) implements WebhookResponse {
        @Override
        public boolean accepted() {
            return status >= 200 && status < 300;
        }

        @Override
        public String toString() {
            return "HTTP " + status;
        }
    }

    /** No answer: refused, unreachable, timed out. */
    record Unanswered(String reason) implements WebhookResponse {
        @Override
        public boolean accepted() {
            return false;
        }

        @Override
        public String toString() {
            return reason;
        }
    }
}
