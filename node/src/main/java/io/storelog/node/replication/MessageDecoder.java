package io.storelog.node.replication;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.storelog.protocol.PeerMessage;
import java.util.List;

/** Parses one frame into a {@link PeerMessage}; bytes that are not one fail the connection. */
final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        try {
            PeerMessage m = PeerMessage.parseFrom(ByteBufUtil.getBytes(frame));
            if (m.getBodyCase() == PeerMessage.BodyCase.BODY_NOT_SET) {
                throw new CorruptedFrameException("frame holds no known peer message");
            }
            out.add(m);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptedFrameException("frame is not a peer message: " + e.getMessage());
        }
    }
}
