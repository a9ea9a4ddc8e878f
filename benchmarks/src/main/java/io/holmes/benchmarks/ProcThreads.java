package io.holmes.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * CPU time of this process's threads by name, from {@code /proc/self/task}: it sees the JVM's native threads too
 * (Flight Recorder's sampler thread is not a Java thread, so {@code ThreadMXBean} cannot see it). Names are the
 * kernel's, cut to 15 characters ({@code "JFR Sampler Thr"}); times have the kernel's clock-tick resolution (10 ms).
 */
final class ProcThreads {

    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ = 100 on Linux

    private ProcThreads() {
    }

    /** User + system CPU time so far of the live threads whose name passes {@code name}; 0 without /proc. */
    static long cpuNanos(Predicate<String> name) {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    if (!name.test(comm)) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * NANOS_PER_TICK;
    }

    /** The groups of {@link #cpuNanosByGroup()}, in its order. */
    static final List<String> GROUPS = List.of("workload", "Flight Recorder + holmes-look-back", "JIT compilers",
            "GC + VM thread", "other");

    /**
     * User + system CPU time so far of the live threads, by group: the workload's threads ({@code workload-*}),
     * Flight Recorder's and the look-back worker ({@link #lookBackThread}), the JIT compilers ({@code C1/C2
     * CompilerThre}), the collector and the VM thread ({@code GC *}, {@code G1 *}, {@code VM *}), and the rest.
     */
    static long[] cpuNanosByGroup() {
        long[] ticks = new long[GROUPS.size()];
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks[group(comm)] += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return ticks;
        }
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] *= NANOS_PER_TICK;
        }
        return ticks;
    }

    private static int group(String comm) {
        if (comm.startsWith("workload-")) {
            return 0;
        }
        if (lookBackThread(comm)) {
            return 1;
        }
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return 2;
        }
        if (comm.startsWith("GC ") || comm.startsWith("G1 ") || comm.startsWith("VM ")) {
            return 3;
        }
        return 4;
    }

    /** Flight Recorder's threads and Holmes' look-back worker. */
    static boolean lookBackThread(String name) {
        return name.startsWith("JFR ") || name.startsWith("holmes-look-bac");
    }
}
