package io.holmes.reporters;

import io.holmes.DumpEvent;
import io.holmes.DumpType;
import io.holmes.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Small synthetic events with real files, for tests about delivery rather than content. */
final class Events {

    /**
     * The second events are numbered from: ten minutes ago, so that they are recent enough for a server that
     * refuses old profiles.
     */
    static final long BASE = Instant.now().getEpochSecond() - 600;

    private Events() {
    }

    /** The epoch second of the event numbered {@code n}, as the {@code from} parameter of its upload. */
    static String from(long n) {
        return Long.toString(BASE + n);
    }

    /** A CPU event whose {@code .jfr} holds {@code content}, starting {@code n} seconds after {@link #BASE}. */
    static DumpEvent cpu(Path dir, long n, String content) throws IOException {
        return cpu(dir, n, content, Instant.ofEpochSecond(BASE + n));
    }

    /** A CPU event whose {@code .jfr} holds {@code content}, starting at {@code start}. */
    static DumpEvent cpu(Path dir, long n, String content, Instant start) throws IOException {
        Path jfr = dir.resolve("cpu." + n + ".jfr");
        Files.writeString(jfr, content);
        return DumpEvent.builder().id("event-" + n).type(DumpType.CPU).reason(Reason.DIFF)
                .current(90).average(10)
                .start(start).end(start.plusMillis(500))
                .addFile(jfr).addFile(dir.resolve("cpu." + n + ".json"))
                .build();
    }
}
