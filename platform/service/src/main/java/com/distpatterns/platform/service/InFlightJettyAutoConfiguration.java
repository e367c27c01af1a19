package com.distpatterns.platform.service;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.servlet.ServletWebServerFactory;
import org.springframework.context.annotation.Bean;

/**
 * Jetty's server factory as Spring Boot makes it, as an {@link InFlightJettyFactory}, for a service that runs on Jetty
 * (cache-service). Ordered after Tomcat's auto-configuration and before Jetty's, so the container stays Spring Boot's
 * choice: where Tomcat is there and not excluded, its factory comes first and this backs off; Spring Boot's Jetty
 * factory, which this one replaces, backs off for it in turn.
 */
@AutoConfiguration(
        afterName = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration",
        beforeName = "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"org.eclipse.jetty.server.Server", "org.eclipse.jetty.ee11.webapp.WebAppContext",
        "org.springframework.boot.jetty.servlet.JettyServletWebServerFactory"})
public class InFlightJettyAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ServletWebServerFactory.class)
    JettyServletWebServerFactory inFlightJettyServletWebServerFactory(
            ObjectProvider<JettyServerCustomizer> customizers) {
        JettyServletWebServerFactory factory = new InFlightJettyFactory();
        factory.getServerCustomizers().addAll(customizers.orderedStream().toList());
        return factory;
    }
}
