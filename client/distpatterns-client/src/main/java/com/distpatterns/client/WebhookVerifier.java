package com.distpatterns.client;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the Standard Webhooks signature event-service puts on every delivery: {@code webhook-signature} holds
 * {@code v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>} (possibly several, space
 * separated, during a key rotation), the key being the base64 part of the secret {@code whsec_<base64>}, and
 * {@code webhook-timestamp} must be within {@code tolerance} of now, so a captured delivery cannot be replayed later.
 */
public final class WebhookVerifier {

    private static final String PREFIX = "whsec_";

    private final SecretKeySpec key;
    private final Duration tolerance;
    private final Clock clock;

    public WebhookVerifier(String secret, Duration tolerance, Clock clock) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret is whsec_<base64>");
        }
        this.key = new SecretKeySpec(Base64.getDecoder().decode(secret.substring(PREFIX.length())), "HmacSHA256");
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** With the Standard Webhooks' usual tolerance of 5 minutes. */
    public WebhookVerifier(String secret) {
        this(secret, Duration.ofMinutes(5), Clock.systemUTC());
    }

    /** Whether these headers sign this body; any missing header, a stale timestamp or a wrong signature is false. */
    public boolean verify(String id, String timestamp, String signatures, byte[] body) {
        if (id == null || timestamp == null || signatures == null || body == null) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = ("v1," + Base64.getEncoder().encodeToString(sign(id, timestamp.strip(), body)))
                .getBytes(StandardCharsets.UTF_8);
        for (String candidate : signatures.strip().split(" +")) {
            if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }

    private byte[] sign(String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
