package io.holmes;

import io.holmes.testing.FakeTicker;
import io.holmes.testing.RecordingReporter;
import io.holmes.testing.ScriptedProbe;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holmes driven tick by tick with scripted readings and a fake clock (the real collector is scheduled an hour out),
 * capturing for real into a temporary directory. Subclasses add their rules to {@link #scripted()} and call
 * {@link #tick()} after setting the readings they want.
 */
abstract class ScriptedHolmesTest {

    @TempDir
    Path tmp;

    final ScriptedProbe probe;
    final FakeTicker ticker = new FakeTicker();
    final RecordingReporter reporter = new RecordingReporter();
    Holmes holmes;

    ScriptedHolmesTest(int cpu, int heap, int threads) {
        probe = new ScriptedProbe().set(cpu, heap, threads);
    }

    @AfterEach
    void closeHolmes() {
        if (holmes != null) {
            holmes.close();
        }
    }

    /** A builder reading the scripted probe on the fake clock, with look-back off (LookBackTest covers it). */
    Holmes.Builder scripted() {
        return Holmes.builder()
                .lookBack(Duration.ZERO)
                .collectInterval(Duration.ofHours(1))
                .dumpPath(tmp)
                .reporter(reporter)
                .probe(probe)
                .nanoTime(ticker);
    }

    /** One second later, one read-decide pass of the scripted readings. */
    void tick() {
        ticker.advance(Duration.ofSeconds(1));
        holmes.tick(holmes.currentRun());
    }
}
