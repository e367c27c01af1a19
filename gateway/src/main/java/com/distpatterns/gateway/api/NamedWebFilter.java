package com.distpatterns.gateway.api;

import org.springframework.core.Ordered;
import org.springframework.web.server.WebFilter;

/**
 * The gateway's web filters: named by their class. Spring's web filter chain names each filter on every request
 * ({@code checkpoint(filter.toString())}), and {@code Object.toString} builds a new string from the class name and
 * the identity hash each time: 1.4 % of the gateway's CPU samples under load (profile of the twenty-third session,
 * docs/benchmarks.md). The class's name is a string the JVM already holds.
 */
public abstract class NamedWebFilter implements WebFilter, Ordered {

    @Override
    public final String toString() {
        return getClass().getName();
    }
}
