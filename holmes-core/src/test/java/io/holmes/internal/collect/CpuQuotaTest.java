package io.holmes.internal.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cgroup files as the kernel lays them out, written into a fixture root. */
class CpuQuotaTest {

    @TempDir
    Path root;

    private void file(String path, String content) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private static final String V2_MOUNT =
            "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";

    @Test
    void v2_quotaOfTheProcessCgroup() throws IOException {
        file("proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
        file("proc/self/mountinfo", V2_MOUNT);
        file("sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "150000 100000\n");
        assertThat(CpuQuota.read(root)).hasValue(1.5);
    }

    @Test
    void v2_tightestAncestorWins() throws IOException {
        file("proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
        file("proc/self/mountinfo", V2_MOUNT);
        file("sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "max 100000\n");
        file("sys/fs/cgroup/kubepods/pod1/cpu.max", "50000 100000\n");
        file("sys/fs/cgroup/kubepods/cpu.max", "400000 100000\n");
        assertThat(CpuQuota.read(root)).hasValue(0.5);
    }

    @Test
    void v2_maxMeansNoQuota() throws IOException {
        file("proc/self/cgroup", "0::/\n");
        file("proc/self/mountinfo", V2_MOUNT);
        file("sys/fs/cgroup/cpu.max", "max 100000\n");
        assertThat(CpuQuota.read(root)).isEmpty();
    }

    @Test
    void v2_containerNamespaceSeesItsCgroupAtTheMountRoot() throws IOException {
        // The process's path names the host's hierarchy, which is not visible inside the container.
        file("proc/self/cgroup", "0::/system.slice/docker-abc.scope\n");
        file("proc/self/mountinfo", V2_MOUNT);
        file("sys/fs/cgroup/cpu.max", "200000 100000\n");
        assertThat(CpuQuota.read(root)).hasValue(2.0);
    }

    @Test
    void v1_cfsQuotaAndPeriod() throws IOException {
        file("proc/self/cgroup", "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n");
        file("proc/self/mountinfo",
                "40 31 0:37 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n");
        file("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "250000\n");
        file("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        assertThat(CpuQuota.read(root)).hasValue(2.5);
    }

    @Test
    void v1_minusOneMeansNoQuota() throws IOException {
        file("proc/self/cgroup", "1:cpu:/\n");
        file("proc/self/mountinfo", "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n");
        file("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
        file("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
        assertThat(CpuQuota.read(root)).isEmpty();
    }

    @Test
    void hybrid_v1CpuControllerBesideAnEmptyUnifiedMount() throws IOException {
        file("proc/self/cgroup", "1:cpu:/\n0::/\n");
        file("proc/self/mountinfo",
                "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
                        + "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n");
        file("sys/fs/cgroup/unified/cgroup.controllers", "");
        file("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "300000\n");
        file("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
        assertThat(CpuQuota.read(root)).hasValue(3.0);
    }

    @Test
    void missingFilesMeanNoQuota() {
        assertThat(CpuQuota.read(root)).isEmpty();
    }

    @Test
    void garbageAndZerosNeverYieldZeroCores() throws IOException {
        file("proc/self/cgroup", "0::/\n");
        file("proc/self/mountinfo", V2_MOUNT);
        file("sys/fs/cgroup/cpu.max", "0 100000\n");
        assertThat(CpuQuota.read(root)).isEmpty();
        file("sys/fs/cgroup/cpu.max", "lots of cpu\n");
        assertThat(CpuQuota.read(root)).isEmpty();
        file("sys/fs/cgroup/cpu.max", "100000 0\n");
        assertThat(CpuQuota.read(root)).isEmpty();
    }

    @Test
    void withoutMountinfoTheConventionalPathsAreRead() throws IOException {
        file("sys/fs/cgroup/cpu.max", "100000 100000\n");
        assertThat(CpuQuota.read(root)).isEqualTo(OptionalDouble.of(1.0));
    }

    @Test
    void defaultCoresIsPositiveAndAtMostTheProcessors() {
        assertThat(CpuQuota.defaultCores()).isPositive()
                .isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
