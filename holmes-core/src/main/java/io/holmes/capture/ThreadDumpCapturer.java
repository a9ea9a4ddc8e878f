package io.holmes.capture;

import io.holmes.DumpEvent;
import io.holmes.internal.OnceLogger;
import io.holmes.write.PendingEvent;
import java.io.IOException;
import java.io.OutputStream;
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
 * ({@code thread.<stamp>.txt}) and as a gzipped pprof profile ({@code thread.<stamp>.pb.gz}). On JDK 21 and
 * later the virtual threads, from the JVM's JSON thread dump, are added: grouped by stack in the text, one sample
 * each in the profile.
 */
public final class ThreadDumpCapturer implements Capturer {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadDumpCapturer.class);

    private final Clock clock;
    private final OnceLogger warnings = new OnceLogger(LOG);

    public ThreadDumpCapturer(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void capture(List<Capture> captures) throws IOException {
        ThreadSnapshot snapshot = ThreadSnapshot.take(clock.instant());
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
            write(snapshot, profile, capture.files(), capture.event(), virtualProblem);
        }
    }

    private static void write(ThreadSnapshot snapshot, byte[] profile, PendingEvent files, DumpEvent.Builder event,
                              String virtualProblem) throws IOException {
        files.write("txt", out -> ThreadDumpText.write(snapshot, out));
        files.write("pb.gz", out -> gzip(profile, out));
        event.detail("threads", Integer.toString(snapshot.threads().size()));
        event.detail("deadlockedThreads", Integer.toString(snapshot.deadlocked().length));
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
