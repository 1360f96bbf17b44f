package io.storelog.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.StoreNode;
import io.storelog.node.shift.Figures;
import io.storelog.node.shift.ShiftReport;
import io.storelog.node.state.ShiftRecord;
import io.storelog.node.state.ZRecord;
import io.storelog.protocol.CashMovementKind;
import io.storelog.protocol.Entry;
import io.storelog.protocol.ReportFigures;
import io.storelog.protocol.SeqRange;
import io.storelog.protocol.TenderCount;
import io.storelog.protocol.TenderType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Shifts, cash movements and the X and Z reports over HTTP (README "Shifts and day end"): every
 * report lists the entries it covers and the sums over them, in minor units.
 */
final class ShiftRoutes {
    private final StoreNode node;
    private final StaffRoutes staff;

    ShiftRoutes(StoreNode node, StaffRoutes staff) {
        this.node = node;
        this.staff = staff;
    }

    /** Whether this class answers {@code segments} (after {@code api}). */
    static boolean owns(List<String> s) {
        return (s.size() >= 2 && s.get(1).equals("shifts")) || (s.size() >= 3 && s.get(1).equals("reports") && s.get(2).equals("z"));
    }

    ApiResponse handle(ApiRequest r) {
        List<String> s = r.segments();
        String m = r.method();
        if (s.get(1).equals("reports")) {
            if (m.equals("POST") && s.size() == 3) {
                JsonNode b = Json.parseObject(r.body());
                String till = Json.optText(b, "till", "");
                if (till != null && !till.equals(node.config().node().id())) {
                    throw new StoreLogException(ErrorCode.BAD_REQUEST, "a Z report is taken by the till itself: this node is "
                            + node.config().node().id() + ", not " + till);
                }
                return json(201, z(node.zReports().take(staff.actor(r, b))));
            }
            if (m.equals("GET") && s.size() == 5) {
                return json(200, z(node.zReports().get(s.get(3), number(s.get(4)))));
            }
            if (m.equals("GET") && s.size() == 4) {
                ArrayNode arr = Json.MAPPER.createArrayNode();
                node.state().shifts(b -> b.zReportsOf(s.get(3))).values().forEach(z -> arr.add(z(z)));
                return json(200, arr);
            }
        } else {
            if (m.equals("POST") && s.size() == 2) {
                JsonNode b = Json.parseObject(r.body());
                ShiftRecord opened = node.shifts().open(Json.integer(b, "openingFloat", ""), staff.actor(r, b));
                return json(201, x(node.shifts().xReport(opened.shiftId())));
            }
            if (m.equals("GET") && s.size() == 2) {
                ArrayNode arr = Json.MAPPER.createArrayNode();
                node.state().shifts(b -> b.shiftsOf(node.config().node().id())).forEach(sh -> arr.add(shift(sh)));
                return json(200, arr);
            }
            if (m.equals("GET") && s.size() == 3 && s.get(2).equals("current")) {
                return json(200, x(node.shifts().xReport(node.shifts().current().orElseThrow(() ->
                        new StoreLogException(ErrorCode.NOT_FOUND, "no shift is open on this till")).shiftId())));
            }
            if (m.equals("GET") && s.size() == 3) {
                return json(200, x(node.shifts().xReport(s.get(2))));
            }
            if (m.equals("GET") && s.size() == 4 && s.get(3).equals("x-report")) {
                return json(200, x(node.shifts().xReport(s.get(2))));
            }
            if (m.equals("POST") && s.size() == 4 && s.get(3).equals("cash-movements")) {
                JsonNode b = Json.parseObject(r.body());
                Entry e = node.shifts().cashMovement(s.get(2), kind(Json.text(b, "type", "")), Json.integer(b, "amount", ""),
                        Json.optText(b, "reason", ""), staff.actor(r, b));
                return json(201, Json.object().put("id", e.getOrigin() + ":" + e.getSeq()).put("shiftId", s.get(2))
                        .put("type", Json.text(b, "type", "")).put("amount", e.getCashMovement().getAmount())
                        .put("reason", e.getCashMovement().getReason()).put("cashier", e.getActor()));
            }
            if (m.equals("POST") && s.size() == 4 && s.get(3).equals("close")) {
                JsonNode b = Json.parseObject(r.body());
                return json(201, x(node.shifts().close(s.get(2), counted(b), staff.actor(r, b))));
            }
        }
        throw new StoreLogException(ErrorCode.NOT_FOUND, "no such API: " + m + " " + r.path());
    }

    private static ObjectNode shift(ShiftRecord s) {
        ObjectNode o = Json.object().put("shiftId", s.shiftId()).put("till", s.opened().getTill())
                .put("businessDay", s.opened().getBusinessDay()).put("cashier", s.cashier())
                .put("openingFloat", s.opened().getOpeningFloat()).put("open", !s.isClosed());
        if (s.isClosed()) {
            o.put("closedBy", s.closedBy());
        }
        return o;
    }

