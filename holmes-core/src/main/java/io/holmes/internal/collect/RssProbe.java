package io.holmes.internal.collect;

import io.holmes.DumpType;
import io.holmes.Probe;
import io.holmes.Rule;
import io.holmes.Trigger;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;

/**
 * The {@code rss} reading: the process's resident memory in percent of the rss limit. Heap, metaspace, code cache,
 * direct buffers, thread stacks and the collector's own structures all count, as they do when the kernel decides to
 * kill a container. The tick reads the resident page count of {@code /proc/self/statm} (a few microseconds; the
 * kernel builds {@code /proc/self/status} several times slower), opened once per run and read again from its start
 * into a fixed buffer, so a reading allocates nothing; the page size is calibrated once per run against
 * {@code VmRSS} of {@code /proc/self/status}. Where there are no such files (not Linux) the reading is skipped.
 * Not thread-safe: the collector is its only caller.
 */
public final class RssProbe implements Probe, ProbeLifecycle {

    /**
     * The {@code rss} trigger ({@code Holmes.Builder.rssDump}): it captures MEM, and its MEM capture adds
     * {@code memory.txt}, where the resident memory is. Default rule 60/20/85 %, 5 minutes.
     */
    public static final BuiltInTriggers.Spec TRIGGER = new BuiltInTriggers.Spec(Trigger.RSS, "rssDump",
            EnumSet.of(DumpType.MEM), Rule.of(60, 20, 85, 0, Duration.ofMinutes(5)), c -> new RssProbe(c.rssLimit()));

    private static final byte[] KEY = "VmRSS:".getBytes(StandardCharsets.US_ASCII);

    private static final long DEFAULT_PAGE_SIZE = 4096;

    private final long limit;
    private final Path statm;
    private final byte[] buffer = new byte[256];
    private RandomAccessFile file;
    private IOException openFailure;
    private long pageSize = DEFAULT_PAGE_SIZE;

    /** @param limit the denominator of the percentage, in bytes */
    public RssProbe(long limit) {
        this(limit, Path.of("/proc/self/statm"));
    }

    RssProbe(long limit, Path statm) {
        this.limit = limit;
        this.statm = statm;
    }

    @Override
    public void open() {
        close();
        try {
            file = new RandomAccessFile(statm.toFile(), "r");
            openFailure = null;
            pageSize = calibratePageSize(residentBytes(), residentPages());
        } catch (IOException e) {
            openFailure = e;
        }
    }

    /**
     * The page size that makes {@code pages} come closest to {@code bytes} ({@code VmRSS}), a power of two of at
     * least 4 KiB; 4 KiB when either is unknown. The two are read microseconds apart, so the nearest power of two
     * is exact.
     */
    static long calibratePageSize(long bytes, long pages) {
        if (bytes <= 0 || pages <= 0) {
            return DEFAULT_PAGE_SIZE;
        }
        double ratio = (double) bytes / pages;
        long best = DEFAULT_PAGE_SIZE;
        for (long size = DEFAULT_PAGE_SIZE; size <= 1L << 30; size <<= 1) {
            if (Math.abs(Math.log(ratio / size)) < Math.abs(Math.log(ratio / best))) {
                best = size;
            }
        }
        return best;
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // read-only file
            }
            file = null;
        }
    }

    @Override
    public long read() throws IOException {
        long pages = residentPages();
        return JvmProcessProbe.percentOf(pages * pageSize, limit);
    }

    /** The second field of {@code statm}: resident pages. One read: the file is a single short line. */
    private long residentPages() throws IOException {
        if (file == null) {
            throw openFailure != null ? openFailure : new IOException(statm + " is not open");
        }
        file.seek(0);
        int length = Math.max(0, file.read(buffer, 0, buffer.length));
        long pages = secondField(buffer, length);
        if (pages < 0) {
            throw new IOException(statm + " does not read as 'size resident ...'");
        }
        return pages;
    }

    /** The second space-separated decimal field of {@code content}, or -1. */
    static long secondField(byte[] content, int length) {
        int p = 0;
        while (p < length && content[p] >= '0' && content[p] <= '9') {
            p++;
        }
        if (p == 0 || p >= length || content[p] != ' ') {
            return -1;
        }
        return decimalAt(content, p + 1, length);
    }

    /** The run of decimal digits starting at {@code p}, as a number; -1 when there is none. Allocation-free. */
    private static long decimalAt(byte[] content, int p, int length) {
        long value = 0;
        int digits = 0;
        while (p < length && content[p] >= '0' && content[p] <= '9') {
            value = value * 10 + (content[p] - '0');
            p++;
            digits++;
        }
        return digits == 0 ? -1 : value;
    }

    /** Resident bytes now, read the ordinary way (for reports, not for the tick); -1 when unknown. */
    public static long residentBytes() {
        try {
            byte[] content = Files.readAllBytes(Path.of("/proc/self/status"));
            long kib = parseKib(content, content.length, KEY);
            return kib < 0 ? -1 : kib * 1024;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The number after {@code key} at the start of a line ({@code "VmRSS:\t  1234 kB"}), or -1. */
    static long parseKib(byte[] content, int length, byte[] key) {
        outer:
        for (int i = 0; i + key.length <= length; i++) {
            if (i > 0 && content[i - 1] != '\n') {
                continue;
            }
            for (int k = 0; k < key.length; k++) {
                if (content[i + k] != key[k]) {
                    continue outer;
                }
            }
            int p = i + key.length;
            while (p < length && (content[p] == ' ' || content[p] == '\t')) {
                p++;
            }
            return decimalAt(content, p, length);
        }
        return -1;
    }
}
