package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holmes.testing.OtherUser;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import one.profiler.AsyncProfiler;
import one.profiler.AsyncProfilerLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 2 of the security review: async-profiler and the JDK Flight Recorder fallback created the recording
 * with the process umask ({@code rw-r--r--}), and it became owner-only only at the rename, after the whole
 * sampling time; another user who opened it meanwhile read everything. Recordings in progress now live in a
 * {@code 0700} scratch directory from their first byte. The dump directory here is deliberately readable by
 * others ({@code rwxr-xr-x}, which Holmes trusts: they cannot write it), so that only the scratch directory stands
 * between the other user and the recording.
 */
class ScratchSecurityTest {

    @TempDir
    Path tmp;

    private Path dumps;

    @BeforeEach
    void aDumpDirectoryTheOtherUserCanEnter() throws Exception {
        assumeTrue(OtherUser.available(), "needs root and runuser to play another local user");
        OtherUser.mode(tmp, "rwxr-xr-x");
        dumps = Files.createDirectory(tmp.resolve("dumps"));
        OtherUser.mode(dumps, "rwxr-xr-x");
    }

    @Test
    void anAsyncProfilerRecordingInProgress_cannotBeOpenedByAnotherUser() throws Exception {
        try (Holmes holmes = Holmes.builder().dumpPath(dumps).samplingTime(Duration.ofSeconds(3)).build().start()) {
            CompletableFuture<DumpEvent> capture = holmes.dump(DumpType.CPU);
            Path recording = awaitRecordingInProgress();
            assertOtherUserCannotRead(recording);

            DumpEvent event = capture.get(60, TimeUnit.SECONDS);
            assertThat(event.details().get("engine")).startsWith("async-profiler/");
            assertThat(event.files()).allSatisfy(f -> assertThat(mode(f)).isEqualTo("rw-------"));
            assertThat(readableByOtherUser(dumps)).isEmpty();
        }
    }

    @Test
    void theJfrFallbacksRecordingInProgress_cannotBeOpenedByAnotherUser_norItsRepository() throws Exception {
        AsyncProfiler other = AsyncProfilerLoader.load();
        other.execute("start,event=itimer,interval=10ms,jfr,file=" + tmp.resolve("other-agent.jfr"));
        try (Holmes holmes = Holmes.builder().dumpPath(dumps).samplingTime(Duration.ofSeconds(3)).build().start()) {
            CompletableFuture<DumpEvent> capture = holmes.dump(DumpType.CPU);
            // JFR writes its chunks into its repository while it records, and Holmes' file only when it stops.
            await().atMost(20, TimeUnit.SECONDS).until(() -> System.getProperty("jdk.jfr.repository") != null
                    && Files.list(dumps).anyMatch(p -> p.getFileName().toString().startsWith(".scratch.")));
            Path repository = Path.of(System.getProperty("jdk.jfr.repository"));
            // Holmes tightens the repository right after its recording started.
            await().atMost(20, TimeUnit.SECONDS).until(() -> mode(repository).equals("rwx------"));
            assertThat(readableByOtherUser(repository)).isEmpty();
            assertThat(readableByOtherUser(dumps)).isEmpty();

            DumpEvent event = capture.get(60, TimeUnit.SECONDS);
            assertThat(event.details()).containsEntry("engine", "jfr");
            assertThat(event.files()).allSatisfy(f -> assertThat(mode(f)).isEqualTo("rw-------"));
            assertThat(readableByOtherUser(dumps)).isEmpty();
        } finally {
            other.execute("stop");
        }
    }

    /**
     * The profiler's file, once it exists, in Holmes' scratch directory (not the finished look-back window, a
     * {@code .before.jfr} that may already sit in the dump directory when JFR was warm).
     */
    private Path awaitRecordingInProgress() {
        Path[] found = new Path[1];
        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() -> {
            Optional<Path> jfr = walk(dumps).filter(p -> p.toString().endsWith(".jfr")
                    && p.getParent().getFileName().toString().startsWith(".scratch.")).findFirst();
            jfr.ifPresent(p -> found[0] = p);
            return jfr.isPresent();
        });
        return found[0];
    }

    private void assertOtherUserCannotRead(Path recording) throws Exception {
        // The attack first: open the recording being written.
        OtherUser.Result read = OtherUser.run("cat", recording.toString());
        assertThat(read.denied()).as(read.output()).isTrue();
        assertThat(readableByOtherUser(dumps)).isEmpty();
        Path scratch = recording.getParent();
        assertThat(scratch.getParent()).isEqualTo(dumps);
        assertThat(scratch.getFileName().toString()).startsWith(".scratch.");
        assertThat(mode(scratch)).isEqualTo("rwx------");
        // The other user can enter the dump directory and see the scratch directory...
        OtherUser.Result list = OtherUser.run("ls", "-a", dumps.toString());
        assertThat(list.exit()).as(list.output()).isZero();
        assertThat(list.output()).contains(scratch.getFileName().toString());
        // ...but cannot list it.
        OtherUser.Result listScratch = OtherUser.run("ls", scratch.toString());
        assertThat(listScratch.denied()).as(listScratch.output()).isTrue();
    }

    /** The files under {@code directory} that the other user can open for reading, as that user finds them. */
    static String readableByOtherUser(Path directory) throws Exception {
        OtherUser.Result found = OtherUser.run("sh", "-c", "find '" + directory + "' -type f -readable 2>/dev/null");
        return found.output().trim();
    }

    private static Stream<Path> walk(Path directory) throws Exception {
        return Files.walk(directory).filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList().stream();
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
