package io.holmes;

import static io.holmes.CpuCaptureTest.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holmes.testing.FlameGraphHtml;
import io.holmes.testing.Pprof;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.FlightRecorder;
import jdk.jfr.RecordingState;
import jdk.jfr.consumer.RecordingStream;
import one.profiler.AsyncProfiler;
import one.profiler.AsyncProfilerLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real memory during a MEM capture: one method allocates a structure and keeps it, another allocates garbage of
 * the same size many times over. The live-object view must name the keeper, with the kept type, and not the
 * garbage, which the allocation profile of the same capture does name; the growth report lists the kept type
 * first.
 */
class LiveObjectsCaptureTest {

    /** The kept type. */
    static final class KeptOrderLine {
        long a;
        long b;
        long c;
        long d;
        long e;
        long f;
    }

    private static volatile Object sink;

    @TempDir
    Path tmp;

    private final List<KeptOrderLine> kept = new ArrayList<>();

    /**
     * Starts from a collected heap: the growth report counts unreachable objects too (it forces no GC), so kept
     * objects of an earlier test, released but not yet collected, would hide this test's growth.
     */
    @BeforeEach
    void collect() {
        System.gc();
    }

    @AfterEach
    void release() {
        kept.clear();
    }

    /** Keeps about {@code bytes} of {@link KeptOrderLine}. */
    private void retainInHolmesTest(long bytes) {
        for (long i = 0; i < bytes / 64; i++) {
            kept.add(new KeptOrderLine());
        }
    }

    /** Allocates {@code bytes} of arrays that die at once. */
    private static void discardInHolmesTest(long bytes) {
        for (long i = 0; i < bytes / 1024; i++) {
            sink = new byte[1000];
        }
        sink = null;
    }

    @Test
    void asyncProfiler_liveViewHoldsTheKeptStructure_notTheGarbage() throws Exception {
        CountDownLatch heapWalked = new CountDownLatch(1);
        try (Holmes holmes = Holmes.builder().dumpPath(tmp).samplingTime(Duration.ofSeconds(8)).build().start();
             RecordingStream vmOperations = new RecordingStream()) {
            // The capture takes the first histogram of its growth report once the session records; the scene waits
            // for that heap walk, so that all it keeps is growth.
            vmOperations.enable("jdk.ExecuteVMOperation").withThreshold(Duration.ZERO);
            vmOperations.onEvent("jdk.ExecuteVMOperation", e -> {
                if ("GC_HeapInspection".equals(e.getString("operation"))) {
                    heapWalked.countDown();
                }
            });
            vmOperations.startAsync();
            AsyncProfiler profiler = AsyncProfilerLoader.load();
            CompletableFuture<DumpEvent> capture = holmes.dump(DumpType.MEM);
            await().atMost(30, TimeUnit.SECONDS).until(() -> !profiler.execute("status").contains("not active"));
            assertThat(heapWalked.await(30, TimeUnit.SECONDS)).as("the capture's first class histogram").isTrue();

            DumpEvent event = scene(capture);

            assertThat(event.details()).containsEntry("engine", "async-profiler/alloc")
                    .containsEntry("liveObjects", "async-profiler live, profiler.LiveObject");
            Pprof live = Pprof.read(file(event, ".live.pb.gz"));
            assertThat(live.sampleTypes()).containsExactly("inuse_objects/count", "inuse_space/bytes");
            assertThat(live.defaultSampleType()).isEqualTo("inuse_space");
            // The kept objects, their class as the leaf frame under the method that allocated them.
            List<Pprof.Sample> keeper = live.samples().stream()
                    .filter(s -> s.stack().size() > 1 && s.stack().get(1).endsWith(".retainInHolmesTest")
                            && s.stack().get(0).equals(KeptOrderLine.class.getName()))
                    .toList();
            // 32 MiB kept: the samples, scaled by their probability, estimate it (a few dozen samples: within 2x).
            long interval = Long.parseLong(event.details().get("samplingInterval").replace(" bytes", ""));
            long keptObjects = keeper.stream().mapToLong(s -> s.values().get(0)).sum();
            long keptBytes = keeper.stream().mapToLong(s -> s.values().get(1)).sum();
            assertThat(keptBytes).as("estimated kept bytes, sampled every %d bytes", interval)
                    .isBetween(16L << 20, 64L << 20);
            assertThat(keptObjects).isBetween((16L << 20) / 64, (64L << 20) / 64);
            assertThat(live.samples()).noneSatisfy(s -> assertThat(s.contains("discardInHolmesTest")).isTrue());
            assertThat(Long.parseLong(event.details().get("liveSamples"))).isPositive().isLessThan(live.total(0));
            assertThat(Long.parseLong(event.details().get("liveBytesEstimate"))).isEqualTo(live.total(1));

            // The garbage was sampled: the allocation profile of the same capture names it.
            assertThat(Pprof.read(file(event, ".pb.gz")).samples())
                    .anySatisfy(s -> assertThat(s.contains("discardInHolmesTest")).isTrue());
            assertThat(FlameGraphHtml.frameNames(file(event, ".live.html")))
                    .anyMatch(n -> n.endsWith("retainInHolmesTest")).noneMatch(n -> n.endsWith("discardInHolmesTest"));

            // What grew: the kept type gained the most bytes; the garbage, collected before the end, did not.
            List<String> growth = Files.readAllLines(file(event, ".growth.txt"));
            String first = growth.stream().filter(l -> l.matches("\\s*1: .*")).findFirst().orElseThrow();
            assertThat(first).endsWith(" " + KeptOrderLine.class.getName());
            long gained = Long.parseLong(first.trim().split("\\s+")[1].replace("+", ""));
            assertThat(gained).isGreaterThanOrEqualTo(30L << 20);

            JsonNode json = new ObjectMapper().readTree(file(event, ".json").toFile());
            assertThat(json.get("details").get("liveObjects").asText()).startsWith("async-profiler live");
            assertThat(json.get("files").toString()).contains(".live.pb.gz").contains(".live.html");
        }
    }

