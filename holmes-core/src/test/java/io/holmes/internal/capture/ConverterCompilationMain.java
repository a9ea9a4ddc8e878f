package io.holmes.internal.capture;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Child JVM of {@link ConverterCompilationTest}: asks for the directive (unless told not to by the system property),
 * then converts one recording to pprof again and again, through async-profiler's converter and through Holmes' own
 * CPU-time profile, so that both get hot, while Flight Recorder records the JIT's compilations. Prints the outcome
 * and, per compilation of async-profiler's classes and of Holmes' capture classes, its tier.
 */
public final class ConverterCompilationMain {

    /** Holmes' own classes among the compilations printed (its writer of the CPU profile, above all). */
    static final String HOLMES = "io.holmes.internal.capture.";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int conversions = Integer.parseInt(args[1]);
        Path sampled = dir.resolve("sampled.jfr");
        AtomicBoolean busy = new AtomicBoolean(true);
        List<Thread> burners = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                long x = 1;
                while (busy.get()) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
                System.out.println("burned " + (x & 1));
            });
            t.start();
            burners.add(t);
        }
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.start();
            Thread.sleep(3_000);
            r.stop();
            r.dump(sampled);
        }
        busy.set(false);
        for (Thread t : burners) {
            t.join();
        }

        System.out.println("outcome: " + ConverterCompilation.limitOnce());
        Path compilations = dir.resolve("compilations.jfr");
        try (Recording r = new Recording()) {
            r.enable("jdk.Compilation").withThreshold(Duration.ZERO);
            r.start();
            for (int i = 0; i < conversions; i++) {
                JfrConversions.view(sampled, List.of(), "t").writePprof(OutputStream.nullOutputStream());
                CpuTimeProfile.write(sampled, 10_000_000L, OutputStream.nullOutputStream());
            }
            Thread.sleep(1_000); // compilations queued by the last conversions finish
            r.stop();
            r.dump(compilations);
        }
        for (RecordedEvent e : RecordingFile.readAllEvents(compilations)) {
            RecordedMethod method = e.getValue("method");
            String type = method == null ? null : method.getType().getName().replace('/', '.');
            if (type != null && (type.startsWith("one.") || type.startsWith(HOLMES))) {
                System.out.println("compiled tier=" + e.getShort("compileLevel") + " " + type + "."
                        + method.getName());
            }
        }
        System.out.println("samples in the recording: " + JfrConversions.count(sampled, JfrConversions.CPU_EVENTS));
        Files.delete(sampled);
        Files.delete(compilations);
    }
}
