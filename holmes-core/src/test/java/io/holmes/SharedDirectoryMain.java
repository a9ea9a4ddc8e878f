package io.holmes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Run in a JVM of its own by the shared-directory tests.
 *
 * <ul>
 *   <li>{@code dumps <dir> <count>}: takes {@code count} thread dumps into {@code dir}, one after the other, and
 *       prints {@code event <id> <json file name>} for each, then {@code done}.</li>
 *   <li>{@code heap-dump <dir>}: holds about 200 MiB of live objects and takes a MEM capture with a heap dump,
 *       printing {@code capturing} first; the test kills it while the heap dump is being written.</li>
 * </ul>
 */
public final class SharedDirectoryMain {

    private static volatile List<long[]> ballast;

    private SharedDirectoryMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("dumps")) {
            int count = Integer.parseInt(args[2]);
            try (Holmes holmes = Holmes.builder().dumpPath(dir).lookBack(Duration.ZERO).dumpBudget(100_000, 1L << 32)
                    .build().start()) {
                for (int i = 0; i < count; i++) {
                    DumpEvent event = holmes.dump(DumpType.THREAD).get(60, TimeUnit.SECONDS);
                    Path json = event.files().get(event.files().size() - 1);
                    System.out.println("event " + event.id() + " " + json.getFileName());
                }
            }
            System.out.println("done");
        } else {
            List<long[]> live = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                live.add(new long[128 * 1024]);
            }
            ballast = live;
            try (Holmes holmes = Holmes.builder().dumpPath(dir).lookBack(Duration.ZERO).dumpBudget(100_000, 1L << 34)
                    .heapDump(true)
                    .samplingTime(Duration.ofMillis(100)).build().start()) {
                System.out.println("capturing");
                holmes.dump(DumpType.MEM).get(120, TimeUnit.SECONDS);
            }
            System.out.println("finished " + ballast.size());
        }
    }
}
