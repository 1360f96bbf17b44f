package io.storelog.node.state;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Small helpers the state parts use to write themselves into a snapshot and read themselves back. */
final class SnapshotIO {
    private SnapshotIO() {
    }

    static void writeMessage(DataOutputStream out, MessageLite m) throws IOException {
        byte[] b = m.toByteArray();
        out.writeInt(b.length);
        out.write(b);
    }

    static <T> T readMessage(DataInputStream in, Parser<T> parser) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        try {
            return parser.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("snapshot holds a damaged message: " + e.getMessage(), e);
        }
    }
}
