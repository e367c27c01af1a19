package com.distpatterns.client.spring.events;

import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.EventPublisher;
import com.distpatterns.client.spring.DistpatternsAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Events through the starter: an {@link EventPublisher} bean, {@code @SuiteEventListener} methods fed live over SSE
 * or durably through a webhook this application serves (in a servlet web application).
 */
@AutoConfiguration(after = DistpatternsAutoConfiguration.class)
@ConditionalOnBean(DistpatternsClient.class)
@EnableConfigurationProperties(EventsProperties.class)
public class EventsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EventPublisher distpatternsEventPublisher(DistpatternsClient client) {
        return client.publisher();
    }

    @Bean
    DurableListeners distpatternsDurableListeners(EventsProperties properties) {
        return new DurableListeners(properties);
    }

    @Bean
    SuiteEventListeners distpatternsSuiteEventListeners(ConfigurableListableBeanFactory beans,
            DistpatternsClient client,
            EventsProperties properties, DurableListeners durable, ObjectProvider<WebhookEndpoint> webhook) {
        return new SuiteEventListeners(beans, client, properties, durable, webhook.getIfAvailable() != null);
    }

    /** Marks that this application serves the webhook of its durable listeners (no servlet type in its signature). */
    record WebhookEndpoint() {}

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "jakarta.servlet.http.HttpServlet")
    static class WebhookConfiguration {

        @Bean
        ServletRegistrationBean<WebhookServlet> distpatternsWebhookServlet(DurableListeners durable,
                EventsProperties properties) {
            ServletRegistrationBean<WebhookServlet> registration = new ServletRegistrationBean<>(
                    new WebhookServlet(durable), properties.webhookPath() + "/*");
            registration.setName("distpatternsWebhook");
            return registration;
        }

        @Bean
        WebhookEndpoint distpatternsWebhookEndpoint() {
            return new WebhookEndpoint();
        }
    }
}
