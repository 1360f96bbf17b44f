package io.storelog.node.chaos;

/** The faults the chaos run injects; each is healed (or undone by a restart) a few seconds later. */
enum FaultKind {
    /** The link between two hosts cut both ways (blackhole routes), then restored. */
    CUT,
    /** A host's cable pulled (veth down): nobody, the load neither, reaches it. */
    UNPLUG,
    /** A host's outgoing link slowed to a few hundred kbit/s with a short queue: delay and loss. */
    SLOW_LOSSY_LINK,
    /** SIGKILL of a lane's process, restarted on its data. */
    KILL,
    /** SIGKILL of the lane whose log sits behind a write-back cache: every unforced write is lost. */
    POWER_CUT,
    /** The lane's small filesystem filled to the last byte, then freed. */
    DISK_FULL,
    /** The lane restarted with its wall clock moved by up to two minutes either way. */
    CLOCK_SKEW,
    /** The lane killed, its data directory deleted, restarted: it must come back as a new incarnation. */
    WIPE,
    /** SIGKILL of headquarters, restarted on its Ignite data. */
    HQ_KILL
}
