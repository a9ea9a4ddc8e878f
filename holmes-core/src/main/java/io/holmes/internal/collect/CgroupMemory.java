package io.holmes.internal.collect;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The memory limit of the cgroup this process runs in, and where its memory statistics are: cgroup v2
 * {@code memory.max} ({@code max} for none) and {@code memory.stat}, else cgroup v1
 * {@code memory.limit_in_bytes} (a value near 2^63 for none) and {@code memory.stat}. Found like the CPU quota,
 * through {@code /proc/self/cgroup} and {@code /proc/self/mountinfo}; the tightest limit of the cgroup and its
 * ancestors wins, as the kernel enforces it. Never throws.
 */
public final class CgroupMemory {

    /** cgroup v1 reports "no limit" as the largest page-aligned long; anything this large is no limit. */
    private static final long UNLIMITED_V1 = 1L << 62;

    private CgroupMemory() {
    }

    /** The rss limit Holmes uses when the builder was not given one: the cgroup limit, else physical memory. */
    public static long defaultLimit() {
        OptionalLong cgroup = limit(Path.of("/"));
        long physical = physicalMemory();
        if (cgroup.isPresent()) {
            return physical > 0 ? Math.min(cgroup.getAsLong(), physical) : cgroup.getAsLong();
        }
        return physical > 0 ? physical : Runtime.getRuntime().maxMemory();
    }

    /** Physical memory as the JVM sees it (which is the container's on a container-aware JVM), or -1. */
    public static long physicalMemory() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return -1;
    }

    /** The tightest memory limit of this process's cgroup below {@code root}; empty when none is set. */
    public static OptionalLong limit(Path root) {
        try {
            List<String> cgroups = CpuQuota.lines(root.resolve("proc/self/cgroup"));
            List<String> mounts = CpuQuota.lines(root.resolve("proc/self/mountinfo"));
            List<Path> v2 = directoriesV2(root, cgroups, mounts);
            OptionalLong limit = tightest(v2, "memory.max");
            return limit.isPresent() ? limit : tightest(directoriesV1(root, cgroups, mounts), "memory.limit_in_bytes");
        } catch (RuntimeException unexpected) {
            return OptionalLong.empty();
        }
    }

    /** The {@code memory.stat} file of this process's own cgroup below {@code root}, if there is one. */
    public static Optional<Path> statFile(Path root) {
        try {
            List<String> cgroups = CpuQuota.lines(root.resolve("proc/self/cgroup"));
            List<String> mounts = CpuQuota.lines(root.resolve("proc/self/mountinfo"));
            for (List<Path> dirs : List.of(directoriesV2(root, cgroups, mounts), directoriesV1(root, cgroups, mounts))) {
                for (Path dir : dirs) {
                    Path stat = dir.resolve("memory.stat");
                    if (Files.isReadable(stat)) {
                        return Optional.of(stat);
                    }
                }
            }
        } catch (RuntimeException unexpected) {
            // no statistics then
        }
        return Optional.empty();
    }

    private static List<Path> directoriesV2(Path root, List<String> cgroups, List<String> mounts) {
        String path = null;
        for (String line : cgroups) {
            if (line.startsWith("0::")) {
                path = line.substring(3);
            }
        }
        CpuQuota.Mount mount = CpuQuota.findMount(mounts, "cgroup2", null);
        if (mount == null || path == null) {
            return List.of();
        }
        return CpuQuota.directories(root, mount, path);
    }

    private static List<Path> directoriesV1(Path root, List<String> cgroups, List<String> mounts) {
        String path = null;
        for (String line : cgroups) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && Arrays.asList(parts[1].split(",")).contains("memory")) {
                path = parts[2];
            }
        }
        CpuQuota.Mount mount = CpuQuota.findMount(mounts, "cgroup", "memory");
        if (mount == null) {
            return List.of();
        }
        return CpuQuota.directories(root, mount, path == null ? "/" : path);
    }

    private static OptionalLong tightest(List<Path> dirs, String file) {
        long best = Long.MAX_VALUE;
        for (Path dir : dirs) {
            long value = parseLimit(CpuQuota.lines(dir.resolve(file)));
            if (value > 0) {
                best = Math.min(best, value);
            }
        }
        return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
    }

    /** A limit file's content in bytes, or -1 for none ({@code max}, a v1 "unlimited" value, unreadable). */
    static long parseLimit(List<String> content) {
        if (content.isEmpty()) {
            return -1;
        }
        String value = content.get(0).trim();
        try {
            long bytes = Long.parseLong(value);
            return bytes <= 0 || bytes >= UNLIMITED_V1 ? -1 : bytes;
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }
}
