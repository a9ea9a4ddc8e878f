package io.holmes.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the frame names out of async-profiler's HTML flame graph. The page keeps them in a constant pool where
 * each entry stores how many leading characters it shares with the previous one (as a character code + 32)
 * followed by the rest; this undoes that.
 */
public final class FlameGraphHtml {

    private FlameGraphHtml() {
    }

    public static List<String> frameNames(Path html) throws IOException {
        String page = Files.readString(html);
        int start = page.indexOf("const cpool = [");
        int end = page.indexOf("];", start);
        if (start < 0 || end < 0) {
            throw new IllegalArgumentException(html + " holds no frame pool");
        }
        List<String> names = new ArrayList<>();
        for (String line : page.substring(start + "const cpool = [".length(), end).split("\n")) {
            String entry = line.trim();
            if (entry.endsWith(",")) {
                entry = entry.substring(0, entry.length() - 1);
            }
            if (entry.length() < 2 || entry.charAt(0) != '\'') {
                continue;
            }
            String raw = entry.substring(1, entry.length() - 1).replace("\\'", "'").replace("\\\\", "\\");
            if (names.isEmpty()) {
                names.add(raw);
            } else {
                String previous = names.get(names.size() - 1);
                names.add(previous.substring(0, raw.charAt(0) - 32) + raw.substring(1));
            }
        }
        return names;
    }
}
