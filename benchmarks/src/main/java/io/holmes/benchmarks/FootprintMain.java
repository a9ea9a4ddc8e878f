package io.holmes.benchmarks;

import io.holmes.BenchmarkAccess;
import io.holmes.Holmes;
import io.holmes.Rule;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import javax.management.ObjectName;

/**
 * What Holmes keeps: the heap it retains after millions of ticks (it must not grow), the bytes held by its own
 * classes (from the JVM's class histogram), and its threads.
 *
 * <p>Usage: {@code java -Xmx256m -cp benchmarks/target/benchmarks.jar io.holmes.benchmarks.FootprintMain}
 */
public final class FootprintMain {

    private FootprintMain() {
    }

    public static void main(String[] args) throws Exception {
        long before = settledHeap();
        List<String> threadsBefore = threadNames();
        Holmes holmes = BenchmarkAccess.steppingClock(Holmes.builder(), Duration.ofMillis(100))
                .collectInterval(Duration.ofHours(1))
                .dumpPath(Files.createTempDirectory("holmes-footprint"))
                .cpuDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .memDump(Rule.MAX_PERCENT, 100, Rule.MAX_PERCENT, Duration.ofMinutes(1))
                .threadDump(Integer.MAX_VALUE, 100, Integer.MAX_VALUE, 0, Duration.ofMinutes(1))
                .build()
                .start();
        System.out.printf("%12s %16s %22s%n", "ticks", "retained (bytes)", "io.holmes.* (bytes)");
        long done = 0;
        for (long target : new long[] {0, 1_000_000, 5_000_000, 10_000_000}) {
            for (; done < target; done++) {
                BenchmarkAccess.tick(holmes);
            }
            long retained = settledHeap() - before;
            System.out.printf("%12d %16d %22d%n", holmes.ticks(), retained, holmesClassBytes());
        }
        List<String> added = threadNames();
        added.removeAll(threadsBefore);
        System.out.println("threads added by Holmes: " + added);
        holmes.close();
        Thread.sleep(200);
        List<String> left = threadNames();
        left.removeAll(threadsBefore);
        System.out.println("threads left after close(): " + left);
    }

    private static long settledHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        }
        return used;
    }

    private static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).sorted()
                .collect(Collectors.toList());
    }

    /** Sum of the #bytes column of the class histogram for Holmes' classes (live objects only, after a full GC). */
    private static long holmesClassBytes() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        long bytes = 0;
        for (String line : histogram.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4 && cols[0].endsWith(":") && cols[3].startsWith("io.holmes.")
                    && !cols[3].startsWith("io.holmes.benchmarks")) {
                bytes += Long.parseLong(cols[2]);
            }
        }
        return bytes;
    }
}
