/** Pure pricing of bills and refunds: exact integer money, no I/O, no threads. */
package io.storelog.node.billing;
