package com.distpatterns.gateway.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TransferEncodingNormalizationHeadersFilter;
import reactor.netty.http.client.HttpClient;

/**
 * Spring Cloud Gateway's routing filter, with its header filters' work on the request done in one copy of the
 * headers instead of one copy per filter ({@link OneCopyHeaders}), and the hop-by-hop headers removed from the
 * response in place. Everything else is Spring Cloud Gateway's own: the call, the timeouts, the response.
 *
 * <p>Only when the header filters are the defaults it knows (no trusted proxies, so forwarded headers are removed
 * rather than added; no header filter of another kind): else it keeps them all, as they are, and says so once.
 */
public final class OneCopyRoutingFilter extends NettyRoutingFilter {

    private static final Logger log = LoggerFactory.getLogger(OneCopyRoutingFilter.class);

    /** The request's header filters whose work {@link OneCopyHeaders} does: Spring Cloud Gateway's defaults, and ours. */
    static final Set<Class<?>> REPLACED = Set.of(RemoveForwardedHeadersFilter.class,
            RemoveXForwardedHeadersFilter.class, TransferEncodingNormalizationHeadersFilter.class,
            RemoveHopByHopHeadersFilter.class, GRPCRequestHeadersFilter.class, OutgoingHeadersFilter.class);

    private volatile List<HttpHeadersFilter> chosen;

    public OneCopyRoutingFilter(HttpClient httpClient, ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties) {
        super(httpClient, headersFilters, properties);
    }

    @Override
    public List<HttpHeadersFilter> getHeadersFilters() {
        List<HttpHeadersFilter> filters = chosen;
        if (filters == null) {
            // The beans are read on the first call, not at start-up, as Spring Cloud Gateway's own filter does.
            filters = choose(super.getHeadersFilters());
            chosen = filters;
        }
        return filters;
    }

    /** The filters a routed call's headers go through, given Spring Cloud Gateway's list (in its order). */
    static List<HttpHeadersFilter> choose(List<HttpHeadersFilter> framework) {
        Set<Class<?>> onRequests = new HashSet<>();
        RemoveHopByHopHeadersFilter hopByHop = null;
        OutgoingHeadersFilter outgoing = null;
        for (HttpHeadersFilter filter : framework) {
            if (filter.supports(HttpHeadersFilter.Type.REQUEST)) {
                onRequests.add(filter.getClass());
            }
            if (filter instanceof RemoveHopByHopHeadersFilter found) {
                hopByHop = found;
            } else if (filter instanceof OutgoingHeadersFilter found) {
                outgoing = found;
            }
        }
        if (!onRequests.equals(REPLACED)) {
            log.info("Routed calls' headers go through each header filter in turn: the request's are not the defaults"
                    + " ({})", onRequests.stream().map(Class::getSimpleName).sorted().toList());
            return framework;
        }
        OneCopyHeaders oneCopy = new OneCopyHeaders(hopByHop.getHeaders(), outgoing);
        List<HttpHeadersFilter> filters = new ArrayList<>();
        filters.add(oneCopy.requests());
        for (HttpHeadersFilter filter : framework) {
            if (!filter.supports(HttpHeadersFilter.Type.REQUEST) && filter.supports(HttpHeadersFilter.Type.RESPONSE)) {
                filters.add(filter);
            }
        }
        // Last on the response, where RemoveHopByHopHeadersFilter stood (LOWEST_PRECEDENCE - 1) among the defaults.
        filters.add(oneCopy.responses());
        return List.copyOf(filters);
    }
}
