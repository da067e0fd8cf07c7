package dev.torpor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CountersTest {
    @Test
    void anAnswerIsRightWhenItsCounterIsOnePastTheFunctionsLast() {
        Counters c = new Counters();
        assertThat(c.check("f", new Answer(1, 8, 3, true)).correct()).isTrue();
        assertThat(c.check("f", new Answer(2, 8, 3, true)).correct()).isTrue();
        assertThat(c.check("g", new Answer(1, 8, 3, true)).correct()).as("each function counts on its own").isTrue();
        assertThat(c.check("f", new Answer(1, 9, 3, true)).correct()).as("state lost: counting again from 1").isFalse();
        assertThat(c.check("f", new Answer(2, 9, 3, true)).correct()).as("judged against the last answer").isTrue();
    }
}
