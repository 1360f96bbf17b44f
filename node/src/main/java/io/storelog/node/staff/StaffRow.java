package io.storelog.node.staff;

import io.storelog.protocol.StaffRole;

/**
 * One member of staff as a bootstrap file lists them: either a plain {@code pin} (hashed on import,
 * never stored) or an already hashed {@code salt}/{@code hash} with its {@code iterations}.
 */
public record StaffRow(int line, String id, String name, StaffRole role, String pin, byte[] salt, byte[] hash,
                       int iterations, boolean active, long version) {
}
