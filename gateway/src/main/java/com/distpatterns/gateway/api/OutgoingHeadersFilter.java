package com.distpatterns.gateway.api;

import com.distpatterns.gateway.core.RequestIds;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers of the request sent downstream: without {@code X-API-Key} (the key authenticates the caller to the
 * gateway; services never see it), with the request's {@code X-Request-Id}.
 */
public final class OutgoingHeadersFilter implements HttpHeadersFilter, Ordered {

  @Override
  public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    String id = FilterOrder.Attributes.REQUEST_ID.get(exchange);
    try {
      edit(input, id);
      return input;
    } catch (UnsupportedOperationException readOnly) {
      // Only if no header filter before this one copied the request's own, read-only headers (FilterOrder).
      HttpHeaders copy = new HttpHeaders();
      copy.putAll(input);
      edit(copy, id);
      return copy;
    }
  }

  private static void edit(HttpHeaders headers, String requestId) {
    headers.remove(ApiKeyFilter.HEADER);
    if (requestId != null) {
      headers.set(RequestIds.HEADER, requestId);
    }
  }

  @Override
  public boolean supports(Type type) {
    return type == Type.REQUEST;
  }

  @Override
  public int getOrder() {
    return FilterOrder.OUTGOING_HEADERS.order();
  }
}
