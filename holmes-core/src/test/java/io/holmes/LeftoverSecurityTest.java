package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.testing.LogCapture;
import io.holmes.internal.write.DiskBudget;
import io.holmes.internal.write.DumpDirectory;
import io.holmes.internal.write.PendingEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 7 of the security review: after {@code kill -9} during a heap dump, a 240 MB temporary heap dump and an
 * event without its JSON stayed outside the budget ({@code bytesOnDisk} 60 KB with 230 MB on disk) for an hour,
 * and {@code heapDump(true)} filled the disk past the budget. What a dead process left is now counted and swept
 * when Holmes starts, and a heap dump that the budget or the free space cannot hold is skipped with a WARN.
 */
class LeftoverSecurityTest {

    @TempDir
    Path tmp;

    @Test
    void aProcessKilledDuringAHeapDump_leavesNothingBehindOnceHolmesStartsAgain() throws Exception {
        Path dumps = tmp.resolve("dumps");
        Path halfWritten = killDuringHeapDump(dumps);
        long leftBehind = bytesUnder(dumps);
        assertThat(leftBehind).as("the killed process' leftovers").isGreaterThan(10L << 20);
        assertThat(halfWritten).exists();

        try (Holmes holmes = Holmes.builder().dumpPath(dumps).build().start()) {
            // Swept on the capture thread as Holmes starts; the first capture sees the clean directory.
            DumpEvent event = holmes.dump(DumpType.THREAD).get(60, TimeUnit.SECONDS);
            assertThat(halfWritten).doesNotExist();
            assertThat(halfWritten.getParent()).doesNotExist();
            try (Stream<Path> files = Files.list(dumps)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .allMatch(n -> n.startsWith("thread.")).hasSize(event.files().size());
            }
            assertThat(holmes.bytesOnDisk()).isEqualTo(bytesUnder(dumps)).isLessThan(leftBehind);
        }
    }

    @Test
    void anotherWritersEventInProgress_isCountedButNeitherSweptNorEvicted() throws Exception {
        Path dumps = tmp.resolve("dumps");
        DiskBudget oneEvent = new DiskBudget(1, 1L << 30);
        DumpDirectory writer = new DumpDirectory(dumps, oneEvent, Clock.systemUTC());
        PendingEvent inProgress = writer.begin(DumpType.MEM);
        Path histogram = inProgress.write("histo.txt", out -> out.write(new byte[1 << 20]));
        Path recording = inProgress.scratch("hprof");
        Files.write(recording, new byte[3 << 20]);

        DumpDirectory other = new DumpDirectory(dumps, oneEvent, Clock.systemUTC());
        other.open();
        for (int i = 0; i < 3; i++) {
            PendingEvent done = other.begin(DumpType.THREAD);
            done.write("txt", out -> out.write(new byte[1000]));
            other.report(DumpEvent.builder().id("t" + i).type(DumpType.THREAD).reason(Reason.MANUAL)
                    .start(done.time()).files(done.files()).addFile(done.path("json")).build());
        }
        // The other writer's recording and half event are still there, and counted.
        assertThat(recording).exists();
        assertThat(histogram).exists();
        assertThat(other.bytesOnDisk()).isGreaterThanOrEqualTo((4L << 20) + 1000);

        Path hprof = inProgress.adopt(recording, "hprof");
        writer.report(DumpEvent.builder().id("m").type(DumpType.MEM).reason(Reason.MANUAL).start(inProgress.time())
                .files(inProgress.files()).addFile(inProgress.path("json")).build());
        assertThat(hprof).exists();
    }

    @Test
    void aHeapDumpTheBudgetCannotHold_isSkippedWithOneWarn_andTheCaptureStillCompletes() throws Exception {
        Path dumps = tmp.resolve("dumps");
        try (LogCapture log = new LogCapture();
             Holmes holmes = Holmes.builder().dumpPath(dumps).heapDump(true).dumpBudget(50, 1 << 20)
                     .samplingTime(Duration.ofMillis(200)).build().start()) {
            for (int i = 0; i < 2; i++) {
                DumpEvent event = holmes.dump(DumpType.MEM).get(60, TimeUnit.SECONDS);
                assertThat(event.details().get("heapDump"))
                        .startsWith("skipped: a heap dump of about").contains("would not fit the disk budget of 1 MiB");
                assertThat(event.files()).noneMatch(f -> f.toString().endsWith(".hprof"))
                        .anyMatch(f -> f.toString().endsWith(".histo.txt"));
            }
            try (Stream<Path> files = Files.walk(dumps)) {
                assertThat(files).noneMatch(f -> f.toString().endsWith(".hprof"));
            }
            assertThat(log.warnings("skipped the heap dump")).hasSize(1);
        }
    }

    /**
     * Runs a JVM that takes a heap dump of about 200 MiB into {@code dumps} and kills it ({@code SIGKILL}) while the
     * dump is being written; returns the half-written heap dump.
     */
    private static Path killDuringHeapDump(Path dumps) throws Exception {
        for (int attempt = 1; ; attempt++) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-Xmx768m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", System.getProperty("java.class.path"), SharedDirectoryMain.class.getName(),
                    "heap-dump", dumps.toString()).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("capturing");
            Path[] hprof = new Path[1];
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5)).until(() -> {
                hprof[0] = heapDumpBeingWritten(dumps);
                return hprof[0] != null || !child.isAlive();
            });
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (hprof[0] != null && Files.exists(hprof[0], LinkOption.NOFOLLOW_LINKS)
                    && hprof[0].getParent().getFileName().toString().startsWith(".scratch.")) {
                return hprof[0];
            }
            // The dump finished before the kill (a fast disk): try again, a few times at most.
            assertThat(attempt).as("attempts to catch a heap dump mid-write").isLessThan(4);
        }
    }

    private static Path heapDumpBeingWritten(Path dumps) throws Exception {
        if (!Files.isDirectory(dumps)) {
            return null;
        }
        try (Stream<Path> files = Files.walk(dumps)) {
            return files.filter(f -> f.toString().endsWith(".hprof") && f.getParent().getFileName().toString()
                    .startsWith(".scratch.") && size(f) > (10L << 20)).findFirst().orElse(null);
        } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException raced) {
            return null;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (Exception e) {
            return 0;
        }
    }

    static long bytesUnder(Path directory) throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            List<Path> regular = files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList();
            long total = 0;
            for (Path f : regular) {
                total += size(f);
            }
            return total;
        }
    }
}
