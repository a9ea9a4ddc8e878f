package io.holmes.capture;

import io.holmes.DumpEvent;
import io.holmes.write.PendingEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * THREAD captures: one snapshot of every live thread, written as a jstack-style text dump
 * ({@code thread.<stamp>.txt}) and as a gzipped pprof profile ({@code thread.<stamp>.pb.gz}).
 */
public final class ThreadDumpCapturer implements Capturer {

    private final Clock clock;

    public ThreadDumpCapturer(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void capture(List<Capture> captures) throws IOException {
        ThreadSnapshot snapshot = ThreadSnapshot.take(clock.instant());
        byte[] profile = ThreadProfile.encode(snapshot);
        for (Capture capture : captures) {
            write(snapshot, profile, capture.files(), capture.event());
        }
    }

    private static void write(ThreadSnapshot snapshot, byte[] profile, PendingEvent files, DumpEvent.Builder event)
            throws IOException {
        files.write("txt", out -> ThreadDumpText.write(snapshot, out));
        files.write("pb.gz", out -> gzip(profile, out));
        event.detail("threads", Integer.toString(snapshot.threads().size()));
        event.detail("deadlockedThreads", Integer.toString(snapshot.deadlocked().length));
    }

    static void gzip(byte[] content, OutputStream out) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(out, 8192);
        gzip.write(content);
        gzip.finish();
    }
}
