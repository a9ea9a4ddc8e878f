package io.holmes;

import io.holmes.internal.decide.Window;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link RssTriggerTest}: runs Holmes with the rss trigger (rss limit from its cgroup, or the one
 * given), takes ten steady readings, then grows direct buffers step by step, one tick per step, until the trigger
 * fires, and prints what it captured. Arguments: dump directory, rss limit in bytes or {@code cgroup}, MiB per step.
 */
public final class RssGrowthMain {

    private RssGrowthMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dumps = Path.of(args[0]);
        int stepMiB = Integer.parseInt(args[2]);
        CompletableFuture<DumpEvent> fired = new CompletableFuture<>();
        Holmes.Builder builder = Holmes.builder()
                .collectInterval(Duration.ofHours(1))
                .dumpPath(dumps)
                .samplingTime(Duration.ofMillis(300))
                .rssDump(5, 20, 95, Duration.ofHours(1))
                .reporter(event -> fired.complete(event));
        if (!args[1].equals("cgroup")) {
            builder.rssLimit(Long.parseLong(args[1]));
        }
        List<ByteBuffer> direct = new ArrayList<>();
        List<Integer> readings = new ArrayList<>();
        try (Holmes holmes = builder.build().start()) {
            System.out.println("rssLimit=" + holmes.rssLimit());
            for (int i = 0; i < Window.CAPACITY; i++) {
                holmes.tick(holmes.currentRun());
                readings.add(holmes.state("rss").latest());
            }
            for (int i = 0; i < 20 && holmes.state("rss").cooldownLeft().isZero(); i++) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(stepMiB << 20);
                for (int p = 0; p < buffer.capacity(); p += 4096) {
                    buffer.put(p, (byte) 1); // resident, whatever the allocator did
                }
                direct.add(buffer);
                holmes.tick(holmes.currentRun());
                readings.add(holmes.state("rss").latest());
            }
            System.out.println("readings=" + readings);
            DumpEvent event = fired.get(120, TimeUnit.SECONDS);
            Path memory = event.files().stream().filter(p -> p.toString().endsWith(".memory.txt")).findFirst()
                    .orElseThrow(() -> new AssertionError("no memory.txt in " + event.files()));
            System.out.println("fired trigger=" + event.trigger() + " type=" + event.type() + " reason="
                    + event.reason() + " current=" + event.current() + " memory=" + memory + " json="
                    + event.files().get(event.files().size() - 1));
        }
        System.out.println("direct buffers=" + direct.size());
        System.exit(0);
    }
}
