package io.storelog.node.replication;

import com.google.protobuf.ByteString;
import io.storelog.protocol.PeerMessage;
import io.storelog.protocol.PeerReply;
import io.storelog.protocol.PeerRequest;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Request and reply between two linked peers, for questions only one node may answer (the lane that
 * owns a suspended cart). Every method but {@link #handle} runs on the replication thread; a handler
 * runs wherever it likes and its reply is sent from the replication thread.
 */
final class PeerRequests {
    private record Pending(PeerSession session, CompletableFuture<byte[]> future) {
    }

    private final ScheduledExecutorService thread;
    private final Map<String, BiFunction<String, byte[], CompletableFuture<byte[]>>> handlers = new ConcurrentHashMap<>();
    /** Replication thread only. */
    private final Map<Long, Pending> pending = new HashMap<>();
    private long nextId;

    PeerRequests(ScheduledExecutorService thread) {
        this.thread = thread;
    }

    /** Answers requests of {@code kind}: the handler gets the asking node's name and the payload. */
    void register(String kind, BiFunction<String, byte[], CompletableFuture<byte[]>> handler) {
        handlers.put(kind, handler);
    }

    /** Sends a request on {@code session} (null: not linked) and fails it after {@code timeoutMillis}. */
    void send(PeerSession session, String node, String kind, byte[] payload, long timeoutMillis, CompletableFuture<byte[]> out) {
        if (session == null || !session.channel.isActive()) {
            out.completeExceptionally(new PeerRequestException("lane " + node + " is not linked to this lane", true));
            return;
        }
        long id = ++nextId;
        pending.put(id, new Pending(session, out));
        session.channel.writeAndFlush(FrameEncoder.frame(PeerMessage.newBuilder().setRequest(PeerRequest.newBuilder()
                .setId(id).setKind(kind).setPayload(ByteString.copyFrom(payload))).build(), session.channel.alloc()));
        thread.schedule(() -> {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future.completeExceptionally(new PeerRequestException(
                        "lane " + node + " did not answer within " + timeoutMillis + " ms", true));
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** A request arrived from {@code session}'s peer: run its handler and send the reply once it completes. */
    void handle(PeerSession session, PeerRequest request) {
        BiFunction<String, byte[], CompletableFuture<byte[]>> handler = handlers.get(request.getKind());
        CompletableFuture<byte[]> answer;
        if (handler == null) {
            answer = CompletableFuture.failedFuture(new IllegalArgumentException("this lane does not answer " + request.getKind()));
        } else {
            try {
                answer = handler.apply(session.peer.node(), request.getPayload().toByteArray());
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
        }
        answer.whenComplete((bytes, failure) -> thread.execute(() -> {
            if (!session.channel.isActive()) {
                return;
            }
            PeerReply.Builder r = PeerReply.newBuilder().setId(request.getId());
            if (failure == null) {
                r.setOk(true).setPayload(ByteString.copyFrom(bytes));
            } else {
                Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                r.setOk(false).setError(String.valueOf(t.getMessage()));
            }
            session.channel.writeAndFlush(FrameEncoder.frame(PeerMessage.newBuilder().setReply(r).build(), session.channel.alloc()));
        }));
    }

    /** A reply arrived: complete the request it answers (if it is still waiting and was sent on this link). */
    void reply(PeerSession session, PeerReply reply) {
        Pending p = pending.get(reply.getId());
        if (p == null || p.session != session) {
            return;
        }
        pending.remove(reply.getId());
        if (reply.getOk()) {
            p.future.complete(reply.getPayload().toByteArray());
        } else {
            p.future.completeExceptionally(new PeerRequestException(reply.getError(), false));
        }
    }

    /** The link closed: requests sent on it will get no answer. */
    void linkClosed(PeerSession session) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext();) {
            Pending p = it.next();
            if (p.session == session) {
                it.remove();
                p.future.completeExceptionally(new PeerRequestException(
                        "the link to lane " + session.peer.node() + " went down before it answered", true));
            }
        }
    }
}
