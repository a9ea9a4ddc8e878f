package io.holmes.internal.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProfilerCommandsTest {

    private static final Path JFR = Path.of("/var/tmp/holmes/.cpu.20261121-170000.000.jfr.1a2b.tmp.jfr");

    @Test
    void cpuSession() {
        assertThat(ProfilerCommands.start("cpu", 10_000_000, 0, JFR))
                .isEqualTo("start,event=cpu,interval=10000000,jfr,file=" + JFR);
    }

    @Test
    void allocationOnlySession_namesNoEvent() {
        assertThat(ProfilerCommands.start(null, 0, 524_288, JFR)).isEqualTo("start,alloc=524288,live,jfr,file=" + JFR);
    }

    @Test
    void sharedSession_samplesCpuAndAllocationsTogether() {
        assertThat(ProfilerCommands.start("itimer", 5_000_000, 1024, JFR))
                .isEqualTo("start,event=itimer,interval=5000000,alloc=1024,live,jfr,file=" + JFR);
    }

    @Test
    void aPathWithACommaCannotBeExpressed_andIsRefused() {
        assertThatThrownBy(() -> ProfilerCommands.start("cpu", 1, 0, Path.of("/tmp/a,b/x.jfr")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/tmp/a,b/x.jfr");
    }

    @Test
    void refusesWhatAsyncProfilerWouldMisread() {
        assertThatThrownBy(() -> ProfilerCommands.start(null, 0, 0, JFR)).hasMessageContaining("needs a CPU event");
        assertThatThrownBy(() -> ProfilerCommands.start("cpu", 1, 0, Path.of("relative.jfr")))
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> ProfilerCommands.start("cpu,alloc=1", 1, 0, JFR)).hasMessageContaining("event name");
        assertThatThrownBy(() -> ProfilerCommands.start("cpu", 0, 0, JFR)).hasMessageContaining("interval");
        assertThatThrownBy(() -> ProfilerCommands.start(null, 0, -1, JFR)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statusAnswers() {
        assertThat(ProfilerCommands.isActive("Profiler is not active\n")).isFalse();
        assertThat(ProfilerCommands.isActive("Profiling is running for 12 seconds\n")).isTrue();
        assertThat(ProfilerCommands.isActive(null)).isFalse();
    }
}
