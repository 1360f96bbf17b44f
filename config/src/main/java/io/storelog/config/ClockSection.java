package io.storelog.config;

/**
 * The node's wall clock. For fault tests only: {@code clock.offset-ms} shifts the wall time the
 * node's hybrid logical clock reads, so a test can run nodes whose clocks disagree, as real tills'
 * clocks do. Production nodes leave it at 0.
 *
 * @param offsetMs added to the system clock's epoch milliseconds (clock.offset-ms), at most a day either way
 */
public record ClockSection(long offsetMs) {
    public ClockSection {
        Checks.range(ConfigKeys.CLOCK_OFFSET_MS, offsetMs, -ConfigKeys.MAX_CLOCK_OFFSET_MS, ConfigKeys.MAX_CLOCK_OFFSET_MS);
    }

    static ClockSection read(RawConfig raw) {
        return new ClockSection(raw.integer(ConfigKeys.CLOCK_OFFSET_MS, 0));
    }
}
