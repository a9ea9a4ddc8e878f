package io.holmes.internal.decide;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowTest {

    @Test
    void keepsTheLastTenOldestFirstAndAveragesThemRoundingDown() {
        Window w = new Window();
        assertThat(w.average()).isZero();
        for (int i = 1; i <= 12; i++) {
            w.add(i);
        }
        assertThat(w.size()).isEqualTo(10);
        assertThat(w.isFull()).isTrue();
        assertThat(w.toList()).containsExactly(3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(w.average()).isEqualTo(7); // 75 / 10 = 7.5, rounded down
    }

    @Test
    void partialWindowAveragesOnlyWhatItHolds() {
        Window w = new Window();
        w.add(10);
        w.add(21);
        assertThat(w.toList()).containsExactly(10, 21);
        assertThat(w.average()).isEqualTo(15);
        assertThat(w.isFull()).isFalse();
    }

    @Test
    void clearStartsOver() {
        Window w = new Window();
        for (int i = 0; i < 15; i++) {
            w.add(100);
        }
        w.clear();
        assertThat(w.size()).isZero();
        assertThat(w.toList()).isEmpty();
        w.add(4);
        assertThat(w.average()).isEqualTo(4);
    }
}
