package org.modstack.util.jna;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** JNA's logger in the shaded jar passes on what JUL's default configuration shows, and only that. */
class LoggerTest {
    private static final String NAME = "org.modstack.test.jna";
    private final List<LogRecord> published = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            published.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final java.util.logging.Logger jul = java.util.logging.Logger.getLogger(NAME);

    @BeforeEach
    void listen() {
        jul.setLevel(java.util.logging.Level.ALL);
        jul.setUseParentHandlers(false);
        jul.addHandler(capture);
    }

    @AfterEach
    void stop() {
        jul.removeHandler(capture);
    }

    @Test
    void messagesBelowInfoAreDroppedEvenWhereJulWouldShowThem() {
        Logger logger = Logger.getLogger(NAME);
        logger.log(Level.FINE, "Looking for library ''{0}''", "liblzma.so.5");
        logger.log(Level.FINER, "trace");
        assertThat(logger.isLoggable(Level.FINE)).isFalse();
        assertThat(published).isEmpty();
    }

    @Test
    void warningsReachJulFormattedAsJulFormatsThem() {
        Logger logger = Logger.getLogger(NAME);
        IllegalStateException cause = new IllegalStateException("no");
        logger.log(Level.WARNING, "Could not load {0} from {1}", new Object[] {"jnidispatch", "/x"});
        logger.log(Level.SEVERE, "failed", cause);
        logger.log(Level.INFO, "plain");
        assertThat(logger.isLoggable(Level.WARNING)).isTrue();
        assertThat(published).extracting(r -> r.getLevel().getName())
                .containsExactly("WARNING", "SEVERE", "INFO");
        assertThat(new java.util.logging.SimpleFormatter().formatMessage(published.get(0)))
                .isEqualTo("Could not load jnidispatch from /x");
        assertThat(published.get(1).getThrown()).isSameAs(cause);
    }
}
