package dev.torpor.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.torpor.TorporException;
import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void aBareNumberIsBytes() {
        assertThat(ByteSize.parse("536870912")).isEqualTo(536_870_912L);
        assertThat(ByteSize.parse("0")).isZero();
    }

    @Test
    void unitsAreBinary() {
        assertThat(ByteSize.parse("256MiB")).isEqualTo(256L << 20);
        assertThat(ByteSize.parse("256M")).isEqualTo(256L << 20);
        assertThat(ByteSize.parse("1gib")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("4 KiB")).isEqualTo(4096);
        assertThat(ByteSize.parse("2T")).isEqualTo(2L << 40);
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> ByteSize.parse("lots")).isInstanceOf(TorporException.class).hasMessageContaining("not a size");
        assertThatThrownBy(() -> ByteSize.parse("12PB")).isInstanceOf(TorporException.class);
    }

    @Test
    void formatsForPeople() {
        assertThat(ByteSize.format(512)).isEqualTo("512 B");
        assertThat(ByteSize.format(256L << 20)).isEqualTo("256.0 MiB");
    }
}
