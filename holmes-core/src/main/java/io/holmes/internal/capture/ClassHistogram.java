package io.holmes.internal.capture;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The heap's classes by bytes, from the JVM's {@code GC.class_histogram} diagnostic command. Holmes asks for
 * all objects ({@code -all}), reachable or not: that walks the heap at a safepoint but does not force the full
 * GC a live-only histogram would, on a heap that is already under pressure.
 */
final class ClassHistogram {

    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

    private ClassHistogram() {
    }

    /** The histogram's header, its first {@code rows} classes and its total line. */
    static String take(int rows) throws Exception {
        return top(takeAll(), rows);
    }

    /**
     * The whole histogram, every class. The heap is walked by as many GC worker threads as there are processors
     * ({@code -parallel}): the walk stops the application either way, and the JVM's own default (3/8 of the
     * processors, at least one) walks alone on a small machine, which made the pause about 1.5 times as long on
     * two cores.
     */
    static String takeAll() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String parallel = "-parallel=" + Runtime.getRuntime().availableProcessors();
        Object answer = server.invoke(new ObjectName(DIAGNOSTIC_COMMAND), "gcClassHistogram",
                new Object[] {new String[] {"-all", parallel}}, new String[] {String[].class.getName()});
        return String.valueOf(answer);
    }

    /** Keeps the header lines, the first {@code rows} numbered rows and the {@code Total} line. */
    static String top(String histogram, int rows) {
        StringBuilder kept = new StringBuilder(Math.min(histogram.length(), 128 * (rows + 4)));
        int numbered = 0;
        int omitted = 0;
        for (String line : histogram.split("\n")) {
            String trimmed = line.trim();
            boolean row = !trimmed.isEmpty() && Character.isDigit(trimmed.charAt(0)) && trimmed.contains(":");
            if (row && numbered >= rows) {
                omitted++;
                continue;
            }
            if (row) {
                numbered++;
            }
            if (trimmed.startsWith("Total") && omitted > 0) {
                kept.append(String.format("   ... %d more classes%n", omitted));
            }
            kept.append(line).append('\n');
        }
        return kept.toString();
    }
}
