package io.holmes.internal.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The owner's decisions, against a scripted profiler that records every command it receives. */
class AsyncProfilerOwnerTest {

    private static final Path JFR = Path.of("/tmp/holmes/x.jfr");
    private static final long TEN_MS = 10_000_000;

    /** Answers like async-profiler; refuses the engines it is told to. */
    static final class FakeProfiler implements NativeProfiler {
        final List<String> commands = new ArrayList<>();
        final List<String> refusedEngines = new ArrayList<>();
        boolean active;

        @Override
        public String execute(String command) {
            commands.add(command);
            if (command.equals("status")) {
                return active ? "Profiling is running for 3 seconds\n" : "Profiler is not active\n";
            }
            if (command.equals("stop")) {
                if (!active) {
                    throw new IllegalStateException("Profiler is not active");
                }
                active = false;
                return "Profiling stopped\n";
            }
            for (String engine : refusedEngines) {
                if (command.contains("event=" + engine + ",")) {
                    throw new IllegalStateException("Perf events unavailable");
                }
            }
            active = true;
            return "Profiling started\n";
        }
    }

    private final FakeProfiler fake = new FakeProfiler();
    private final AtomicInteger loads = new AtomicInteger();
    private final AsyncProfilerOwner owner = new AsyncProfilerOwner(() -> {
        loads.incrementAndGet();
        return fake;
    });

    @Test
    void checksStatus_startsCpu_andStopsOnClose() throws Exception {
        try (AsyncProfilerOwner.Session session = owner.start(true, TEN_MS, 0, JFR)) {
            assertThat(session.cpuEngine()).isEqualTo("cpu");
        }
        assertThat(fake.commands).containsExactly("status", "start,event=cpu,interval=10000000,jfr,file=" + JFR, "stop");
    }

    @Test
    void whenPerfEventsAreRefused_itimerTakesOver_andCpuIsNotAskedAgain() throws Exception {
        fake.refusedEngines.add("cpu");
        try (AsyncProfilerOwner.Session session = owner.start(true, TEN_MS, 0, JFR)) {
            assertThat(session.cpuEngine()).isEqualTo("itimer");
        }
        fake.commands.clear();
        try (AsyncProfilerOwner.Session session = owner.start(true, TEN_MS, 0, JFR)) {
            assertThat(session.cpuEngine()).isEqualTo("itimer");
        }
        assertThat(fake.commands).noneMatch(c -> c.contains("event=cpu"));
    }

    @Test
    void whenEveryEngineIsRefused_theOwnerSaysSo_andHoldsNothing() throws Exception {
        fake.refusedEngines.add("cpu");
        fake.refusedEngines.add("itimer");
        assertThatThrownBy(() -> owner.start(true, TEN_MS, 0, JFR))
                .isInstanceOf(ProfilerUnavailableException.class).hasMessageContaining("refused every CPU engine");
        fake.refusedEngines.clear();
        owner.start(true, TEN_MS, 0, JFR).close();
    }

    @Test
    void aSessionSomeoneElseStarted_isLeftAlone() {
        fake.active = true;
        assertThatThrownBy(() -> owner.start(true, TEN_MS, 0, JFR))
                .isInstanceOf(ProfilerUnavailableException.class).hasMessageContaining("already running");
        assertThat(fake.commands).containsExactly("status");
        assertThat(fake.active).isTrue();
    }

    @Test
    void oneSessionAtATime_thenFreeAgainAfterClose() throws Exception {
        AsyncProfilerOwner.Session first = owner.start(false, 0, 524_288, JFR);
        assertThatThrownBy(() -> owner.start(true, TEN_MS, 0, JFR))
                .isInstanceOf(ProfilerUnavailableException.class).hasMessageContaining("busy");
        first.close();
        first.close();
        assertThat(fake.commands.stream().filter("stop"::equals)).hasSize(1);
        owner.start(true, TEN_MS, 0, JFR).close();
    }

    @Test
    void aLibraryThatCannotLoad_isTriedOnce_andReportedEveryTime() {
        AsyncProfilerOwner broken = new AsyncProfilerOwner(() -> {
            loads.incrementAndGet();
            throw new UnsatisfiedLinkError("libasyncProfiler.so: failed to map segment from shared object");
        });
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> broken.start(true, TEN_MS, 0, JFR))
                    .isInstanceOf(ProfilerUnavailableException.class).hasMessageContaining("cannot load")
                    .hasMessageContaining("failed to map segment");
        }
        assertThat(loads).hasValue(1);
    }
}
