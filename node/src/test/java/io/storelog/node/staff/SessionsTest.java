package io.storelog.node.staff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.state.StoreState;
import io.storelog.protocol.Entry;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.StaffRole;
import io.storelog.protocol.StaffUpdate;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Sessions expire after their lifetime and a lock-out ends after its time, on a clock the test moves. */
class SessionsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final StoreState state = new StoreState();

    private void member(String id, String pin, boolean active) {
        byte[] salt = PinHasher.newSalt();
        state.apply(Entry.newBuilder().setOrigin("t-000000000000").setSeq(1).setHlc(HlcStamp.newBuilder().setWallMs(1))
                .setStaffUpdate(StaffUpdate.newBuilder().setStaffId(id).setName(id).setRole(StaffRole.CASHIER).setActive(active)
                        .setSalt(ByteString.copyFrom(salt)).setKdfIterations(1000)
                        .setPinHash(ByteString.copyFrom(PinHasher.hash(pin, salt, 1000, id)))).build(), 0);
    }

    private static ErrorCode code(Runnable r) {
        try {
            r.run();
        } catch (StoreLogException e) {
            return e.code();
        }
        return null;
    }

    @Test
    void aSessionExpires() {
        member("ann", "1234", true);
        Sessions sessions = new Sessions(new PinGuard(state, 3, 60_000, now::get), 600_000, now::get);
        Sessions.Session s = sessions.signIn("ann", "1234");
        now.addAndGet(599_999);
        assertThat(sessions.cashierOf(s.token())).contains("ann");
        now.addAndGet(1);
        assertThatThrownBy(() -> sessions.cashierOf(s.token())).isInstanceOf(StoreLogException.class)
                .satisfies(e -> assertThat(((StoreLogException) e).code()).isEqualTo(ErrorCode.WRONG_PIN));
        assertThat(sessions.cashierOf(null)).isEmpty();
    }

    @Test
    void aLockOutEndsAfterItsTimeAndAnInactiveMemberCannotSignIn() {
        member("ann", "1234", true);
        PinGuard pins = new PinGuard(state, 2, 60_000, now::get);
        assertThat(code(() -> pins.verify("ann", "9999"))).isEqualTo(ErrorCode.WRONG_PIN);
        assertThat(code(() -> pins.verify("ann", "9998"))).isEqualTo(ErrorCode.LOCKED_OUT);
        assertThat(code(() -> pins.verify("ann", "1234"))).isEqualTo(ErrorCode.LOCKED_OUT);
        now.addAndGet(60_000);
        assertThat(pins.verify("ann", "1234").id()).isEqualTo("ann");
        member("cid", "4321", false);
        assertThat(code(() -> pins.verify("cid", "4321"))).isEqualTo(ErrorCode.WRONG_PIN);
    }
}
