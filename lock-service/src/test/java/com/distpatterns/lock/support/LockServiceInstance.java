package com.distpatterns.lock.support;

import com.distpatterns.lock.LockServiceApplication;
import com.distpatterns.platform.test.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** One lock-service instance started by hand on a random port, as a second (or third) process would be. */
public final class LockServiceInstance implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final LockHttpClient client;

    private LockServiceInstance(ConfigurableApplicationContext context, HttpClient http) {
        this.context = context;
        int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
        this.client = new LockHttpClient(http, port);
    }

    /**
     * Starts an instance on the test Redis; {@code properties} come last and win (e.g. a Redis port of a proxy).
     */
    public static LockServiceInstance start(String keyPrefix, HttpClient http, Map<String, String> properties) {
        Map<String, String> all = new TreeMap<>(TestInfrastructure.redisProperties());
        all.put("server.port", "0");
        all.put("eureka.client.enabled", "false");
        all.put("lock.key-prefix", keyPrefix);
        all.put("spring.main.banner-mode", "off");
        all.put("server.shutdown", "immediate");
        all.putAll(properties);
        List<String> args = new ArrayList<>();
        all.forEach((key, value) -> args.add("--" + key + "=" + value));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(LockServiceApplication.class)
                .run(args.toArray(String[]::new));
        return new LockServiceInstance(context, http);
    }

    public LockHttpClient client() {
        return client;
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    /** How many grants this instance made by the given path: immediate, notification or poll. */
    public double grants(String path) {
        return context.getBean(MeterRegistry.class).get("lock.grants").tag("path", path).counter().count();
    }

    @Override
    public void close() {
        context.close();
    }
}
