package com.distpatterns.client.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that receives the suite's events matching {@link #pattern()}. The method takes one
 * parameter: a {@link com.distpatterns.client.SuiteEvent} (id, type, source, time, data), or the type the event's
 * data is read as (a record, a {@code Map}, a {@code List<T>}, a {@code JsonNode}, ...).
 *
 * <ul>
 *   <li>Without {@link #subscription()}: <b>live</b>, over Server-Sent Events from the moment the application has
 *       started, reconnecting by itself; events published while it is not connected are not received.</li>
 *   <li>With {@code subscription = "name"}: <b>durable</b>. The starter makes (or updates) event-service's
 *       subscription of that name to POST the events to a webhook this application serves itself (a servlet at
 *       {@code distpatterns.events.webhook-path}), checks each delivery's signature, and answers 2xx only once the
 *       method returned: events published while the application was down, or that the method failed on, are
 *       delivered (again) by event-service's retries. Delivery is at least once; the starter skips an event id it
 *       has handled recently, so a method should still be idempotent across restarts.</li>
 * </ul>
 *
 * <p>Both attributes may be {@code ${property}} placeholders.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SuiteEventListener {

    /** AMQP topic pattern: words of {@code [a-z0-9_-]}, {@code *} one word, {@code #} zero or more. */
    String pattern();

    /**
     * The name of a durable subscription ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}}); empty for a live listener. One
     * method per name.
     */
    String subscription() default "";
}
