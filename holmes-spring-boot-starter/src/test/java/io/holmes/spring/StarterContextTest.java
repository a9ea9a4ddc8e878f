package io.holmes.spring;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Application contexts with the starter's auto-configurations, dumping into a temporary directory. */
abstract class StarterContextTest {

    static final AutoConfigurations ALL = AutoConfigurations.of(HolmesMetricsAutoConfiguration.class,
            HolmesAutoConfiguration.class, HolmesEndpointAutoConfiguration.class);

    @TempDir
    Path tmp;

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(ALL)
                .withPropertyValues("holmes.dump-path=" + tmp.resolve("dumps"));
    }

    /** Every message of {@code failure} and its causes, a line each: where Spring Boot puts a start-up failure. */
    static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
