package io.holmes;

import static io.holmes.CpuCaptureTest.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holmes.testing.FlameGraphHtml;
import io.holmes.testing.Jfr;
import io.holmes.testing.Pprof;
import io.holmes.testing.RecordingReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real heap jump retained by one method while another keeps allocating: the MEM event's allocation profile
 * names the allocating method, and its class histogram names the retained type.
 */
class MemCaptureTest {

    /** The retained type: small objects, so that they lead the histogram by bytes. */
    static final class RetainedOrderLine {
        long a;
        long b;
        long c;
        long d;
        long e;
        long f;
    }

    private static volatile Object escape;

    @TempDir
    Path tmp;

    private final List<RetainedOrderLine> retained = new ArrayList<>();
    private volatile boolean churning = true;

    /** Retains about {@code bytes} of {@link RetainedOrderLine}. */
    private void retainHeapJump(long bytes) {
        for (long i = 0; i < bytes / 64; i++) {
            retained.add(new RetainedOrderLine());
        }
    }

    private final AtomicLong churned = new AtomicLong();

    /**
     * The allocating method the profile must name. It allocates at most 64 MiB/s of garbage: enough for a hundred
     * allocation samples a second at 512 KiB, while the heap reading it causes climbs too slowly to double its own
     * average over ten readings (a steady climb never does; only a jump can), so only the retention fires the rule.
     */
    private void allocateInHolmesTest() {
        while (churning) {
            escape = new byte[64 * 1024];
            churned.incrementAndGet();
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void aHeapJumpIsCaptured_withTheAllocatorInTheProfile_andTheRetainedTypeInTheHistogram() throws Exception {
        RecordingReporter reporter = new RecordingReporter();
        System.gc();
        long baseline = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        long limit = Math.max(512L * 1024 * 1024, baseline * 8);
        try (Holmes holmes = Holmes.builder()
                .lookBack(Duration.ZERO) // this test is about the forward capture; LookBackTest covers the window before
                .collectInterval(Duration.ofMillis(100))
                .memoryLimit(limit)
                .dumpPath(tmp)
                .samplingTime(Duration.ofSeconds(1))
                // Fixed: the rate measured before the capture includes the tail of the jump itself, and the interval
                // it gives would leave the slow allocator below with a handful of samples.
                .allocSamplingInterval(512 * 1024)
                .memDump(25, 100, Rule.MAX_PERCENT, Duration.ofMinutes(10))
                .reporter(reporter)
                .build()
                .start()) {

            // The whole scene runs before the jump can fire the rule: the allocator first, then the warm-up, then
            // the jump, so the capture finds the allocator at work however the threads are scheduled.
            Thread churn = new Thread(this::allocateInHolmesTest, "churn");
            churn.setDaemon(true);
            churn.start();
            try {
                await().atMost(30, TimeUnit.SECONDS).until(() -> churned.get() >= 10
                        && holmes.state(DumpType.MEM).window().size() == 10);
                assertThat(reporter.events()).as("no capture before the jump").isEmpty();

                retainHeapJump(limit * 6 / 10);
                await().atMost(60, TimeUnit.SECONDS).until(() -> !reporter.events().isEmpty());
            } finally {
                churning = false;
                churn.join(2_000);
            }

            DumpEvent event = reporter.events().get(0);
            assertThat(event.type()).isEqualTo(DumpType.MEM);
            assertThat(event.reason()).isEqualTo(Reason.DIFF);
            assertThat(event.current()).isGreaterThanOrEqualTo(25).isGreaterThanOrEqualTo(event.average() * 2);
            assertThat(event.details()).containsEntry("engine", "async-profiler/alloc")
                    .containsEntry("samplingInterval", "524288 bytes");
            assertThat(Long.parseLong(event.details().get("samples"))).isPositive();
            assertThat(event.files()).extracting(p -> p.getFileName().toString().replaceAll("^mem\\.[0-9.-]+\\.", ""))
                    .containsExactly("jfr", "pb.gz", "html", "live.pb.gz", "live.html", "histo.txt", "growth.txt", "json");

            Pprof pprof = Pprof.read(file(event, ".pb.gz"));
            assertThat(pprof.samples()).anySatisfy(s -> assertThat(s.contains("allocateInHolmesTest")).isTrue());
            List<List<String>> stacks = Jfr.stacks(file(event, ".jfr"),
                    Set.of("jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB"));
            assertThat(stacks).anySatisfy(s -> assertThat(s).anyMatch(f -> f.endsWith(".allocateInHolmesTest")));
            assertThat(FlameGraphHtml.frameNames(file(event, ".html"))).anyMatch(n -> n.endsWith("allocateInHolmesTest"));

            String histogram = Files.readString(file(event, ".histo.txt"));
            assertThat(histogram).contains("#bytes").contains("MemCaptureTest$RetainedOrderLine").contains("Total");
            assertThat(histogram.lines().filter(l -> l.matches("\\s*\\d+:.*"))).hasSizeLessThanOrEqualTo(100);
        } finally {
            retained.clear();
        }
    }
}
