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
        long[] counts = new long[2];
        int numbered = 0;
        int omitted = 0;
        for (int start = 0, end; start < histogram.length(); start = end + 1) {
            end = lineEnd(histogram, start);
            boolean row = row(histogram, start, end, counts) >= 0;
            if (row && numbered >= rows) {
                omitted++;
                continue;
            }
            if (row) {
                numbered++;
            }
            if (omitted > 0 && histogram.startsWith("Total", skipSpaces(histogram, start, end))) {
                kept.append("   ... ").append(omitted).append(" more classes").append(System.lineSeparator());
            }
            kept.append(histogram, start, end).append('\n');
        }
        return kept.toString();
    }

    /** Where the line that begins at {@code start} ends: its {@code '\n'}, or the end of the text. */
    static int lineEnd(String text, int start) {
        int end = text.indexOf('\n', start);
        return end < 0 ? text.length() : end;
    }

    /**
     * Reads a numbered row of a histogram, {@code "   12:      340      8160  java.lang.String (java.base@17)"},
     * between {@code start} and {@code end} (the line without its {@code '\n'}): puts its instances and bytes into
     * {@code counts} and returns where the class name begins, or -1 when the line is not such a row (the header,
     * the separator, the total). Scanned by hand, not with a regular expression or {@code split}: a histogram has a
     * row per loaded class with instances, tens of thousands in a large application, read twice per MEM capture.
     */
    static int row(String text, int start, int end, long[] counts) {
        int i = skipSpaces(text, start, end);
        int number = i;
        while (i < end && isDigit(text.charAt(i))) {
            i++;
        }
        if (i == number || i == end || text.charAt(i) != ':') {
            return -1;
        }
        i++;
        for (int field = 0; field < 2; field++) {
            int digits = skipSpaces(text, i, end);
            if (digits == i) {
                return -1;
            }
            long value = 0;
            for (i = digits; i < end && isDigit(text.charAt(i)); i++) {
                value = value * 10 + (text.charAt(i) - '0');
            }
            if (i == digits) {
                return -1;
            }
            counts[field] = value;
        }
        int name = skipSpaces(text, i, end);
        return name == i || name == end ? -1 : name;
    }

    /** Where the class name that begins at {@code name} ends, trailing blanks (and a {@code '\r'}) left out. */
    static int nameEnd(String text, int name, int end) {
        while (end > name && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static int skipSpaces(String text, int i, int end) {
        while (i < end && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
