package io.holmes.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A JVM of its own for a test: this JVM's java and class path, a main class, its output in a file. */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** The command line of a child JVM running {@code main} with {@code options} (Holmes logging at WARN). */
    public static List<String> command(List<String> options, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(options);
        command.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Runs {@code command} to its end, at most {@code timeoutSeconds} (then it is killed), its output and errors into
     * {@code out}; asserts that it ended by itself with exit code 0, and returns what it printed.
     */
    public static String run(List<String> command, Path out, long timeoutSeconds) throws Exception {
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean exited = child.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly().waitFor();
        }
        String output = Files.readString(out);
        assertThat(exited).as(output).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        return output;
    }
}
