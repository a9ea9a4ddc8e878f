package io.holmes.internal.capture;

import java.lang.management.ThreadInfo;

/**
 * Encodes a {@link ThreadSnapshot} as a pprof profile (the {@code perftools.profiles.Profile} message that
 * {@code go tool pprof} reads) with one sample per thread, so that threads parked in the same place add
 * up into one node. Each sample counts one thread (sample type {@code threads/count}, the default) and
 * carries the thread's CPU time so far ({@code cpu/nanoseconds}); labels give the thread's name, id and state.
 * Virtual threads (JDK 21 and later) are samples of their own, labelled {@code virtual=true}.
 */
public final class ThreadProfile {

    /** The frame given to a thread that has no Java frames, so that it still shows in the graph. */
    static final String NO_JAVA_FRAMES = "[no Java frames]";

    private ThreadProfile() {
    }

    /** The profile's protobuf bytes (not compressed). */
    public static byte[] encode(ThreadSnapshot snapshot) {
        PprofWriter pprof = new PprofWriter().sampleType("threads", "count").sampleType("cpu", "nanoseconds");
        for (ThreadSnapshot.Entry entry : snapshot.threads()) {
            ThreadInfo t = entry.info();
            PprofWriter.Sample sample = pprof.sample();
            StackTraceElement[] stack = t.getStackTrace();
            if (stack.length == 0) {
                sample.frame(NO_JAVA_FRAMES, "", 0);
            }
            for (StackTraceElement frame : stack) { // leaf first, as pprof expects
                sample.frame(frame.getClassName() + "." + frame.getMethodName(), frame.getFileName(),
                        frame.getLineNumber());
            }
            sample.value(1L).value(Math.max(entry.cpuNanos(), 0L))
                    .label("thread", t.getThreadName())
                    .label("thread_id", t.getThreadId())
                    .label("state", t.getThreadState().name());
        }
        for (VirtualThreads.Entry t : snapshot.virtualThreads()) {
            PprofWriter.Sample sample = pprof.sample();
            if (t.frames().isEmpty()) {
                sample.frame(NO_JAVA_FRAMES, "", 0);
            }
            for (String raw : t.frames()) { // innermost first, as pprof expects
                VirtualThreads.Frame frame = VirtualThreads.Frame.parse(raw);
                sample.frame(frame.function(), frame.file(), frame.line());
            }
            sample.value(1L).value(0L)
                    .label("thread", t.name().isEmpty() ? "virtual #" + t.id() : t.name())
                    .label("thread_id", t.id());
            if (t.state() != null) {
                sample.label("state", t.state());
            }
            sample.label("virtual", "true");
            if (t.carrier() >= 0) {
                sample.label("carrier_id", t.carrier());
            }
        }
        return pprof.encode(snapshot.time(), "threads/count", 1L,
                "Holmes thread dump: one sample per live thread, virtual threads labelled virtual=true", "threads");
    }
}
