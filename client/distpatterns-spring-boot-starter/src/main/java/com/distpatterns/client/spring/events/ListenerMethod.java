package com.distpatterns.client.spring.events;

import com.distpatterns.client.SuiteEvent;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;

/**
 * One {@code @SuiteEventListener} method of one bean, and how its parameter is made from an event.
 *
 * @param beanName for messages
 * @param bean the bean (a proxy included: the method is called through it)
 * @param method the method as invocable on {@code bean}
 * @param pattern its pattern
 * @param subscription its durable subscription's name, empty for a live listener
 */
record ListenerMethod(String beanName, Object bean, Method method, String pattern, String subscription) {

    static ListenerMethod of(String beanName, Object bean, Method declared, String pattern, String subscription) {
        if (declared.getParameterCount() != 1) {
            throw new IllegalStateException(
                    "@SuiteEventListener method " + declared + " must take exactly one parameter: "
                            + "a SuiteEvent or the type of the event's data");
        }
        Method invocable = AopUtils.selectInvocableMethod(declared, bean.getClass());
        ReflectionUtils.makeAccessible(invocable);
        return new ListenerMethod(beanName, bean, invocable, pattern, subscription);
    }

    boolean durable() {
        return !subscription.isEmpty();
    }

    /**
     * Calls the method with the event, or its data as the parameter's type.
     *
     * @throws RuntimeException what the method threw (a checked exception wrapped), or the data not being readable
     */
    void invoke(SuiteEvent event) {
        Type parameter = method.getGenericParameterTypes()[0];
        Object argument = parameter == SuiteEvent.class ? event : event.data(parameter);
        try {
            method.invoke(bean, argument);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(describe() + " failed", cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(describe() + " is not accessible", e);
        }
    }

    String describe() {
        return beanName + "." + method.getName() + (durable() ? " (subscription " + subscription + ")" : " (live)");
    }
}
