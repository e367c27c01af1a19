package com.distpatterns.event.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"user", "user.created", "task.succeeded", "a-b.c_d.0"})
    void eventTypesAreDotSeparatedWords(String type) {
        assertThat(new EventType(type).value()).isEqualTo(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "User", "user.", ".user", "user..created", "user.*", "user.#", "user created", "ü"})
    void otherEventTypesAreRefusedWithAReason(String type) {
        assertThatThrownBy(() -> new EventType(type))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dot-separated words")
                .extracting(e -> ((InvalidInputException) e).problem()).isEqualTo("invalid-event-type");
    }

    @Test
    void anEventTypeIsAtMostARoutingKeyLong() {
        assertThat(new EventType("a".repeat(255)).value()).hasSize(255);
        assertThatThrownBy(() -> new EventType("a".repeat(256))).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "*", "user.*", "user.#", "*.created", "#.created", "a.*.#.b", "user.created"})
    void patternsUseTopicSyntax(String pattern) {
        assertThat(new TopicPattern(pattern).value()).isEqualTo(pattern);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "user.**", "user.#x", "user..x", "User.*", ".#", "#.", "a b"})
    void otherPatternsAreRefused(String pattern) {
        assertThatThrownBy(() -> new TopicPattern(pattern))
                .isInstanceOf(InvalidInputException.class)
                .extracting(e -> ((InvalidInputException) e).problem()).isEqualTo("invalid-pattern");
    }

    @Test
    void theDefaultPatternMatchesEverything() {
        assertThat(TopicPattern.ALL.value()).isEqualTo("#");
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders", "Billing-v2", "a", "x.y_z-1"})
    void subscriptionNamesAreShortAndSafeForQueueNames(String name) {
        assertThat(new SubscriptionName(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "-a", "a b", "a/b", "é"})
    void otherSubscriptionNamesAreRefused(String name) {
        assertThatThrownBy(() -> new SubscriptionName(name)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new SubscriptionName("a".repeat(65))).isInstanceOf(InvalidInputException.class);
    }
}
