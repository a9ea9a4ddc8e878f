package io.holmes.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Captures what slf4j-simple (the tests' logging backend, which writes to whatever {@code System.err} is at the
 * time of each line) logs while it is open, and still passes every line on to the real stderr.
 */
public final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    public LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public synchronized void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** Lines logged so far. */
    public synchronized List<String> lines() {
        return Arrays.asList(captured.toString(StandardCharsets.UTF_8).split("\n"));
    }

    /** Lines logged at WARN that contain {@code text}. */
    public List<String> warnings(String text) {
        return lines().stream().filter(l -> l.contains("WARN") && l.contains(text)).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
