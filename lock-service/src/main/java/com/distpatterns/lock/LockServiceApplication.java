package com.distpatterns.lock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Leases with fencing tokens, safe release, renewal and fair waiting. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LockServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(LockServiceApplication.class, args);
    }
}
