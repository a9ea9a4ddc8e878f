package io.holmes.collect;

import io.holmes.Probe;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code rss} reading: the process's resident memory ({@code VmRSS} of {@code /proc/self/status}) in percent of
 * the rss limit. Heap, metaspace, code cache, direct buffers, thread stacks and the collector's own structures all
 * count, as they do when the kernel decides to kill a container. The file is opened once per run and read again
 * from its start into a fixed buffer, so a reading allocates nothing. Where there is no such file (not Linux) the
 * reading is skipped. Not thread-safe: the collector is its only caller.
 */
public final class RssProbe implements Probe, ProbeLifecycle {

    private static final byte[] KEY = "VmRSS:".getBytes(StandardCharsets.US_ASCII);

    private final long limit;
    private final Path status;
    private final byte[] buffer = new byte[16 * 1024];
    private RandomAccessFile file;
    private IOException openFailure;

    /** @param limit the denominator of the percentage, in bytes */
    public RssProbe(long limit) {
        this(limit, Path.of("/proc/self/status"));
    }

    RssProbe(long limit, Path status) {
        this.limit = limit;
        this.status = status;
    }

    @Override
    public void open() {
        close();
        try {
            file = new RandomAccessFile(status.toFile(), "r");
            openFailure = null;
        } catch (IOException e) {
            openFailure = e;
        }
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
        if (file == null) {
            throw openFailure != null ? openFailure : new IOException(status + " is not open");
        }
        file.seek(0);
        int length = 0;
        int n;
        while (length < buffer.length && (n = file.read(buffer, length, buffer.length - length)) > 0) {
            length += n;
        }
        long kib = parseKib(buffer, length, KEY);
        if (kib < 0) {
            throw new IOException(status + " has no VmRSS line");
        }
        return JvmProcessProbe.percentOf(kib * 1024, limit);
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
            long value = 0;
            int digits = 0;
            while (p < length && content[p] >= '0' && content[p] <= '9') {
                value = value * 10 + (content[p] - '0');
                p++;
                digits++;
            }
            return digits == 0 ? -1 : value;
        }
        return -1;
    }
}
