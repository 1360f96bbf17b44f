package io.storelog.node.peer;

import com.google.protobuf.ByteString;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.storelog.node.tls.Certificates;
import io.storelog.protocol.Hello;
import io.storelog.protocol.PeerMessage;
import io.storelog.protocol.Proof;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * A peer on a blocking socket, speaking the wire protocol by hand: TLS (as nodes do by default) with a
 * self-signed certificate of its own, or plain; {@code [varint32 length][PeerMessage]} frames; and the
 * store-key proof computed independently of the product's code (HMAC-SHA256 over "storelog-peer-v1",
 * the direction byte, both length-prefixed hellos and, over TLS, the length-prefixed SHA-256 of the
 * dialler's then the acceptor's certificate). It can behave, or not.
 */
final class RawPeer implements AutoCloseable {
    static final int PROTOCOL_VERSION = 1;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** One certificate for every raw peer of a run: a replayed handshake then differs only in its nonces. */
    private static final Certificates.Issued CERT = Certificates.selfSigned("raw-peer", List.of(), Duration.ofDays(1));

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to a node's peer port on loopback over TLS (the default) and completes the TLS handshake. */
    static RawPeer connect(int port) throws IOException {
        Socket plain = plainSocket(port);
        SSLSocket tls = (SSLSocket) tlsContext().getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        return new RawPeer(tls);
    }

    /** Connects without TLS: to a node with peer.tls off, or to show that a TLS node takes no plain bytes. */
    static RawPeer connectPlain(int port) throws IOException {
        return new RawPeer(plainSocket(port));
    }

    private static Socket plainSocket(int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Presents {@link #CERT} and accepts any server certificate: the attacker checks nothing. */
    private static SSLContext tlsContext() throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("raw", CERT.key(), new char[0], new Certificate[] {CERT.cert()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /**
     * What the proof binds on this connection when this side dialled: SHA-256 of this side's certificate,
     * then of the node's; empty without TLS.
     */
    byte[] binding() throws IOException {
        if (!(socket instanceof SSLSocket tls)) {
            return new byte[0];
        }
        return concat(sha256(CERT.cert()), sha256(tls.getSession().getPeerCertificates()[0]));
    }

    /** The node's certificate on this TLS connection. */
    Certificate nodeCertificate() throws IOException {
        return ((SSLSocket) socket).getSession().getPeerCertificates()[0];
    }

    static byte[] sha256(Certificate c) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One handshake as seen on the wire by the side that dialled. */
    record Transcript(Hello initiatorHello, Hello acceptorHello, byte[] initiatorProof, byte[] acceptorProof) {
    }

    /** How the node ended a connection, and what it sent before. */
    record Closed(boolean closed, String how, long millis, List<PeerMessage> received) {
        String refusal() {
            return received.stream().filter(PeerMessage::hasRefused).map(m -> m.getRefused().getReason()).findFirst().orElse(null);
        }
    }

    static Hello hello(String store, String node) {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        return Hello.newBuilder().setProtocolVersion(PROTOCOL_VERSION).setStore(store).setNode(node)
                .setIncarnation(node + "-raw").setRole("till").setNonce(ByteString.copyFrom(nonce)).build();
    }

    /** The proof as the protocol defines it (peer.proto), written from the spec rather than taken from the product. */
    static byte[] proof(String storeKey, boolean initiator, Hello initiatorHello, Hello acceptorHello, byte[] binding) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(storeKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update("storelog-peer-v1".getBytes(StandardCharsets.UTF_8));
            mac.update((byte) (initiator ? 'I' : 'A'));
            List<byte[]> parts = new ArrayList<>(List.of(initiatorHello.toByteArray(), acceptorHello.toByteArray()));
            if (binding.length > 0) {
                parts.add(binding);
            }
            for (byte[] b : parts) {
                mac.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
                mac.update(b);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static PeerMessage proofMessage(byte[] mac) {
        return PeerMessage.newBuilder().setProof(Proof.newBuilder().setMac(ByteString.copyFrom(mac))).build();
    }

    static PeerMessage message(Hello h) {
        return PeerMessage.newBuilder().setHello(h).build();
    }

    /**
     * Dials as a peer that knows the store key: exchanges hellos and proofs, checks the node's proof,
     * and returns what crossed the wire. The link is up afterwards; the node will start sending.
     */
    Transcript handshake(String store, String node, String storeKey) throws IOException {
        Hello mine = hello(store, node);
        send(message(mine));
        PeerMessage first = read();
        if (first == null || !first.hasHello()) {
            throw new IOException("node did not open with a Hello: " + first);
        }
        Hello theirs = first.getHello();
        byte[] binding = binding();
        byte[] myProof = proof(storeKey, true, mine, theirs, binding);
        PeerMessage second = read();
        if (second == null || !second.hasProof()) {
            throw new IOException("node did not prove the key: " + second);
        }
        byte[] theirProof = second.getProof().getMac().toByteArray();
        if (!Arrays.equals(theirProof, proof(storeKey, false, mine, theirs, binding))) {
            throw new IOException("node's proof does not check out");
        }
        send(proofMessage(myProof));
        return new Transcript(mine, theirs, myProof, theirProof);
    }

    static byte[] varint(long v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            b.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.write((int) v);
        return b.toByteArray();
    }

    static byte[] frame(PeerMessage m) {
        byte[] body = m.toByteArray();
        byte[] len = varint(body.length);
        byte[] out = new byte[len.length + body.length];
        System.arraycopy(len, 0, out, 0, len.length);
        System.arraycopy(body, 0, out, len.length, body.length);
        return out;
    }

    void send(PeerMessage m) throws IOException {
        writeRaw(frame(m));
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes, ignoring a connection the node already dropped (it may close before all bytes are out). */
    void writeRawQuietly(byte[] bytes) {
        try {
            writeRaw(bytes);
        } catch (IOException e) {
            // The node hung up first: that is what the attack expects.
        }
    }

    /** Reads one frame; null at a clean end of stream between frames. */
    PeerMessage read() throws IOException {
        byte[] body = readFrame();
        return body == null ? null : PeerMessage.parseFrom(body);
    }

    /** Reads one frame's bytes; null at a clean end of stream between frames. */
    byte[] readFrame() throws IOException {
        long length = 0;
        int shift = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (shift == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a frame length");
            }
            length |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 35) {
                throw new IOException("malformed frame length from the node");
            }
        }
        byte[] body = new byte[Math.toIntExact(length)];
        int off = 0;
        while (off < body.length) {
            int n = in.read(body, off, body.length - off);
            if (n < 0) {
                throw new EOFException("stream ended inside a frame");
            }
            off += n;
        }
        return body;
    }

    /**
     * Reads whatever the node still sends until it closes the connection (end of stream or reset),
     * for at most {@code bound}. {@code closed} is false if the connection was still open then.
     */
    Closed awaitClosed(Duration bound) throws IOException {
        long started = System.nanoTime();
        List<PeerMessage> received = new ArrayList<>();
        long deadline = started + bound.toNanos();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return new Closed(false, "open", elapsed(started), received);
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                PeerMessage m = read();
                if (m == null) {
                    return new Closed(true, "eof", elapsed(started), received);
                }
                received.add(m);
            } catch (SocketTimeoutException e) {
                return new Closed(false, "open", elapsed(started), received);
            } catch (EOFException e) {
                return new Closed(true, "eof", elapsed(started), received);
            } catch (SocketException e) {
                return new Closed(true, "reset: " + e.getMessage(), elapsed(started), received);
            } catch (SSLException e) {
                return new Closed(true, "tls: " + e.getMessage(), elapsed(started), received);
            }
        }
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
