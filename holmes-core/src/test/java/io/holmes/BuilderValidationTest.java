package io.holmes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuilderValidationTest {

    @TempDir
    Path tmp;

    @Test
    void defaultsBuild() {
        Holmes holmes = Holmes.builder().dumpPath(tmp).build();
        assertThat(holmes.collectInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(holmes.samplingTime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(holmes.cpuCores()).isGreaterThan(0).isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(holmes.memoryLimit()).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(holmes.cpuMax()).isZero();
        for (DumpType type : DumpType.values()) {
            assertThat(holmes.isEnabled(type)).as("%s enabled by default", type).isFalse();
        }
        assertThat(holmes.isRunning()).isFalse();
    }

    @Test
    void defaultDumpPathIsPrivatePerUserUnderTheTempDir() {
        assertThat(Holmes.builder().build().dumpPath()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"),
                "holmes-" + System.getProperty("user.name")).toAbsolutePath().normalize());
        assertThat(Holmes.Builder.fileNameOf("alice")).isEqualTo("alice");
        assertThat(Holmes.Builder.fileNameOf("DOMAIN\\bob/x,y")).isEqualTo("DOMAIN_bob_x_y");
        assertThat(Holmes.Builder.fileNameOf("..")).isEqualTo("unknown");
        assertThat(Holmes.Builder.fileNameOf("?")).isEqualTo("unknown");
        assertThat(Holmes.Builder.fileNameOf(null)).isEqualTo("unknown");
    }

    @Test
    void configuringARuleEnablesIt() {
        Holmes holmes = Holmes.builder().dumpPath(tmp)
                .threadDump(200, 100, 5000, 200 * 5000, Duration.ofMinutes(1))
                .build();
        assertThat(holmes.isEnabled(DumpType.THREAD)).isTrue();
        assertThat(holmes.isEnabled(DumpType.CPU)).isFalse();
        assertThat(holmes.rule(DumpType.THREAD)).isEqualTo(Rule.thread(200, 100, 5000, 1_000_000, Duration.ofMinutes(1)));
    }

    @Test
    void everyViolationIsReportedTogether_namingOptionAndValue() {
        Path file = tmp.resolve("not-a-dir");
        Holmes.Builder builder = Holmes.builder()
                .collectInterval(Duration.ZERO)
                .cpuCores(Double.NaN)
                .memoryLimit(-1)
                .dumpPath(file)
                .samplingTime(Duration.ofMillis(-5))
                .cpuDump(-5, 100, 150, Duration.ofMinutes(1))
                .memDump(90, 100, 80, Duration.ofSeconds(-1))
                .threadDump(200, -1, 5000, 100, Duration.ofMinutes(1))
                .cpuMax(-3)
                .reporter(null)
                .dumpBudget(0, 10)
                .reporterQueueCapacity(0)
                .closeTimeout(Duration.ZERO)
                .cpuSamplingInterval(Duration.ofSeconds(2))
                .allocSamplingInterval(1000);
        try {
            Files.writeString(file, "x");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("collectInterval must be between 10ms and 1h, but was PT0S")
                .hasMessageContaining("cpuCores must be a finite number above 0, but was NaN")
                .hasMessageContaining("memoryLimit must be a positive number of bytes, but was -1")
                .hasMessageContaining("dumpPath must be a directory, but " + file + " is a file")
                .hasMessageContaining("samplingTime must be between 100ms and 10m, but was PT-0.005S")
                .hasMessageContaining("cpuDump.min must be between 0 and 10000, but was -5")
                .hasMessageContaining("memDump.min must not be above abs (80), but was 90")
                .hasMessageContaining("memDump.cooldown must not be negative, but was PT-1S")
                .hasMessageContaining("threadDump.diff must be between 0 and 10000, but was -1")
                .hasMessageContaining("threadDump.max must be 0 (off) or above min (200), but was 100")
                .hasMessageContaining("cpuMax must be between 0 and 10000, but was -3")
                .hasMessageContaining("reporter must not be null")
                .hasMessageContaining("dumpBudget.maxEvents must be at least 1, but was 0")
                .hasMessageContaining("dumpBudget.maxBytes must be at least 1048576 (1 MiB), but was 10")
                .hasMessageContaining("reporterQueueCapacity must be between 1 and 100000, but was 0")
                .hasMessageContaining("closeTimeout must be above 0 and at most 5m, but was PT0S")
                .hasMessageContaining("cpuSamplingInterval must be between 1ms and 1s, but was PT2S")
                .hasMessageContaining("allocSamplingInterval must be 0 (chosen from the allocation rate) or between 1024 and 1073741824 bytes, but was 1000");
    }

    @Test
    void zeroAndNegativeCoresAreRejected() {
        assertThatThrownBy(() -> Holmes.builder().cpuCores(0).build())
                .hasMessageContaining("cpuCores must be a finite number above 0, but was 0.0");
        assertThatThrownBy(() -> Holmes.builder().cpuCores(Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("cpuCores must be a finite number above 0, but was Infinity");
    }

    @Test
    void intervalBelowTenMillisIsRejected_tenIsAccepted() {
        assertThatThrownBy(() -> Holmes.builder().collectInterval(Duration.ofMillis(9)).build())
                .hasMessageContaining("collectInterval must be between 10ms and 1h, but was PT0.009S");
        assertThat(Holmes.builder().dumpPath(tmp).collectInterval(Duration.ofMillis(10)).build().collectInterval())
                .isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void nullsAreNamed() {
        assertThatThrownBy(() -> Holmes.builder().collectInterval(null).dumpPath(null)
                .cpuDump(1, 1, 1, null).build())
                .hasMessageContaining("collectInterval must not be null")
                .hasMessageContaining("dumpPath must not be null")
                .hasMessageContaining("cpuDump.cooldown must not be null");
    }

    @Test
    void builderIsReusable_andConfigShowsWhatIsInForce() {
        Holmes.Builder builder = Holmes.builder().dumpPath(tmp).cpuDump(20, 100, 150, Duration.ofMinutes(2));
        Holmes first = builder.build();
        Holmes second = builder.collectInterval(Duration.ofSeconds(1)).build();
        assertThat(first.config().collectInterval()).isEqualTo(Duration.ofSeconds(5));
        HolmesConfig config = second.config();
        assertThat(config.collectInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.triggerNames()).containsExactly("cpu", "mem", "thread");
        assertThat(config.enabledTriggers()).containsExactly("cpu");
        assertThat(config.rule("cpu")).isEqualTo(Rule.cpu(20, 100, 150, Duration.ofMinutes(2)));
        assertThat(config.rule("mem")).isEqualTo(Rule.defaults(DumpType.MEM));
        assertThat(config.dumpPath()).isEqualTo(tmp);
        assertThat(config.lookBack()).isEqualTo(Holmes.DEFAULT_LOOK_BACK);

        // Run-time changes show in the next snapshot, never in one already taken.
        second.setCollectInterval(Duration.ofSeconds(3));
        second.setRule(Rule.mem(10, 10, 20, Duration.ZERO));
        second.enable(DumpType.MEM);
        second.disable("cpu");
        second.setCpuMax(90);
        HolmesConfig changed = second.config();
        assertThat(changed.collectInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(changed.rule("mem")).isEqualTo(Rule.mem(10, 10, 20, Duration.ZERO));
        assertThat(changed.enabledTriggers()).containsExactly("mem");
        assertThat(changed.cpuMax()).isEqualTo(90);
        assertThat(config.collectInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.enabledTriggers()).containsExactly("cpu");
        assertThatThrownBy(() -> changed.triggers().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void problemsAreStructured_optionValueAndReason() {
        Trigger bad = Trigger.builder("queue", () -> 1).rule(5, 10, 20, Duration.ZERO).captures(DumpType.CPU).build();
        List<Problem> problems = Holmes.builder().dumpPath(tmp)
                .collectInterval(Duration.ofMillis(1))
                .memDump(90, 10, 80, Duration.ZERO)
                .dumpBudget(0, 10L << 20)
                .trigger(bad).trigger(bad)
                .problems();
        assertThat(problems).containsExactly(
                new Problem("collectInterval", Duration.ofMillis(1), "must be between 10ms and 1h, but was PT0.001S"),
                new Problem("memDump.min", 90, "must not be above abs (80), but was 90"),
                new Problem("trigger(queue).name", "queue", "is used twice; trigger names must be unique"),
                new Problem("dumpBudget.maxEvents", 0, "must be at least 1, but was 0"));
        assertThat(problems.get(1).field()).isEqualTo("min");
        assertThat(problems.get(1).message()).isEqualTo("memDump.min must not be above abs (80), but was 90");

        List<Problem> triggerProblems = Trigger.builder("q", () -> 1).rule(1, 1, 1, null).problems();
        assertThat(triggerProblems).extracting(Problem::option)
                .containsExactly("trigger(q).cooldown", "trigger(q).captures");
    }

    @Test
    void rulesValidateThemselvesToo() {
        assertThatThrownBy(() -> Rule.cpu(10, 10, 20_000, Duration.ZERO))
                .hasMessageContaining("cpuDump.abs must be between 0 and 10000, but was 20000");
        assertThatThrownBy(() -> new Rule(DumpType.CPU, 10, 10, 20, 50, Duration.ZERO))
                .hasMessageContaining("cpuDump.max is only for thread rules and must be 0, but was 50");
    }

    @Test
    void runTimeSettersValidate() {
        Holmes holmes = Holmes.builder().dumpPath(tmp).build();
        assertThatThrownBy(() -> holmes.setCollectInterval(Duration.ofMillis(1)))
                .hasMessageContaining("collectInterval must be between 10ms and 1h, but was PT0.001S");
        assertThatThrownBy(() -> holmes.setCpuMax(10_001))
                .hasMessageContaining("cpuMax must be between 0 and 10000, but was 10001");
        holmes.setCpuMax(90);
        assertThat(holmes.cpuMax()).isEqualTo(90);

        // A rule set by name is checked for that trigger's kind of reading: gc-heap is a percentage.
        Holmes gc = Holmes.builder().dumpPath(tmp).gcHeapDump(50, 20, 80, Duration.ofMinutes(5)).build();
        assertThatThrownBy(() -> gc.setRule("gc-heap", Rule.of(10, 10, 20_000, 0, Duration.ZERO)))
                .hasMessageContaining("gcHeapDump.abs must be between 0 and 10000, but was 20000");
        assertThat(gc.ruleProblems("gc-heap", 10, 10, 90, 5, Duration.ZERO))
                .containsExactly(new Problem("gcHeapDump.max", 5, "is only for thread rules and must be 0, but was 5"));
        assertThat(gc.ruleProblems("thread", 10, 10, 90, 5, Duration.ZERO))
                .containsExactly(new Problem("threadDump.max", 5, "must be 0 (off) or above min (10), but was 5"));
        assertThat(gc.rule("gc-heap")).isEqualTo(Rule.of(50, 20, 80, 0, Duration.ofMinutes(5)));
    }
}
