package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holmes.testing.LogCapture;
import io.holmes.testing.OtherUser;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 1 of the security review: another local user pre-creates the dump directory (or a symbolic link to one
 * of theirs) and reads every capture. Holmes must refuse such a directory with one WARN naming the owner and
 * the mode, fail the captures' futures with that reason, write nothing there, and throw nothing at the
 * application; a too-open directory of its own user is tightened instead.
 */
class DumpDirectorySecurityTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void theOtherUserCanReachTheTestDirectory() throws Exception {
        assumeTrue(OtherUser.available(), "needs root and runuser to play another local user");
        // Like /tmp: everyone may enter; what lies below decides.
        OtherUser.mode(tmp, "rwxr-xr-x");
    }

    @Test
    void aDirectoryPlantedByAnotherUser_isRefused_withOneWarn_andNothingIsWrittenThere() throws Exception {
        Path planted = Files.createDirectory(tmp.resolve("holmes"));
        OtherUser.mode(planted, "rwxrwxrwx");
        OtherUser.owns(planted);

        try (LogCapture log = new LogCapture();
             Holmes holmes = Holmes.builder().dumpPath(planted).samplingTime(Duration.ofMillis(200)).build().start()) {
            assertThat(holmes.isRunning()).isTrue();
            for (DumpType type : List.of(DumpType.THREAD, DumpType.CPU, DumpType.THREAD, DumpType.MEM)) {
                assertRefused(holmes.dump(type), "is owned by nobody with mode rwxrwxrwx");
            }
            try (Stream<Path> files = Files.list(planted)) {
                assertThat(files).isEmpty();
            }
            // One WARN for the directory, none per capture.
            List<String> warned = log.warnings("Holmes refuses its dump directory");
            assertThat(warned).hasSize(1);
            assertThat(warned.get(0)).contains(planted.toString()).contains("nobody").contains("rwxrwxrwx");
            assertThat(log.warnings("could not capture")).isEmpty();
        }
    }

    @Test
    void aSymbolicLinkOfAnotherUser_isNotFollowed_evenToADirectoryOfHolmesOwnUser() throws Exception {
        Path mine = Files.createDirectory(tmp.resolve("mine"));
        OtherUser.mode(mine, "rwx------");
        Path link = Files.createSymbolicLink(tmp.resolve("holmes"), mine);
        OtherUser.owns(link);

        try (LogCapture log = new LogCapture();
             Holmes holmes = Holmes.builder().dumpPath(link).build().start()) {
            assertRefused(holmes.dump(DumpType.THREAD), "passes through the symbolic link " + link + " owned by nobody");
            try (Stream<Path> files = Files.list(mine)) {
                assertThat(files).isEmpty();
            }
            assertThat(log.warnings("Holmes refuses its dump directory")).hasSize(1);
        }
    }

    @Test
    void aLinkOfHolmesOwnUser_toADirectoryOfAnotherUser_isRefused() throws Exception {
        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        OtherUser.mode(theirs, "rwx------");
        OtherUser.owns(theirs);
        Path link = Files.createSymbolicLink(tmp.resolve("holmes"), theirs);

        try (Holmes holmes = Holmes.builder().dumpPath(link.resolve("sub")).build().start()) {
            // The other user could rename what Holmes made there and put their own in its place.
            assertRefused(holmes.dump(DumpType.THREAD), "lies inside " + theirs + ", owned by nobody with mode rwx------");
            try (Stream<Path> files = Files.list(theirs)) {
                assertThat(files.filter(Files::isRegularFile)).isEmpty();
            }
        }
    }

    @Test
    void aTooOpenDirectoryOfHolmesOwnUser_isTightenedWithOneWarn_andTheOtherUserCanNeitherReadNorPlant()
            throws Exception {
        Path own = Files.createDirectory(tmp.resolve("own"));
        OtherUser.mode(own, "rwxrwxrwx");

        try (LogCapture log = new LogCapture();
             Holmes holmes = Holmes.builder().dumpPath(own).build().start()) {
            DumpEvent first = holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
            holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);

            assertThat(mode(own)).isEqualTo("rwx------");
            List<String> warned = log.warnings("tightened its dump directory");
            assertThat(warned).hasSize(1);
            assertThat(warned.get(0)).contains("from rwxrwxrwx to rwx------");

            Path json = first.files().get(first.files().size() - 1);
            assertThat(mode(json)).isEqualTo("rw-------");
            OtherUser.Result read = OtherUser.run("cat", json.toString());
            assertThat(read.denied()).as(read.output()).isTrue();
            OtherUser.Result plant = OtherUser.run("touch", own.resolve("thread.29991231-235959.999.json").toString());
            assertThat(plant.denied()).as(plant.output()).isTrue();
        }
    }

    @Test
    void theDefaultDirectory_isPrivateToTheUser() throws Exception {
        Path base = Files.createDirectory(tmp.resolve("tmpdir"));
        Files.setAttribute(base, "unix:mode", 01777);
        String previous = System.getProperty("java.io.tmpdir");
        Path dumps;
        System.setProperty("java.io.tmpdir", base.toString());
        try {
            dumps = Holmes.builder().build().dumpPath();
        } finally {
            System.setProperty("java.io.tmpdir", previous);
        }
        assertThat(dumps).isEqualTo(base.resolve("holmes-" + System.getProperty("user.name")));
        try (Holmes holmes = Holmes.builder().dumpPath(dumps).build().start()) {
            DumpEvent event = holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
            assertThat(mode(dumps)).isEqualTo("rwx------");
            OtherUser.Result list = OtherUser.run("ls", dumps.toString());
            assertThat(list.denied()).as(list.output()).isTrue();
            assertThat(event.files()).allSatisfy(f -> assertThat(f.getParent()).isEqualTo(dumps));
        }
    }

    @Test
    void eventsPlantedWithLaterStamps_neverEvictTheCaptureJustTaken() throws Exception {
        Path dumps = Files.createDirectory(tmp.resolve("dumps"));
        OtherUser.mode(dumps, "rwx------");
        for (int i = 0; i < 3; i++) {
            // Written by the same user (a process with a clock years ahead): names that sort after every real one.
            Files.writeString(dumps.resolve("thread.29991231-235959.99" + i + ".txt"), "planted");
            Files.writeString(dumps.resolve("thread.29991231-235959.99" + i + ".json"), "{}");
        }
        try (Holmes holmes = Holmes.builder().dumpPath(dumps).dumpBudget(2, 1 << 20).build().start()) {
            for (int i = 0; i < 3; i++) {
                DumpEvent event = holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
                // Complete means on disk: the budget evicted planted events, never the one just reported.
                assertThat(event.files()).allSatisfy(f -> assertThat(f).isRegularFile());
            }
        }
    }

    private static void assertRefused(CompletableFuture<DumpEvent> capture, String reason) {
        assertThatThrownBy(() -> capture.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(UntrustedDirectoryException.class).hasMessageContaining(reason);
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
