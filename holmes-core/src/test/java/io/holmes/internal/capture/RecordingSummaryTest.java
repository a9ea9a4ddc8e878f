package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.internal.profiler.AsyncProfilerOwner;
import io.holmes.testing.Burner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-pass summary of an async-profiler recording against the JDK's reader, which the capture used before: on a
 * real session (CPU burnt, objects of several kinds allocated and kept), the same sample counts and the same live
 * objects, site by site, with the same class and frame names.
 */
class RecordingSummaryTest {

    @TempDir
    Path tmp;

    /** An instance class, an inner one (its name has a {@code $}), and arrays of primitives and of objects. */
    static final class KeptInSummaryTest {
        final long[] payload = new long[8];
    }

    private static volatile Object sink;

    @Test
    void asyncProfilerRecording_summaryMatchesTheJdkReader() throws Exception {
        Path jfr = tmp.resolve("session.jfr");
        List<Object> kept = new ArrayList<>();
        long interval = 64 * 1024;
        try (Burner burner = Burner.onAllCores()) {
            AsyncProfilerOwner.Session session = AsyncProfilerOwner.shared().start(true, 1_000_000L, interval, jfr);
            try {
                for (int i = 0; i < 200_000; i++) {
                    kept.add(new KeptInSummaryTest());
                    if (i % 10 == 0) {
                        kept.add(new String[4]);
                        kept.add(("kept-" + i).getBytes());
                    }
                    sink = new byte[256];
                }
                Thread.sleep(300);
            } finally {
                session.close();
            }
        }

        RecordingSummary summary = RecordingSummary.ofAsyncProfiler(jfr, interval);
        LiveObjects reference = LiveObjects.read(jfr, interval);

        assertThat(summary.cpuSamples()).isPositive()
                .isEqualTo(JfrConversions.count(jfr, JfrConversions.CPU_EVENTS));
        assertThat(summary.allocationSamples()).isPositive()
                .isEqualTo(JfrConversions.count(jfr, JfrConversions.ALLOCATION_EVENTS));
        assertThat(summary.live().sized()).isTrue();
        assertThat(summary.live().sites()).isNotEmpty().containsExactlyElementsOf(reference.sites());
        assertThat(summary.live().sites()).anySatisfy(site -> {
            assertThat(site.type()).isEqualTo(KeptInSummaryTest.class.getName());
            assertThat(site.stack()).anyMatch(f -> f.endsWith("RecordingSummaryTest.asyncProfilerRecording_"
                    + "summaryMatchesTheJdkReader"));
        });
        assertThat(summary.live().sites()).anySatisfy(site -> assertThat(site.type()).isEqualTo("[B"));
        assertThat(kept).isNotEmpty();
    }
}
