package io.holmes.internal.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holmes.DumpType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 1, second half: with a symbolic link swapped in for a scratch file, Holmes set permissions through
 * the link on a file outside its directory. Files are now created exclusively and never through a link, and
 * permissions are set on the file itself: a link where Holmes expects its own file fails that write and
 * changes nothing outside.
 */
class SymlinkSecurityTest {

    private static final Instant T0 = Instant.parse("2026-11-21T17:04:21.123Z");

    @TempDir
    Path tmp;

    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

    @Test
    void aScratchFileSwappedForALink_failsTheAdoption_andTheLinkTargetKeepsItsMode() throws IOException {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "not Holmes' file");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        DumpDirectory dir = new DumpDirectory(tmp.resolve("dumps"), new DiskBudget(10, 1 << 20), clock);
        PendingEvent pending = dir.begin(DumpType.CPU);
        Path scratch = pending.scratch("jfr");
        Files.createSymbolicLink(scratch, outside);

        assertThatThrownBy(() -> pending.adopt(scratch, "jfr")).isInstanceOf(IOException.class);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outside))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(outside)).isEqualTo("not Holmes' file");
        assertThat(pending.path("jfr")).doesNotExist();
        pending.abort();
    }

    @Test
    void linksPlantedUnderTheNamesHolmesWillUse_areNeitherFollowedNorWrittenThrough() throws IOException {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "not Holmes' file");
        Path dumps = Files.createDirectory(tmp.resolve("dumps"));
        // The claim of the first stamp, and an event file of the second.
        Files.createSymbolicLink(dumps.resolve(".thread.20261121-170421.123.claim"), outside);
        Files.createSymbolicLink(dumps.resolve("thread.20261121-170421.124.txt"), outside);
        DumpDirectory dir = new DumpDirectory(dumps, new DiskBudget(10, 1 << 20), clock);

        PendingEvent pending = dir.begin(DumpType.THREAD);
        assertThat(pending.stamp()).isEqualTo("20261121-170421.124");
        Path txt = pending.write("txt", out -> out.write("Holmes' dump".getBytes()));

        assertThat(Files.readString(outside)).isEqualTo("not Holmes' file");
        assertThat(Files.isSymbolicLink(txt)).isFalse();
        assertThat(Files.readString(txt)).isEqualTo("Holmes' dump");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(txt, LinkOption.NOFOLLOW_LINKS)))
                .isEqualTo("rw-------");
        pending.abort();
    }
}
