package io.storelog.node.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.storelog.protocol.PeerMessage;

/**
 * Writes one {@link PeerMessage} as {@code [varint32 length][message bytes]}. Bulk senders call
 * {@link #frame} themselves off the event loop, so the channel counts the bytes as pending at once
 * and its writability reflects them (a message object would count as zero bytes until encoded).
 */
final class FrameEncoder extends MessageToByteEncoder<PeerMessage> {
    @Override
    protected void encode(ChannelHandlerContext ctx, PeerMessage msg, ByteBuf out) {
        write(msg, out);
    }

    /** The framed bytes of {@code msg} in a new buffer. */
    static ByteBuf frame(PeerMessage msg, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(msg.getSerializedSize() + 5);
        write(msg, out);
        return out;
    }

    private static void write(PeerMessage msg, ByteBuf out) {
        int size = msg.getSerializedSize();
        int v = size;
        while ((v & ~0x7F) != 0) {
            out.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
        out.writeBytes(msg.toByteArray());
    }
}
