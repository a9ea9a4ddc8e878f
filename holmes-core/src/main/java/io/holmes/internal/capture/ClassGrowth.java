package io.holmes.internal.capture;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which classes grew between two class histograms: instances and bytes before, after, and the difference, the
 * classes that gained the most bytes first. Both histograms count every object on the heap, reachable or not
 * ({@code GC.class_histogram -all}, no forced full GC), so garbage not yet collected counts as growth too; a class
 * that keeps growing across captures is the one to look at.
 */
final class ClassGrowth {

    /** One class in both histograms. */
    record Row(String className, long instancesBefore, long bytesBefore, long instancesAfter, long bytesAfter) {
        long bytesGained() {
            return bytesAfter - bytesBefore;
        }

        long instancesGained() {
            return instancesAfter - instancesBefore;
        }
    }

    private ClassGrowth() {
    }

    /** Every class of either histogram, the largest byte gain first (ties by name). */
    static List<Row> compare(String before, String after) {
        Map<String, long[]> old = parse(before);
        Map<String, long[]> now = parse(after);
        Map<String, Row> rows = new HashMap<>();
        for (Map.Entry<String, long[]> e : now.entrySet()) {
            long[] b = old.getOrDefault(e.getKey(), new long[2]);
            rows.put(e.getKey(), new Row(e.getKey(), b[0], b[1], e.getValue()[0], e.getValue()[1]));
        }
        for (Map.Entry<String, long[]> e : old.entrySet()) {
            rows.putIfAbsent(e.getKey(), new Row(e.getKey(), e.getValue()[0], e.getValue()[1], 0, 0));
        }
        List<Row> sorted = new ArrayList<>(rows.values());
        sorted.sort(Comparator.comparingLong(Row::bytesGained).reversed().thenComparing(Row::className));
        return sorted;
    }

    /** Class name to {instances, bytes}, from the numbered rows of a {@code GC.class_histogram} answer. */
    static Map<String, long[]> parse(String histogram) {
        Map<String, long[]> classes = new LinkedHashMap<>();
        long[] row = new long[2];
        for (int start = 0, end; start < histogram.length(); start = end + 1) {
            end = ClassHistogram.lineEnd(histogram, start);
            int name = ClassHistogram.row(histogram, start, end, row);
            if (name >= 0) {
                long[] counts = classes.computeIfAbsent(
                        histogram.substring(name, ClassHistogram.nameEnd(histogram, name, end)), k -> new long[2]);
                counts[0] += row[0];
                counts[1] += row[1];
            }
        }
        return classes;
    }

    /** The report: a header, the first {@code limit} classes that gained bytes, and the totals. */
    static String report(String before, String after, long millisBetween, int limit) {
        List<Row> rows = compare(before, after);
        StringBuilder out = new StringBuilder(128 * (limit + 6));
        out.append("Classes by bytes gained in ").append(millisBetween)
                .append(" ms, between two histograms of all objects (reachable or not; no GC forced)\n\n");
        column(out, "rank", 5).append(' ');
        column(out, "bytes gained", 14).append(' ');
        column(out, "inst gained", 12).append(' ');
        column(out, "inst before", 12).append(' ');
        column(out, "bytes before", 14).append(' ');
        column(out, "inst after", 12).append(' ');
        column(out, "bytes after", 14).append("  class\n");
        long totalBefore = 0;
        long totalAfter = 0;
        int listed = 0;
        int more = 0;
        for (Row row : rows) {
            totalBefore += row.bytesBefore();
            totalAfter += row.bytesAfter();
            if (row.bytesGained() <= 0) {
                continue;
            }
            if (listed == limit) {
                more++;
                continue;
            }
            listed++;
            column(out, Integer.toString(listed), 4).append(": ");
            column(out, signed(row.bytesGained()), 14).append(' ');
            column(out, signed(row.instancesGained()), 12).append(' ');
            column(out, Long.toString(row.instancesBefore()), 12).append(' ');
            column(out, Long.toString(row.bytesBefore()), 14).append(' ');
            column(out, Long.toString(row.instancesAfter()), 12).append(' ');
            column(out, Long.toString(row.bytesAfter()), 14).append("  ").append(row.className()).append('\n');
        }
        if (more > 0) {
            out.append("   ... ").append(more).append(" more classes gained bytes\n");
        }
        if (listed == 0) {
            out.append("   no class gained bytes\n");
        }
        out.append("\nTotal: ").append(totalBefore).append(" bytes before, ").append(totalAfter)
                .append(" bytes after, ").append(signed(totalAfter - totalBefore)).append('\n');
        return out.toString();
    }

    /**
     * Appends {@code text} right-aligned in {@code width} characters (longer text as it is), as {@code %<width>s}
     * would. The report is built by hand rather than with {@code String.format}: it writes a row per class at every
     * MEM capture, and the JDK's formatter parses each pattern with a regular expression and looks up the locale's
     * digits per call, work that also made the JIT compile the formatter while the application was being profiled.
     */
    static StringBuilder column(StringBuilder out, String text, int width) {
        for (int pad = width - text.length(); pad > 0; pad--) {
            out.append(' ');
        }
        return out.append(text);
    }

    /** {@code value} with its sign, {@code +0} for zero, as {@code %+d} writes it. */
    static String signed(long value) {
        return value < 0 ? Long.toString(value) : "+" + value;
    }
}
