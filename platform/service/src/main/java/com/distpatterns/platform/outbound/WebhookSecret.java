package com.distpatterns.platform.outbound;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The key a subscription's deliveries are signed with, in the Standard Webhooks form {@code whsec_<base64>}.
 * Shown to the client once, when the subscription is created; {@link #toString()} never reveals it.
 */
public record WebhookSecret(String value) {

    public static final String PREFIX = "whsec_";
    private static final int KEY_BYTES = 32;

    public WebhookSecret {
        if (value == null || !value.startsWith(PREFIX)) {
            throw new IllegalArgumentException("A webhook secret starts with " + PREFIX);
        }
        Base64.getDecoder().decode(value.substring(PREFIX.length()));
    }

    public static WebhookSecret generate(SecureRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return new WebhookSecret(PREFIX + Base64.getEncoder().encodeToString(key));
    }

    /** The HMAC key: the bytes the base64 part stands for. */
    public byte[] key() {
        return Base64.getDecoder().decode(value.substring(PREFIX.length()));
    }

    @Override
    public String toString() {
        return PREFIX + "<hidden>";
    }
}
