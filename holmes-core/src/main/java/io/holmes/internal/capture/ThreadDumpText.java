package io.holmes.internal.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.LockInfo;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link ThreadSnapshot} in the layout of {@code jstack}, which tools and people already read:
 * a header line per thread with name, id, daemon flag, priority, CPU time and native thread id ({@code nid}), the state line, the frames
 * with the locks each holds or waits for, then the ownable synchronizers. Lock "addresses" are identity
 * hash codes, which match between holder and waiter within one dump.
 */
public final class ThreadDumpText {

    private static final DateTimeFormatter HEADER_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private ThreadDumpText() {
    }

    public static void write(ThreadSnapshot snapshot, OutputStream target) throws IOException {
        Writer out = new OutputStreamWriter(target, StandardCharsets.UTF_8);
        out.write(HEADER_TIME.format(snapshot.time()));
        out.write('\n');
        out.write("Full thread dump " + System.getProperty("java.vm.name", "Java VM") + " ("
                + System.getProperty("java.vm.version", "?") + " " + System.getProperty("java.vm.info", "") + "):\n");
        out.write(summary(snapshot));
        if (!snapshot.lockDetails()) {
            out.write("Lock details left out for this many threads: no held monitors or ownable synchronizers, "
                    + "no deadlock search, no native thread ids.\n");
        }
        out.write('\n');
        for (ThreadSnapshot.Entry entry : snapshot.threads()) {
            writeThread(out, entry);
        }
        if (snapshot.deadlocked().length > 0) {
            writeDeadlocks(out, snapshot);
        }
        if (!snapshot.virtualThreads().isEmpty()) {
            writeVirtualThreads(out, snapshot.virtualThreads());
        }
        out.flush();
    }

    /** Virtual threads grouped by stack, the largest group first: the count, states, ids, carriers, pinning. */
    private static void writeVirtualThreads(Writer out, List<VirtualThreads.Entry> threads) throws IOException {
        Map<List<String>, List<VirtualThreads.Entry>> groups = new LinkedHashMap<>();
        for (VirtualThreads.Entry t : threads) {
            groups.computeIfAbsent(t.frames(), k -> new ArrayList<>()).add(t);
        }
        List<List<VirtualThreads.Entry>> sorted = new ArrayList<>(groups.values());
        sorted.sort((a, b) -> Integer.compare(b.size(), a.size()));
        out.write("Virtual threads: " + threads.size() + " in " + sorted.size()
                + " groups by stack (from the JVM's JSON thread dump)\n\n");
        for (List<VirtualThreads.Entry> group : sorted) {
            Map<String, Integer> states = new TreeMap<>();
            StringBuilder ids = new StringBuilder();
            StringBuilder carriers = new StringBuilder();
            int pinned = 0;
            for (VirtualThreads.Entry t : group) {
                states.merge(t.state() == null ? "state not reported" : t.state(), 1, Integer::sum);
                if (ids.length() < 200) {
                    ids.append(ids.length() == 0 ? "" : ", ").append('#').append(t.id());
                }
                if (t.carrier() >= 0) {
                    carriers.append(carriers.length() == 0 ? "" : ", ").append('#').append(t.id()).append(" on #")
                            .append(t.carrier());
                }
                if (t.pinned()) {
                    pinned++;
                }
            }
            StringBuilder block = new StringBuilder(256);
            block.append(group.size()).append(group.size() == 1 ? " virtual thread" : " virtual threads");
            states.forEach((state, n) -> block.append(' ').append(state).append('=').append(n));
            block.append('\n').append("   ids: ").append(ids).append(group.size() > 1 && ids.length() >= 200 ? ", ..." : "")
                    .append('\n');
            block.append("   mounted: ").append(carriers.length() == 0 ? "none" : carriers).append('\n');
            if (pinned > 0) {
                block.append("   pinned (mounted while not running): ").append(pinned).append('\n');
            }
            for (String frame : group.get(0).frames()) {
                block.append("\tat ").append(frame).append('\n');
            }
            block.append('\n');
            out.write(block.toString());
        }
    }

    private static String summary(ThreadSnapshot snapshot) {
        Map<Thread.State, Integer> states = new EnumMap<>(Thread.State.class);
        int daemons = 0;
        for (ThreadSnapshot.Entry entry : snapshot.threads()) {
            states.merge(entry.info().getThreadState(), 1, Integer::sum);
            if (entry.info().isDaemon()) {
                daemons++;
            }
        }
        StringBuilder s = new StringBuilder("Threads: ").append(snapshot.threads().size())
                .append(" (").append(daemons).append(" daemon);");
        for (Map.Entry<Thread.State, Integer> state : states.entrySet()) {
            s.append(' ').append(state.getKey()).append('=').append(state.getValue());
        }
        return s.append('\n').toString();
    }

