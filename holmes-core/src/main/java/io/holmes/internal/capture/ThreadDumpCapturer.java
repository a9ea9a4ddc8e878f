package io.holmes.internal.capture;

import io.holmes.DumpEvent;
import io.holmes.internal.OnceLogger;
import io.holmes.internal.write.PendingEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * THREAD captures: one snapshot of every live thread, written as a jstack-style text dump
 * ({@code thread.<stamp>.txt}) and as a gzipped pprof profile ({@code thread.<stamp>.pb.gz}); above
 * {@link #LOCK_DETAILS_UP_TO} live threads without lock details, which cost most of the pause. On JDK 21 and
 * later the virtual threads, from the JVM's JSON thread dump, are added: grouped by stack in the text, one sample
 * each in the profile.
 */
public final class ThreadDumpCapturer implements Capturer {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadDumpCapturer.class);

    private final Clock clock;
    private final int lockDetailsUpTo;
    private final OnceLogger warnings = new OnceLogger(LOG);

    public ThreadDumpCapturer(Clock clock) {
        this(clock, LOCK_DETAILS_UP_TO);
    }

    /** For tests: a capturer with its own thread count above which lock details are left out. */
    ThreadDumpCapturer(Clock clock, int lockDetailsUpTo) {
        this.clock = clock;
        this.lockDetailsUpTo = lockDetailsUpTo;
    }

    /**
     * Live platform threads up to which a capture asks for lock details (held monitors and synchronizers, a deadlock
     * search, native thread ids). Above it the capture takes stacks and states only, and says so in the event.
     * Measured on a shared 2-core machine (benchmarks/README.md, "Thread-dump pause"), the full dump of 1,000
     * threads stopped the application for 57 to 135 ms depending on the machine's load, of 2,000 for 215 ms and
     * more; the cheaper one for about half of that.
     */
    public static final int LOCK_DETAILS_UP_TO = 1_000;

    @Override
    public void capture(List<Capture> captures) throws IOException {
        int live = ManagementFactory.getThreadMXBean().getThreadCount();
        ThreadSnapshot snapshot = ThreadSnapshot.take(clock.instant(), live <= lockDetailsUpTo);
        String virtualProblem = null;
        if (VirtualThreads.supported()) {
            try {
                Set<Long> platform = new HashSet<>();
                snapshot.threads().forEach(t -> platform.add(t.info().getThreadId()));
                Path scratch = captures.get(0).files().scratch("threads.json");
                snapshot = snapshot.withVirtualThreads(VirtualThreads.take(scratch, platform));
                warnings.clear("virtual");
            } catch (Exception e) {
                virtualProblem = e.toString();
                warnings.warn("virtual", "Holmes' thread dumps go without virtual threads: the JVM's JSON thread dump "
                        + "failed: {}", virtualProblem);
            }
        }
        byte[] profile = ThreadProfile.encode(snapshot);
        for (Capture capture : captures) {
            write(snapshot, profile, capture.files(), capture.event(), virtualProblem, lockDetailsUpTo);
        }
    }

    private static void write(ThreadSnapshot snapshot, byte[] profile, PendingEvent files, DumpEvent.Builder event,
                              String virtualProblem, int lockDetailsUpTo) throws IOException {
        files.write("txt", out -> ThreadDumpText.write(snapshot, out));
        files.write("pb.gz", out -> gzip(profile, out));
        event.detail("threads", Integer.toString(snapshot.threads().size()));
        if (snapshot.lockDetails()) {
            event.detail("deadlockedThreads", Integer.toString(snapshot.deadlocked().length));
        } else {
            event.detail("lockDetails", "left out above " + lockDetailsUpTo + " live threads: no held monitors or "
                    + "synchronizers, no deadlock search, no native thread ids");
        }
        if (virtualProblem != null) {
            event.detail("virtualThreadsProblem", virtualProblem);
        } else if (VirtualThreads.supported()) {
            event.detail("virtualThreads", Integer.toString(snapshot.virtualThreads().size()));
            event.detail("pinnedVirtualThreads", Long.toString(
                    snapshot.virtualThreads().stream().filter(VirtualThreads.Entry::pinned).count()));
        }
    }

    static void gzip(byte[] content, OutputStream out) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(out, 8192);
        gzip.write(content);
        gzip.finish();
    }
}
