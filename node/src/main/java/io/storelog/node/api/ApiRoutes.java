package io.storelog.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.storelog.config.Secret;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.node.StoreNode;
import io.storelog.node.barcode.BarcodeKind;
import io.storelog.node.barcode.ResolvedBarcode;
import io.storelog.node.billing.BillRequest;
import io.storelog.node.billing.Rounding;
import io.storelog.node.merge.MergedLog;
import io.storelog.node.promotion.HeldPromotion;
import io.storelog.node.promotion.PromotionRules;
import io.storelog.node.receipt.EscPosReceipt;
import io.storelog.node.receipt.Receipt;
import io.storelog.node.state.BillSummary;
import io.storelog.node.staff.ApprovalNeeded;
import io.storelog.node.staff.ApprovalRequest;
import io.storelog.node.state.StateDigest;
import io.storelog.node.state.TillSales;
import io.storelog.protocol.Entry;
import io.storelog.protocol.Product;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/** The routes of a store node's HTTP API (see README "HTTP API"). Runs on worker threads, never the event loop. */
public final class ApiRoutes implements Router {
    private static final int SEARCH_LIMIT = 50;
    private static final StaticAssets PAGES = new StaticAssets(Map.of("", "till.html", "dashboard", "dashboard.html"));

    private final StoreNode node;
    private final Optional<Secret> apiToken;
    private final Map<String, Counter> errorCounters = new ConcurrentHashMap<>();
    private final int exponent;
    private final StaffRoutes staff;
    private final ShiftRoutes shifts;
    private final BudgetRoutes budgets;

    /** The routes of a store node. */
    public ApiRoutes(StoreNode node) {
        this.node = node;
        this.apiToken = node.config().http().apiToken();
        this.exponent = node.config().store().currency().getDefaultFractionDigits();
        this.staff = new StaffRoutes(node);
        this.shifts = new ShiftRoutes(node, staff);
        this.budgets = new BudgetRoutes(node, staff);
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest r, String authorization) {
        try {
            CompletableFuture<ApiResponse> out = route(r, authorization);
            return out.exceptionally(t -> countError(errorResponse(t)));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(countError(errorResponse(e)));
        }
    }

