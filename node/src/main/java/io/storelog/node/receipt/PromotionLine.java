package io.storelog.node.receipt;

/**
 * One promotion applied to a bill, as the receipt shows it.
 *
 * @param name   the promotion's name
 * @param amount what it took off, in minor units (positive)
 */
public record PromotionLine(String name, long amount) {
}
