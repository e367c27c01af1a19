package com.distpatterns.consensus;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A node of the Raft cluster that serves the linearizable key-value store. */
@SpringBootApplication
public class ConsensusServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ConsensusServiceApplication.class, args);
    }
}
