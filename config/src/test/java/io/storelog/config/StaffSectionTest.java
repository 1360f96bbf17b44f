package io.storelog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staff and approvals keys: defaults, exact percent, and errors naming the key. */
class StaffSectionTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        StaffSection s = ConfigLoader.load(Optional.empty(), Map.of()).staff();
        assertThat(s.bootstrapFile()).isEmpty();
        assertThat(s.pinIterations()).isEqualTo(ConfigKeys.DEFAULT_PIN_ITERATIONS);
        assertThat(s.maxPinFailures()).isEqualTo(5);
        assertThat(s.discountLimitBp()).isEqualTo(1000);
    }

    @Test
    void valuesAndTheStaffFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("staff.csv"), "id,name,role,pin\n");
        NodeConfig c = ConfigLoader.fromArgs(java.util.List.of("--staff", file.toString()));
        assertThat(c.staff().bootstrapFile()).contains(file);
        StaffSection s = ConfigLoader.load(Optional.empty(), Map.of(ConfigKeys.APPROVALS_DISCOUNT_LIMIT_PERCENT, "7.5",
                ConfigKeys.STAFF_SESSION_MINUTES, "60")).staff();
        assertThat(s.discountLimitBp()).isEqualTo(750);
        assertThat(s.sessionMinutes()).isEqualTo(60);
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(ConfigKeys.APPROVALS_DISCOUNT_LIMIT_PERCENT, "101")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ConfigKeys.APPROVALS_DISCOUNT_LIMIT_PERCENT);
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(ConfigKeys.STAFF_PIN_ITERATIONS, "10")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ConfigKeys.STAFF_PIN_ITERATIONS);
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(ConfigKeys.STAFF_BOOTSTRAP_FILE, dir.resolve("none.csv").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ConfigKeys.STAFF_BOOTSTRAP_FILE);
    }
}
