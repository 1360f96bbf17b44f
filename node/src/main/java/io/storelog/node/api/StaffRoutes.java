package io.storelog.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.StoreNode;
import io.storelog.node.staff.ApprovalRequest;
import io.storelog.node.staff.Sessions;
import io.storelog.node.state.StaffMember;
import io.storelog.protocol.Entry;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Sign-in, staff and approvals over HTTP: {@code POST/DELETE /api/session}, {@code GET /api/staff},
 * {@code POST /api/bills/{id}/void}, and who the actor of a write is (the session's cashier when the
 * request carries {@value #SESSION_HEADER}, else the body's {@code cashier}).
 */
final class StaffRoutes {
    /** The header that carries a sign-in session token. */
    static final String SESSION_HEADER = "X-Cashier-Session";

    private final StoreNode node;

    StaffRoutes(StoreNode node) {
        this.node = node;
    }

    /** Whether this class answers {@code segments} (after {@code api}). */
    static boolean owns(List<String> s) {
        return s.size() == 2 && (s.get(1).equals("session") || s.get(1).equals("staff"));
    }

    ApiResponse handle(ApiRequest r) {
        String path = r.method() + " " + r.segments().get(1);
        switch (path) {
            case "POST session" -> {
                JsonNode b = Json.parseObject(r.body());
                Sessions.Session s = node.sessions().signIn(Json.text(b, "cashier", ""), Json.text(b, "pin", ""));
                StaffMember m = node.state().staff(d -> d.member(s.staffId())).orElseThrow();
                return json(201, Json.object().put("token", s.token()).put("cashier", s.staffId())
                        .put("name", m.update().getName()).put("role", role(m)).put("header", SESSION_HEADER)
                        .put("expiresAt", Instant.ofEpochMilli(s.expiresAtMs()).toString()));
            }
            case "DELETE session" -> {
                if (!node.sessions().signOut(r.header(SESSION_HEADER))) {
                    throw new StoreLogException(ErrorCode.NOT_FOUND, "no such session");
                }
                return json(200, Json.object().put("signedOut", true));
            }
            case "GET staff" -> {
                ArrayNode arr = Json.MAPPER.createArrayNode();
                for (StaffMember m : node.state().staff(d -> d.all())) {
                    arr.addObject().put("id", m.id()).put("name", m.update().getName()).put("role", role(m))
                            .put("active", m.active()).put("version", m.update().getVersion()).put("source", m.update().getSource());
                }
                return json(200, arr);
            }
            default -> throw new StoreLogException(ErrorCode.NOT_FOUND, "no such API: " + r.method() + " " + r.path());
        }
    }

    /** POST /api/bills/{id}/void: {"reason", "approval": {"supervisor", "pin"}}. */
    CompletableFuture<ApiResponse> voidBill(String billId, ApiRequest r) {
        JsonNode b = Json.parseObject(r.body());
        String cashier = actor(r, b);
        ApprovalRequest approval = approval(b);
        return node.voids().voidBill(billId, Json.optText(b, "reason", ""), cashier,
                        () -> node.approvals().require("void", "voiding bill " + billId, approval, cashier))
                .thenApply(e -> json(201, renderVoid(e)));
    }

    /** The actor of a write: the signed-in cashier of the session header, else the body's cashier, else "". */
    String actor(ApiRequest r, JsonNode body) {
        return node.sessions().cashierOf(r.header(SESSION_HEADER)).orElseGet(() -> {
            String c = body == null ? null : Json.optText(body, "cashier", "");
            return c == null ? "" : c;
        });
    }

    /** The {@code approval} object of a body, or null when there is none. */
    static ApprovalRequest approval(JsonNode body) {
        JsonNode a = body.get("approval");
        if (a == null || a.isNull()) {
            return null;
        }
        if (!a.isObject()) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "approval must be an object with supervisor and pin");
        }
        return new ApprovalRequest(Json.text(a, "supervisor", "approval."), Json.text(a, "pin", "approval."));
    }

    private static ObjectNode renderVoid(Entry e) {
        return Json.object().put("id", e.getOrigin() + ":" + e.getSeq()).put("billId", e.getVoid().getBillId())
                .put("till", e.getVoid().getTill()).put("businessDay", e.getVoid().getBusinessDay())
                .put("total", e.getVoid().getTotal()).put("reason", e.getVoid().getReason())
                .put("cashier", e.getActor()).put("approver", e.getVoid().getApprover());
    }

    private static String role(StaffMember m) {
        return m.role().name().toLowerCase(Locale.ROOT);
    }

    private static ApiResponse json(int status, Object body) {
        return ApiResponse.json(status, Json.write(body));
    }
}
