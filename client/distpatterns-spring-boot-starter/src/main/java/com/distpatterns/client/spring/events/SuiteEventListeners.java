package com.distpatterns.client.spring.events;

import com.distpatterns.client.DistpatternsClient;
import com.distpatterns.client.EventStream;
import com.distpatterns.client.SuiteEvent;
import com.distpatterns.client.spring.SuiteEventListener;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;

/**
 * Finds {@code @SuiteEventListener} methods on every bean; once the application is ready, opens one live event
 * stream per live method and points every durable subscription at this application's webhook; closes the streams
 * when the application stops (durable subscriptions stay: their events wait in event-service until it is back).
 */
public final class SuiteEventListeners
        implements SmartInitializingSingleton, ApplicationListener<ApplicationReadyEvent>,
        SmartLifecycle {

    private static final Log log = LogFactory.getLog(SuiteEventListeners.class);

    private final ConfigurableListableBeanFactory beans;
    private final DistpatternsClient client;
    private final EventsProperties properties;
    private final DurableListeners durable;
    private final boolean webhookServed;
    private final List<ListenerMethod> live = new ArrayList<>();
    private final List<EventStream> streams = new ArrayList<>();
    private volatile boolean running;

    SuiteEventListeners(ConfigurableListableBeanFactory beans, DistpatternsClient client, EventsProperties properties,
            DurableListeners durable, boolean webhookServed) {
        this.beans = beans;
        this.client = client;
        this.properties = properties;
        this.durable = durable;
        this.webhookServed = webhookServed;
    }

    /** After every singleton exists (as Spring's own {@code @EventListener} processing does): find the methods. */
    @Override
    public void afterSingletonsInstantiated() {
        for (String beanName : beans.getBeanNamesForType(Object.class, false, false)) {
            Class<?> type = AutoProxyUtils.determineTargetClass(beans, beanName);
            if (type == null) {
                continue;
            }
            Map<Method, SuiteEventListener> methods = MethodIntrospector.selectMethods(type,
                    (MethodIntrospector.MetadataLookup<SuiteEventListener>) method -> AnnotatedElementUtils
                            .findMergedAnnotation(method, SuiteEventListener.class));
            if (methods.isEmpty()) {
                continue;
            }
            Object bean = beans.getBean(beanName);
            methods.forEach((method, annotation) -> {
                ListenerMethod listener = ListenerMethod.of(beanName, bean, method, resolve(annotation.pattern()),
                        resolve(annotation.subscription()));
                if (listener.durable()) {
                    durable.add(listener);
                } else {
                    synchronized (live) {
                        live.add(listener);
                    }
                }
            });
        }
    }

    /** Attributes may be {@code ${property}} placeholders, as in {@code @KafkaListener}. */
    private String resolve(String value) {
        String resolved = beans.resolveEmbeddedValue(value);
        return resolved == null ? "" : resolved.strip();
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!durable.isEmpty()) {
            durable.register(client, callbackBase(event.getApplicationContext().getEnvironment()));
        }
    }

    /** The configured callback URL, or this application's own server on loopback. */
    private URI callbackBase(Environment environment) {
        if (properties.callbackUrl() != null) {
            return properties.callbackUrl();
        }
        String port = environment.getProperty("local.server.port");
        if (!webhookServed || port == null) {
            throw new IllegalStateException("durable @SuiteEventListener methods need this application to serve their "
                    + "webhook: a servlet web application (spring-boot-starter-web), or distpatterns.events.callback-url "
                    + "pointing at one that forwards to it");
        }
        String contextPath = environment.getProperty("server.servlet.context-path", "").replaceAll("/+$", "");
        return URI.create("http://127.0.0.1:" + port + contextPath);
    }

    /** Live streams open when the context has started (every bean exists), before the application is ready. */
    @Override
    public void start() {
        synchronized (live) {
            for (ListenerMethod listener : live) {
                streams.add(client.stream(listener.pattern(), new EventStream.Listener() {
                    @Override
                    public void onEvent(SuiteEvent event) {
                        listener.invoke(event);
                    }
                }));
                log.info("Live listener " + listener.describe() + " follows " + listener.pattern());
            }
        }
        running = true;
    }

    @Override
    public void stop() {
        synchronized (live) {
            streams.forEach(EventStream::close);
            streams.clear();
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
