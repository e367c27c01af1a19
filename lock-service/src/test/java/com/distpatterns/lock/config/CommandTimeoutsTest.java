package com.distpatterns.lock.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The store waits for Redis untimed, so the service refuses to start on a client that never expires commands. */
class CommandTimeoutsTest {

    @Test
    void aLettuceClientThatExpiresCommandsIsAccepted() {
        assertThatCode(() -> LockConfiguration.requireCommandTimeouts(factory(TimeoutOptions.enabled())))
                .doesNotThrowAnyException();
        assertThatCode(() -> LockConfiguration.requireCommandTimeouts(new LettuceConnectionFactory()))
                .doesNotThrowAnyException();
    }

    @Test
    void aLettuceClientThatNeverExpiresCommandsIsRefused() {
        assertThatThrownBy(() -> LockConfiguration
                .requireCommandTimeouts(factory(TimeoutOptions.builder().timeoutCommands(false).build())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("command timeouts");
    }

    private static LettuceConnectionFactory factory(TimeoutOptions timeouts) {
        LettuceClientConfiguration client = LettuceClientConfiguration.builder()
                .clientOptions(ClientOptions.builder().timeoutOptions(timeouts).build()).build();
        return new LettuceConnectionFactory(new RedisStandaloneConfiguration(), client);
    }
}
