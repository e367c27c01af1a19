package com.distpatterns.platform.service;

/** Every case of {@link HttpEdgeTest} on Jetty, the container of cache-service. */
class HttpEdgeOnJettyTest extends HttpEdgeTest {

    @Override
    String otherContainer() {
        return TOMCAT;
    }

    @Override
    String expectedServer() {
        return "JettyServletWebServer";
    }
}
