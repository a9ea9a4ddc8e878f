package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 6 of the security review: two Holmes in one JVM dumping together got the same stamp for 129 of 300
 * pairs (events pointing at the other's JSON), and two JVMs on one directory reported 1,000 events complete with
 * 978 on disk. Stamps are now claimed exclusively, across instances and processes.
 */
class SharedDirectoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void twoHolmesInOneJvm_dumpingTogether_neverShareAStamp_andEveryEventKeepsItsOwnJson() throws Exception {
        Path dumps = tmp.resolve("shared");
        int perInstance = 150;
        List<DumpEvent> events = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Holmes a = shared(dumps); Holmes b = shared(dumps)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> dumpers = new ArrayList<>();
            for (Holmes holmes : List.of(a, b)) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < perInstance; i++) {
                            events.add(holmes.dump(DumpType.THREAD).get(60, TimeUnit.SECONDS));
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                t.start();
                dumpers.add(t);
            }
            go.countDown();
            for (Thread t : dumpers) {
                t.join(TimeUnit.MINUTES.toMillis(5));
            }
        }
        assertThat(failure.get()).isNull();
        assertThat(events).hasSize(2 * perInstance);
        assertEveryEventWholeWithItsOwnJson(events);
        assertThat(jsonIdsOnDisk(dumps)).hasSize(2 * perInstance);
    }

    @Test
    void twoJvmsOnOneDirectory_everyEventReportedIsOnDisk() throws Exception {
        Path dumps = tmp.resolve("shared");
        int perProcess = 150;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), SharedDirectoryMain.class.getName(),
                "dumps", dumps.toString(), Integer.toString(perProcess)).redirectErrorStream(true).start();
        List<String> childLines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    childLines.add(line);
                }
            } catch (Exception e) {
                childLines.add("read failed: " + e);
            }
        });
        reader.start();

        List<DumpEvent> mine = new ArrayList<>();
        try (Holmes holmes = shared(dumps)) {
            for (int i = 0; i < perProcess; i++) {
                mine.add(holmes.dump(DumpType.THREAD).get(60, TimeUnit.SECONDS));
            }
        }
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        reader.join(10_000);
        assertThat(child.exitValue()).as(String.join("\n", childLines)).isZero();

        Map<String, String> childEvents = new HashMap<>();
        for (String line : childLines) {
            if (line.startsWith("event ")) {
                String[] parts = line.split(" ");
                childEvents.put(parts[1], parts[2]);
            }
        }
        assertThat(childEvents).hasSize(perProcess);
        assertEveryEventWholeWithItsOwnJson(mine);
        Map<String, String> onDisk = jsonIdsOnDisk(dumps);
        assertThat(onDisk).hasSize(2 * perProcess);
        for (Map.Entry<String, String> event : childEvents.entrySet()) {
            assertThat(onDisk).containsEntry(event.getValue(), event.getKey());
        }
    }

    private static Holmes shared(Path dumps) {
        // Stamps and files of events racing each other: look-back windows (tested in LookBackTest) would only slow it.
        return Holmes.builder().dumpPath(dumps).lookBack(Duration.ZERO).dumpBudget(100_000, 1L << 32).build().start();
    }

    private static void assertEveryEventWholeWithItsOwnJson(List<DumpEvent> events) throws Exception {
        Set<String> stamps = new HashSet<>();
        for (DumpEvent event : events) {
            Path json = event.files().get(event.files().size() - 1);
            assertThat(stamps.add(json.getFileName().toString())).as("stamp of %s used twice", json).isTrue();
            assertThat(event.files()).allSatisfy(f -> assertThat(f).isRegularFile());
            assertThat(JSON.readTree(json.toFile()).get("id").asText()).isEqualTo(event.id());
        }
    }

    /** JSON file name to the event id inside, for every event JSON in {@code dumps}. */
    private static Map<String, String> jsonIdsOnDisk(Path dumps) throws Exception {
        Map<String, String> ids = new HashMap<>();
        try (Stream<Path> files = Files.list(dumps)) {
            for (Path json : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                ids.put(json.getFileName().toString(), JSON.readTree(json.toFile()).get("id").asText());
            }
        }
        return ids;
    }
}
