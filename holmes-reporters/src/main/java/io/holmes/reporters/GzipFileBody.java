package io.holmes.reporters;

import java.io.IOException;
import java.nio.file.Path;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;
import okio.ForwardingSink;
import okio.GzipSink;
import okio.Okio;
import okio.Sink;
import okio.Source;

/** A file sent gzip-compressed, streamed from disk at each attempt: nothing of it is held in memory. */
final class GzipFileBody extends RequestBody {

    private final Path file;
    private final MediaType type;

    GzipFileBody(Path file, MediaType type) {
        this.file = file;
        this.type = type;
    }

    @Override
    public MediaType contentType() {
        return type;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        // Closing the gzip stream writes its trailer; the request's own sink stays open for the parts after this one.
        Sink keepOpen = new ForwardingSink(sink) {
            @Override
            public void close() throws IOException {
                sink.flush();
            }
        };
        try (Source source = Okio.source(file); BufferedSink gzip = Okio.buffer(new GzipSink(keepOpen))) {
            gzip.writeAll(source);
        }
    }
}
