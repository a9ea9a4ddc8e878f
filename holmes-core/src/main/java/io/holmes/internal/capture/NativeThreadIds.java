package io.holmes.internal.capture;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The operating system's id of each Java thread (jstack's {@code nid}), which {@link java.lang.management.ThreadInfo}
 * does not carry. The JVM's own {@code Thread.print} diagnostic command prints it on every thread's header line
 * beside the Java thread id ({@code "name" #12 ... nid=0x3039} on JDK 17, {@code nid=12345} on JDK 21 and
 * later), so Holmes asks for that dump without lock details and reads the header lines. This is the only
 * portable way: {@code /proc/self/task} names threads by their truncated native name, which many threads share.
 */
final class NativeThreadIds {

    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

    /** {@code "name" #<java id> [optional native id] ... nid=<hex or decimal>}. */
    private static final Pattern HEADER = Pattern.compile("^\".*\" #(\\d+) .*?\\bnid=(0x[0-9a-fA-F]+|\\d+)\\b");

    private NativeThreadIds() {
    }

    /** Java thread id to native thread id, for the threads the JVM printed; empty when it cannot be asked. */
    static Map<Long, Long> read() {
        try {
            Object answer = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(DIAGNOSTIC_COMMAND),
                    "threadPrint", new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return parse(String.valueOf(answer));
        } catch (Exception | LinkageError e) {
            return Map.of();
        }
    }

    /** Reads the header lines of a {@code Thread.print} answer. */
    static Map<Long, Long> parse(String threadPrint) {
        Map<Long, Long> ids = new HashMap<>();
        for (String line : threadPrint.split("\n")) {
            if (!line.startsWith("\"")) {
                continue;
            }
            Matcher m = HEADER.matcher(line);
            if (m.find()) {
                String nid = m.group(2);
                long value = nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid);
                ids.put(Long.parseLong(m.group(1)), value);
            }
        }
        return ids;
    }
}
