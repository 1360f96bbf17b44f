/**
 * Promotions: their rules of validity and the pure engine that decides which promotions a cart gets at an
 * instant and how much each takes off (docs/pricing.md, "Promotions"). No I/O, no clock, no threads.
 */
package io.storelog.node.promotion;
