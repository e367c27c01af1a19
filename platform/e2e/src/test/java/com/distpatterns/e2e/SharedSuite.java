package com.distpatterns.e2e;

import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One start of the whole suite for every end-to-end test class of a run (a start costs minutes on a small
 * machine), stopped when the last class has finished.
 *
 * <p>{@code -Dsuite.gateway=http://host:port} (with {@code -Dsuite.apiKey}) points the tests at a suite, or at a
 * single service, that is already running instead: for quick iteration on one class; the tests that need
 * {@code scripts/run-local.sh} itself skip then. {@code -Dsuite.gateway.<service>} points one service's tests
 * elsewhere ({@link #gateway(String)}), so that classes for two services started alone run in one build.
 */
final class SharedSuite implements BeforeAllCallback {

    // Ports 29001 to 30761: clear of the benchmarks (17xxx to 28xxx) and below Linux's ephemeral range (32768 up),
    // where an outgoing connection of anything on the machine could hold one of them first.
    static final int OFFSET = 22_000;
    private static final String GIVEN = System.getProperty("suite.gateway", "");
    static final String KEY = GIVEN.isEmpty() ? "e2e-" + UUID.randomUUID() : System.getProperty("suite.apiKey", "");
    static final String GATEWAY = GIVEN.isEmpty() ? "http://127.0.0.1:" + (8080 + OFFSET) : GIVEN;
    static final String REGISTRY = "http://127.0.0.1:" + (8761 + OFFSET);

    /** The suite this run started, closed by JUnit with the root context (after every class). */
    private record Started(LocalSuite suite) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            suite.close();
        }
    }

    private static volatile LocalSuite current;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!GIVEN.isEmpty()) {
            return;
        }
        context.getRoot().getStore(ExtensionContext.Namespace.create(SharedSuite.class))
                .computeIfAbsent("suite", key -> {
                    try {
                        current = LocalSuite.start(OFFSET, KEY);
                        return new Started(current);
                    } catch (Exception e) {
                        throw new IllegalStateException("the suite did not start", e);
                    }
                }, Started.class);
    }

    /** The suite started by this run, or {@code null} when the tests run against a given one. */
    static LocalSuite suite() {
        return current;
    }

    /** Where the tests of one service ({@code lock}, {@code cache}, {@code kv}) send their calls. */
    static String gateway(String service) {
        return GIVEN.isEmpty() ? GATEWAY : System.getProperty("suite.gateway." + service, GIVEN);
    }

    static boolean started() {
        return GIVEN.isEmpty();
    }
}
