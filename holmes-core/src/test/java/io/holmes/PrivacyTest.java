package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Holmes writes carries the evidence and nothing else: no environment, no system properties, owner-only. */
class PrivacyTest {

    @TempDir
    Path tmp;

    @Test
    void eventJsonAndFlameGraph_carryNoEnvironmentOrSystemProperties_andFilesAreOwnerOnly() throws Exception {
        Path dumps = tmp.resolve("dumps");
        try (Holmes holmes = Holmes.builder().dumpPath(dumps).samplingTime(Duration.ofMillis(300)).build().start()) {
            // The look-back files too: wait until the recording of the recent past runs.
            await().atMost(30, TimeUnit.SECONDS).until(() -> holmes.currentRun().lookBackRecorder().isRecording());
            DumpEvent cpu = holmes.dump(DumpType.CPU).get(30, TimeUnit.SECONDS);
            DumpEvent thread = holmes.dump(DumpType.THREAD).get(30, TimeUnit.SECONDS);
            List<String> secrets = secretsOfThisProcess();
            assertThat(secrets).isNotEmpty();

            for (DumpEvent event : List.of(cpu, thread)) {
                Path json = event.files().get(event.files().size() - 1);
                JsonNode node = new ObjectMapper().readTree(json.toFile());
                Set<String> keys = new TreeSet<>();
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    keys.add(it.next());
                }
                assertThat(keys).containsExactlyInAnyOrder("id", "type", "trigger", "reason", "current", "average", "rule",
                        "window", "readingsDuring", "start", "end", "durationMillis", "host", "pid", "jvm", "files",
                        "lookBack", "details");
                String text = Files.readString(json);
                assertThat(secrets).allSatisfy(s -> assertThat(text).doesNotContain(s));
            }
            assertThat(cpu.files()).filteredOn(f -> f.toString().endsWith(".html")).hasSize(2).allSatisfy(f -> {
                String html = Files.readString(f);
                assertThat(secrets).allSatisfy(s -> assertThat(html).doesNotContain(s));
            });

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dumps))).isEqualTo("rwx------");
            try (Stream<Path> files = Files.list(dumps)) {
                assertThat(files).isNotEmpty().allSatisfy(f -> assertThat(
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------"));
            }
            // Heap dumps are off unless asked for.
            assertThat(dumps.toFile().list()).noneMatch(n -> n.endsWith(".hprof"));
        }
    }

    /** Values that would betray the environment: paths from env variables and system properties. */
    private static List<String> secretsOfThisProcess() {
        List<String> values = new ArrayList<>();
        for (String value : System.getenv().values()) {
            if (value.length() >= 8 && value.contains("/")) {
                values.add(value);
            }
        }
        for (String key : List.of("user.home", "user.dir", "java.class.path", "java.library.path")) {
            String value = System.getProperty(key);
            if (value != null && value.length() >= 8) {
                values.add(value);
                for (String part : value.split(File.pathSeparator)) {
                    if (part.length() >= 12 && !part.equals("/usr/lib")) {
                        values.add(part);
                    }
                }
            }
        }
        return values;
    }
}
