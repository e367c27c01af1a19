package com.distpatterns.platform.outbound;

/** A URL a service will not call: wrong scheme, not on the allow-list, or pointing into private networks. */
public class UrlNotAllowedException extends RuntimeException {

    public UrlNotAllowedException(String detail) {
        super(detail, null, false, false);
    }
}
