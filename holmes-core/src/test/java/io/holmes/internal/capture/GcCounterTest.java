package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The wait for a collection ends with the collection, told by the collectors' notifications. */
class GcCounterTest {

    @Test
    void awaitNext_returnsOnceACollectionHappens_longBeforeItsLimit() throws Exception {
        long since = GcCounter.count();
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Boolean> collected = CompletableFuture.supplyAsync(() -> {
            waiter.set(Thread.currentThread());
            try {
                return GcCounter.awaitNext(since, 0, TimeUnit.MINUTES.toMillis(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(30, TimeUnit.SECONDS).until(() -> waiter.get() != null
                && waiter.get().getState() == Thread.State.TIMED_WAITING);

        System.gc(); // the test collects; the code under test only waits

        // A poll alone would have ended the wait too, but only after the 10 minutes: this ends on the collection.
        assertThat(collected.get(60, TimeUnit.SECONDS)).isTrue();
        assertThat(GcCounter.count()).isGreaterThan(since);
    }

    @Test
    void awaitNext_withoutTime_returnsAtOnce() throws Exception {
        long since = GcCounter.count();
        long started = System.nanoTime();
        boolean collected = GcCounter.awaitNext(since, 0, 0);
        assertThat(collected).isEqualTo(GcCounter.count() != since);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(30);
    }

    @Test
    void awaitIfDue_collectionFarAway_doesNotWait() throws Exception {
        // At one byte a second the eden fills in years: the walk is cheapest now, and nothing is waited for.
        long started = System.nanoTime();
        GcCounter.awaitIfDue(1, TimeUnit.MINUTES.toMillis(10), 0);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(60);
        assertThat(GcCounter.millisToNextCollection(1)).as("G1, the test JVM's collector, has an eden")
                .isGreaterThan(TimeUnit.MINUTES.toMillis(10));
    }

    @Test
    void awaitIfDue_collectionDue_waitsForIt() throws Exception {
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Boolean> collected = CompletableFuture.supplyAsync(() -> {
            waiter.set(Thread.currentThread());
            try {
                // At this rate the eden is due to fill at once.
                return GcCounter.awaitIfDue(Long.MAX_VALUE, TimeUnit.MINUTES.toMillis(10), 0);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(30, TimeUnit.SECONDS).until(() -> waiter.get() != null
                && waiter.get().getState() == Thread.State.TIMED_WAITING);

        System.gc();

        assertThat(collected.get(60, TimeUnit.SECONDS)).isTrue();
    }
}
