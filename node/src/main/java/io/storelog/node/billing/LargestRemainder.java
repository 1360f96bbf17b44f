package io.storelog.node.billing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits an amount over weights by the largest-remainder method: each part first gets
 * {@code floor(amount * weight / total)}, then the units left over go one each to the parts with the
 * largest remainders. The parts sum exactly to the amount, and no part exceeds its weight when the amount
 * does not exceed the total weight, so a split discount never drives a line below zero.
 */
final class LargestRemainder {
    private LargestRemainder() {
    }

    /**
     * The parts of {@code amount} in proportion to {@code weights} (non-negative, summing to more than 0
     * unless the amount is 0).
     *
     * @param tieOrder every index once; equal remainders take the leftover in this order
     */
    static long[] split(long amount, long[] weights, List<Integer> tieOrder) {
        long[] parts = new long[weights.length];
        if (amount == 0) {
            return parts;
        }
        long total = 0;
        for (long w : weights) {
            total = Math.addExact(total, w);
        }
        long given = 0;
        long[] remainders = new long[weights.length];
        for (int i = 0; i < weights.length; i++) {
            long[] qr = Rounding.mulDivFloor(amount, weights[i], total);
            parts[i] = qr[0];
            remainders[i] = qr[1];
            given += qr[0];
        }
        // The leftover is the sum of the fractional parts, so it is smaller than the number of parts
        // with a non-zero remainder: a part of weight 0 never receives a unit of it.
        long leftover = amount - given;
        List<Integer> order = new ArrayList<>(tieOrder);
        // Stable sort: equal remainders keep the tie order.
        order.sort(Comparator.comparingLong((Integer i) -> remainders[i]).reversed());
        for (int k = 0; k < leftover; k++) {
            parts[order.get(k)]++;
        }
        return parts;
    }
}