    private static ObjectNode x(ShiftReport r) {
        ObjectNode o = shift(r.shift());
        o.put("complete", r.complete());
        o.set("coverage", coverage(List.of(r.coverage())));
        o.set("figures", figures(r.figures()));
        if (r.shift().isClosed()) {
            o.set("tenders", overShort(r.shift().closed().getExpectedList(), r.shift().closed().getCountedList()));
        }
        return o;
    }

    private static ObjectNode z(ZRecord z) {
        ObjectNode o = Json.object().put("id", z.entryId()).put("till", z.report().getTill()).put("number", z.report().getNumber())
                .put("businessDay", z.report().getBusinessDay()).put("takenBy", z.takenBy())
                .put("takenAt", Instant.ofEpochMilli(z.wallMs()).toString());
        o.set("coverage", coverage(z.report().getCoverageList()));
        o.set("figures", figures(z.report().getFigures()));
        return o;
    }

    private static ArrayNode coverage(List<SeqRange> ranges) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        ranges.forEach(r -> arr.addObject().put("origin", r.getOrigin()).put("fromSeq", r.getAfterSeq() + 1).put("toSeq", r.getToSeq()));
        return arr;
    }

    private static ObjectNode figures(ReportFigures f) {
        ObjectNode o = Json.object().put("bills", f.getBills()).put("salesTotal", f.getSalesTotal()).put("salesTax", f.getSalesTax())
                .put("refunds", f.getRefunds()).put("refundTotal", f.getRefundTotal()).put("voids", f.getVoids())
                .put("voidTotal", f.getVoidTotal()).put("net", f.getSalesTotal() - f.getRefundTotal() - f.getVoidTotal())
                .put("shiftsOpened", f.getShiftsOpened()).put("openingFloat", f.getOpeningFloat())
                .put("cashMovements", f.getCashMovements()).put("paidIn", f.getPaidIn()).put("paidOut", f.getPaidOut())
                .put("cashTendered", f.getCashTendered()).put("change", f.getChange());
        o.set("salesByTender", tenders(f.getSalesByTenderList()));
        o.set("refundsByTender", tenders(f.getRefundsByTenderList()));
        o.set("voidsByTender", tenders(f.getVoidsByTenderList()));
        o.set("expected", tenders(f.getExpectedList()));
        return o;
    }

    private static ObjectNode tenders(List<TenderCount> counts) {
        ObjectNode o = Json.object();
        Figures.byTender(counts).forEach(o::put);
        return o;
    }

    private static ObjectNode overShort(List<TenderCount> expected, List<TenderCount> counted) {
        Map<String, Long> e = Figures.byTender(expected);
        Map<String, Long> c = Figures.byTender(counted);
        TreeSet<String> keys = new TreeSet<>(e.keySet());
        keys.addAll(c.keySet());
        ObjectNode o = Json.object();
        for (String k : keys) {
            long exp = e.getOrDefault(k, 0L);
            long cnt = c.getOrDefault(k, 0L);
            o.putObject(k).put("expected", exp).put("counted", cnt).put("overShort", cnt - exp);
        }
        return o;
    }

    /** {"counted": {"cash": 12345, "card": 5000, "custom:voucher": 100}}; a tender left out counts 0. */
    private static List<TenderCount> counted(JsonNode b) {
        JsonNode c = b.get("counted");
        if (c == null || !c.isObject()) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "counted must be an object of tender -> amount, e.g. {\"cash\": 12345}");
        }
        List<TenderCount> out = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        for (String name : names) {
            long amount = Json.integer(c, name, "counted.");
            if (amount < 0) {
                throw new StoreLogException(ErrorCode.BAD_REQUEST, "counted." + name + " must not be negative");
            }
            String type = name.startsWith("custom:") ? "custom" : name;
            String custom = name.startsWith("custom:") ? name.substring(7) : "";
            if (type.equals("custom") && custom.isBlank()) {
                throw new StoreLogException(ErrorCode.BAD_REQUEST, "counted." + name + ": a custom tender is named custom:NAME");
            }
            TenderType t = BillJson.tenderType(type, "counted." + name);
            out.add(TenderCount.newBuilder().setType(t).setName(custom).setAmount(amount).build());
        }
        out.sort((x, y) -> x.getTypeValue() != y.getTypeValue() ? Integer.compare(x.getTypeValue(), y.getTypeValue())
                : x.getName().compareTo(y.getName()));
        return out;
    }

    private static CashMovementKind kind(String text) {
        return switch (text) {
            case "paid-in" -> CashMovementKind.PAID_IN;
            case "paid-out" -> CashMovementKind.PAID_OUT;
            default -> throw new StoreLogException(ErrorCode.BAD_REQUEST, "type '" + text + "' is not paid-in or paid-out");
        };
    }

    private static long number(String text) {
        try {
            long n = Long.parseLong(text);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "Z report number '" + text + "' is not a whole number >= 1");
        }
    }

    private static ApiResponse json(int status, Object body) {
        return ApiResponse.json(status, Json.write(body));
    }
}
