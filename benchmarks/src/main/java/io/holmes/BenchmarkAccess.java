package io.holmes;

import io.holmes.internal.capture.CaptureRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the benchmarks need from Holmes' package-private side: a tick on demand, captures that share a session. */
public final class BenchmarkAccess {

    private BenchmarkAccess() {
    }

    /**
     * A builder whose clock advances {@code step} at every reading, as the collector's would between two ticks.
     * Ticks driven back to back in a loop otherwise see microseconds of wall time and CPU percentages in the
     * thousands, which would fire the CPU rule.
     */
    public static Holmes.Builder steppingClock(Holmes.Builder builder, java.time.Duration step) {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        long nanos = step.toNanos();
        return builder.nanoTime(() -> now.addAndGet(nanos));
    }

    /** One collection tick on the caller's thread: three readings and three rule decisions. */
    public static void tick(Holmes holmes) {
        holmes.tick(holmes.currentRun());
    }

    /** Captures {@code types} together, as triggers of one tick would be: CPU and MEM share one profiling session. */
    public static List<CompletableFuture<DumpEvent>> captureTogether(Holmes holmes, DumpType... types) {
        List<CaptureRequest> requests = new ArrayList<>();
        List<CompletableFuture<DumpEvent>> results = new ArrayList<>();
        for (DumpType type : types) {
            CompletableFuture<DumpEvent> result = new CompletableFuture<>();
            requests.add(new CaptureRequest(type, Reason.MANUAL, null, 0, 0, List.of(), result));
            results.add(result);
        }
        holmes.currentRun().submitAll(requests);
        return results;
    }
}
