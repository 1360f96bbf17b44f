package io.storelog.node.billing;

import io.storelog.config.units.Decimals;
import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.BillRefunded;
import io.storelog.protocol.RefundLine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Works out what a refund pays back per line, so that all refunds of a line together return exactly
 * its net and tax, never more. The rules are written down in docs/pricing.md.
 */
public final class RefundCalculator {

    /**
     * Prices a refund of {@code lines} of {@code bill}, given the refunds already made of it.
     * Fills lines (line_no, sku, qty_milli, amount, tax), total and tax; the caller sets bill_id,
     * client_refund_id, till, business_day, tenders, reason and approver.
     *
     * @param lines what to refund; empty means everything still refundable
     * @throws StoreLogException BAD_REQUEST or OVER_REFUND; nothing is half-priced
     */
    public BillRefunded.Builder refund(BillCommitted bill, List<BillRefunded> earlierRefunds,
                                       List<RefundLineRequest> lines) {
        if (bill == null) {
            throw bad("there is no bill to refund");
        }
        try {
            return refundChecked(bill, earlierRefunds == null ? List.of() : earlierRefunds,
                    lines == null ? List.of() : lines);
        } catch (ArithmeticException overflow) {
            throw new StoreLogException(ErrorCode.BAD_REQUEST,
                    "amounts on this refund are too large to compute exactly", overflow);
        }
    }

    private BillRefunded.Builder refundChecked(BillCommitted bill, List<BillRefunded> earlier,
                                               List<RefundLineRequest> requested) {
        Map<Integer, BillLine> billLines = new LinkedHashMap<>();
        for (BillLine line : bill.getLinesList()) {
            billLines.put(line.getLineNo(), line);
        }
        Map<Integer, long[]> done = alreadyRefunded(earlier);

        // line_no -> qty to refund now
        Map<Integer, Long> wanted = new LinkedHashMap<>();
        if (requested.isEmpty()) {
            for (BillLine line : billLines.values()) {
                long left = line.getQtyMilli() - refunded(done, line.getLineNo())[0];
                if (left > 0) {
                    wanted.put(line.getLineNo(), left);
                }
            }
            if (wanted.isEmpty()) {
                throw new StoreLogException(ErrorCode.OVER_REFUND, "nothing is left to refund on this bill");
            }
        } else {
            for (RefundLineRequest r : requested) {
                if (r == null) {
                    throw bad("a refund line is empty");
                }
                BillLine line = billLines.get(r.lineNo());
                if (line == null) {
                    throw bad("line " + r.lineNo() + ": the bill has no such line");
                }
                if (r.qtyMilli() <= 0) {
                    throw bad("line " + r.lineNo() + ": quantity to refund must be positive");
                }
                // Two entries for one line would have to be checked against the same remainder;
                // refusing them keeps each refund line a single, clear request.
                if (wanted.putIfAbsent(r.lineNo(), r.qtyMilli()) != null) {
                    throw bad("line " + r.lineNo() + ": listed more than once");
                }
                long left = Math.max(0, line.getQtyMilli() - refunded(done, r.lineNo())[0]);
                if (r.qtyMilli() > left) {
                    throw new StoreLogException(ErrorCode.OVER_REFUND, "line " + r.lineNo() + " (" + line.getSku()
                            + "): " + Decimals.formatMilli(r.qtyMilli()) + " requested, "
                            + Decimals.formatMilli(left) + " left to refund");
                }
            }
        }

        List<Map.Entry<Integer, Long>> ordered = new ArrayList<>(wanted.entrySet());
        // Written sorted by line_no, like every repeated field that feeds a digest.
        ordered.sort(Comparator.comparingInt(Map.Entry::getKey));

        BillRefunded.Builder refund = BillRefunded.newBuilder();
        long total = 0;
        long tax = 0;
        for (Map.Entry<Integer, Long> e : ordered) {
            BillLine line = billLines.get(e.getKey());
            long qty = e.getValue();
            long[] prior = refunded(done, line.getLineNo());
            long sold = line.getQtyMilli();
            long amountLeft = Math.max(0, line.getNet() - prior[1]);
            long taxLeft = Math.max(0, line.getTax() - prior[2]);
            long amount;
            long lineTax;
            if (Math.addExact(prior[0], qty) >= sold) {
                // The last of the line takes exactly what is left, so the refunds sum to net and tax.
                amount = amountLeft;
                lineTax = taxLeft;
            } else {
                // Proportional, but never more than is left: many tiny refunds of a weighed line, each
                // rounded up, could otherwise pay back more than the line cost before its qty runs out.
                amount = Math.min(Rounding.mulDivHalfUp(line.getNet(), qty, sold), amountLeft);
                lineTax = Math.min(Rounding.mulDivHalfUp(line.getTax(), qty, sold), taxLeft);
            }
            refund.addLines(RefundLine.newBuilder()
                    .setLineNo(line.getLineNo())
                    .setSku(line.getSku())
                    .setQtyMilli(qty)
                    .setAmount(amount)
                    .setTax(lineTax));
            total = Math.addExact(total, amount);
            tax = Math.addExact(tax, lineTax);
        }
        return refund.setTotal(total).setTax(tax);
    }

    /** line_no -> {qty, amount, tax} already refunded. */
    private static Map<Integer, long[]> alreadyRefunded(List<BillRefunded> earlier) {
        Map<Integer, long[]> done = new HashMap<>();
        for (BillRefunded r : earlier) {
            Objects.requireNonNull(r, "earlier refund");
            for (RefundLine l : r.getLinesList()) {
                long[] sums = done.computeIfAbsent(l.getLineNo(), k -> new long[3]);
                sums[0] = Math.addExact(sums[0], l.getQtyMilli());
                sums[1] = Math.addExact(sums[1], l.getAmount());
                sums[2] = Math.addExact(sums[2], l.getTax());
            }
        }
        return done;
    }

    private static long[] refunded(Map<Integer, long[]> done, int lineNo) {
        return done.getOrDefault(lineNo, new long[3]);
    }

    private static StoreLogException bad(String message) {
        return new StoreLogException(ErrorCode.BAD_REQUEST, message);
    }
}
