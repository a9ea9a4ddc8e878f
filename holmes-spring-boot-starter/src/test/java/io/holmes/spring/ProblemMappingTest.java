package io.holmes.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.holmes.Problem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * Every problem Holmes' builder can find with a value that came from {@code holmes.*} lands on that property: the
 * mapper reads each {@link Problem}'s option, never its message.
 */
class ProblemMappingTest {

    @TempDir
    Path tmp;

    @Test
    void everyBadPropertyProblem_hasAPropertyForItsOption() {
        HolmesProperties p = new HolmesProperties();
        p.setDumpPath(tmp);
        p.setCollectInterval(Duration.ofMillis(1));
        p.setCpuCores(-1.0);
        p.setMemoryLimit(DataSize.ofBytes(0));
        p.setSamplingTime(Duration.ofHours(1));
        p.setLookBack(Duration.ofHours(1));
        p.setCpuMax(-1);
        p.setCpuSamplingInterval(Duration.ofHours(1));
        p.setAllocSamplingInterval(DataSize.ofBytes(5));
        p.setReporterQueueCapacity(0);
        p.setCloseTimeout(Duration.ofHours(1));
        p.getDump().setMaxFiles(0);
        p.getDump().setMaxSize(DataSize.ofBytes(1));
        p.setRssLimit(DataSize.ofBytes(0));
        for (HolmesProperties.Rule rule : List.of(p.getCpu(), p.getMem(), p.getThread(), p.getGcHeap(), p.getGcTime(),
                p.getRss())) {
            rule.setMin(-1);
            rule.setDiff(-1);
            rule.setAbs(-1);
            rule.setCooldown(Duration.ofSeconds(-1));
        }
        p.getThread().setMax(-1);

        List<Problem> problems = HolmesPropertiesMapper.toBuilder(p).problems();

        assertThat(problems).extracting(Problem::option).contains("collectInterval", "cpuCores", "memoryLimit",
                "samplingTime", "lookBack", "cpuMax", "cpuSamplingInterval", "allocSamplingInterval",
                "reporterQueueCapacity", "closeTimeout", "dumpBudget.maxEvents", "dumpBudget.maxBytes", "rssLimit",
                "cpuDump.min", "memDump.diff", "threadDump.max", "gcHeapDump.abs", "gcTimeDump.cooldown", "rssDump.min");
        for (Problem problem : problems) {
            assertThat(HolmesPropertiesMapper.fieldOf(problem.option()))
                    .as("property for %s", problem.option()).isNotNull();
        }
        assertThat(HolmesPropertiesMapper.fieldOf("threadDump.max")).isEqualTo("thread.max");
        assertThat(HolmesPropertiesMapper.fieldOf("dumpBudget.maxBytes")).isEqualTo("dump.maxSize");
    }
}
