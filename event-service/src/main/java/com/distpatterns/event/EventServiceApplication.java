package com.distpatterns.event;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Publish/subscribe over a topic exchange: SSE and webhooks. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class EventServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(EventServiceApplication.class, args);
    }
}
