package io.storelog.node.replication;

/** A request to one peer failed: the peer refused it (its reason), or could not be asked or did not answer. */
public final class PeerRequestException extends RuntimeException {
    private final boolean unreachable;

    PeerRequestException(String message, boolean unreachable) {
        super(message);
        this.unreachable = unreachable;
    }

    /** True when the peer was not linked or did not answer in time (it may or may not have acted). */
    public boolean unreachable() {
        return unreachable;
    }
}
