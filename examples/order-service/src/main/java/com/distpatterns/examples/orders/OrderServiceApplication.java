package com.distpatterns.examples.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * An order service that uses the suite through the starter and nothing else: a lock per product around the stock
 * update, prices cached in cache-service, stock and orders in the consensus key-value store, and invoices rendered
 * as tasks that any instance of this application serves ({@code @TaskHandler}).
 */
@SpringBootApplication
@EnableCaching
public class OrderServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrderServiceApplication.class, args);
    }
}
