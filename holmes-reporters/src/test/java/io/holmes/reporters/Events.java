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

    private Events() {
    }

    /** A CPU event whose {@code .jfr} holds {@code content}, starting at {@code epochSecond}. */
    static DumpEvent cpu(Path dir, long epochSecond, String content) throws IOException {
        Path jfr = dir.resolve("cpu." + epochSecond + ".jfr");
        Files.writeString(jfr, content);
        return DumpEvent.builder().id("event-" + epochSecond).type(DumpType.CPU).reason(Reason.DIFF)
                .current(90).average(10)
                .start(Instant.ofEpochSecond(epochSecond)).end(Instant.ofEpochSecond(epochSecond, 500_000_000))
                .addFile(jfr).addFile(dir.resolve("cpu." + epochSecond + ".json"))
                .build();
    }
}
