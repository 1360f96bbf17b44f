/**
 * The node's durable log: segment files of CRC-framed records, group-committed by one writer thread,
 * recovered on open; and the stamped data directory that holds it.
 *
 * <p>Entry points: {@link io.storelog.node.log.DataDirectory#open}, then
 * {@link io.storelog.node.log.SegmentedLog#open} on a {@link io.storelog.node.log.FileLogStorage} of
 * its {@code logDir()}. The byte layout is drawn in {@link io.storelog.node.log.SegmentFormat}.
 */
package io.storelog.node.log;
