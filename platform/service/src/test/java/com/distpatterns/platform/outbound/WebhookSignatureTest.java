package com.distpatterns.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    @Test
    void itReproducesTheStandardWebhooksReferenceVector() {
        // The example every Standard Webhooks library verifies: a receiver's library accepts what matches it.
        WebhookSecret secret = new WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        String signature = WebhookSignature.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void theSignatureCoversIdTimestampAndBody() {
        WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String signature = WebhookSignature.sign(secret, "e-1", 100, body);
        assertThat(WebhookSignature.sign(secret, "e-2", 100, body)).isNotEqualTo(signature);
        assertThat(WebhookSignature.sign(secret, "e-1", 101, body)).isNotEqualTo(signature);
        assertThat(WebhookSignature.sign(secret, "e-1", 100, "[]".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(signature);
        assertThat(WebhookSignature.sign(WebhookSecret.generate(new SecureRandom()), "e-1", 100, body))
                .isNotEqualTo(signature);
    }

    @Test
    void aSecretNeverShowsInLogs() {
        WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
        assertThat(secret.value()).startsWith("whsec_").hasSizeGreaterThan(40);
        assertThat(secret.toString()).doesNotContain(secret.value().substring(6));
    }
}
