package io.holmes.internal.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Reason;
import io.holmes.Rule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpDirectoryTest {

    private static final Instant T0 = Instant.parse("2026-11-21T17:04:21.123Z");

    @TempDir
    Path tmp;

    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

    private DumpDirectory directory(DiskBudget budget) {
        return new DumpDirectory(tmp.resolve("dumps"), budget, clock);
    }

    private static DumpEvent write(DumpDirectory dir, DumpType type, int bytes) throws IOException {
        PendingEvent pending = dir.begin(type);
        pending.write("txt", out -> out.write(new byte[bytes]));
        DumpEvent event = DumpEvent.builder().id("id-" + pending.stamp()).type(type).reason(Reason.MANUAL)
                .start(pending.time()).files(pending.files()).addFile(pending.path("json")).build();
        dir.report(event);
        return event;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(tmp.resolve("dumps"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void filesAreNamedTypeStampExtension_andTheJsonDescribesTheEvent() throws IOException {
        DumpDirectory dir = directory(new DiskBudget(10, 1 << 20));
        PendingEvent pending = dir.begin(DumpType.THREAD);
        assertThat(pending.stamp()).isEqualTo("20261121-170421.123");
        pending.write("txt", out -> out.write("dump".getBytes(StandardCharsets.UTF_8)));
        DumpEvent event = DumpEvent.builder().id("e1").type(DumpType.THREAD).reason(Reason.DIFF)
                .current(420).average(200).rule(Rule.thread(100, 100, 5000, 0, Duration.ofMinutes(1)))
                .window(List.of(190, 210)).start(T0).end(T0.plusMillis(40)).host("h").pid(7).jvm("jvm \"x\"")
                .files(pending.files()).addFile(pending.path("json")).detail("threads", "420").detail("engine", "jfr")
                .detail("samplingInterval", "10 ms").detail("offset", "-3").detail("padded", "007").build();
        dir.report(event);

        assertThat(names()).containsExactly("thread.20261121-170421.123.json", "thread.20261121-170421.123.txt");
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("dumps/thread.20261121-170421.123.json").toFile());
        assertThat(json.get("id").asText()).isEqualTo("e1");
        assertThat(json.get("type").asText()).isEqualTo("thread");
        assertThat(json.get("reason").asText()).isEqualTo("DIFF");
        assertThat(json.get("current").asInt()).isEqualTo(420);
        assertThat(json.get("average").asInt()).isEqualTo(200);
        assertThat(json.get("rule").get("min").asInt()).isEqualTo(100);
        assertThat(json.get("rule").get("cooldownMillis").asLong()).isEqualTo(60_000);
        assertThat(json.get("window").toString()).isEqualTo("[190,210]");
        assertThat(json.get("start").asText()).isEqualTo("2026-11-21T17:04:21.123Z");
        assertThat(json.get("durationMillis").asLong()).isEqualTo(40);
        assertThat(json.get("jvm").asText()).isEqualTo("jvm \"x\"");
        assertThat(json.get("pid").asLong()).isEqualTo(7);
        assertThat(json.get("files").toString())
                .isEqualTo("[\"thread.20261121-170421.123.txt\",\"thread.20261121-170421.123.json\"]");
        JsonNode details = json.get("details");
        assertThat(details.get("threads").isIntegralNumber()).as("an integer detail is a JSON number").isTrue();
        assertThat(details.get("threads").asLong()).isEqualTo(420);
        assertThat(details.get("offset").isIntegralNumber()).isTrue();
        assertThat(details.get("offset").asLong()).isEqualTo(-3);
        assertThat(details.get("engine").isTextual()).isTrue();
        assertThat(details.get("samplingInterval").asText()).isEqualTo("10 ms");
        assertThat(details.get("padded").isTextual()).as("007 is not how a number is written").isTrue();
    }

    @Test
    void directoryIs0700AndFiles0600() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        DumpDirectory dir = directory(new DiskBudget(10, 1 << 20));
        DumpEvent event = write(dir, DumpType.THREAD, 10);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("dumps"))))
                .isEqualTo("rwx------");
        for (Path file : event.files()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void stampsAreUniqueWithinTheSameMillisecond() throws IOException {
        DumpDirectory dir = directory(new DiskBudget(10, 1 << 20));
        String first = dir.begin(DumpType.THREAD).stamp();
        String second = dir.begin(DumpType.THREAD).stamp();
        assertThat(first).isEqualTo("20261121-170421.123");
        assertThat(second).isEqualTo("20261121-170421.124");
    }

    @Test
    void noTemporaryFileIsLeftBehind_evenWhenWritingFails() throws IOException {
        DumpDirectory dir = directory(new DiskBudget(10, 1 << 20));
        PendingEvent pending = dir.begin(DumpType.THREAD);
        pending.write("txt", out -> out.write(1));
        assertThatThrownBy(() -> pending.write("pb.gz", out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        })).hasMessage("No space left on device");
        // While the event is open: its claim, the scratch directory (empty: the failed file is gone), the one file.
        assertThat(names()).hasSize(3).contains(".thread.20261121-170421.123.claim", "thread.20261121-170421.123.txt")
                .anyMatch(n -> n.startsWith(".scratch."));
        try (Stream<Path> scratch = Files.list(tmp.resolve("dumps").resolve(names().stream()
                .filter(n -> n.startsWith(".scratch.")).findFirst().orElseThrow()))) {
            assertThat(scratch.map(p -> p.getFileName().toString())).containsExactly("lock");
        }
        pending.abort();
        assertThat(names()).isEmpty();
    }

    @Test
    void budgetByCountKeepsTheNewestEvents_andLeavesOtherFilesAlone() throws IOException {
        DumpDirectory dir = directory(new DiskBudget(3, 1 << 20));
        Files.createDirectories(tmp.resolve("dumps"));
        Files.writeString(tmp.resolve("dumps/notes.txt"), "mine");
        Files.writeString(tmp.resolve("dumps/cpu.yesterday.txt"), "also mine");
        for (int i = 0; i < 7; i++) {
            write(dir, i % 2 == 0 ? DumpType.THREAD : DumpType.MEM, 100);
        }
        assertThat(names()).containsExactly("cpu.yesterday.txt",
                "mem.20261121-170421.128.json", "mem.20261121-170421.128.txt",
                "notes.txt",
                "thread.20261121-170421.127.json", "thread.20261121-170421.127.txt",
                "thread.20261121-170421.129.json", "thread.20261121-170421.129.txt");
        assertThat(dir.eventsOnDisk()).isEqualTo(3);
    }

    @Test
    void budgetByBytes() throws IOException {
        DumpDirectory dir = directory(new DiskBudget(100, 1 << 20));
        for (int i = 0; i < 5; i++) {
            write(dir, DumpType.THREAD, 300 * 1024);
        }
        // Three events of about 300 KiB fit in 1 MiB, four do not.
        assertThat(dir.eventsOnDisk()).isEqualTo(3);
        assertThat(dir.bytesOnDisk()).isLessThanOrEqualTo(1 << 20).isGreaterThan(900 * 1024);
        assertThat(names()).first().asString().startsWith("thread.20261121-170421.125");
    }

    @Test
    void directoryRemovedWhileRunningIsCreatedAgain() throws IOException {
        DumpDirectory dir = directory(new DiskBudget(10, 1 << 20));
        write(dir, DumpType.THREAD, 10);
        try (Stream<Path> files = Files.list(tmp.resolve("dumps"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(tmp.resolve("dumps"));
        DumpEvent again = write(dir, DumpType.THREAD, 10);
        assertThat(again.files()).allSatisfy(f -> assertThat(f).exists());
    }

    @Test
    void dumpPathThatIsAFileFailsTheCaptureNotTheCaller() throws IOException {
        Files.writeString(tmp.resolve("dumps"), "a file");
        DumpDirectory dir = directory(new DiskBudget(10, 1 << 20));
        assertThatThrownBy(() -> dir.begin(DumpType.THREAD)).isInstanceOf(IOException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void staleTemporaryFilesOfADeadWriterAreCleanedUp() throws IOException {
        DumpDirectory dir = directory(new DiskBudget(10, 1 << 20));
        Files.createDirectories(tmp.resolve("dumps"));
        Path stale = tmp.resolve("dumps/.thread.20261120-000000.000.txt.1234.tmp");
        Path fresh = tmp.resolve("dumps/.thread.20261121-170420.000.txt.5678.tmp");
        Files.writeString(stale, "half");
        Files.writeString(fresh, "being written");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(T0.minus(Duration.ofHours(2))));
        Files.setLastModifiedTime(fresh, java.nio.file.attribute.FileTime.from(T0.minusSeconds(5)));
        write(dir, DumpType.THREAD, 10);
        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
    }
}
