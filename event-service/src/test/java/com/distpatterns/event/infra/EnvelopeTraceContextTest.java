package com.distpatterns.event.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EnvelopeTraceContextTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static String with(String envelope, Object header) {
        return new String(EnvelopeTraceContext.with(envelope.getBytes(StandardCharsets.UTF_8), header),
                StandardCharsets.UTF_8);
    }

    @Test
    void theTraceparentBecomesAnAttributeOfTheEnvelopeAndTheRestStaysAsItWas() {
        String envelope = " \n{ \"id\":\"1\",\"data\":{\"a\":[1,2]}}";
        String traced = with(envelope, TRACEPARENT);
        JsonNode node = JSON.readTree(traced);
        assertThat(node.get("traceparent").asString()).isEqualTo(TRACEPARENT);
        assertThat(node.get("id").asString()).isEqualTo("1");
        assertThat(node.get("data")).isEqualTo(JSON.readTree("{\"a\":[1,2]}"));
        assertThat(traced).endsWith(" \"id\":\"1\",\"data\":{\"a\":[1,2]}}");
    }

    @Test
    void nothingChangesWithoutAWellFormedHeaderOrAnObjectToPutItIn() {
        String envelope = "{\"id\":\"1\"}";
        assertThat(with(envelope, null)).isEqualTo(envelope);
        assertThat(with(envelope, "00-" + "x".repeat(32) + "-00f067aa0ba902b7-01")).isEqualTo(envelope);
        assertThat(with(envelope, TRACEPARENT + "\",\"evil\":\"1")).isEqualTo(envelope);
        assertThat(with("{}", TRACEPARENT)).isEqualTo("{}");
        assertThat(with("[1]", TRACEPARENT)).isEqualTo("[1]");
        assertThat(with("", TRACEPARENT)).isEmpty();
    }

    @Test
    void aTraceparentTheProducerSetStands() {
        String envelope = "{\"traceparent\":\"00-11111111111111111111111111111111-2222222222222222-01\",\"id\":\"1\"}";
        assertThat(with(envelope, TRACEPARENT)).isEqualTo(envelope);
    }
}
