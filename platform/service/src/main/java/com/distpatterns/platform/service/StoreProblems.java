package com.distpatterns.platform.service;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.UncategorizedDataAccessException;

/** A backing store that cannot be reached is the service being unavailable, not a server bug: 503. */
final class StoreProblems {

    private static final Logger log = LoggerFactory.getLogger(StoreProblems.class);

    private StoreProblems() {}

    /**
     * Also the store answering with an error of its own state rather than of the command (Redis LOADING after a
     * restart, READONLY on a replica after a failover, OOM, BUSY): it cannot serve now. A script that fails to run
     * is a bug here, not an outage, and stays a 500.
     */
    static ExceptionProblems rules() {
        return ExceptionProblems.platform()
                .on(DataAccessResourceFailureException.class, StoreProblems::unavailable)
                .on(QueryTimeoutException.class, StoreProblems::unavailable)
                .on(UncategorizedDataAccessException.class, e -> !ScriptErrors.isScriptError(e),
                        StoreProblems::unavailable)
                .build();
    }

    private static ApiException unavailable(RuntimeException e) {
        log.warn("Backing store unavailable: {}", e.getMessage());
        return ApiException.unavailable("store-unavailable",
                "The service's backing store is unreachable; try again shortly.",
                Duration.ofSeconds(1));
    }
}
