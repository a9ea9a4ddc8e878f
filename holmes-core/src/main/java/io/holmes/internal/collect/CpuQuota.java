package io.holmes.internal.collect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The CPU quota of the cgroup this process runs in, as a number of cores, read from the files the kernel
 * exposes: cgroup v2 {@code cpu.max} ({@code "<quota> <period>"} or {@code "max <period>"}) and cgroup v1
 * {@code cpu.cfs_quota_us} / {@code cpu.cfs_period_us} (quota {@code -1} for none). The cgroup is found through
 * {@code /proc/self/cgroup} and {@code /proc/self/mountinfo}; every ancestor up to the mount point is read
 * and the tightest quota wins, as the kernel enforces it. A missing file, an unlimited quota or content that
 * does not parse means "no quota": this class never throws and never answers zero.
 */
public final class CpuQuota {

    private CpuQuota() {
    }

    /** The core count Holmes uses when the builder was not given one: the cgroup quota, at most the processors. */
    public static double defaultCores() {
        int processors = Math.max(1, Runtime.getRuntime().availableProcessors());
        OptionalDouble quota = read(Path.of("/"));
        return quota.isPresent() ? Math.min(quota.getAsDouble(), processors) : processors;
    }

    /**
     * The quota in cores, read below {@code root} ({@code /} in production, a fixture directory in tests);
     * empty when none is set or it cannot be read.
     */
    public static OptionalDouble read(Path root) {
        try {
            List<String> cgroups = lines(root.resolve("proc/self/cgroup"));
            List<String> mounts = lines(root.resolve("proc/self/mountinfo"));
            OptionalDouble v2 = readV2(root, cgroups, mounts);
            return v2.isPresent() ? v2 : readV1(root, cgroups, mounts);
        } catch (RuntimeException unexpected) {
            return OptionalDouble.empty();
        }
    }

    private static OptionalDouble readV2(Path root, List<String> cgroups, List<String> mounts) {
        String cgroupPath = null;
        for (String line : cgroups) {
            if (line.startsWith("0::")) {
                cgroupPath = line.substring(3);
            }
        }
        Mount mount = findMount(mounts, "cgroup2", null);
        if (mount == null) {
            return cgroupPath == null ? parseCpuMax(root.resolve("sys/fs/cgroup/cpu.max")) : OptionalDouble.empty();
        }
        List<Path> dirs = directories(root, mount, cgroupPath == null ? "/" : cgroupPath);
        double best = Double.NaN;
        for (Path dir : dirs) {
            best = tighter(best, parseCpuMax(dir.resolve("cpu.max")));
        }
        return Double.isNaN(best) ? OptionalDouble.empty() : OptionalDouble.of(best);
    }

    private static OptionalDouble readV1(Path root, List<String> cgroups, List<String> mounts) {
        String cgroupPath = null;
        for (String line : cgroups) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && Arrays.asList(parts[1].split(",")).contains("cpu")) {
                cgroupPath = parts[2];
            }
        }
        Mount mount = findMount(mounts, "cgroup", "cpu");
        List<Path> dirs;
        if (mount != null) {
            dirs = directories(root, mount, cgroupPath == null ? "/" : cgroupPath);
        } else {
            dirs = List.of(root.resolve("sys/fs/cgroup/cpu"), root.resolve("sys/fs/cgroup/cpu,cpuacct"));
        }
        double best = Double.NaN;
        for (Path dir : dirs) {
            best = tighter(best, parseCfs(dir.resolve("cpu.cfs_quota_us"), dir.resolve("cpu.cfs_period_us")));
        }
        return Double.isNaN(best) ? OptionalDouble.empty() : OptionalDouble.of(best);
    }

    /** The cgroup's own directory and each ancestor up to the mount point, deepest first. */
    static List<Path> directories(Path root, Mount mount, String cgroupPath) {
        String relative = cgroupPath;
        if (!mount.root.equals("/") && relative.startsWith(mount.root)) {
            relative = relative.substring(mount.root.length());
        }
        Path mountPoint = root.resolve(strip(mount.point));
        Path dir = mountPoint.resolve(strip(relative)).normalize();
        if (!dir.startsWith(mountPoint) || !Files.isDirectory(dir)) {
            // The path belongs to another namespace (a container sees the host's path): use the mount itself.
            return List.of(mountPoint);
        }
        List<Path> dirs = new ArrayList<>();
        for (Path p = dir; p != null && p.startsWith(mountPoint); p = p.getParent()) {
            dirs.add(p);
        }
        return dirs;
    }

    private static String strip(String absolute) {
        String s = absolute;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        return s;
    }

    /** {@code "150000 100000"} is 1.5 cores; {@code "max 100000"} is no quota. */
    static OptionalDouble parseCpuMax(Path file) {
        List<String> content = lines(file);
        if (content.isEmpty()) {
            return OptionalDouble.empty();
        }
        String[] parts = content.get(0).trim().split("\\s+");
        if (parts.length < 1 || parts[0].equals("max")) {
            return OptionalDouble.empty();
        }
        long period = parts.length > 1 ? parseLong(parts[1]) : 100_000;
        return cores(parseLong(parts[0]), period);
    }

    static OptionalDouble parseCfs(Path quotaFile, Path periodFile) {
        List<String> quota = lines(quotaFile);
        List<String> period = lines(periodFile);
        if (quota.isEmpty() || period.isEmpty()) {
            return OptionalDouble.empty();
        }
        return cores(parseLong(quota.get(0).trim()), parseLong(period.get(0).trim()));
    }

    private static OptionalDouble cores(long quota, long period) {
        if (quota <= 0 || period <= 0) {
            return OptionalDouble.empty();
        }
        double cores = (double) quota / period;
        return cores > 0 && Double.isFinite(cores) ? OptionalDouble.of(cores) : OptionalDouble.empty();
    }

    private static double tighter(double best, OptionalDouble candidate) {
        if (candidate.isEmpty()) {
            return best;
        }
        return Double.isNaN(best) ? candidate.getAsDouble() : Math.min(best, candidate.getAsDouble());
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The first mount of {@code fsType} (and, for v1, carrying {@code controller} among its super options). A
     * mountinfo line reads {@code id parent major:minor root mount-point options [optional...] - fstype source super-options}.
     */
    static Mount findMount(List<String> mounts, String fsType, String controller) {
        for (String line : mounts) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] head = line.substring(0, dash).split(" ");
            String[] tail = line.substring(dash + 3).split(" ");
            if (head.length < 5 || tail.length < 1 || !tail[0].equals(fsType)) {
                continue;
            }
            if (controller != null
                    && (tail.length < 3 || !Arrays.asList(tail[2].split(",")).contains(controller))) {
                continue;
            }
            return new Mount(unescape(head[3]), unescape(head[4]));
        }
        return null;
    }

    /** mountinfo escapes spaces and a few other characters as octal {@code \040}. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: keep the backslash
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    static final class Mount {
        final String root;
        final String point;

        Mount(String root, String point) {
            this.root = root;
            this.point = point;
        }
    }
}
