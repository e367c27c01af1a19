package com.distpatterns.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

/**
 * The shared stream of snapshots goes on for every page whatever one page or one poll does: a page that stops
 * reading, a poll that never ends, a poll that fails. Each poll here answers with its own number.
 */
class SuiteSnapshotsTest {

    static final Duration PERIOD = Duration.ofMillis(50);
    static final Duration LIMIT = Duration.ofMillis(300);

    final AtomicInteger polls = new AtomicInteger();
    final List<Disposable> subscribers = new CopyOnWriteArrayList<>();

    @AfterEach
    void cancel() {
        subscribers.forEach(Disposable::dispose);
    }

    SuiteSnapshots numbered(IntFunction<Mono<String>> answer) {
        return new SuiteSnapshots(() -> answer.apply(polls.incrementAndGet()), PERIOD, LIMIT);
    }

    List<Integer> watch(SuiteSnapshots snapshots) {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        subscribers.add(snapshots.json().map(Integer::valueOf).subscribe(seen::add));
        return seen;
    }

    @Test
    void aPageThatStopsReadingHoldsUpNoOtherAndGetsTheLatestWhenItReadsAgain() {
        SuiteSnapshots snapshots = numbered(n -> Mono.just(Integer.toString(n)));
        List<Integer> stalled = new CopyOnWriteArrayList<>();
        BaseSubscriber<String> stalledPage = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                request(1);
            }

            @Override
            protected void hookOnNext(String value) {
                stalled.add(Integer.valueOf(value));
            }
        };
        snapshots.json().subscribe(stalledPage);
        subscribers.add(stalledPage);
        List<Integer> reading = watch(snapshots);

        await().atMost(Duration.ofSeconds(5)).until(() -> reading.size() >= 20);
        assertThat(stalled).hasSize(1);
        assertThat(reading).isSorted().doesNotHaveDuplicates();

        // The poll counted here may not have reached the stream yet: the latest is this one or the one before.
        int before = polls.get();
        stalledPage.request(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> stalled.size() == 2);
        assertThat(stalled.get(1)).as("the latest snapshot, not the one after its first").isGreaterThanOrEqualTo(
                before - 1);
    }

    @Test
    void aPollThatNeverEndsIsGivenUpAndTheNextPollsGoOn() {
        SuiteSnapshots snapshots = numbered(n -> n == 3 ? Mono.never() : Mono.just(Integer.toString(n)));
        List<Integer> seen = watch(snapshots);

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 10);
        assertThat(seen).startsWith(1, 2, 4, 5).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aPollThatFailsOrThrowsIsLeftOutAndTheStreamGoesOn() {
        SuiteSnapshots snapshots = numbered(n -> switch (n) {
            case 2 -> Mono.error(new IllegalStateException("the registry is gone"));
            case 3 -> throw new IllegalStateException("a bug in the probe");
            case 4 -> Mono.empty();
            default -> Mono.just(Integer.toString(n));
        });
        List<Integer> seen = watch(snapshots);

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 5);
        assertThat(seen).startsWith(1, 5, 6, 7, 8);
    }

    @Test
    void oneSequenceOfPollsForEveryPageAndNoneWhileNoPageWatches() throws InterruptedException {
        SuiteSnapshots snapshots = numbered(n -> Mono.just(Integer.toString(n)));
        List<Integer> first = watch(snapshots);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.size() >= 3);
        List<Integer> second = watch(snapshots);
        await().atMost(Duration.ofSeconds(5)).until(() -> second.size() >= 5);
        int pages = second.getFirst();
        assertThat(first).as("the page that joins gets the latest at once, then the same polls").contains(pages);
        assertThat(polls.get()).isLessThanOrEqualTo(first.getLast() + 1);

        subscribers.forEach(Disposable::dispose);
        int after = polls.get();
        Thread.sleep(PERIOD.multipliedBy(6).toMillis());
        assertThat(polls.get()).isLessThanOrEqualTo(after + 1);
    }
}
