package io.holmes.internal.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import one.convert.Arguments;
import one.convert.JfrToPprof;
import one.jfr.JfrReader;
import one.proto.Proto;

/**
 * The CPU profile as {@code go tool pprof} expects one: two sample types, {@code samples/count} and
 * {@code cpu/nanoseconds} (the default), and a period of {@code cpu/nanoseconds}, as Go's own CPU profiles carry.
 * async-profiler's converter writes sample counts only; each count is worth one sampling period of CPU time, so
 * this class converts with it and then rewrites the protobuf: every sample gets its count times the period, the
 * rest of the profile (stacks, functions, labels) is copied unchanged.
 */
final class CpuTimeProfile {

    // perftools.profiles.Profile field numbers (profile.proto)
    private static final int SAMPLE_TYPE = 1;
    private static final int SAMPLE = 2;
    private static final int STRING_TABLE = 6;
    private static final int PERIOD_TYPE = 11;
    private static final int PERIOD = 12;
    private static final int DEFAULT_SAMPLE_TYPE = 14;
    private static final int SAMPLE_LOCATION_ID = 1;
    private static final int SAMPLE_VALUE = 2;
    private static final int SAMPLE_LABEL = 3;
    private static final int VALUE_TYPE_TYPE = 1;
    private static final int VALUE_TYPE_UNIT = 2;

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private CpuTimeProfile() {
    }

    /** Converts the execution samples of {@code jfr} and writes them, gzipped, with CPU time per sample. */
    static void write(Path jfr, long periodNanos, OutputStream out) throws IOException {
        byte[] counts;
        try (JfrReader reader = new JfrReader(jfr.toString())) {
            JfrToPprof converter = new JfrToPprof(reader, new Arguments());
            converter.convert();
            ByteArrayOutputStream raw = new ByteArrayOutputStream(64 * 1024);
            converter.dump(raw);
            counts = raw.toByteArray();
        }
        GZIPOutputStream gzip = new GZIPOutputStream(out, 8192);
        gzip.write(withCpuTime(counts, periodNanos));
        gzip.finish();
    }

    /** Rewrites an uncompressed profile whose single sample type counts samples. */
    static byte[] withCpuTime(byte[] profile, long periodNanos) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period must be positive, but was " + periodNanos);
        }
        List<Field> fields = Field.parse(profile, 0, profile.length);
        List<String> strings = new ArrayList<>();
        for (Field f : fields) {
            if (f.number == STRING_TABLE) {
                strings.add(new String(profile, f.offset, f.length, StandardCharsets.UTF_8));
            }
        }
        if (strings.isEmpty()) {
            strings.add("");
        }
        int samples = index(strings, "samples");
        int count = index(strings, "count");
        int cpu = index(strings, "cpu");
        int nanoseconds = index(strings, "nanoseconds");

        Proto out = new Proto(profile.length + profile.length / 4 + 256);
        out.field(SAMPLE_TYPE, valueType(samples, count));
        out.field(SAMPLE_TYPE, valueType(cpu, nanoseconds));
        for (Field f : fields) {
            if (f.number == SAMPLE) {
                out.field(SAMPLE, sample(profile, f, periodNanos));
            }
        }
        for (Field f : fields) {
            switch (f.number) {
                case SAMPLE_TYPE, SAMPLE, STRING_TABLE, PERIOD_TYPE, PERIOD, DEFAULT_SAMPLE_TYPE -> {
                }
                default -> f.copyTo(profile, out);
            }
        }
        out.field(PERIOD_TYPE, valueType(cpu, nanoseconds));
        out.field(PERIOD, periodNanos);
        out.field(DEFAULT_SAMPLE_TYPE, (long) cpu);
        for (String s : strings) {
            out.field(STRING_TABLE, s);
        }
        byte[] bytes = new byte[out.size()];
        System.arraycopy(out.buffer(), 0, bytes, 0, bytes.length);
        return bytes;
    }

    private static Proto sample(byte[] profile, Field sample, long periodNanos) {
        Proto out = new Proto(sample.length + 16);
        long samples = 0;
        for (Field f : Field.parse(profile, sample.offset, sample.offset + sample.length)) {
            if (f.number == SAMPLE_VALUE) {
                samples += f.wireType == VARINT ? f.value : sumPacked(profile, f);
            } else if (f.number == SAMPLE_LOCATION_ID || f.number == SAMPLE_LABEL) {
                f.copyTo(profile, out);
            }
        }
        out.field(SAMPLE_VALUE, samples);
        out.field(SAMPLE_VALUE, samples * periodNanos);
        return out;
    }

    private static long sumPacked(byte[] buf, Field f) {
        long sum = 0;
        int[] pos = {f.offset};
        while (pos[0] < f.offset + f.length) {
            sum += Field.varint(buf, pos);
        }
        return sum;
    }

    private static Proto valueType(int type, int unit) {
        return new Proto(8).field(VALUE_TYPE_TYPE, type).field(VALUE_TYPE_UNIT, unit);
    }

    private static int index(List<String> strings, String s) {
        int i = strings.indexOf(s);
        if (i >= 0) {
            return i;
        }
        strings.add(s);
        return strings.size() - 1;
    }

    /** One field of a protobuf message: a varint's value, or where a length-delimited or fixed payload lies. */
    private static final class Field {
        final int number;
        final int wireType;
        final long value;
        final int offset;
        final int length;

        private Field(int number, int wireType, long value, int offset, int length) {
            this.number = number;
            this.wireType = wireType;
            this.value = value;
            this.offset = offset;
            this.length = length;
        }

        static List<Field> parse(byte[] buf, int from, int to) {
            List<Field> fields = new ArrayList<>();
            int[] pos = {from};
            while (pos[0] < to) {
                long tag = varint(buf, pos);
                int number = (int) (tag >>> 3);
                int wireType = (int) (tag & 7);
                switch (wireType) {
                    case VARINT -> fields.add(new Field(number, wireType, varint(buf, pos), 0, 0));
                    case LENGTH_DELIMITED -> {
                        int length = (int) varint(buf, pos);
                        if (length < 0 || pos[0] + length > to) {
                            throw new IllegalArgumentException("truncated protobuf field " + number);
                        }
                        fields.add(new Field(number, wireType, 0, pos[0], length));
                        pos[0] += length;
                    }
                    case FIXED64, FIXED32 -> {
                        int length = wireType == FIXED64 ? 8 : 4;
                        fields.add(new Field(number, wireType, 0, pos[0], length));
                        pos[0] += length;
                    }
                    default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
                }
            }
            return fields;
        }

        static long varint(byte[] buf, int[] pos) {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = buf[pos[0]++];
                result |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        void copyTo(byte[] buf, Proto out) {
            switch (wireType) {
                case VARINT -> out.field(number, value);
                case LENGTH_DELIMITED -> {
                    byte[] payload = new byte[length];
                    System.arraycopy(buf, offset, payload, 0, length);
                    out.field(number, payload);
                }
                default -> {
                    // profile.proto has no fixed-width fields; nothing to keep.
                }
            }
        }
    }
}
