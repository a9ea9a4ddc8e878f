package io.holmes.testing;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Decodes a pprof {@code perftools.profiles.Profile} far enough for tests to check what a profile says:
 * sample types, and each sample's values, labels and stack as function names (leaf first). It reads the
 * wire format with protobuf-java, field numbers from {@code profile.proto}, and accepts packed and
 * unpacked repeated fields alike.
 */
public final class Pprof {

    /** One sample: its stack (leaf first), values in sample-type order, and labels. */
    public record Sample(List<String> stack, List<Long> values, Map<String, String> labels, Map<String, Long> numLabels) {

        public boolean contains(String functionPart) {
            return stack.stream().anyMatch(f -> f.contains(functionPart));
        }
    }

    private final List<String> strings = new ArrayList<>();
    private final List<long[]> sampleTypes = new ArrayList<>();
    private final List<RawSample> rawSamples = new ArrayList<>();
    private final Map<Long, List<Long>> locationFunctions = new HashMap<>();
    private final Map<Long, long[]> functions = new HashMap<>(); // id -> {name, systemName, filename}
    private long defaultSampleType;
    private long timeNanos;
    private long durationNanos;
    private List<Sample> samples;

    private Pprof() {
    }

    /** Reads a {@code .pb.gz} (or uncompressed {@code .pb}) file. */
    public static Pprof read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    /** Parses profile bytes, gunzipping them first if they start with the gzip magic. */
    public static Pprof parse(byte[] bytes) throws IOException {
        byte[] raw = bytes;
        if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                raw = out.toByteArray();
            }
        }
        Pprof p = new Pprof();
        p.parseProfile(CodedInputStream.newInstance(raw));
        return p;
    }

    public List<String> sampleTypes() {
        List<String> types = new ArrayList<>();
        for (long[] t : sampleTypes) {
            types.add(strings.get((int) t[0]) + "/" + strings.get((int) t[1]));
        }
        return types;
    }

    public String defaultSampleType() {
        return strings.get((int) defaultSampleType);
    }

    public long timeNanos() {
        return timeNanos;
    }

    public long durationNanos() {
        return durationNanos;
    }

    public List<String> stringTable() {
        return List.copyOf(strings);
    }

    public List<Sample> samples() {
        if (samples == null) {
            samples = new ArrayList<>();
            for (RawSample raw : rawSamples) {
                List<String> stack = new ArrayList<>();
                for (long locationId : raw.locations) {
                    List<Long> functionIds = locationFunctions.get(locationId);
                    if (functionIds == null) {
                        throw new IllegalStateException("sample names unknown location " + locationId);
                    }
                    for (long functionId : functionIds) {
                        long[] f = functions.get(functionId);
                        if (f == null) {
                            throw new IllegalStateException("location names unknown function " + functionId);
                        }
                        stack.add(strings.get((int) f[0]));
                    }
                }
                Map<String, String> labels = new LinkedHashMap<>();
                Map<String, Long> numLabels = new LinkedHashMap<>();
                for (long[] label : raw.labels) {
                    if (label[1] != 0) {
                        labels.put(strings.get((int) label[0]), strings.get((int) label[1]));
                    } else {
                        numLabels.put(strings.get((int) label[0]), label[2]);
                    }
                }
                samples.add(new Sample(List.copyOf(stack), List.copyOf(raw.values), labels, numLabels));
            }
        }
        return samples;
    }

    /** Sum of value {@code index} over samples whose stack contains a function containing {@code functionPart}. */
    public long total(int index, String functionPart) {
        long sum = 0;
        for (Sample s : samples()) {
            if (s.contains(functionPart)) {
                sum += s.values().get(index);
            }
        }
        return sum;
    }

    /** Sum of value {@code index} over all samples. */
    public long total(int index) {
        long sum = 0;
        for (Sample s : samples()) {
            sum += s.values().get(index);
        }
        return sum;
    }

    private void parseProfile(CodedInputStream in) throws IOException {
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            int field = WireFormat.getTagFieldNumber(tag);
            switch (field) {
                case 1:
                    sampleTypes.add(parseValueType(in.readBytes().newCodedInput()));
                    break;
                case 2:
                    rawSamples.add(parseSample(in.readBytes().newCodedInput()));
                    break;
                case 4:
                    parseLocation(in.readBytes().newCodedInput());
                    break;
                case 5:
                    parseFunction(in.readBytes().newCodedInput());
                    break;
                case 6:
                    strings.add(in.readStringRequireUtf8());
                    break;
                case 9:
                    timeNanos = in.readInt64();
                    break;
                case 10:
                    durationNanos = in.readInt64();
                    break;
                case 14:
                    defaultSampleType = in.readInt64();
                    break;
                default:
                    in.skipField(tag);
            }
        }
    }

    private static long[] parseValueType(CodedInputStream in) throws IOException {
        long[] vt = new long[2];
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1:
                    vt[0] = in.readInt64();
                    break;
                case 2:
                    vt[1] = in.readInt64();
                    break;
                default:
                    in.skipField(tag);
            }
        }
        return vt;
    }

    private static RawSample parseSample(CodedInputStream in) throws IOException {
        RawSample s = new RawSample();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1:
                    readRepeated(in, tag, s.locations);
                    break;
                case 2:
                    readRepeated(in, tag, s.values);
                    break;
                case 3:
                    s.labels.add(parseLabel(in.readBytes().newCodedInput()));
                    break;
                default:
                    in.skipField(tag);
            }
        }
        return s;
    }

    private static long[] parseLabel(CodedInputStream in) throws IOException {
        long[] label = new long[3]; // key, str, num
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1:
                    label[0] = in.readInt64();
                    break;
                case 2:
                    label[1] = in.readInt64();
                    break;
                case 3:
                    label[2] = in.readInt64();
                    break;
                default:
                    in.skipField(tag);
            }
        }
        return label;
    }

    private void parseLocation(CodedInputStream in) throws IOException {
        long id = 0;
        List<Long> functionIds = new ArrayList<>();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1:
                    id = in.readUInt64();
                    break;
                case 4:
                    CodedInputStream line = in.readBytes().newCodedInput();
                    while (!line.isAtEnd()) {
                        int lineTag = line.readTag();
                        if (WireFormat.getTagFieldNumber(lineTag) == 1) {
                            functionIds.add(line.readUInt64());
                        } else {
                            line.skipField(lineTag);
                        }
                    }
                    break;
                default:
                    in.skipField(tag);
            }
        }
        locationFunctions.put(id, functionIds);
    }

    private void parseFunction(CodedInputStream in) throws IOException {
        long id = 0;
        long[] f = new long[3];
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1:
                    id = in.readUInt64();
                    break;
                case 2:
                    f[0] = in.readInt64();
                    break;
                case 3:
                    f[1] = in.readInt64();
                    break;
                case 4:
                    f[2] = in.readInt64();
                    break;
                default:
                    in.skipField(tag);
            }
        }
        functions.put(id, f);
    }

    private static void readRepeated(CodedInputStream in, int tag, List<Long> into) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            CodedInputStream packed = in.readBytes().newCodedInput();
            while (!packed.isAtEnd()) {
                into.add(packed.readInt64());
            }
        } else {
            into.add(in.readInt64());
        }
    }

    private static final class RawSample {
        final List<Long> locations = new ArrayList<>();
        final List<Long> values = new ArrayList<>();
        final List<long[]> labels = new ArrayList<>();
    }
}
