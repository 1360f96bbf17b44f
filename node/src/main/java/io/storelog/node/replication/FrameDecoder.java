package io.storelog.node.replication;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the byte stream into frames: {@code [varint32 length][length bytes]}. A length above the
 * maximum, or a malformed varint, fails the connection before any byte of the body is buffered.
 * Until the handshake succeeded the maximum is {@link #HANDSHAKE_MAX_BYTES} (no Hello or Proof comes
 * near it), so a socket that proved nothing cannot make the node buffer megabytes. Once the channel
 * is closed (a refused or failed link), bytes still buffered are dropped, not decoded.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    /** Largest frame taken before the peer proved the store key. */
    static final int HANDSHAKE_MAX_BYTES = 64 * 1024;

    private final int maxFrameBytes;
    /** Event loop only. */
    private int limit;

    FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        this.limit = Math.min(HANDSHAKE_MAX_BYTES, maxFrameBytes);
    }

    /** The peer proved the key: frames up to the full maximum are taken from now on. */
    void handshakeDone() {
        limit = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!ctx.channel().isActive()) {
            // The link was closed (say, after a bad frame): what is still buffered is not looked at.
            in.skipBytes(in.readableBytes());
            return;
        }
        in.markReaderIndex();
        int length = 0;
        int shift = 0;
        while (true) {
            if (!in.isReadable()) {
                in.resetReaderIndex();
                return;
            }
            byte b = in.readByte();
            length |= (b & 0x7F) << shift;
            if (b >= 0) {
                break;
            }
            shift += 7;
            if (shift >= 35) {
                throw new CorruptedFrameException("malformed frame length");
            }
        }
        if (length < 0 || length > limit) {
            throw new TooLongFrameException("frame of " + Integer.toUnsignedString(length) + " bytes exceeds the limit of "
                    + limit + (limit < maxFrameBytes ? " before the handshake" : ""));
        }
        if (in.readableBytes() < length) {
            in.resetReaderIndex();
            return;
        }
        out.add(in.readRetainedSlice(length));
    }
}
