package com.distpatterns.platform.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A service on Jetty (cache-service) counts its requests in flight with {@link InFlightRequests} in place of Jetty's
 * full statistics, and Spring Boot's graceful shutdown still waits for a call in flight to be answered.
 */
class InFlightJettyTest {

    private static final CountDownLatch ENTERED = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    private ConfigurableApplicationContext context;

    @RestController
    static class Slow {
        @GetMapping("/slow")
        String slow() throws InterruptedException {
            ENTERED.countDown();
            RELEASE.await(20, TimeUnit.SECONDS);
            return "answered";
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {
        @Bean
        Slow slow() {
            return new Slow();
        }
    }

    @AfterEach
    void close() {
        RELEASE.countDown();
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aGracefulShutdownWaitsForTheCallInFlightToBeAnswered() throws Exception {
        context = new SpringApplicationBuilder(Application.class).run("--server.port=0", "--server.shutdown=graceful",
                "--eureka.client.enabled=false", "--spring.cloud.discovery.enabled=false",
                "--spring.application.name=in-flight-test", "--spring.autoconfigure.exclude=" + HttpEdgeTest.TOMCAT);
        var webServer = ((WebServerApplicationContext) context).getWebServer();
        Server jetty = ((JettyWebServer) webServer).getServer();
        assertThat(jetty.getHandler()).isInstanceOf(InFlightRequests.class);
        StatisticsHandler inFlight = (StatisticsHandler) jetty.getHandler();

        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webServer.getPort() + "/slow")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ENTERED.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(inFlight.getRequestsActive()).isEqualTo(1);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
        Thread.sleep(1_000);
        assertThat(closing).as("the shutdown waits for the call in flight").isNotDone();

        RELEASE.countDown();
        HttpResponse<String> answer = call.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("answered");
        closing.get(30, TimeUnit.SECONDS);
        assertThat(inFlight.getRequestsActive()).isZero();
        context = null;
    }
}
