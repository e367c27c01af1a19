package com.distpatterns.platform.outbound;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 of HMAC-SHA256("<id>.<timestamp>.<body>")>}, so a receiver can
 * verify with any Standard Webhooks library and reject replays by the timestamp.
 */
public final class WebhookSignature {

    public static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {}

    /**
     * @param id the {@code webhook-id} header: the event id, the same on every attempt
     * @param timestamp the {@code webhook-timestamp} header: seconds since the epoch
     * @param body the exact bytes sent as the request body
     */
    public static String sign(WebhookSecret secret, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.key(), ALGORITHM));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return VERSION + "," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
