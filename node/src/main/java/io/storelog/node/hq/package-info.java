/**
 * Headquarters ingest (role hq): receives each store's merged log from its leader exactly once, keeps it in
 * Apache Ignite (an embedded server node, or a cluster through the thin client) behind {@link
 * io.storelog.node.hq.HqStore}, reports per store, and publishes the catalog the stores pull.
 */
package io.storelog.node.hq;
