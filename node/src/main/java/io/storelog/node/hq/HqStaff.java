package io.storelog.node.hq;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.api.Json;
import io.storelog.node.staff.PinHasher;
import io.storelog.protocol.StaffRole;
import io.storelog.protocol.StaffUpdate;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Staff headquarters publishes to every store: each change is a catalog version of its own, so the
 * leaders pull it down with the catalog and every lane folds it. The PIN is hashed here (PBKDF2 with
 * a fresh salt); it never reaches storage, a log or a store.
 */
final class HqStaff {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_NAME_CHARS = 100;

    private final HqStore store;
    private final int pinIterations;

    HqStaff(HqStore store, int pinIterations) {
        this.store = store;
        this.pinIterations = pinIterations;
    }

    /** A member of staff as published, and the catalog version it went out under. */
    record Published(StaffUpdate member, long version) {
    }

    /** Publishes member {@code id} from {@code {"name", "role", "pin", "active"}} (all but active required). */
    Published put(String id, JsonNode body) {
        if (!ID.matcher(id).matches()) {
            throw bad("staff id '" + id + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        String name = Json.text(body, "name", "").strip();
        if (name.isEmpty() || name.length() > MAX_NAME_CHARS) {
            throw bad("name must be 1-" + MAX_NAME_CHARS + " characters");
        }
        String roleText = Json.text(body, "role", "").strip().toLowerCase(Locale.ROOT);
        StaffRole role = switch (roleText) {
            case "cashier" -> StaffRole.CASHIER;
            case "supervisor" -> StaffRole.SUPERVISOR;
            case "manager" -> StaffRole.MANAGER;
            default -> throw bad("role '" + roleText + "' is not cashier, supervisor or manager");
        };
        JsonNode active = body.get("active");
        if (active != null && !active.isNull() && !active.isBoolean()) {
            throw bad("active must be true or false");
        }
        byte[] salt = PinHasher.newSalt();
        byte[] hash = PinHasher.hash(Json.text(body, "pin", ""), salt, pinIterations, "staff member " + id);
        StaffUpdate member = StaffUpdate.newBuilder().setStaffId(id).setName(name).setRole(role)
                .setSalt(ByteString.copyFrom(salt)).setPinHash(ByteString.copyFrom(hash)).setKdfIterations(pinIterations)
                .setActive(active == null || active.isNull() || active.booleanValue()).setSource("hq").build();
        CatalogPublication pub = store.publishCatalog(new CatalogChange("hq", "", List.of(), List.of(), List.of(), List.of(),
                List.of(member)));
        return new Published(member, pub.version());
    }

    private static StoreLogException bad(String message) {
        return new StoreLogException(ErrorCode.BAD_REQUEST, message);
    }
}