    private static void writeThread(Writer out, ThreadSnapshot.Entry entry) throws IOException {
        ThreadInfo t = entry.info();
        StringBuilder line = new StringBuilder(160);
        line.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId());
        if (t.isDaemon()) {
            line.append(" daemon");
        }
        line.append(" prio=").append(t.getPriority());
        if (entry.cpuNanos() >= 0) {
            line.append(String.format(Locale.ROOT, " cpu=%.2fms", entry.cpuNanos() / 1_000_000.0));
        }
        if (entry.nativeId() >= 0) {
            line.append(" nid=0x").append(Long.toHexString(entry.nativeId()));
        }
        line.append('\n');
        line.append("   java.lang.Thread.State: ").append(stateLine(t)).append('\n');
        StackTraceElement[] stack = t.getStackTrace();
        MonitorInfo[] monitors = t.getLockedMonitors();
        for (int depth = 0; depth < stack.length; depth++) {
            line.append("\tat ").append(frame(stack[depth])).append('\n');
            if (depth == 0) {
                appendBlocker(line, t, stack[0]);
            }
            for (MonitorInfo monitor : monitors) {
                if (monitor.getLockedStackDepth() == depth) {
                    line.append("\t- locked ").append(lock(monitor)).append('\n');
                }
            }
        }
        LockInfo[] synchronizers = t.getLockedSynchronizers();
        if (synchronizers.length > 0) {
            line.append("\n   Locked ownable synchronizers:\n");
            for (LockInfo synchronizer : synchronizers) {
                line.append("\t- ").append(lock(synchronizer)).append('\n');
            }
        }
        line.append('\n');
        out.write(line.toString());
    }

    private static void appendBlocker(StringBuilder line, ThreadInfo t, StackTraceElement top) {
        LockInfo lock = t.getLockInfo();
        if (lock == null) {
            return;
        }
        Thread.State state = t.getThreadState();
        if (state == Thread.State.BLOCKED) {
            line.append("\t- waiting to lock ").append(lock(lock));
        } else if (isPark(top)) {
            line.append("\t- parking to wait for  ").append(lock(lock));
        } else {
            line.append("\t- waiting on ").append(lock(lock));
        }
        if (t.getLockOwnerName() != null) {
            line.append(" owned by \"").append(t.getLockOwnerName()).append("\" #").append(t.getLockOwnerId());
        }
        line.append('\n');
    }

    /** The state as jstack qualifies it: what a waiting thread waits in. */
    static String stateLine(ThreadInfo t) {
        Thread.State state = t.getThreadState();
        StackTraceElement[] stack = t.getStackTrace();
        StackTraceElement top = stack.length > 0 ? stack[0] : null;
        switch (state) {
            case BLOCKED:
                return "BLOCKED (on object monitor)";
            case WAITING:
            case TIMED_WAITING:
                if (top == null) {
                    return state.name();
                }
                if (isPark(top)) {
                    return state + " (parking)";
                }
                if (top.getClassName().equals("java.lang.Thread") && top.getMethodName().startsWith("sleep")) {
                    return state + " (sleeping)";
                }
                if (top.getClassName().equals("java.lang.Object") && top.getMethodName().startsWith("wait")) {
                    return state + " (on object monitor)";
                }
                return state.name();
            default:
                return state.name();
        }
    }

    private static boolean isPark(StackTraceElement frame) {
        return frame != null && frame.getMethodName().equals("park")
                && (frame.getClassName().equals("jdk.internal.misc.Unsafe")
                || frame.getClassName().equals("sun.misc.Unsafe"));
    }

    /** {@code java.lang.Thread.sleep(java.base@17/Native Method)}, as jstack prints a frame. */
    static String frame(StackTraceElement e) {
        StringBuilder s = new StringBuilder(96).append(e.getClassName()).append('.').append(e.getMethodName()).append('(');
        if (e.getModuleName() != null) {
            s.append(e.getModuleName());
            if (e.getModuleVersion() != null) {
                s.append('@').append(e.getModuleVersion());
            }
            s.append('/');
        }
        if (e.isNativeMethod()) {
            s.append("Native Method");
        } else if (e.getFileName() == null) {
            s.append("Unknown Source");
        } else {
            s.append(e.getFileName());
            if (e.getLineNumber() >= 0) {
                s.append(':').append(e.getLineNumber());
            }
        }
        return s.append(')').toString();
    }

    private static String lock(LockInfo lock) {
        return String.format(Locale.ROOT, "<0x%08x> (a %s)", lock.getIdentityHashCode(), lock.getClassName());
    }

    private static void writeDeadlocks(Writer out, ThreadSnapshot snapshot) throws IOException {
        out.write("Found " + snapshot.deadlocked().length + " threads in a Java-level deadlock:\n");
        for (long id : snapshot.deadlocked()) {
            for (ThreadSnapshot.Entry entry : snapshot.threads()) {
                ThreadInfo t = entry.info();
                if (t.getThreadId() == id) {
                    out.write("\"" + t.getThreadName() + "\" #" + id + ": waiting for " + t.getLockName()
                            + ", held by \"" + t.getLockOwnerName() + "\" #" + t.getLockOwnerId() + "\n");
                }
            }
        }
        out.write('\n');
    }
}
