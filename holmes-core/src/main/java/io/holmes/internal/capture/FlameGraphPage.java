package io.holmes.internal.capture;

import io.holmes.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;

/**
 * What a flame-graph page says about itself: a title naming the view, the trigger, the reading against its
 * average and window, when and for how long it was recorded and by which engine, and, for a view that holds no
 * samples, a page that says so instead of an empty graph.
 */
final class FlameGraphPage {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private FlameGraphPage() {
    }

    /**
     * The title of a page, for example {@code Holmes CPU profile, trigger cpu (DIFF): 85 against average 20 of
     * [18, 20, 21], 2026-11-22 00:40:01Z for 5000 ms, async-profiler/cpu}.
     *
     * @param view          what the graph shows ({@code CPU profile}, {@code allocation profile}, ...)
     * @param request       the capture's request: trigger, reason, reading, average and window
     * @param start         when recording began
     * @param coveredMillis how long it recorded
     * @param engine        what recorded it
     */
    static String title(String view, CaptureRequest request, Instant start, long coveredMillis, String engine) {
        StringBuilder title = new StringBuilder(128).append("Holmes ").append(view).append(", ");
        if (request.reason() == Reason.MANUAL) {
            title.append("manual capture");
        } else {
            title.append("trigger ").append(request.type().fileTag()).append(" (").append(request.reason())
                    .append("): ").append(request.current()).append(" against average ").append(request.average());
            if (!request.window().isEmpty()) {
                title.append(" of ").append(request.window().stream().map(String::valueOf)
                        .collect(Collectors.joining(", ", "[", "]")));
            }
        }
        return title.append(", ").append(TIME.format(start)).append(" for ").append(coveredMillis).append(" ms, ")
                .append(engine).toString();
    }

    /** A page for a view without samples: the title and the reason the graph is empty. */
    static void empty(String title, String why, OutputStream out) throws IOException {
        String page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
                + "</title>\n</head>\n<body style=\"font: 14px sans-serif; margin: 2em\">\n<h1 style=\"font-size: 18px\">"
                + escape(title) + "</h1>\n<p id=\"no-samples\">No samples: " + escape(why) + "</p>\n</body>\n</html>\n";
        out.write(page.getBytes(StandardCharsets.UTF_8));
    }

    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '&' -> s.append("&amp;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }
}
