package com.distpatterns.event.core;

/** A webhook URL the service will not call: wrong scheme, not on the allow-list, or pointing into private networks. */
public class WebhookNotAllowedException extends InvalidInputException {

    public WebhookNotAllowedException(String detail) {
        super("webhook-not-allowed", detail);
    }
}
