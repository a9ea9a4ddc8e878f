package io.holmes.internal.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Recording;

/**
 * A real JDK Flight Recorder recording of several chunks, like a look-back window: threads ran, allocated (64 MB of
 * it kept until the recording stopped, for the old-object sampler), parked and waited in native code, sampled at
 * 10 ms, with a new chunk begun every 400 ms. The old-object sampler wrote its samples twice: at the end of the
 * second chunk (a copy of the recording stopped) and when the recording stopped.
 */
final class ChunkedRecording {

    static final String EXECUTION = "jdk.ExecutionSample";
    static final String NATIVE = "jdk.NativeMethodSample";
    static final String OLD_OBJECT = "jdk.OldObjectSample";

    /** Where the allocating thread publishes each array, so that the JIT cannot remove the allocation. */
    static volatile byte[] lastGarbage;

    private static Path shared;

    private ChunkedRecording() {
    }

    /**
     * One recording of the scene for every test class of this JVM that reads it (read only), in a private temporary
     * directory deleted when the JVM exits.
     */
    static synchronized Path shared() throws Exception {
        if (shared == null) {
            Path directory = Files.createTempDirectory("holmes-chunked-recording-");
            directory.toFile().deleteOnExit();
            Path jfr = directory.resolve("recording.jfr");
            jfr.toFile().deleteOnExit(); // deleted before its directory: the reverse order of registration
            record(jfr);
            shared = jfr;
        }
        return shared;
    }

    /** Records the scene into {@code jfr}. */
    static void record(Path jfr) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<byte[]> kept = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try (Recording recording = new Recording()) {
            recording.enable(EXECUTION).withPeriod(Duration.ofMillis(10));
            recording.enable(NATIVE).withPeriod(Duration.ofMillis(10));
            recording.enable("jdk.ObjectAllocationSample").with("throttle", "500/s").withStackTrace();
            recording.enable("jdk.ThreadPark").withThreshold(Duration.ZERO).withStackTrace();
            recording.enable("jdk.GarbageCollection");
            recording.enable(OLD_OBJECT).with("cutoff", "0 ns").withStackTrace();
            recording.start();
            threads.addAll(List.of(daemon(() -> burnAndAllocate(stop, kept)), daemon(() -> park(stop)),
                    daemon(() -> waitInNativeCode(stop))));
            for (int chunk = 0; chunk < 4; chunk++) {
                Thread.sleep(400);
                if (chunk == 1) {
                    // Stopping a copy ends the chunk, as the look-back recorder rotates: the sampler writes a first
                    // batch of the objects alive, at the end of this chunk.
                    recording.copy(true).close();
                } else {
                    // Starting and closing another recording makes Flight Recorder begin a new chunk.
                    try (Recording marker = new Recording()) {
                        marker.start();
                    }
                }
            }
            System.gc();
            recording.stop(); // writes the sampled objects still alive, kept among them
            recording.dump(jfr);
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            kept.clear();
        }
    }

    /** Writes {@code chunks} one after the other: a recording of its own, which any reader parses. */
    static void write(List<JfrChunk> chunks, OutputStream out) throws IOException {
        for (JfrChunk chunk : chunks) {
            ByteBuffer bytes = chunk.buffer();
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        }
    }

    private static Thread daemon(Runnable work) {
        Thread thread = new Thread(work, "chunked-recording");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void burnAndAllocate(AtomicBoolean stop, List<byte[]> kept) {
        for (int i = 0; i < 1024; i++) {
            kept.add(new byte[64 * 1024]);
        }
        long sink = 0;
        while (!stop.get()) {
            byte[] garbage = new byte[4096 + (int) (sink & 1023)];
            sink += garbage.length;
            lastGarbage = garbage; // escapes: a compiled loop would otherwise allocate nothing
        }
    }

    private static void park(AtomicBoolean stop) {
        while (!stop.get()) {
            LockSupport.parkNanos(2_000_000);
        }
    }

    private static void waitInNativeCode(AtomicBoolean stop) {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setSoTimeout(200);
            while (!stop.get()) {
                try {
                    socket.accept().close();
                } catch (SocketTimeoutException e) {
                    // waited in accept(), in native code: what the native method sampler sees
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
