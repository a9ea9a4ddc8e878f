package io.holmes.reporters;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Holmes' thread profile (a gzipped pprof with one sample per thread, sample types {@code threads/count} and
 * {@code cpu/nanoseconds}, labels {@code thread}, {@code thread_id}, {@code state}) cut down to what a Pyroscope
 * server should file: only the first sample type, and of the labels only {@link #KEPT_LABEL}. The server names a
 * pprof after its sample types ({@code metricName} in {@code pkg/og/convert/pprof/profile.go}: any type containing
 * {@code cpu} makes the whole profile {@code process_cpu}, and {@code sample_type_config} drops none), and every
 * distinct set of string labels becomes a series of its own (a label per thread name is one series per thread).
 * The local file is never changed; everything else in the profile (stacks, functions, strings, time) is copied
 * as it is.
 */
final class ThreadSeries {

    /** The one label kept: a handful of values (the {@link Thread.State}s), so a handful of series. */
    static final String KEPT_LABEL = "state";

    // perftools.profiles.Profile
    private static final int PROFILE_SAMPLE_TYPE = 1;
    private static final int PROFILE_SAMPLE = 2;
    private static final int PROFILE_STRING_TABLE = 6;
    // Sample
    private static final int SAMPLE_VALUE = 2;
    private static final int SAMPLE_LABEL = 3;
    // Label
    private static final int LABEL_KEY = 1;
    private static final int LABEL_STR = 2;

    private static final int VARINT = 0;
    private static final int I64 = 1;
    private static final int LEN = 2;
    private static final int I32 = 5;

    private ThreadSeries() {
    }

    /** The profile for upload, gzipped, from the gzipped (or plain) profile Holmes wrote. */
    static byte[] forUpload(byte[] stored) throws IOException {
        byte[] profile = isGzip(stored) ? gunzip(stored) : stored;
        List<String> strings = strings(profile);
        ByteArrayOutputStream out = new ByteArrayOutputStream(profile.length);
        Reader in = new Reader(profile, 0, profile.length);
        boolean sampleTypeKept = false;
        while (in.hasMore()) {
            int start = in.pos;
            long tag = in.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == PROFILE_SAMPLE_TYPE && wire == LEN) {
                int length = in.length();
                if (!sampleTypeKept) {
                    out.write(profile, start, in.pos - start + length);
                    sampleTypeKept = true;
                }
                in.pos += length;
            } else if (field == PROFILE_SAMPLE && wire == LEN) {
                int length = in.length();
                byte[] sample = sample(new Reader(profile, in.pos, in.pos + length), strings);
                writeVarint(out, tag);
                writeVarint(out, sample.length);
                out.write(sample);
                in.pos += length;
            } else {
                in.skip(wire);
                out.write(profile, start, in.pos - start);
            }
        }
        return gzip(out.toByteArray());
    }

    /** A sample with its first value only and only the kept label. */
    private static byte[] sample(Reader in, List<String> strings) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.end - in.pos);
        boolean valueKept = false;
        while (in.hasMore()) {
            int start = in.pos;
            long tag = in.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == SAMPLE_VALUE) {
                List<Long> values = new ArrayList<>();
                if (wire == LEN) {
                    int end = in.length() + in.pos;
                    while (in.pos < end) {
                        values.add(in.varint());
                    }
                } else {
                    values.add(in.varint());
                }
                if (!valueKept && !values.isEmpty()) {
                    writeVarint(out, (long) SAMPLE_VALUE << 3 | VARINT);
                    writeVarint(out, values.get(0));
                    valueKept = true;
                }
            } else if (field == SAMPLE_LABEL && wire == LEN) {
                int length = in.length();
                if (isKept(new Reader(in.bytes, in.pos, in.pos + length), strings)) {
                    out.write(in.bytes, start, in.pos - start + length);
                }
                in.pos += length;
            } else {
                in.skip(wire);
                out.write(in.bytes, start, in.pos - start);
            }
        }
        return out.toByteArray();
    }

    private static boolean isKept(Reader label, List<String> strings) throws IOException {
        long key = -1;
        boolean string = false;
        while (label.hasMore()) {
            long tag = label.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == LABEL_KEY && wire == VARINT) {
                key = label.varint();
            } else if (field == LABEL_STR && wire == VARINT) {
                string = label.varint() != 0;
            } else {
                label.skip(wire);
            }
        }
        return string && key >= 0 && key < strings.size() && KEPT_LABEL.equals(strings.get((int) key));
    }

    private static List<String> strings(byte[] profile) throws IOException {
        List<String> strings = new ArrayList<>();
        Reader in = new Reader(profile, 0, profile.length);
        while (in.hasMore()) {
            long tag = in.varint();
            int wire = (int) (tag & 7);
            if ((tag >>> 3) == PROFILE_STRING_TABLE && wire == LEN) {
                int length = in.length();
                strings.add(new String(profile, in.pos, length, StandardCharsets.UTF_8));
                in.pos += length;
            } else {
                in.skip(wire);
            }
        }
        return strings;
    }

    private static boolean isGzip(byte[] bytes) {
        return bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** Reads protobuf wire format from {@code bytes[pos, end)}; a malformed message is an {@link IOException}. */
    private static final class Reader {
        final byte[] bytes;
        final int end;
        int pos;

        Reader(byte[] bytes, int pos, int end) {
            this.bytes = bytes;
            this.pos = pos;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        long varint() throws IOException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IOException("truncated pprof profile");
                }
                byte b = bytes[pos++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IOException("malformed varint in pprof profile");
        }

        /** The length of a length-delimited field, checked against what is left. */
        int length() throws IOException {
            long length = varint();
            if (length < 0 || length > end - pos) {
                throw new IOException("truncated pprof profile");
            }
            return (int) length;
        }

        void skip(int wire) throws IOException {
            switch (wire) {
                case VARINT -> varint();
                case I64 -> pos += 8;
                case LEN -> {
                    int length = length(); // read before pos: the length's own bytes move pos
                    pos += length;
                }
                case I32 -> pos += 4;
                default -> throw new IOException("unsupported wire type " + wire + " in pprof profile");
            }
            if (pos > end) {
                throw new IOException("truncated pprof profile");
            }
        }
    }
}
