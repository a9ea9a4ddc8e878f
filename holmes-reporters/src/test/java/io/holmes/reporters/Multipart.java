package io.holmes.reporters;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import okhttp3.MediaType;
import okhttp3.MultipartReader;
import okhttp3.mockwebserver.RecordedRequest;

/** A received multipart/form-data body, decoded part by part with OkHttp's own reader. */
record Multipart(List<Part> parts) {

    record Part(String name, String filename, String contentType, byte[] bytes) {

        String text() {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }

        byte[] gunzipped() throws IOException {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                return in.readAllBytes();
            }
        }

        boolean isGzip() {
            return bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        }
    }

    static Multipart of(RecordedRequest request) throws IOException {
        MediaType type = MediaType.get(request.getHeader("Content-Type"));
        if (!"multipart".equals(type.type()) || !"form-data".equals(type.subtype())) {
            throw new IllegalArgumentException("not multipart/form-data: " + type);
        }
        List<Part> parts = new ArrayList<>();
        try (MultipartReader reader = new MultipartReader(request.getBody(), type.parameter("boundary"))) {
            MultipartReader.Part part;
            while ((part = reader.nextPart()) != null) {
                String disposition = part.headers().get("Content-Disposition");
                parts.add(new Part(param(disposition, "name"), param(disposition, "filename"),
                        part.headers().get("Content-Type"), part.body().readByteArray()));
            }
        }
        return new Multipart(parts);
    }

    List<String> names() {
        return parts.stream().map(Part::name).toList();
    }

    Part part(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no part named " + name + " in " + names()));
    }

    private static String param(String disposition, String key) {
        if (disposition == null) {
            return null;
        }
        for (String piece : disposition.split(";")) {
            String p = piece.trim();
            if (p.startsWith(key + "=")) {
                String value = p.substring(key.length() + 1);
                return value.startsWith("\"") ? value.substring(1, value.length() - 1) : value;
            }
        }
        return null;
    }
}
