package io.storelog.node.receipt;

import java.time.ZoneId;

/**
 * What a receipt needs beyond the stored bill.
 *
 * @param store            store id printed in the header
 * @param zone             the store's time zone, for the date and time of sale
 * @param currencyExponent decimals of the currency
 * @param lanesHolding     lanes known now to hold the bill durably, this one included (1: this lane only)
 * @param copyNumber       0 for the original; n for the n-th copy printed
 */
public record ReceiptContext(String store, ZoneId zone, int currencyExponent, int lanesHolding, int copyNumber) {
}
