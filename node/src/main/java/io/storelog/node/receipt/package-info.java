/** Receipts of stored bills: 42-column plain text and the same text as ESC/POS printer bytes. */
package io.storelog.node.receipt;
