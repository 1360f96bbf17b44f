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
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private final int maxFrameBytes;

    FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
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
        if (length < 0 || length > maxFrameBytes) {
            throw new TooLongFrameException("frame of " + Integer.toUnsignedString(length) + " bytes exceeds the limit of "
                    + maxFrameBytes);
        }
        if (in.readableBytes() < length) {
            in.resetReaderIndex();
            return;
        }
        out.add(in.readRetainedSlice(length));
    }
}