    @Test
    void jfrFallback_liveViewComesFromOldObjectSamples() throws Exception {
        AsyncProfiler other = AsyncProfilerLoader.load();
        other.execute("start,event=itimer,interval=100ms,jfr,file=" + tmp.resolve("other-agent.jfr"));
        // Look-back off: this case is about the capture's own view (LookBackTest covers the window's).
        try (Holmes holmes = Holmes.builder().dumpPath(tmp.resolve("holmes")).samplingTime(Duration.ofSeconds(5))
                .lookBack(Duration.ZERO).build().start()) {
            CompletableFuture<DumpEvent> capture = holmes.dump(DumpType.MEM);
            await().atMost(30, TimeUnit.SECONDS).until(() -> FlightRecorder.getFlightRecorder().getRecordings()
                    .stream().anyMatch(r -> r.getName().equals("holmes") && r.getState() == RecordingState.RUNNING));

            DumpEvent event = scene(capture);

            assertThat(event.details()).containsEntry("engine", "jfr")
                    .containsEntry("liveObjects", "jfr jdk.OldObjectSample, objects without sizes");
            Pprof live = Pprof.read(file(event, ".live.pb.gz"));
            assertThat(live.defaultSampleType()).isEqualTo("inuse_objects");
            // Flight Recorder keeps few old-object samples (in some runs two in all): the kept structure shows under
            // the method that allocated it, as its elements or as the list's backing array.
            assertThat(live.samples()).anySatisfy(s -> assertThat(s.contains("retainInHolmesTest")).isTrue());
            assertThat(live.samples()).noneSatisfy(s -> assertThat(s.contains("discardInHolmesTest")).isTrue());
        } finally {
            other.execute("stop");
        }
    }

    /**
     * Keeps 32 MiB, throws away 512 MiB, lets the collector reclaim the garbage (the test's own GC: Holmes forces
     * none), and waits for the capture, which is still recording: its sampling time is far longer than this work.
     */
    private DumpEvent scene(CompletableFuture<DumpEvent> capture) throws Exception {
        retainInHolmesTest(32L << 20);
        discardInHolmesTest(512L << 20);
        System.gc();
        assertThat(capture).as("the scene finished before the capture did").isNotDone();
        return capture.get(60, TimeUnit.SECONDS);
    }
}
