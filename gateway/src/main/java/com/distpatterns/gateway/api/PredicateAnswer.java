package com.distpatterns.gateway.api;

import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

/**
 * A route predicate's answer, subscribed to once: there as soon as {@link #ask} returns when the predicate answers on
 * the caller's thread (every predicate of a route in this gateway's configuration does), else when it answers. As in
 * Spring Cloud Gateway's own look-up, an empty answer is no, and only the first value counts.
 *
 * <p>It carries the Reactor context of the request's handler look-up, so that a predicate that reads it (none of the
 * built-in ones does) finds it, without walking the look-up's chain of operators for it.
 */
final class PredicateAnswer extends CompletableFuture<Boolean> implements CoreSubscriber<Boolean> {

    private final Context context;
    private volatile Subscription subscription;

    private PredicateAnswer(Context context) {
        this.context = context;
    }

    static PredicateAnswer ask(Publisher<Boolean> predicate, Context context) {
        PredicateAnswer answer = new PredicateAnswer(context);
        predicate.subscribe(answer);
        return answer;
    }

    /** A predicate that failed before it could answer: no, as in Spring Cloud Gateway's look-up. */
    static PredicateAnswer no() {
        PredicateAnswer answer = new PredicateAnswer(Context.empty());
        answer.complete(false);
        return answer;
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(Boolean matched) {
        complete(Boolean.TRUE.equals(matched));
        Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void onError(Throwable error) {
        completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        complete(false);
    }

    @Override
    public Context currentContext() {
        return context;
    }

    /** The request went away while the predicate was still deciding: it need not go on. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        return super.cancel(mayInterruptIfRunning);
    }
}
