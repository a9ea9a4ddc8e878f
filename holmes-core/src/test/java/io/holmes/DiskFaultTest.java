package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk fails under Holmes: nothing reaches the application, no half-written file stays, the budget holds. */
class DiskFaultTest {

    @TempDir
    Path tmp;

    @Test
    void aDumpPathThatCannotBeCreated_failsCaptures_notTheApplication_andRecoversWhenFixed() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("blocker"), "a file where a directory should be");
        try (Holmes holmes = Holmes.builder().collectInterval(Duration.ofMillis(20)).dumpPath(blocker.resolve("dumps"))
                .build().start()) {
            CompletableFuture<DumpEvent> failed = holmes.dump(DumpType.THREAD);
            assertThat(failed).failsWithin(Duration.ofSeconds(20)).withThrowableThat()
                    .withCauseInstanceOf(IOException.class);
            long ticks = holmes.ticks();
            await().atMost(5, TimeUnit.SECONDS).until(() -> holmes.ticks() > ticks + 5);

            Files.delete(blocker);
            DumpEvent recovered = holmes.dump(DumpType.THREAD).get(20, TimeUnit.SECONDS);
            assertThat(recovered.files()).allSatisfy(f -> assertThat(f).exists());
        }
    }

    @Test
    void aDumpDirectoryRemovedWhileRunning_isCreatedAgain_ownerOnly() throws Exception {
        Path dumps = tmp.resolve("dumps");
        try (Holmes holmes = Holmes.builder().dumpPath(dumps).build().start()) {
            holmes.dump(DumpType.THREAD).get(20, TimeUnit.SECONDS);
            try (Stream<Path> files = Files.walk(dumps)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
            assertThat(dumps).doesNotExist();

            DumpEvent again = holmes.dump(DumpType.THREAD).get(20, TimeUnit.SECONDS);
            assertThat(again.files()).allSatisfy(f -> assertThat(f).exists());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dumps))).isEqualTo("rwx------");
        }
    }

    @Test
    void aFullDisk_leavesOnlyWholeEvents_andHolmesGoesOn() throws Exception {
        Path small = Files.createDirectory(tmp.resolve("small"));
        boolean mounted = mountTmpfs(small, "256k");
        org.junit.jupiter.api.Assumptions.assumeTrue(mounted,
                "this machine does not allow a small tmpfs; DumpDirectoryTest injects the write failure instead");
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> pile = new ArrayList<>();
        try (Holmes holmes = Holmes.builder().collectInterval(Duration.ofMillis(20)).dumpPath(small).build().start()) {
            // Thick thread dumps: a few fill 256 KiB.
            for (int i = 0; i < 200; i++) {
                Thread t = new Thread(() -> awaitQuietly(release), "disk-full-" + i);
                t.setDaemon(true);
                t.start();
                pile.add(t);
            }
            int failed = 0;
            int written = 0;
            for (int i = 0; i < 12; i++) {
                try {
                    holmes.dump(DumpType.THREAD).get(20, TimeUnit.SECONDS);
                    written++;
                } catch (ExecutionException e) {
                    failed++;
                    assertThat(e.getCause()).hasMessageContaining("No space left on device");
                }
            }
            assertThat(failed).as("captures that met a full disk").isPositive();
            assertThat(holmes.isRunning()).isTrue();
            long ticks = holmes.ticks();
            await().atMost(5, TimeUnit.SECONDS).until(() -> holmes.ticks() > ticks + 5);
            assertWholeEventsOnly(small);
            assertThat(written + failed).isEqualTo(12);
        } finally {
            release.countDown();
            umount(small);
        }
    }

    @Test
    void aBurstOf200Events_keepsTheBudget_andEveryEventWhole() throws Exception {
        Path dumps = tmp.resolve("dumps");
        // Thread dumps alone: this is about the budget's arithmetic, and 200 back-to-back look-back windows of a
        // busy test JVM are each larger than the whole 2 MiB budget (LookBackTest checks they count against it).
        try (Holmes holmes = Holmes.builder().dumpPath(dumps).lookBack(Duration.ZERO).dumpBudget(10, 2L * 1024 * 1024)
                .build().start()) {
            // Fired all at once: the small capture queue refuses most, and says so through the futures.
            List<CompletableFuture<DumpEvent>> burst = new ArrayList<>();
            assertThatCode(() -> {
                for (int i = 0; i < 200; i++) {
                    burst.add(holmes.dump(DumpType.THREAD));
                }
            }).doesNotThrowAnyException();
            CompletableFuture.allOf(burst.stream().map(f -> f.handle((e, x) -> null)).toArray(CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
            long refused = burst.stream().filter(CompletableFuture::isCompletedExceptionally).count();
            assertThat(refused).isPositive();
            // Then 200 taken one after another: the budget evicts the oldest.
            for (int i = 0; i < 200; i++) {
                holmes.dump(DumpType.THREAD).get(20, TimeUnit.SECONDS);
            }
            assertThat(holmes.bytesOnDisk()).isLessThanOrEqualTo(2L * 1024 * 1024);
            assertWholeEventsOnly(dumps);
            try (Stream<Path> files = Files.list(dumps)) {
                assertThat(files.filter(f -> f.toString().endsWith(".json"))).hasSize(10);
            }
        }
    }

    /**
     * Every event on disk has all of its files, with or without the whole look-back window before its trigger;
     * nothing else is there (no temporary, no orphan).
     */
    static void assertWholeEventsOnly(Path dir) throws IOException {
        Map<String, Set<String>> events = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                assertThat(name).doesNotStartWith(".").matches("thread\\.\\d{8}-\\d{6}\\.\\d{3}\\..+");
                String stamp = name.substring(0, "thread.20261121-170000.000".length());
                events.computeIfAbsent(stamp, k -> new HashSet<>()).add(name.substring(stamp.length() + 1));
            }
        }
        Set<String> forward = Set.of("txt", "pb.gz", "json");
        Set<String> withWindow = Set.of("txt", "pb.gz", "json", "before.jfr", "before.pb.gz", "before.html");
        assertThat(events.values()).allSatisfy(ext -> assertThat(ext).isIn(forward, withWindow));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean mountTmpfs(Path dir, String size) {
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs",
                    dir.toString()).redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void umount(Path dir) {
        try {
            new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // the temp dir cleanup will report it
        }
    }
}
