package com.distpatterns.event;

import com.distpatterns.event.testing.EventServiceClient;
import com.distpatterns.event.testing.TestDeploymentCleanup;
import com.distpatterns.event.testing.TestNames;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The service on a random port against the real broker and Redis, one context shared by the test classes. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestDeploymentCleanup.class)
public abstract class EventServiceTestBase {

    protected static final TestNames NAMES = TestNames.unique();

    @LocalServerPort
    int port;

    protected EventServiceClient client;

    @DynamicPropertySource
    static void testDeployment(DynamicPropertyRegistry registry) {
        NAMES.properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @BeforeEach
    void client() {
        client = new EventServiceClient(port);
    }
}
