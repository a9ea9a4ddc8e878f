package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.internal.capture.MemoryBreakdown;
import io.holmes.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rss against a real child JVM growing direct buffers. Where this process may create a memory cgroup (root, cgroup
 * v2 with the memory controller or v1's memory hierarchy), the child runs inside a new one with a 768 MiB limit and
 * Holmes must find that limit itself; elsewhere the child is given the same limit as rssLimit. Either way the
 * trigger must fire from the resident size, and memory.txt must name the direct buffer pool as the part that grew.
 */
class RssTriggerTest {

    private static final long LIMIT = 768L << 20;

    @TempDir
    Path tmp;

    @Test
    void directBuffersGrowingInsideAMemoryCgroup_fireRss_andMemoryTxtNamesTheDirectBufferPool() throws Exception {
        Path dumps = tmp.resolve("holmes");
        Path cgroup = createMemoryCgroup(LIMIT);
        List<String> command = new ArrayList<>();
        if (cgroup != null) {
            // Join the cgroup first, then become the JVM: the child lives in it from its first page on.
            command.addAll(List.of("sh", "-c", "echo $$ > \"$0\" && shift && exec \"$@\"",
                    cgroup.resolve("cgroup.procs").toString(), "unused"));
        }
        command.addAll(ChildJvm.command(List.of("-Xmx64m", "-XX:MaxDirectMemorySize=1g",
                "-XX:NativeMemoryTracking=summary"), RssGrowthMain.class, dumps.toString(),
                cgroup != null ? "cgroup" : Long.toString(LIMIT), "24"));
        try {
            String output = ChildJvm.run(command, tmp.resolve("child.out"), 240);

            Matcher limit = Pattern.compile("rssLimit=(\\d+)").matcher(output);
            assertThat(limit.find()).as(output).isTrue();
            assertThat(Long.parseLong(limit.group(1))).as("rss limit the child found").isEqualTo(LIMIT);

            Matcher fired = Pattern.compile("fired trigger=(\\S+) type=(\\S+) reason=(\\S+) current=(\\d+) memory=(\\S+)"
                    + " json=(\\S+)").matcher(output);
            assertThat(fired.find()).as(output).isTrue();
            assertThat(fired.group(1)).isEqualTo("rss");
            assertThat(fired.group(2)).isEqualTo("MEM");
            Path memory = Path.of(fired.group(5));
            assertThat(memory.getFileName().toString()).matches("mem\\.\\d{8}-\\d{6}\\.\\d{3}\\.memory\\.txt");
            String text = Files.readString(memory, StandardCharsets.UTF_8);
            assertThat(text).as(text).contains("largest growth: " + MemoryBreakdown.DIRECT + " (+");
            assertThat(text).contains("resident (VmRSS)", MemoryBreakdown.HEAP_USED, MemoryBreakdown.METASPACE,
                    MemoryBreakdown.CODE_CACHE, MemoryBreakdown.MAPPED, MemoryBreakdown.THREAD_STACKS);
            assertThat(text).as("NMT summary of a JVM started with NMT on").contains("Native Memory Tracking:");
            if (cgroup != null) {
                assertThat(text).as("the cgroup's memory statistics").contains(cgroup.toString()).containsPattern(
                        "(?m)^(rss|anon) \\d+");
            }
            String json = Files.readString(Path.of(fired.group(6)));
            assertThat(json).contains("\"trigger\":\"rss\"").contains("\"type\":\"mem\"")
                    .contains("\"memoryGrowth\":\"" + MemoryBreakdown.DIRECT + "\"");
        } finally {
            if (cgroup != null) {
                Files.deleteIfExists(cgroup);
            }
        }
    }

    /**
     * A new memory cgroup below this process's own (v2, else v1) with {@code limit}, or {@code null} when none can be
     * made here (not root, no writable hierarchy); the test then passes the limit explicitly.
     */
    private static Path createMemoryCgroup(long limit) {
        String name = "holmes-rss-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] parts = line.split(":", 3);
                if (parts.length < 3) {
                    continue;
                }
                Path dir;
                String limitFile;
                if (parts[0].equals("0") && parts[1].isEmpty()
                        && Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))
                        && Files.readString(Path.of("/sys/fs/cgroup/cgroup.controllers")).contains("memory")) {
                    dir = Path.of("/sys/fs/cgroup" + parts[2]).resolve(name);
                    limitFile = "memory.max";
                } else if (List.of(parts[1].split(",")).contains("memory")
                        && Files.isDirectory(Path.of("/sys/fs/cgroup/memory"))) {
                    dir = Path.of("/sys/fs/cgroup/memory" + parts[2]).resolve(name);
                    limitFile = "memory.limit_in_bytes";
                } else {
                    continue;
                }
                try {
                    Files.createDirectory(dir);
                } catch (IOException | SecurityException notHere) {
                    continue;
                }
                try {
                    Files.writeString(dir.resolve(limitFile), Long.toString(limit));
                    return dir;
                } catch (IOException | SecurityException notHere) {
                    Files.deleteIfExists(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
