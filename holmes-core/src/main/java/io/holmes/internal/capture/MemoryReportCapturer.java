package io.holmes.internal.capture;

import io.holmes.DumpType;
import io.holmes.Trigger;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Adds {@code mem.<stamp>.memory.txt} to the MEM captures of the {@code rss} trigger: a {@link MemoryBreakdown}
 * taken when the capture starts, compared with the one taken when the run started or at the previous rss capture,
 * whichever is later, so that the file names the part that grew. Every other capture passes through unchanged.
 */
public final class MemoryReportCapturer implements Capturer {

    private final Capturer delegate;
    private final long rssLimit;
    private MemoryBreakdown baseline;

    /** Takes the baseline breakdown now. */
    public MemoryReportCapturer(Capturer delegate, long rssLimit) {
        this.delegate = delegate;
        this.rssLimit = rssLimit;
        this.baseline = MemoryBreakdown.take(rssLimit);
    }

    @Override
    public void capture(List<Capture> captures) throws Exception {
        MemoryBreakdown now = null;
        for (Capture capture : captures) {
            if (isRss(capture)) {
                now = MemoryBreakdown.take(rssLimit);
                break;
            }
        }
        delegate.capture(captures);
        if (now == null) {
            return;
        }
        String text = now.text(baseline);
        for (Capture capture : captures) {
            if (isRss(capture)) {
                capture.files().write("memory.txt", out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
                now.largestGrowth(baseline).ifPresent(g -> capture.event().detail("memoryGrowth", g.getKey()));
            }
        }
        baseline = now;
    }

    private static boolean isRss(Capture capture) {
        return capture.request().type() == DumpType.MEM && Trigger.RSS.equals(capture.request().trigger());
    }
}
