package com.distpatterns.lock.core;

/** What the lock logic reports for metrics. Carries no lock names or lease ids: both would leak or explode cardinality. */
public interface LockEvents {

    void granted(GrantPath path);

    void refused();

    void released();

    void waiterTimedOut();

    void waitingChanged(int delta);

    /** Reports nothing; for callers that do not measure. */
    LockEvents NONE = new LockEvents() {
        @Override
        public void granted(GrantPath path) {}

        @Override
        public void refused() {}

        @Override
        public void released() {}

        @Override
        public void waiterTimedOut() {}

        @Override
        public void waitingChanged(int delta) {}
    };
}
