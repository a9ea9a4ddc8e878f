package io.holmes;

import static io.holmes.CpuCaptureTest.file;
import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.testing.Burner;
import io.holmes.testing.Jfr;
import io.holmes.testing.Pprof;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import one.profiler.AsyncProfiler;
import one.profiler.AsyncProfilerLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another user of async-profiler in the same JVM (an agent, the application) holds it: Holmes must leave that
 * session alone and still capture, with JDK Flight Recorder.
 */
class ProfilerBusyFallbackTest {

    @TempDir
    Path tmp;

    @Test
    void whenAnotherAgentHoldsAsyncProfiler_cpuCapturesFallBackToJfr_andStillNameTheHotMethod() throws Exception {
        AsyncProfiler other = AsyncProfilerLoader.load();
        Path othersFile = tmp.resolve("other-agent.jfr");
        other.execute("start,event=cpu,interval=10ms,jfr,file=" + othersFile);
        try (Holmes holmes = Holmes.builder()
                .dumpPath(tmp.resolve("holmes"))
                .samplingTime(Duration.ofSeconds(1))
                .build()
                .start();
             Burner burner = Burner.onAllCores()) {

            DumpEvent event = holmes.dump(DumpType.CPU).get(20, TimeUnit.SECONDS);

            assertThat(event.details()).containsEntry("engine", "jfr").containsEntry("samplingInterval", "10 ms");
            assertThat(event.details().get("fallbackReason")).contains("already running");
            assertThat(Long.parseLong(event.details().get("samples"))).isPositive();
            Pprof pprof = Pprof.read(file(event, ".pb.gz"));
            assertThat(pprof.samples()).anySatisfy(s -> assertThat(s.contains("burnCpuInHolmesTest")).isTrue());
            assertThat(Jfr.stacks(file(event, ".jfr"), Set.of("jdk.ExecutionSample")))
                    .anySatisfy(s -> assertThat(s).anyMatch(f -> f.endsWith("Burner.burnCpuInHolmesTest")));
            // The other user's session was not touched.
            assertThat(other.execute("status")).doesNotContain("not active");
        } finally {
            other.execute("stop");
        }
    }
}
