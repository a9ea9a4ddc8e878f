package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holmes.testing.EventFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import one.profiler.AsyncProfiler;
import one.profiler.AsyncProfilerLoader;
import org.junit.jupiter.api.Test;

/** How profiling sessions are shared and ended, with scripted readings and the real async-profiler. */
class ProfileSessionTest extends ScriptedHolmesTest {

    ProfileSessionTest() {
        super(5, 5, 30);
    }

    private Holmes.Builder builder() {
        return scripted()
                .cpuDump(20, 100, 95, Duration.ofMinutes(1))
                .memDump(20, 100, 95, Duration.ofMinutes(1));
    }

    private void tick(int cpu, int heap) {
        probe.set(cpu, heap, 30);
        tick();
    }

    @Test
    void cpuAndMemTriggersOfOneTick_shareOneSession() throws Exception {
        holmes = builder().samplingTime(Duration.ofMillis(300)).build().start();
        for (int i = 0; i < 10; i++) {
            tick(5, 5);
        }
        tick(90, 90);
        await().atMost(20, TimeUnit.SECONDS).until(() -> reporter.events().size() == 2);

        DumpEvent cpu = only(DumpType.CPU);
        DumpEvent mem = only(DumpType.MEM);
        assertThat(cpu.details()).containsEntry("engine", "async-profiler/cpu");
        assertThat(mem.details()).containsEntry("engine", "async-profiler/alloc");
        assertThat(cpu.details().get("coveredMillis")).isEqualTo(mem.details().get("coveredMillis"));
        // One session wrote one recording; each event carries it under its own name.
        byte[] cpuJfr = Files.readAllBytes(file(cpu, ".jfr"));
        assertThat(cpuJfr).isNotEmpty().isEqualTo(Files.readAllBytes(file(mem, ".jfr")));
        assertThat(file(mem, ".histo.txt")).exists();
        assertThat(file(cpu, ".jfr").getFileName().toString()).startsWith("cpu.");
        assertThat(file(mem, ".jfr").getFileName().toString()).startsWith("mem.");
    }

    @Test
    void closeDuringACapture_abortsIt_leavesNoFile_andReleasesTheProfiler() throws Exception {
        holmes = builder().samplingTime(Duration.ofMinutes(5)).closeTimeout(Duration.ofSeconds(5)).build().start();
        AsyncProfiler profiler = AsyncProfilerLoader.load();
        CompletableFuture<DumpEvent> capture = holmes.dump(DumpType.CPU);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !profiler.execute("status").contains("not active"));
        // The recording in progress lives in Holmes' private scratch directory.
        try (Stream<Path> during = Files.walk(tmp)) {
            assertThat(during.map(p -> tmp.relativize(p).toString()))
                    .anyMatch(n -> n.startsWith(".scratch.") && n.contains("/cpu.") && n.endsWith(".jfr"));
        }

        holmes.close();

        assertThat(capture).isCompletedExceptionally();
        assertThatThrownBy(capture::get).isInstanceOf(ExecutionException.class);
        assertThat(profiler.execute("status")).contains("not active");
        try (Stream<Path> after = Files.list(tmp)) {
            assertThat(after.toList()).isEmpty();
        }
        assertThat(reporter.events()).isEmpty();
    }

    @Test
    void aHeapDumpIsWrittenOnlyWhenEnabled_ownerOnly_andCountedInTheBudget() throws Exception {
        // The budget must hold a heap dump as large as the used heap, or Holmes skips it.
        holmes = builder().samplingTime(Duration.ofMillis(200)).heapDump(true).dumpBudget(50, 16L << 30).build().start();

        DumpEvent event = holmes.dump(DumpType.MEM).get(60, TimeUnit.SECONDS);

        Path hprof = file(event, ".hprof");
        assertThat(hprof.getFileName().toString()).startsWith("mem.").endsWith(".hprof");
        byte[] header = new byte[18];
        try (var in = Files.newInputStream(hprof)) {
            assertThat(in.read(header)).isEqualTo(header.length);
        }
        assertThat(new String(header, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE 1.0.2");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(hprof)))
                .isEqualTo("rw-------");
        assertThat(holmes.bytesOnDisk()).isGreaterThanOrEqualTo(Files.size(hprof));
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    private DumpEvent only(DumpType type) {
        List<DumpEvent> events = reporter.events().stream().filter(e -> e.type() == type).toList();
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private static Path file(DumpEvent event, String suffix) {
        return EventFiles.file(event, suffix);
    }
}
