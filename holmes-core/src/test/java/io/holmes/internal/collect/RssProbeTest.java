package io.holmes.internal.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The rss reading: statm parsing, page size calibration, and agreement with VmRSS on this machine. */
class RssProbeTest {

    @Test
    void statmSecondFieldIsResidentPages() {
        byte[] line = "2243351 20704 7776 1 0 127409 0\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(RssProbe.secondField(line, line.length)).isEqualTo(20704);
        byte[] broken = "2243351\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(RssProbe.secondField(broken, broken.length)).isEqualTo(-1);
        assertThat(RssProbe.secondField(line, 0)).isEqualTo(-1);
    }

    @Test
    void pageSizeIsTheNearestPowerOfTwo() {
        assertThat(RssProbe.calibratePageSize(20704L * 4096 + 8192, 20704)).isEqualTo(4096);
        assertThat(RssProbe.calibratePageSize(20704L * 16384 - 65536, 20704)).isEqualTo(16384);
        assertThat(RssProbe.calibratePageSize(20704L * 65536, 20704)).isEqualTo(65536);
        assertThat(RssProbe.calibratePageSize(-1, 20704)).isEqualTo(4096);
    }

    @Test
    void vmRssLineParses() {
        byte[] status = "Name:\tjava\nVmHWM:\t  99 kB\nVmRSS:\t  123456 kB\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(RssProbe.parseKib(status, status.length, "VmRSS:".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(123456);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void readingAgreesWithVmRss() throws Exception {
        long resident = RssProbe.residentBytes();
        assertThat(resident).isPositive();
        RssProbe probe = new RssProbe(resident);
        probe.open();
        try {
            // This JVM's resident size moves a little between the two reads; a tenth is plenty.
            assertThat(probe.read()).isBetween(90L, 110L);
        } finally {
            probe.close();
        }
    }
}
