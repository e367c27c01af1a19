package com.distpatterns.gateway.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;
import org.springframework.context.ConfigurableApplicationContext;

/** A real Eureka server in the test JVM, and registrations made through its REST API as any client makes them. */
public final class EmbeddedEureka implements AutoCloseable {

    /** The gateway's own auto-configurations share the test classpath but have no place in a Eureka server. */
    private static final String GATEWAY_AUTO_CONFIGURATIONS = String.join(",",
            "org.springframework.cloud.gateway.config.GatewayClassPathWarningAutoConfiguration",
            "org.springframework.cloud.gateway.config.GatewayAutoConfiguration",
            "org.springframework.cloud.gateway.config.GatewayResilience4JCircuitBreakerAutoConfiguration",
            "org.springframework.cloud.gateway.config.GatewayNoLoadBalancerClientAutoConfiguration",
            "org.springframework.cloud.gateway.config.GatewayFunctionAutoConfiguration",
            "org.springframework.cloud.gateway.config.GatewayMetricsAutoConfiguration",
            "org.springframework.cloud.gateway.config.GatewayRedisAutoConfiguration",
            "org.springframework.cloud.gateway.config.GatewayStreamAutoConfiguration",
            "org.springframework.cloud.gateway.discovery.GatewayDiscoveryClientAutoConfiguration",
            "org.springframework.cloud.gateway.config.SimpleUrlHandlerMappingGlobalCorsAutoConfiguration",
            "org.springframework.cloud.gateway.config.GatewayReactiveLoadBalancerClientAutoConfiguration",
            "org.springframework.cloud.gateway.config.LocalResponseCacheAutoConfiguration",
            "org.springframework.cloud.gateway.config.GatewayTracingAutoConfiguration");

    private final ConfigurableApplicationContext context;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private EmbeddedEureka(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public static EmbeddedEureka start() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Server.class)
                .web(WebApplicationType.SERVLET)
                .run("--spring.config.name=embedded-eureka",
                        "--server.port=0",
                        "--spring.application.name=embedded-eureka",
                        "--spring.autoconfigure.exclude=" + GATEWAY_AUTO_CONFIGURATIONS,
                        "--eureka.client.register-with-eureka=false",
                        "--eureka.client.fetch-registry=false",
                        "--eureka.server.use-read-only-response-cache=false",
                        "--eureka.server.enable-self-preservation=false",
                        "--management.endpoints.web.exposure.include=health");
        return new EmbeddedEureka(context);
    }

    public String serviceUrl() {
        return "http://127.0.0.1:" + port + "/eureka/";
    }

    /** Points a gateway under test at this server: fetching often, not registering itself. */
    public void configureClient(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("eureka.client.enabled", () -> "true");
        registry.add("eureka.client.register-with-eureka", () -> "false");
        registry.add("eureka.client.registry-fetch-interval-seconds", () -> "1");
        registry.add("eureka.client.service-url.defaultZone", this::serviceUrl);
    }

    /** Registers an instance of {@code app} at 127.0.0.1:{@code instancePort}, UP, with a long lease. */
    public void register(String app, String instanceId, int instancePort) {
        String name = app.toUpperCase(Locale.ROOT);
        String body = """
                {"instance":{"instanceId":"%s","hostName":"127.0.0.1","app":"%s","ipAddr":"127.0.0.1",
                "status":"UP","port":{"$":%d,"@enabled":"true"},"vipAddress":"%s","secureVipAddress":"%s",
                "leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":600},
                "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}}
                """.formatted(instanceId, name, instancePort, app, app);
        HttpRequest request = HttpRequest.newBuilder(URI.create(serviceUrl() + "apps/" + name))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 204) {
                throw new IllegalStateException(
                        "Eureka refused the registration of " + app + ": " + response.statusCode());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }

    /** The Eureka server application: nothing but auto-configuration and {@code @EnableEurekaServer}. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableEurekaServer
    static class Server {}
}
