package io.holmes.internal.capture;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.ObjectName;

/**
 * The virtual threads of a JDK 21+ JVM, which {@link java.lang.management.ThreadMXBean} does not see. The JVM's own
 * thread dump in JSON ({@code jcmd <pid> Thread.dump_to_file -format=json <file>}, here through the
 * {@code DiagnosticCommand} MBean's {@code threadDumpToFile} operation, as Holmes is built for Java 17) lists every
 * thread in every thread container, virtual ones included, with its stack; JDK 24 and later add the state, a
 * {@code virtual} flag and, for a virtual thread mounted on a carrier, the carrier's id. Threads the platform
 * snapshot already holds are left out. On a JDK without the command (17) the list is empty.
 */
final class VirtualThreads {

    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

    /**
     * One virtual thread.
     *
     * @param id      its thread id
     * @param name    its name, often empty
     * @param state   its state as the JVM reports it, or {@code null} when the JVM does not (JDK 21 to 23)
     * @param carrier the id of the platform thread it is mounted on, or -1 when unmounted or not reported
     * @param frames  its stack, innermost first, each as the JVM writes it ({@code java.base/java.lang.Thread.sleep(Thread.java:509)})
     */
    record Entry(long id, String name, String state, long carrier, List<String> frames) {

        /**
         * Whether it holds its carrier while waiting or blocked: a mounted virtual thread that is not running
         * cannot give its carrier to another virtual thread.
         */
        boolean pinned() {
            return carrier >= 0 && state != null && !state.equals("RUNNABLE");
        }
    }

    private VirtualThreads() {
    }

    /** Whether this JVM has the JSON thread dump (JDK 21 and later). */
    static boolean supported() {
        return Runtime.version().feature() >= 21;
    }

    /**
     * Asks the JVM to write its JSON thread dump to {@code file} (which must not exist), reads the virtual
     * threads from it, and deletes it.
     *
     * @param platformIds ids of the platform threads already captured
     */
    static List<Entry> take(Path file, Set<Long> platformIds) throws Exception {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(DIAGNOSTIC_COMMAND), "threadDumpToFile",
                    new Object[] {new String[] {"-format=json", file.toString()}},
                    new String[] {String[].class.getName()});
            if (!Files.isRegularFile(file)) {
                throw new IOException("the JVM wrote no thread dump to " + file.getFileName());
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), platformIds);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The virtual threads of a JSON thread dump: those flagged {@code virtual}, or not among the platform ids. */
    static List<Entry> parse(String json, Set<Long> platformIds) {
        List<Entry> entries = new ArrayList<>();
        Map<?, ?> dump = map(map(MiniJson.parse(json)).get("threadDump"));
        for (Object container : list(dump.get("threadContainers"))) {
            for (Object t : list(map(container).get("threads"))) {
                Map<?, ?> thread = map(t);
                long id = number(thread.get("tid"));
                Object virtual = thread.get("virtual");
                boolean isVirtual = virtual instanceof Boolean flag ? flag : !platformIds.contains(id);
                if (!isVirtual || id < 0) {
                    continue;
                }
                List<String> frames = new ArrayList<>();
                for (Object frame : list(thread.get("stack"))) {
                    frames.add(String.valueOf(frame));
                }
                Object state = thread.get("state");
                Object name = thread.get("name");
                entries.add(new Entry(id, name == null ? "" : String.valueOf(name),
                        state == null ? null : String.valueOf(state), number(thread.get("carrier")), List.copyOf(frames)));
            }
        }
        return List.copyOf(entries);
    }

    /** A frame as the JVM writes it, split into function, file and line (0 when unknown). */
    record Frame(String function, String file, int line) {
        static Frame parse(String frame) {
            int paren = frame.indexOf('(');
            String function = paren < 0 ? frame : frame.substring(0, paren);
            int slash = function.lastIndexOf('/');
            if (slash >= 0) {
                function = function.substring(slash + 1); // module name (and version) before the class
            }
            String file = "";
            int line = 0;
            if (paren >= 0 && frame.endsWith(")")) {
                String location = frame.substring(paren + 1, frame.length() - 1);
                int colon = location.lastIndexOf(':');
                if (colon >= 0) {
                    file = location.substring(0, colon);
                    try {
                        line = Integer.parseInt(location.substring(colon + 1));
                    } catch (NumberFormatException notALine) {
                        file = location;
                    }
                } else {
                    file = location;
                }
            }
            return new Frame(function, file, line);
        }
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }

    /** Ids are strings in the JVM's dump; numbers are accepted too. */
    private static long number(Object value) {
        if (value instanceof Double d) {
            return d.longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
