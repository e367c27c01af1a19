package com.distpatterns.platform.service;

import com.distpatterns.platform.tracing.TracePropagation;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.catalina.core.StandardHost;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/** Wires the shared HTTP runtime into every servlet service of the suite. */
@AutoConfiguration(before = ErrorMvcAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(PlatformHttpProperties.class)
public class PlatformServiceAutoConfiguration {

    @Bean
    ProblemDetailsAdvice problemDetailsAdvice(ObjectProvider<ExceptionProblems> contributors) {
        return new ProblemDetailsAdvice(contributors.orderedStream().toList());
    }

    @Bean
    RequestBodyLimit requestBodyLimit(PlatformHttpProperties properties) {
        return new RequestBodyLimit(Math.toIntExact(properties.maxRequestBody().toBytes()));
    }

    @Bean
    JsonBodies jsonBodies(JsonMapper json) {
        return new JsonBodies(json);
    }

    @Bean
    ProblemErrorController problemErrorController() {
        return new ProblemErrorController();
    }

    @Bean
    RelativeServerOpenApi relativeServerOpenApi(Environment environment) {
        return new RelativeServerOpenApi(environment.getProperty("spring.application.name", "service"));
    }

    /** Tomcat's own error answers (a request it refuses before any application sees it) as problem+json. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({StandardHost.class, TomcatServletWebServerFactory.class})
    static class TomcatErrors {
        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
            return factory -> factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                }
            });
        }
    }

    /** Jetty's own error answers (a request it refuses before any application sees it) as problem+json. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.eclipse.jetty.server.Server",
            "org.springframework.boot.jetty.servlet.JettyServletWebServerFactory"})
    static class JettyErrors {
        @Bean
        JettyServerCustomizer problemErrorHandler() {
            return server -> server.setErrorHandler(new ProblemJettyErrorHandler());
        }
    }

    /**
     * The trace across raw AMQP publishes, hand-built consumers and JDK HTTP calls; inert without a tracer. Only in
     * services with Spring AMQP: its signatures name AMQP types, which a service without them cannot introspect.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.amqp.core.MessageProperties")
    static class Tracing {
        @Bean
        TracePropagation tracePropagation(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
            return new TracePropagation(tracer.getIfAvailable(() -> Tracer.NOOP),
                    propagator.getIfAvailable(() -> Propagator.NOOP));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.dao.DataAccessResourceFailureException")
    static class StoreRules {
        @Bean
        ExceptionProblems storeProblems() {
            return StoreProblems.rules();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.amqp.AmqpConnectException")
    static class BrokerRules {
        @Bean
        ExceptionProblems brokerProblems() {
            return BrokerProblems.rules();
        }
    }
}
