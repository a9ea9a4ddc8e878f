package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Reason;
import io.holmes.internal.profiler.AsyncProfilerOwner;
import io.holmes.testing.Burner;
import io.holmes.testing.Jfr;
import io.holmes.testing.Pprof;
import io.holmes.internal.write.DiskBudget;
import io.holmes.internal.write.DumpDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capturer on its own, with an async-profiler that cannot load (unsupported platform, noexec temp dir). */
class ProfileCapturerTest {

    @TempDir
    Path tmp;


    @Test
    void withoutTheNativeLibrary_cpuAndMemFallBackToJfr_everyTime() throws Exception {
        DumpDirectory dumps = new DumpDirectory(tmp, new DiskBudget(50, 256L << 20), Clock.systemUTC());
        AsyncProfilerOwner broken = new AsyncProfilerOwner(() -> {
            throw new UnsatisfiedLinkError("no libasyncProfiler in java.library.path");
        });
        ProfileCapturer capturer = new ProfileCapturer(broken,
                // 1.5 s: the first class histogram is taken while the session records, and its heap walk stops the
                // allocator for a while; on a loaded machine 500 ms left too little allocation to sample.
                new ProfileCapturer.Settings(Duration.ofMillis(1500), Duration.ofMillis(10), 512 * 1024, false));

        try (Burner burner = Burner.onAllCores(); Allocator allocator = new Allocator()) {
            for (int round = 0; round < 2; round++) {
                Capture cpu = capture(dumps, DumpType.CPU);
                Capture mem = capture(dumps, DumpType.MEM);
                capturer.capture(List.of(cpu, mem));

                DumpEvent cpuEvent = finish(dumps, cpu);
                DumpEvent memEvent = finish(dumps, mem);
                assertThat(cpuEvent.details()).containsEntry("engine", "jfr").containsEntry("samplingInterval", "10 ms");
                assertThat(cpuEvent.details().get("fallbackReason")).contains("cannot load")
                        .contains("no libasyncProfiler");
                // Pyroscope files JFR allocation events by their type (grafana/jfr-parser, pprof/parser.go parse
                // and pprof/pprof.go profileBuilderForSampleType: jdk.ObjectAllocationInNewTLAB ->
                // memory:alloc_in_new_tlab_*, jdk.ObjectAllocationSample -> memory:alloc_sample_*). The fallback
                // must write the events async-profiler writes, so both engines' profiles land under one type.
                Path memJfr = mem.files().path("jfr");
                assertThat(Jfr.stacks(memJfr, Set.of("jdk.ObjectAllocationInNewTLAB")))
                        .anySatisfy(stack -> assertThat(stack).anyMatch(f -> f.endsWith("Allocator.allocateInHolmesTest")));
                assertThat(Jfr.stacks(memJfr, Set.of("jdk.ObjectAllocationSample"))).isEmpty();
                assertThat(memEvent.details()).containsEntry("engine", "jfr")
                        .containsEntry("samplingInterval", "each new TLAB and each allocation outside one");
                // One recording served both events; both say so, naming the lead's file and both triggers.
                String lead = cpu.files().path("jfr").getFileName().toString().replace(".jfr", "");
                for (DumpEvent event : List.of(cpuEvent, memEvent)) {
                    assertThat(event.details()).containsEntry("recording", lead)
                            .containsEntry("recordingTypes", "cpu+mem")
                            .containsEntry("recordingTriggers", "cpu+mem")
                            .containsEntry("recordingReasons", "manual+manual");
                }
                assertThat(Pprof.read(cpu.files().path("pb.gz")).samples())
                        .anySatisfy(s -> assertThat(s.contains("burnCpuInHolmesTest")).isTrue());
                assertThat(mem.files().files()).extracting(p -> p.getFileName().toString())
                        .anyMatch(n -> n.endsWith(".histo.txt")).anyMatch(n -> n.endsWith(".html"));
            }
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    /** Allocates short-lived arrays on its own thread until closed: allocation with a name. */
    private static final class Allocator implements AutoCloseable {
        private static volatile Object sink;
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::allocateInHolmesTest, "allocator");

        Allocator() {
            thread.setDaemon(true);
            thread.start();
        }

        void allocateInHolmesTest() {
            while (running) {
                sink = new byte[64 * 1024];
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(2_000);
        }
    }

    private static Capture capture(DumpDirectory dumps, DumpType type) throws Exception {
        CaptureRequest request = new CaptureRequest(type, Reason.MANUAL, null, 0, 0, List.of(), new CompletableFuture<>());
        return new Capture(request, dumps.begin(type), DumpEvent.builder().id(type.name()).type(type)
                .reason(Reason.MANUAL).start(java.time.Instant.now()));
    }

    private static DumpEvent finish(DumpDirectory dumps, Capture capture) throws Exception {
        capture.files().discardScratch();
        DumpEvent event = capture.event().files(capture.files().files()).addFile(capture.files().path("json")).build();
        dumps.report(event);
        return event;
    }
}
