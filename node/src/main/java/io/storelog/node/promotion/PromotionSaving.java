package io.storelog.node.promotion;

import java.util.SortedMap;

/**
 * What one promotion takes off a cart: the total and the weight of each affected line, by which the
 * total is split over them (largest remainder). The total never exceeds the sum of the weights, and a
 * line's weight never exceeds its gross.
 *
 * @param id      promotion id
 * @param name    promotion name, as shown on the receipt
 * @param version catalog version the promotion came with
 * @param amount  total taken off, minor units, positive
 * @param weights line number to that line's value in the promotion (its claimed units at their price, or
 *                for an amount-off its own saving), each positive
 */
public record PromotionSaving(String id, String name, long version, long amount, SortedMap<Integer, Long> weights) {
}
