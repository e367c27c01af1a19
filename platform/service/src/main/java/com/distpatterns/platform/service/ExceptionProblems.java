package com.distpatterns.platform.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.core.Ordered;

/**
 * Which exceptions of one contributor become which problem: a bean every service declares for its own exceptions,
 * read by the platform's one {@link ProblemDetailsAdvice}. Rules are tried in the order they were added, and the
 * contributors in {@link #getOrder() order}: a service's ({@link #SERVICE}) before the platform's shared ones for
 * unreachable stores and brokers ({@link #PLATFORM}). An exception no rule takes is a 500 that reveals nothing.
 */
public final class ExceptionProblems implements Ordered {

    /** The order of a service's own rules: tried first. */
    public static final int SERVICE = 0;
    /** The order of the platform's rules for infrastructure that cannot be reached: tried after the service's. */
    public static final int PLATFORM = 1000;

    private record Rule<E extends Throwable>(Class<E> type, Predicate<? super E> when,
            Function<? super E, ApiException> problem) {

        Optional<ApiException> apply(Throwable e) {
            if (!type.isInstance(e)) {
                return Optional.empty();
            }
            E typed = type.cast(e);
            return when.test(typed) ? Optional.of(problem.apply(typed)) : Optional.empty();
        }
    }

    private final int order;
    private final List<Rule<?>> rules;

    private ExceptionProblems(int order, List<Rule<?>> rules) {
        this.order = order;
        this.rules = List.copyOf(rules);
    }

    /** Rules of a service, tried before the platform's. */
    public static Builder service() {
        return new Builder(SERVICE);
    }

    static Builder platform() {
        return new Builder(PLATFORM);
    }

    /** The problem the first matching rule gives, if any rule takes this exception. */
    public Optional<ApiException> problemFor(Throwable e) {
        for (Rule<?> rule : rules) {
            Optional<ApiException> problem = rule.apply(e);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    @Override
    public int getOrder() {
        return order;
    }

    /** Collects rules in the order they are to be tried. */
    public static final class Builder {
        private final int order;
        private final List<Rule<?>> rules = new ArrayList<>();

        private Builder(int order) {
            this.order = order;
        }

        /** Every exception of this type (and its subtypes) becomes the problem {@code problem} makes of it. */
        public <E extends Throwable> Builder on(Class<E> type, Function<? super E, ApiException> problem) {
            return on(type, e -> true, problem);
        }

        /** Only the exceptions of this type that {@code when} accepts; the others go on to the next rule. */
        public <E extends Throwable> Builder on(Class<E> type, Predicate<? super E> when,
                Function<? super E, ApiException> problem) {
            rules.add(new Rule<>(type, when, problem));
            return this;
        }

        public ExceptionProblems build() {
            return new ExceptionProblems(order, rules);
        }
    }
}
