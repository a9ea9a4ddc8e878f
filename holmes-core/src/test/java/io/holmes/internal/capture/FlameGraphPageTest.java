package io.holmes.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.DumpType;
import io.holmes.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FlameGraphPageTest {

    private static final Instant START = Instant.parse("2026-11-22T00:40:01.250Z");

    @Test
    void titleNamesViewTriggerReadingAverageWindowTimeAndEngine() {
        CaptureRequest request = new CaptureRequest(DumpType.CPU, Reason.DIFF, null, 85, 20, List.of(18, 20, 22),
                new CompletableFuture<>());

        assertThat(FlameGraphPage.title("CPU profile", request, START, 5000, "async-profiler/cpu")).isEqualTo(
                "Holmes CPU profile, trigger cpu (DIFF): 85 against average 20 of [18, 20, 22], "
                        + "2026-11-22 00:40:01Z for 5000 ms, async-profiler/cpu");
    }

    @Test
    void manualCaptureHasNoReadingInItsTitle() {
        CaptureRequest request = new CaptureRequest(DumpType.MEM, Reason.MANUAL, null, -1, 0, List.of(),
                new CompletableFuture<>());

        assertThat(FlameGraphPage.title("allocation profile", request, START, 1000, "jfr"))
                .isEqualTo("Holmes allocation profile, manual capture, 2026-11-22 00:40:01Z for 1000 ms, jfr");
    }

    @Test
    void emptyPageSaysWhyAndEscapes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FlameGraphPage.empty("Holmes <live> & \"objects\"", "jfr recorded no allocation samples in 1000 ms", out);

        String page = out.toString(StandardCharsets.UTF_8);
        assertThat(page).contains("<title>Holmes &lt;live&gt; &amp; &quot;objects&quot;</title>")
                .contains("No samples: jfr recorded no allocation samples in 1000 ms").doesNotContain("<live>");
    }
}
