package io.storelog.node.hq;

import io.storelog.protocol.VersionVector;

/**
 * The outcome of one upload batch.
 *
 * @param held        what HQ holds of the store afterwards (or, when refused, still holds)
 * @param stored      entries HQ did not hold before (including new ones it had to quarantine)
 * @param duplicates  entries already held with the same hash
 * @param quarantined entries kept aside: a repeat with other bytes, or one HQ cannot process
 * @param refusal     why the batch was refused with nothing written, or null when it was applied
 */
public record IngestResult(VersionVector held, int stored, int duplicates, int quarantined, String refusal) {
    /** True when the batch did not continue what HQ holds (a gap): nothing was written. */
    public boolean refused() {
        return refusal != null;
    }
}
