package io.holmes.internal.capture;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every live platform thread at one moment: stack, state, locks and CPU time so far; and, on JDK 21 and later,
 * the virtual threads. The raw material of both thread-dump files.
 *
 * @param time           when the snapshot was taken
 * @param threads        the platform threads, in the JVM's order
 * @param deadlocked     ids of threads caught in a deadlock (empty when none, or when not searched)
 * @param lockDetails    whether lock owners, held monitors and synchronizers were asked for and deadlocks searched;
 *                       {@code false} for the cheaper dump taken above a thread count
 * @param virtualThreads the virtual threads (empty before JDK 21 or when not asked for)
 */
public record ThreadSnapshot(Instant time, List<Entry> threads, long[] deadlocked, boolean lockDetails,
                             List<VirtualThreads.Entry> virtualThreads) {

    /**
     * One thread.
     *
     * @param info     its stack, state and locks
     * @param cpuNanos CPU time it has used since it started, or -1 when the JVM does not measure it
     * @param nativeId the operating system's id of the thread (jstack's {@code nid}), or -1 when unknown
     */
    public record Entry(ThreadInfo info, long cpuNanos, long nativeId) {
    }

    /** Takes a snapshot of this JVM's threads, with locked monitors and synchronizers where the JVM supports them. */
    public static ThreadSnapshot take(Instant time) {
        return take(time, true);
    }

    /**
     * Takes a snapshot of this JVM's platform threads. With {@code lockDetails}, the JVM also reports the monitors
     * and synchronizers each thread holds, searches for deadlocks, and prints its own dump once more for the native
     * thread ids; without, it takes stacks and states only, which stops the application for a fraction of the time
     * when there are thousands of threads.
     */
    public static ThreadSnapshot take(Instant time, boolean lockDetails) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean monitors = lockDetails && mx.isObjectMonitorUsageSupported();
        boolean synchronizers = lockDetails && mx.isSynchronizerUsageSupported();
        ThreadInfo[] infos = mx.dumpAllThreads(monitors, synchronizers);
        long[] cpu = cpuTimes(mx, infos);
        Map<Long, Long> nativeIds = lockDetails ? NativeThreadIds.read() : Map.of();
        List<Entry> entries = new ArrayList<>(infos.length);
        for (int i = 0; i < infos.length; i++) {
            if (infos[i] != null) {
                entries.add(new Entry(infos[i], cpu[i], nativeIds.getOrDefault(infos[i].getThreadId(), -1L)));
            }
        }
        long[] deadlocked = !lockDetails ? null
                : synchronizers ? mx.findDeadlockedThreads() : mx.findMonitorDeadlockedThreads();
        return new ThreadSnapshot(time, List.copyOf(entries), deadlocked == null ? new long[0] : deadlocked,
                lockDetails, List.of());
    }

    /** This snapshot with the given virtual threads. */
    public ThreadSnapshot withVirtualThreads(List<VirtualThreads.Entry> virtual) {
        return new ThreadSnapshot(time, threads, deadlocked, lockDetails, List.copyOf(virtual));
    }

    private static long[] cpuTimes(ThreadMXBean mx, ThreadInfo[] infos) {
        long[] cpu = new long[infos.length];
        java.util.Arrays.fill(cpu, -1);
        if (!mx.isThreadCpuTimeSupported() || !mx.isThreadCpuTimeEnabled()) {
            return cpu;
        }
        long[] ids = new long[infos.length];
        for (int i = 0; i < infos.length; i++) {
            ids[i] = infos[i] == null ? -1 : infos[i].getThreadId();
        }
        if (mx instanceof com.sun.management.ThreadMXBean) {
            long[] bulk = ((com.sun.management.ThreadMXBean) mx).getThreadCpuTime(ids);
            System.arraycopy(bulk, 0, cpu, 0, Math.min(bulk.length, cpu.length));
        } else {
            for (int i = 0; i < ids.length; i++) {
                cpu[i] = ids[i] < 0 ? -1 : mx.getThreadCpuTime(ids[i]);
            }
        }
        return cpu;
    }
}
