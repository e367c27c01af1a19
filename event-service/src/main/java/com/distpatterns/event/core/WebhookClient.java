package com.distpatterns.event.core;

import java.net.URI;
import java.util.Map;

/** Makes one webhook call; never follows redirects, never waits longer than its timeouts. */
public interface WebhookClient {

    WebhookResponse post(URI url, Map<String, String> headers, byte[] body);
}
