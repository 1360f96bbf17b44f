package io.storelog.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.storelog.node.staff.PinHasher;
import io.storelog.node.staff.StaffFile;
import io.storelog.node.staff.StaffRow;
import io.storelog.protocol.StaffRole;
import io.storelog.protocol.StaffUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A row printed by {@code storelog staff-hash} is a valid bootstrap-file row whose hash checks the PIN and holds no PIN. */
class StaffHashCommandTest {
    @TempDir
    Path dir;

    @Test
    void printedRowLoadsAndChecksThePin() throws Exception {
        String row = StaffHashCommand.row("sue", "Sue Supervisor", "Supervisor", "918273", 1000);
        assertThat(row).doesNotContain("918273");
        Path file = dir.resolve("staff.csv");
        Files.writeString(file, StaffHashCommand.HEADER + "\n" + row + "\n");
        StaffRow r = StaffFile.read(file).get(0);
        assertThat(r.role()).isEqualTo(StaffRole.SUPERVISOR);
        StaffUpdate u = StaffUpdate.newBuilder().setSalt(ByteString.copyFrom(r.salt())).setPinHash(ByteString.copyFrom(r.hash()))
                .setKdfIterations(r.iterations()).build();
        assertThat(PinHasher.matches("918273", u)).isTrue();
        assertThat(PinHasher.matches("918274", u)).isFalse();
    }

    @Test
    void badInputIsAUsageError() {
        assertThatThrownBy(() -> StaffHashCommand.row("a", "A", "boss", "1234", 1000)).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> StaffHashCommand.row("a", "A", "cashier", "12", 1000)).isInstanceOf(UsageException.class);
    }
}
