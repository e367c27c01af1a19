package com.distpatterns.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterOrderTest {

    @Test
    void everyAttributeAFilterReadsIsWrittenByAFilterBeforeIt() {
        Set<ExchangeAttribute<?>> written = new HashSet<>(FilterOrder.Attributes.FROM_FRAMEWORK);
        for (FilterOrder stage : FilterOrder.values()) {
            assertThat(written).as("%s reads only what a filter before it writes", stage).containsAll(stage.reads());
            written.addAll(stage.writes());
        }
    }

    @Test
    void theDeclaredOrderIsTheOrderTheyRunIn() {
        FilterOrder[] stages = FilterOrder.values();
        for (int i = 1; i < stages.length; i++) {
            assertThat(stages[i].order()).as("%s after %s", stages[i], stages[i - 1])
                    .isGreaterThan(stages[i - 1].order());
        }
    }

    @Test
    void theFiltersTakeTheirOrderFromTheDeclaration() {
        assertThat(new RequestIdFilter().getOrder()).isEqualTo(FilterOrder.REQUEST_ID.order());
        assertThat(new PathGuardFilter(null).getOrder()).isEqualTo(FilterOrder.PATH_GUARD.order());
        assertThat(new ApiKeyFilter(null, java.util.List.of(), null).getOrder()).isEqualTo(FilterOrder.API_KEY.order());
        assertThat(new RateLimitFilter(null, null).getOrder()).isEqualTo(FilterOrder.RATE_LIMIT.order());
        assertThat(new CachedContextFilter().getOrder()).isEqualTo(FilterOrder.CACHED_CONTEXT.order());
        assertThat(new RouteTimingFilter(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()).getOrder())
                .isEqualTo(FilterOrder.ROUTE_TIMING.order());
        assertThat(new InstanceChoiceFilter(null).getOrder()).isEqualTo(FilterOrder.INSTANCE_CHOICE.order());
        assertThat(new OutgoingHeadersFilter(null).getOrder()).isEqualTo(FilterOrder.OUTGOING_HEADERS.order());
    }
}
