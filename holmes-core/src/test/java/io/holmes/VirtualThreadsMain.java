package io.holmes;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link VirtualThreadsTest} in a child JVM of JDK 21 or later: a pile-up of virtual threads parked in one
 * method, one virtual thread pinned to its carrier (it waits inside a class initializer, which a virtual thread
 * cannot leave its carrier in), then a THREAD capture. Prints the event's JSON path. Virtual threads are started
 * through reflection: this class is compiled for Java 17.
 */
public final class VirtualThreadsMain {

    static final int PARKED = 300;
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    /** Initialised by the pinned virtual thread; its initializer waits. */
    static final class PinnedHolder {
        static {
            awaitRelease();
        }

        static void touch() {
        }
    }

    private VirtualThreadsMain() {
    }

    static void parkedInHolmesVirtualTest() {
        awaitRelease();
    }

    private static void awaitRelease() {
        try {
            RELEASE.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        Method startVirtual = Thread.class.getMethod("startVirtualThread", Runnable.class);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < PARKED; i++) {
            threads.add((Thread) startVirtual.invoke(null, (Runnable) VirtualThreadsMain::parkedInHolmesVirtualTest));
        }
        threads.add((Thread) startVirtual.invoke(null, (Runnable) PinnedHolder::touch));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("virtual threads did not all park within 60 s");
            }
            Thread.sleep(10);
        }
        try (Holmes holmes = Holmes.builder().dumpPath(Path.of(args[0])).lookBack(Duration.ZERO).build()
                .start()) {
            DumpEvent event = holmes.dump(DumpType.THREAD).get(60, TimeUnit.SECONDS);
            System.out.println("EVENT " + event.files().get(event.files().size() - 1));
        }
        RELEASE.countDown();
    }
}
