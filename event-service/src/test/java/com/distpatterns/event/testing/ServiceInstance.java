package com.distpatterns.event.testing;

import com.distpatterns.event.EventServiceApplication;
import com.distpatterns.platform.test.TestInfrastructure;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One instance of the service started by hand, as a deployment starts it: for restarts and broker outages. */
public final class ServiceInstance implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private ServiceInstance(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * @param names the deployment's names (instances given the same names share subscriptions)
     * @param overrides further properties, e.g. a broker port
     */
    public static ServiceInstance start(TestNames names, Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>();
        properties.putAll(TestInfrastructure.rabbitProperties());
        properties.putAll(TestInfrastructure.redisProperties());
        properties.putAll(names.properties());
        properties.put("server.port", "0");
        properties.put("eureka.client.enabled", "false");
        properties.put("spring.main.banner-mode", "off");
        properties.putAll(overrides);
        // As command-line arguments: above application.yml, as a deployment's environment would be.
        String[] arguments = properties.entrySet().stream().map(p -> "--" + p.getKey() + "=" + p.getValue())
                .toArray(String[]::new);
        return new ServiceInstance(new SpringApplicationBuilder(EventServiceApplication.class).run(arguments));
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public EventServiceClient client() {
        return new EventServiceClient(port());
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** Stops the instance; with {@code removeDeployment}, first deletes the deployment's exchange and Redis keys. */
    public void close(boolean removeDeployment) {
        if (removeDeployment) {
            TestDeploymentCleanup.remove(context);
        }
        context.close();
    }

    @Override
    public void close() {
        close(false);
    }
}
