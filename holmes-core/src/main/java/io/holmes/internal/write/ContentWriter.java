package io.holmes.internal.write;

import java.io.IOException;
import java.io.OutputStream;

/** Writes one file's content; the dump directory supplies the stream and makes the file appear whole. */
@FunctionalInterface
public interface ContentWriter {

    void writeTo(OutputStream out) throws IOException;
}
