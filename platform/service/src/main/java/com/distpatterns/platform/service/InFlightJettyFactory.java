package com.distpatterns.platform.service;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;

/**
 * Spring Boot's Jetty, with {@link InFlightRequests} in place of the {@link StatisticsHandler} Spring Boot puts in
 * front of every request for a graceful shutdown. The swap happens where Spring Boot has built the server and not yet
 * started it: no server customizer runs late enough to see that handler.
 */
final class InFlightJettyFactory extends JettyServletWebServerFactory {

    @Override
    protected JettyWebServer getJettyWebServer(Server server) {
        if (server.getHandler() instanceof StatisticsHandler statistics
                && statistics.getClass() == StatisticsHandler.class) {
            Handler application = statistics.getHandler();
            statistics.setHandler((Handler) null);
            server.setHandler(new InFlightRequests(application));
        }
        return super.getJettyWebServer(server);
    }
}
