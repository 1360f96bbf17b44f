package io.storelog.node.replication;

import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;

/** Names the kind of a link failure for the rejected-frames metric. */
final class FrameErrors {
    private FrameErrors() {
    }

    static String reason(Throwable t) {
        Throwable c = t instanceof DecoderException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof TooLongFrameException || t instanceof TooLongFrameException) {
            return "oversized-frame";
        }
        if (c instanceof CorruptedFrameException || t instanceof CorruptedFrameException) {
            return "malformed-frame";
        }
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof javax.net.ssl.SSLException) {
                // Plain bytes on a TLS link, a certificate outside the store CA, a broken TLS record.
                return "tls";
            }
        }
        return "io";
    }
}
