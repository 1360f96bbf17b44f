package io.storelog.node.hq;

/**
 * The answer to a catalog publish.
 *
 * @param version the version the change holds
 * @param chunks  how many updates (of at most 1,000 products) carry it
 * @param fresh   false when the same content had been published before and nothing new was written
 */
public record CatalogPublication(long version, int chunks, boolean fresh) {
}
