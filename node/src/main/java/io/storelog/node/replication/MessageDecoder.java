package io.storelog.node.replication;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.storelog.protocol.PeerMessage;
import java.util.List;

/**
 * Parses one frame into a {@link PeerMessage}; bytes that are not one fail the connection. A message
 * whose only content is fields this version does not know is passed on (a newer peer's new kind): the
 * handshake refuses it, and an authenticated link skips it, so a rolling upgrade keeps links up.
 */
final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        try {
            PeerMessage m = PeerMessage.parseFrom(ByteBufUtil.getBytes(frame));
            if (m.getBodyCase() == PeerMessage.BodyCase.BODY_NOT_SET && m.getUnknownFields().asMap().isEmpty()) {
                throw new CorruptedFrameException("frame holds no known peer message");
            }
            out.add(m);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptedFrameException("frame is not a peer message: " + e.getMessage());
        }
    }
}
