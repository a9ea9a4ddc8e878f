package io.holmes.internal.capture;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/** An {@code .hprof} of the live heap. It pauses the JVM and holds every secret in memory: opt-in only. */
final class HeapDump {

    private HeapDump() {
    }

    /** Writes the live objects to {@code file}, whose name must end in {@code .hprof} and which must not exist. */
    static void write(Path file) throws IOException {
        HotSpotDiagnosticMXBean diagnostics = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        diagnostics.dumpHeap(file.toString(), true);
    }
}