    private CompletableFuture<ApiResponse> route(ApiRequest r, String authorization) {
        List<String> s = r.segments();
        String m = r.method();
        if (m.equals("GET") && (s.isEmpty() || !s.get(0).equals("api"))) {
            Optional<ApiResponse> page = PAGES.serve(s);
            if (page.isPresent()) {
                return done(page.get());
            }
        }
        if (s.size() == 1 && s.get(0).equals("metrics") && m.equals("GET")) {
            return done(ApiResponse.text(200, "text/plain; version=0.0.4; charset=utf-8", node.meters().scrape()));
        }
        if (!s.get(0).equals("api")) {
            throw new StoreLogException(ErrorCode.NOT_FOUND, "no such page: " + r.path());
        }
        boolean statusCall = s.size() == 2 && s.get(1).equals("status") && m.equals("GET");
        if (!statusCall && apiToken.isPresent() && !bearerMatches(authorization)) {
            throw new StoreLogException(ErrorCode.UNAUTHORIZED, "this API needs Authorization: Bearer <api token>");
        }
        if (m.equals("POST") && r.body().length > 0) {
            // A POST without a body (a recall) has nothing to be JSON; one with a body must say it is.
            requireJson(r);
        }
        String path = m + " " + String.join("/", s.subList(1, s.size()));
        if (path.equals("GET status")) {
            return done(json(200, StatusView.render(node)));
        }
        if (path.equals("GET catalog")) {
            return done(json(200, catalog(r.param("q"), "true".equals(r.param("exact")))));
        }
        if (StaffRoutes.owns(s)) {
            return done(staff.handle(r));
        }
        if (ShiftRoutes.owns(s)) {
            return done(shifts.handle(r));
        }
        if (BudgetRoutes.owns(s)) {
            return done(budgets.handle(r));
        }
        if (path.equals("GET promotions")) {
            return done(json(200, promotions()));
        }
        if (m.equals("POST") && s.size() == 4 && s.get(1).equals("bills") && s.get(3).equals("void")) {
            return staff.voidBill(s.get(2), r);
        }
        if (path.equals("POST bills")) {
            return postBill(r);
        }
        if (path.equals("GET bills")) {
            return done(json(200, recentBills(r.param("limit"), r.param("day"))));
        }
        if (m.equals("GET") && s.size() == 3 && s.get(1).equals("bills")) {
            return done(json(200, bill(s.get(2))));
        }
        if (m.equals("GET") && s.size() == 4 && s.get(1).equals("bills") && s.get(3).equals("receipt")) {
            return done(receipt(node.receipts().original(s.get(2)), r.param("format")));
        }
        if (m.equals("POST") && s.size() == 4 && s.get(1).equals("bills") && s.get(3).equals("reprint")) {
            return reprint(s.get(2), r);
        }
        if (m.equals("POST") && s.size() == 4 && s.get(1).equals("bills") && s.get(3).equals("refund")) {
            return refund(s.get(2), r);
        }
        if (m.equals("GET") && s.size() == 3 && s.get(1).equals("stock")) {
            return done(json(200, stockOf(s.get(2))));
        }
        if (path.equals("GET stock")) {
            return done(json(200, allStock()));
        }
        if (path.equals("POST stock/receipts")) {
            JsonNode b = Json.parseObject(r.body());
            String sku = Json.text(b, "sku", "");
            return stockWrite(sku, node.stock().receive(sku, Json.quantityMilli(b, "qty", ""), reason(b), staff.actor(r, b)));
        }
        if (path.equals("POST stock/adjustments")) {
            JsonNode b = Json.parseObject(r.body());
            String sku = Json.text(b, "sku", "");
            return stockWrite(sku, node.stock().adjust(sku, Json.quantityMilli(b, "qty", ""), reason(b), staff.actor(r, b)));
        }
        if (path.equals("POST stock/counts")) {
            JsonNode b = Json.parseObject(r.body());
            String sku = Json.text(b, "sku", "");
            return stockWrite(sku, node.stock().count(sku, Json.quantityMilli(b, "counted", ""), reason(b), staff.actor(r, b)));
        }
        if (path.equals("GET reports/sales")) {
            return done(json(200, sales(r.param("day"))));
        }
        if (path.equals("POST carts")) {
            JsonNode b = Json.parseObject(r.body());
            byte[] cart = CartJson.checkedCart(b, node.state());
            return node.carts().suspend(Json.optText(b, "label", ""), cart, b.get("lines").size(), staff.actor(r, b))
                    .thenApply(c -> json(201, CartJson.render(c)));
        }
        if (path.equals("GET carts")) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            node.state().waitingCarts().forEach(c -> out.add(CartJson.summary(c)));
            return done(json(200, out));
        }
        if (m.equals("GET") && s.size() == 3 && s.get(1).equals("carts")) {
            return done(json(200, CartJson.render(node.carts().cart(s.get(2)))));
        }
        if (m.equals("POST") && s.size() == 4 && s.get(1).equals("carts") && s.get(3).equals("recall")) {
            return node.carts().recall(s.get(2)).thenApply(c -> json(200, CartJson.render(c)));
        }
        if (path.equals("GET events")) {
            return done(new ApiResponse(200, EventStream.CONTENT_TYPE, new byte[0]));
        }
        if (path.equals("GET state/digest")) {
            return done(json(200, digest()));
        }
        throw new StoreLogException(ErrorCode.NOT_FOUND, "no such API: " + m + " " + r.path());
    }

    private CompletableFuture<ApiResponse> postBill(ApiRequest r) {
        JsonNode body = Json.parseObject(r.body());
        BillRequest parsed = BillJson.parseBill(body);
        String cashier = staff.actor(r, body);
        ApprovalRequest approval = StaffRoutes.approval(body);
        BillRequest request = new BillRequest(parsed.clientBillId(), parsed.lines(), parsed.discount(), parsed.tenders(),
                parsed.customer(), cashier, parsed.voidedLines());
        return node.bills().submit(request, priced -> node.billApprovals().approve(request, priced, approval, cashier))
                .thenApply(o -> json(o.repeated() ? 200 : 201, BillJson.render(o.entry(), exponent).put("singleLane", o.singleLane())));
    }

    private CompletableFuture<ApiResponse> refund(String billId, ApiRequest r) {
        JsonNode body = Json.parseObject(r.body());
        String tender = Json.optText(body, "tender", "");
        String cashier = staff.actor(r, body);
        ApprovalRequest approval = StaffRoutes.approval(body);
        return node.bills().refund(billId, BillJson.parseRefundLines(body),
                        tender == null ? null : BillJson.tenderType(tender, "tender"),
                        Json.optText(body, "clientRefundId", ""), Json.optText(body, "reason", ""), cashier,
                        () -> node.approvals().require("refund", "refunding bill " + billId, approval, cashier))
                .thenApply(e -> json(201, BillJson.renderRefund(e)));
    }

    private CompletableFuture<ApiResponse> reprint(String billId, ApiRequest r) {
        String format = r.param("format");
        checkFormat(format);
        JsonNode body = r.body().length == 0 ? Json.object() : Json.parseObject(r.body());
        return node.receipts().reprint(billId, Json.optText(body, "reason", ""), staff.actor(r, body))
                .thenApply(receipt -> receipt(receipt, format));
    }

    private static ApiResponse receipt(Receipt receipt, String format) {
        checkFormat(format);
        if ("escpos".equals(format)) {
            return new ApiResponse(200, "application/octet-stream", EscPosReceipt.encode(receipt));
        }
        return ApiResponse.text(200, "text/plain; charset=utf-8", receipt.text());
    }

    private static void checkFormat(String format) {
        if (format != null && !format.equals("text") && !format.equals("escpos")) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "format '" + format + "' is not text or escpos");
        }
    }

    private ObjectNode bill(String id) {
        Entry e = node.bills().bill(id).orElseThrow(() -> new StoreLogException(ErrorCode.NOT_FOUND, "bill " + id + " not found"));
        ObjectNode o = BillJson.render(e, exponent);
        ArrayNode refunds = o.putArray("refunds");
        node.state().refundsOf(id).forEach(rf -> refunds.addObject().put("total", rf.getTotal()).put("businessDay", rf.getBusinessDay()));
        o.put("voided", node.state().isVoided(id));
        o.put("reprints", node.state().reprintsOf(id));
        return o;
    }

    private ArrayNode recentBills(String limitText, String dayText) {
        // With a day, every bill of that business day (an export needs them all); without, the latest 50.
        String day = dayText == null ? null : validDay(dayText);
        int limit = limitText != null ? parseLimit(limitText) : day == null ? 50 : Integer.MAX_VALUE;
        List<BillSummary> bills = day == null ? node.state().recentBills(limit)
                : node.state().recentBills(Integer.MAX_VALUE).stream().filter(b -> b.businessDay().equals(day)).limit(limit).toList();
        ArrayNode arr = Json.MAPPER.createArrayNode();
        bills.forEach(b -> arr.addObject().put("id", b.id()).put("number", b.number())
                .put("till", b.till()).put("businessDay", b.businessDay()).put("total", b.total()).put("tax", b.tax())
                .put("clientBillId", b.clientBillId()));
        return arr;
    }

    private CompletableFuture<ApiResponse> stockWrite(String sku, CompletableFuture<MergedLog.Appended> write) {
        return write.thenApply(a -> {
            ObjectNode o = stockOf(sku);
            o.put("entry", a.entry().getOrigin() + ":" + a.entry().getSeq());
            return json(201, o);
        });
    }

    private ObjectNode stockOf(String sku) {
        if (node.state().product(sku).isEmpty() && !node.state().stockKnown(sku)) {
            throw new StoreLogException(ErrorCode.NOT_FOUND, "unknown SKU '" + sku + "'");
        }
        return Json.object().put("sku", sku).put("onHand", Json.qty(node.state().onHandMilli(sku)));
    }

    private ArrayNode allStock() {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        node.state().stockSnapshot().forEach((sku, milli) -> arr.addObject().put("sku", sku).put("onHand", Json.qty(milli)));
        return arr;
    }

    private ArrayNode catalog(String q, boolean exact) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        if (q == null || q.isBlank()) {
            return arr;
        }
        long now = node.clock().wallMs();
        String scannedSku = null;
        if (q.trim().matches("([0-9]+\\*)?[0-9]{8,13}")) {
            try {
                ResolvedBarcode found = node.barcodes().resolve(q.trim());
                scannedSku = found.product().getSku();
                scanned(arr.addObject(), found);
            } catch (StoreLogException notABarcodeHere) {
                // A search is lenient: digits that are no valid barcode may still match a SKU or a name.
            }
        }
        // A scanner's code names one product: look it up instead of scanning every name for it.
        List<Product> found = !exact ? node.state().searchCatalog(q, SEARCH_LIMIT) : scannedSku != null ? List.of()
                : node.state().productByBarcode(q.trim()).or(() -> node.state().product(q.trim())).map(c -> List.of(c.product()))
                        .orElse(List.of());
        for (Product p : found) {
            if (!p.getActive() || p.getSku().equals(scannedSku)) {
                continue;
            }
            // The price in effect now: a scheduled price change this lane holds shows from its instant on.
            long price = node.state().productAt(p.getSku(), now).map(cp -> cp.product().getPrice()).orElse(p.getPrice());
            arr.addObject().put("sku", p.getSku()).put("barcode", p.getBarcode()).put("name", p.getName())
                    .put("price", price).put("unit", p.getUnit().name().toLowerCase(Locale.ROOT))
                    .put("taxClass", p.getTaxClass()).put("onHand", Json.qty(node.state().onHandMilli(p.getSku())));
        }
        return arr;
    }

    /** Promotions live at this lane now (start inclusive, end exclusive) and those still to start, by id. */
    private ObjectNode promotions() {
        long now = node.clock().wallMs();
        ObjectNode o = Json.object().put("at", java.time.Instant.ofEpochMilli(now).toString());
        ArrayNode active = o.putArray("active");
        ArrayNode upcoming = o.putArray("upcoming");
        for (HeldPromotion h : node.state().promotions()) {
            if (PromotionRules.liveAt(h.promotion(), now)) {
                active.add(PromotionJson.render(h.promotion(), h.version()));
            } else if (PromotionRules.upcomingAt(h.promotion(), now)) {
                upcoming.add(PromotionJson.render(h.promotion(), h.version()));
            }
        }
        return o;
    }

    /** A product found by a scan, with what the barcode carried and the amount a line of it bills. */
    private void scanned(ObjectNode o, ResolvedBarcode found) {
        Product p = found.product();
        o.put("sku", p.getSku()).put("barcode", p.getBarcode()).put("name", p.getName()).put("price", p.getPrice())
                .put("unit", p.getUnit().name().toLowerCase(Locale.ROOT)).put("taxClass", p.getTaxClass())
                .put("onHand", Json.qty(node.state().onHandMilli(p.getSku())));
        ObjectNode scan = o.putObject("scanned");
        scan.put("code", found.barcode().code());
        scan.put("kind", switch (found.barcode().kind()) {
            case TRADE_ITEM -> "item";
            case EMBEDDED_PRICE -> "price";
            case EMBEDDED_WEIGHT -> "weight";
        });
        scan.put("qty", Json.qty(found.qtyMilli()));
        if (found.embeddedPrice() != null) {
            scan.put("embeddedPrice", found.embeddedPrice());
        }
        if (found.barcode().kind() == BarcodeKind.EMBEDDED_WEIGHT) {
            scan.put("weight", Json.qty(found.barcode().value()));
        }
        long unitPrice = found.embeddedPrice() != null ? found.embeddedPrice() : p.getPrice();
        scan.put("gross", Rounding.mulDivHalfUp(found.qtyMilli(), unitPrice, 1000));
    }

    private ObjectNode sales(String dayText) {
        String day = dayText == null ? node.calendar().dayOf(node.clock().wallMs()) : validDay(dayText);
        ObjectNode o = Json.object().put("day", day);
        ObjectNode byTill = o.putObject("byTill");
        long total = 0;
        long bills = 0;
        long cashRounding = 0;
        for (Map.Entry<String, TillSales> e : node.state().salesByTill(day).entrySet()) {
            TillSales t = e.getValue();
            byTill.putObject(e.getKey()).put("bills", t.bills()).put("total", t.total()).put("tax", t.tax())
                    .put("refunds", t.refunds()).put("refundTotal", t.refundTotal()).put("voids", t.voids())
                    .put("voidTotal", t.voidTotal()).put("net", t.net()).put("cashRounding", t.cashRounding());
            total += t.net();
            cashRounding += t.cashRounding();
            bills += t.bills();
        }
        ObjectNode byTender = o.putObject("byTender");
        SortedMap<String, Long> tenders = node.state().salesByTender(day);
        tenders.forEach(byTender::put);
        o.put("bills", bills);
        o.put("total", total);
        // Cash tenders plus this is the cash the drawers took: cash settled to the coin, not the cent.
        o.put("cashRounding", cashRounding);
        return o;
    }

    /** What GET /api/events pushes: this node's status and today's sales, as one line of JSON. */
    byte[] eventSummary() {
        ObjectNode o = Json.object();
        o.set("status", StatusView.render(node));
        o.set("sales", sales(null));
        ArrayNode limits = o.putArray("budgets");
        node.state().budgetKeys().forEach(k -> limits.add(budgets.render(node.state().budget(k))));
        return Json.write(o);
    }

    private ObjectNode digest() {
        StateDigest d = node.state().digest(node.log()::versionVector);
        ObjectNode o = Json.object();
        ObjectNode vv = o.putObject("versionVector");
        d.versionVector().asMap().forEach(vv::put);
        o.put("entries", d.entries());
        o.put("digest", d.digest());
        return o;
    }

    private boolean bearerMatches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return apiToken.get().matches(authorization.substring(7).trim());
    }

    private static void requireJson(ApiRequest r) {
        String ct = r.contentType();
        if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "Content-Type must be application/json, not "
                    + (ct == null ? "missing" : "'" + ct + "'"));
        }
    }

    private static String validDay(String text) {
        try {
            return LocalDate.parse(text).toString();
        } catch (DateTimeParseException e) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "day '" + text + "' is not a date YYYY-MM-DD");
        }
    }

    private static int parseLimit(String text) {
        try {
            int v = Integer.parseInt(text);
            if (v < 1 || v > 10_000) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST, "limit must be an integer from 1 to 10000");
        }
    }

    private static String reason(JsonNode b) {
        String r = Json.optText(b, "reason", "");
        return r == null ? "" : r;
    }

    private ApiResponse countError(ApiResponse r) {
        if (r.status() >= 400) {
            errorCounters.computeIfAbsent(String.valueOf(r.status()),
                    s -> node.meters().counter("storelog.http.errors", "status", s)).increment();
        }
        return r;
    }

    /** The JSON error answer for a failure. */
    public static ApiResponse errorResponse(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ApprovalNeeded a) {
            return json(403, Json.object().put("error", a.getMessage()).put("code", a.code().name()).put("needs", a.needs()));
        }
        if (t instanceof io.storelog.node.service.budget.BudgetExhausted b) {
            return BudgetRoutes.exhausted(b);
        }
        if (t instanceof StoreLogException e) {
            return error(e.code().httpStatus(), e.code().name(), e.getMessage());
        }
        return error(500, "INTERNAL", "internal error: " + t);
    }

    /** A JSON error answer. */
    public static ApiResponse error(int status, String code, String message) {
        return json(status, Json.object().put("error", message).put("code", code));
    }

    private static ApiResponse json(int status, Object body) {
        return ApiResponse.json(status, Json.write(body));
    }

    private static CompletableFuture<ApiResponse> done(ApiResponse r) {
        return CompletableFuture.completedFuture(r);
    }
}
