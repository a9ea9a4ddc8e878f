package io.holmes.internal.capture;

import io.holmes.internal.collect.CgroupMemory;
import io.holmes.internal.collect.RssProbe;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.management.ObjectName;

/**
 * Where the process's memory is at one moment, as the JVM and the kernel account it: resident size and the limit,
 * heap, metaspace, code cache, direct and mapped buffer pools, thread stacks, Native Memory Tracking's summary when
 * it is on, and the cgroup's {@code memory.stat}. {@link #text(MemoryBreakdown)} writes it as the
 * {@code mem.<stamp>.memory.txt} of an {@code rss} event, with each part's growth since an earlier breakdown and
 * the part that grew most.
 *
 * @param time        when it was taken
 * @param resident    resident bytes ({@code VmRSS}), -1 when unknown
 * @param limit       the rss limit in bytes
 * @param parts       the JVM's accounting, by part name, in bytes (a part that does not exist in this JVM is absent)
 * @param details     a line of detail per part, where there is one (buffer counts, thread counts)
 * @param nmt         Native Memory Tracking's summary, empty when it is off
 * @param cgroupStat  the cgroup's {@code memory.stat} and where it was read, empty when there is none
 */
public record MemoryBreakdown(Instant time, long resident, long limit, Map<String, Long> parts,
                              Map<String, String> details, String nmt, String cgroupStat) {

    public static final String HEAP_USED = "heap used";
    public static final String HEAP_COMMITTED = "heap committed";
    public static final String METASPACE = "metaspace (committed)";
    public static final String CLASS_SPACE = "compressed class space (committed)";
    public static final String CODE_CACHE = "code cache (committed)";
    public static final String DIRECT = "direct buffer pool";
    public static final String MAPPED = "mapped buffer pool";
    public static final String THREAD_STACKS = "thread stacks (reserved, estimated)";

    /** Parts whose growth is compared: what the resident size is made of, each counted once. */
    private static final List<String> GROWTH_PARTS =
            List.of(HEAP_COMMITTED, METASPACE, CLASS_SPACE, CODE_CACHE, DIRECT, MAPPED, THREAD_STACKS);

    public MemoryBreakdown {
        parts = Map.copyOf(parts);
        details = Map.copyOf(details);
    }

    /** Takes a breakdown now. Never throws: what cannot be read is left out. */
    public static MemoryBreakdown take(long limit) {
        Map<String, Long> parts = new LinkedHashMap<>();
        Map<String, String> details = new LinkedHashMap<>();
        try {
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            parts.put(HEAP_USED, heap.getUsed());
            parts.put(HEAP_COMMITTED, heap.getCommitted());
            long code = -1;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() != MemoryType.NON_HEAP) {
                    continue;
                }
                long committed = pool.getUsage().getCommitted();
                String name = pool.getName();
                if (name.equals("Metaspace")) {
                    parts.put(METASPACE, committed);
                    details.put(METASPACE, "used " + mib(pool.getUsage().getUsed()));
                } else if (name.equals("Compressed Class Space")) {
                    parts.put(CLASS_SPACE, committed);
                } else if (name.startsWith("CodeHeap") || name.equals("Code Cache")) {
                    code = Math.max(0, code) + committed;
                }
            }
            if (code >= 0) {
                parts.put(CODE_CACHE, code);
            }
            long mapped = -1;
            int mappedCount = 0;
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (pool.getName().equals("direct")) {
                    parts.put(DIRECT, pool.getMemoryUsed());
                    details.put(DIRECT, pool.getCount() + " buffers, capacity " + mib(pool.getTotalCapacity()));
                } else if (pool.getName().startsWith("mapped")) {
                    mapped = Math.max(0, mapped) + pool.getMemoryUsed();
                    mappedCount += pool.getCount();
                }
            }
            if (mapped >= 0) {
                parts.put(MAPPED, mapped);
                details.put(MAPPED, mappedCount + " buffers");
            }
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            long stack = threadStackBytes();
            if (stack > 0) {
                parts.put(THREAD_STACKS, threads * stack);
                details.put(THREAD_STACKS, threads + " threads x " + mib(stack));
            }
        } catch (RuntimeException | LinkageError e) {
            details.put("error", e.toString());
        }
        return new MemoryBreakdown(Instant.now(), RssProbe.residentBytes(), limit, parts, details,
                nativeMemory(), readCgroupStat());
    }

    /** The part that grew most since {@code before}, with its growth in bytes; empty when nothing grew. */
    public Optional<Map.Entry<String, Long>> largestGrowth(MemoryBreakdown before) {
        Map.Entry<String, Long> best = null;
        for (String part : GROWTH_PARTS) {
            Long now = parts.get(part);
            Long then = before.parts.get(part);
            if (now == null || then == null) {
                continue;
            }
            long growth = now - then;
            if (growth > 0 && (best == null || growth > best.getValue())) {
                best = Map.entry(part, growth);
            }
        }
        return Optional.ofNullable(best);
    }

    /** The {@code memory.txt} document: this breakdown, each part's change since {@code before}, and the cause. */
    public String text(MemoryBreakdown before) {
        StringBuilder s = new StringBuilder();
        s.append("# Holmes memory breakdown at ").append(time).append(", compared with ").append(before.time)
                .append('\n');
        s.append(String.format(Locale.ROOT, "%-40s %14s %14s", "part", "now", "change")).append('\n');
        row(s, "resident (VmRSS)", resident, before.resident, "");
        row(s, "rss limit", limit, before.limit, "");
        if (resident >= 0 && limit > 0) {
            s.append(String.format(Locale.ROOT, "%-40s %13d%%", "resident % of limit",
                    Math.round(resident * 100.0 / limit))).append('\n');
        }
        for (String part : List.of(HEAP_USED, HEAP_COMMITTED, METASPACE, CLASS_SPACE, CODE_CACHE, DIRECT, MAPPED,
                THREAD_STACKS)) {
            Long now = parts.get(part);
            if (now != null) {
                Long then = before.parts.get(part);
                row(s, part, now, then == null ? -1 : then, details.getOrDefault(part, ""));
            }
        }
        s.append('\n');
        Optional<Map.Entry<String, Long>> grew = largestGrowth(before);
        s.append("largest growth: ").append(grew.map(g -> g.getKey() + " (+" + mib(g.getValue()) + ")")
                .orElse("none of the parts the JVM accounts for grew")).append('\n');
        s.append("\n## Native Memory Tracking summary\n")
                .append(nmt.isEmpty() ? "off (start the JVM with -XX:NativeMemoryTracking=summary to see GC, compiler,"
                        + " symbol and other native areas)\n" : nmt);
        s.append("\n## cgroup memory.stat\n").append(cgroupStat.isEmpty() ? "no memory cgroup found\n" : cgroupStat);
        return s.toString();
    }

    private static void row(StringBuilder s, String part, long now, long then, String detail) {
        String change = now < 0 || then < 0 ? "" : (now >= then ? "+" : "-") + mib(Math.abs(now - then));
        s.append(String.format(Locale.ROOT, "%-40s %14s %14s  %s", part, now < 0 ? "unknown" : mib(now), change,
                detail).stripTrailing()).append('\n');
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    /** Reserved stack bytes per thread: -Xss / ThreadStackSize (KiB), else the 64-bit HotSpot default of 1 MiB. */
    private static long threadStackBytes() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotspot =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Long.parseLong(hotspot.getVMOption("ThreadStackSize").getValue()) * 1024;
        } catch (RuntimeException | LinkageError e) {
            return 1024 * 1024;
        }
    }

    /** {@code jcmd <pid> VM.native_memory summary} through the DiagnosticCommand MBean; empty when NMT is off. */
    static String nativeMemory() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotspot =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if ("off".equals(hotspot.getVMOption("NativeMemoryTracking").getValue())) {
                return "";
            }
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            return String.valueOf(out);
        } catch (Exception | LinkageError e) {
            return "unavailable: " + e + "\n";
        }
    }

    private static String readCgroupStat() {
        Optional<Path> stat = CgroupMemory.statFile(Path.of("/"));
        if (stat.isEmpty()) {
            return "";
        }
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(stat.get(), StandardCharsets.UTF_8));
            return "(" + stat.get() + ")\n" + String.join("\n", lines) + "\n";
        } catch (java.io.IOException | RuntimeException e) {
            return "(" + stat.get() + ") unreadable: " + e + "\n";
        }
    }
}
