package io.holmes.benchmarks;

import io.holmes.internal.capture.ThreadSnapshot;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * How long a THREAD capture stops the application, per live thread count. For each count the harness starts that
 * many platform threads parked 20 frames deep, then takes the snapshot a THREAD capture takes, in both of its forms:
 * {@code full} (stacks with held monitors and synchronizers, the deadlock search, and the JVM's own dump for native
 * thread ids) and {@code cheap} (stacks and states only). The pause is what the JVM itself records in JDK Flight
 * Recorder: for each safepoint during the snapshot, the time to reach it ({@code jdk.SafepointBegin}), the
 * operation ({@code jdk.ExecuteVMOperation}) and the time to leave it ({@code jdk.SafepointEnd}), garbage
 * collections left out. Also printed: the snapshot's wall time and the bytes it allocated.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.holmes.benchmarks.ThreadDumpPause [repeats]
 * [count ...]} (defaults 5 repeats of 1000, 5000 and 20000 threads).
 */
public final class ThreadDumpPause {

    private ThreadDumpPause() {
    }

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[] counts = args.length > 1 ? Arrays.stream(args).skip(1).mapToInt(Integer::parseInt).toArray()
                : new int[] {1_000, 5_000, 20_000};
        System.out.println("| threads | dump | pause ms (median / max) | safepoints | wall ms (median) | MB allocated |");
        System.out.println("|---|---|---|---|---|---|");
        for (int count : counts) {
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> threads = startParked(count, release);
            for (boolean full : new boolean[] {true, false}) {
                ThreadSnapshot.take(Instant.now(), full); // warm-up
                List<Double> pauses = new ArrayList<>();
                List<Double> walls = new ArrayList<>();
                List<Double> allocated = new ArrayList<>();
                int safepoints = 0;
                for (int r = 0; r < repeats; r++) {
                    double[] m = measure(full);
                    pauses.add(m[0]);
                    walls.add(m[1]);
                    allocated.add(m[2]);
                    safepoints = (int) m[3];
                }
                System.out.printf("| %,d | %s | %.1f / %.1f | %d | %.1f | %.0f |%n", count, full ? "full" : "cheap",
                        median(pauses), pauses.stream().mapToDouble(Double::doubleValue).max().orElse(0), safepoints,
                        median(walls), median(allocated));
            }
            release.countDown();
            for (Thread t : threads) {
                t.join();
            }
        }
        System.exit(0);
    }

    /** {pause ms, wall ms, MB allocated, safepoints} of one snapshot. */
    private static double[] measure(boolean full) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        Path file = Files.createTempFile("holmes-pause", ".jfr");
        try (Recording recording = new Recording()) {
            for (String event : new String[] {"jdk.SafepointBegin", "jdk.SafepointEnd", "jdk.ExecuteVMOperation"}) {
                recording.enable(event).withThreshold(Duration.ZERO);
            }
            recording.start();
            long allocatedBefore = mx.getThreadAllocatedBytes(self);
            long started = System.nanoTime();
            ThreadSnapshot snapshot = ThreadSnapshot.take(Instant.now(), full);
            long wall = System.nanoTime() - started;
            long allocated = mx.getThreadAllocatedBytes(self) - allocatedBefore;
            recording.stop();
            recording.dump(file);
            if (snapshot.threads().isEmpty()) {
                throw new IllegalStateException("empty snapshot");
            }
            // A safepoint's pause: reaching it (SafepointBegin), the operation, leaving it (SafepointEnd). Garbage
            // collections are left out: the parked threads allocate nothing, but the JVM may collect at any time.
            Map<Long, Long> pauses = new HashMap<>();
            Set<Long> collections = new HashSet<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                String name = e.getEventType().getName();
                if (name.equals("jdk.ExecuteVMOperation") && !e.getBoolean("safepoint")) {
                    continue;
                }
                long id = e.getLong("safepointId");
                pauses.merge(id, e.getDuration().toNanos(), Long::sum);
                if (name.equals("jdk.ExecuteVMOperation") && isCollection(e.getString("operation"))) {
                    collections.add(id);
                }
            }
            long pauseNanos = 0;
            int safepoints = 0;
            for (Map.Entry<Long, Long> p : pauses.entrySet()) {
                if (!collections.contains(p.getKey())) {
                    pauseNanos += p.getValue();
                    safepoints++;
                }
            }
            return new double[] {pauseNanos / 1e6, wall / 1e6, allocated / 1e6, safepoints};
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static boolean isCollection(String operation) {
        return operation != null && (operation.startsWith("G1") || operation.contains("GC")
                || operation.contains("Collect") || operation.startsWith("Z") || operation.startsWith("Shenandoah"));
    }

    private static List<Thread> startParked(int count, CountDownLatch release) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(count);
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(null, () -> deep(20, ready, release), "parked-" + i, 256 * 1024);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        ready.await();
        return threads;
    }

    private static void deep(int depth, CountDownLatch ready, CountDownLatch release) {
        if (depth > 0) {
            deep(depth - 1, ready, release);
            return;
        }
        ready.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
