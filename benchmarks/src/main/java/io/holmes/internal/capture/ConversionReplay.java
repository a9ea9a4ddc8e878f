package io.holmes.internal.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * For the capture-cost harness: repeats, on the caller's thread, each step a CPU + MEM capture runs on its
 * {@code holmes-capture} thread after the session, on the recording that capture wrote, and returns the thread CPU
 * time of each step. The steps are the capturer's own methods, in its order.
 */
public final class ConversionReplay {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ConversionReplay() {
    }

    /** A step and its thread CPU time. */
    private interface Step {
        void run() throws Exception;
    }

    /**
     * CPU nanoseconds of each step the capturer runs on {@code jfr}, written to nowhere, with {@code interval} the
     * allocation sampling interval of the session.
     */
    public static Map<String, Long> perStep(Path jfr, long interval, long cpuPeriodNanos) throws Exception {
        Map<String, Long> cost = new LinkedHashMap<>();
        LiveObjects[] live = new LiveObjects[1];
        time(cost, "one pass: sample counts + live objects", () -> {
            live[0] = RecordingSummary.ofAsyncProfiler(jfr, interval).live();
        });
        time(cost, "CPU: .pb.gz", () -> CpuTimeProfile.write(jfr, cpuPeriodNanos, OutputStream.nullOutputStream()));
        time(cost, "CPU: .html", () -> JfrConversions.flameGraph(jfr, false, "t", OutputStream.nullOutputStream()));
        time(cost, "MEM: .pb.gz + .html (one parse)", () -> {
            JfrConversions.View view = JfrConversions.view(jfr, JfrConversions.ALLOCATION_VIEW, "t");
            view.writePprof(OutputStream.nullOutputStream());
            view.writeFlameGraph(OutputStream.nullOutputStream());
        });
        time(cost, "MEM: .live.pb.gz + .live.html", () -> {
            live[0].writePprof("c", OutputStream.nullOutputStream());
            live[0].writeFlameGraph("t", OutputStream.nullOutputStream());
        });
        return cost;
    }

    /**
     * CPU nanoseconds the caller's thread spends starting and stopping an async-profiler session as a CPU + MEM
     * capture does (stopping writes the recording).
     */
    public static Map<String, Long> session(long interval, java.time.Duration length) throws Exception {
        Map<String, Long> cost = new LinkedHashMap<>();
        Path jfr = java.nio.file.Files.createTempFile("holmes-replay", ".jfr");
        long t0 = THREADS.getCurrentThreadCpuTime();
        io.holmes.internal.profiler.AsyncProfilerOwner.Session session =
                io.holmes.internal.profiler.AsyncProfilerOwner.shared().start(true, 10_000_000L, interval, jfr);
        cost.put("session start", THREADS.getCurrentThreadCpuTime() - t0);
        Thread.sleep(length.toMillis());
        t0 = THREADS.getCurrentThreadCpuTime();
        session.close();
        cost.put("session stop (writes the recording)", THREADS.getCurrentThreadCpuTime() - t0);
        java.nio.file.Files.delete(jfr);
        return cost;
    }

    /** CPU nanoseconds of the text work on two whole histograms: the top rows and the growth report. */
    public static Map<String, Long> histogramText(String before, String after) throws Exception {
        Map<String, Long> cost = new LinkedHashMap<>();
        time(cost, "MEM: histo.txt + growth.txt (text)", () -> {
            ClassHistogram.top(after, ProfileCapturer.HISTOGRAM_ROWS);
            ClassGrowth.report(before, after, 1000, ProfileCapturer.HISTOGRAM_ROWS);
        });
        return cost;
    }

    /** One whole class histogram, as the capturer takes it. */
    public static String histogram() throws Exception {
        return ClassHistogram.takeAll();
    }

    /** CPU nanoseconds the caller's thread spends in {@link #histogram()}: the answer's transfer, not the walk. */
    public static long histogramCallerNanos() throws Exception {
        long t0 = THREADS.getCurrentThreadCpuTime();
        ClassHistogram.takeAll();
        return THREADS.getCurrentThreadCpuTime() - t0;
    }

    private static void time(Map<String, Long> cost, String name, Step step) throws Exception {
        long t0 = THREADS.getCurrentThreadCpuTime();
        step.run();
        cost.merge(name, THREADS.getCurrentThreadCpuTime() - t0, Long::sum);
    }
}
