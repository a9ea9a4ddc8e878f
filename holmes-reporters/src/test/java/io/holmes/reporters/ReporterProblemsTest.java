package io.holmes.reporters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holmes.Problem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reporters' builders report problems as option, value and reason; a value that may be a secret never travels. */
class ReporterProblemsTest {

    @Test
    void pyroscopeProblems_areStructured_andCarryNoSecret() {
        PyroscopeReporter.Builder b = PyroscopeReporter.builder("http://alice:s3cret@pyro.example:4040", "orders app")
                .labels(Map.of("holmes_trigger", "x"))
                .basicAuth("alice", "s3cret").bearerToken("t0ken")
                .maxRetries(99);
        List<Problem> problems = b.problems();
        assertThat(problems).extracting(Problem::option)
                .containsExactlyInAnyOrder("serverAddress", "applicationName", "label", "bearerToken", "maxRetries");
        assertThat(problems).filteredOn(p -> p.option().equals("serverAddress")).singleElement()
                .satisfies(p -> assertThat(p.value()).isNull());
        assertThat(problems).filteredOn(p -> p.option().equals("maxRetries")).singleElement()
                .isEqualTo(new Problem("maxRetries", 99, "must be between 0 and 20, but was 99"));
        assertThat(problems.toString()).doesNotContain("s3cret").doesNotContain("t0ken");
        // build() throws with the same findings.
        assertThatThrownBy(b::build).hasMessageStartingWith("Invalid Pyroscope reporter configuration: ")
                .hasMessageContaining("maxRetries must be between 0 and 20, but was 99");
        assertThat(PyroscopeReporter.builder("http://127.0.0.1:9", "orders").problems()).isEmpty();
    }

    @Test
    void httpProblems_areStructured() {
        List<Problem> problems = HttpReporter.builder("ftp://hooks.example/x").token("").timeout(Duration.ZERO)
                .problems();
        assertThat(problems).extracting(Problem::option).containsExactly("url", "token", "timeout");
        assertThat(problems.get(2)).isEqualTo(new Problem("timeout", Duration.ZERO,
                "must be above 0 and at most 5m, but was PT0S"));
    }
}
