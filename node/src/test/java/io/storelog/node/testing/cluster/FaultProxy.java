package io.storelog.node.testing.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A TCP relay on loopback that a test can cut: every byte one node sends another on a peer link
 * goes through one of these. While {@code allowed} says no, it refuses connections (accepts and
 * resets them at once, so the dialler sees the link fail and backs off as on a pulled cable), and
 * {@link #dropAll()} resets every connection it is relaying, on both sides.
 *
 * <p>Plain blocking sockets, two daemon threads per relayed connection: at a handful of links per
 * test that is simpler than an event loop, and it keeps the proxy independent of the Netty code
 * under test. The listening port stays the same for the proxy's whole life, so nodes can be
 * configured with it once and restarted any number of times.
 */
public final class FaultProxy implements AutoCloseable {
    private final String name;
    private final ServerSocket server;
    private final int targetPort;
    private final BooleanSupplier allowed;
    private final BooleanSupplier silent;
    private final Object gate = new Object();
    private final Set<Relay> relays = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean closed;

    /**
     * A proxy named {@code name} (for thread names and dumps) listening on a free loopback port and
     * relaying to {@code targetPort} on loopback while {@code allowed} is true. While {@code silent} is
     * true it holds every byte instead of passing it on, and passes on no close either: a pulled cable
     * (no FIN, no RST; TCP on both ends keeps waiting). {@link #wake()} after silent turns false lets the
     * held bytes go on, in order, as TCP would once the cable is back.
     */
    public FaultProxy(String name, int targetPort, BooleanSupplier allowed, BooleanSupplier silent) {
        this.name = name;
        this.targetPort = targetPort;
        this.allowed = allowed;
        this.silent = silent;
        try {
            this.server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException("proxy " + name + " cannot listen", e);
        }
        Thread t = new Thread(this::acceptLoop, "proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** The loopback port nodes dial. */
    public int port() {
        return server.getLocalPort();
    }

    /** Resets every relayed connection (both ends see a reset, as when a switch port dies). */
    public void dropAll() {
        for (Relay r : relays) {
            if (r.close()) {
                dropped.incrementAndGet();
            }
        }
    }

    /** Lets relays held by a silence go on (call after the silence ended). */
    public void wake() {
        synchronized (gate) {
            gate.notifyAll();
        }
    }

    /** Blocks the calling relay thread while the link is silent; false if the relay ended meanwhile. */
    private boolean passThrough(java.util.concurrent.atomic.AtomicBoolean done) {
        synchronized (gate) {
            while (silent.getAsBoolean() && !done.get() && !closed) {
                try {
                    gate.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !done.get();
    }

    /** Connections currently relayed. */
    public int liveConnections() {
        return relays.size();
    }

    /** One line for a failure dump. */
    public String describe() {
        return name + " :" + port() + "->:" + targetPort + " allowed=" + allowed.getAsBoolean() + " silent="
                + silent.getAsBoolean() + " live=" + relays.size()
                + " accepted=" + accepted + " refused=" + refused + " dropped=" + dropped + " bytes=" + bytes;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (!allowed.getAsBoolean()) {
                refused.incrementAndGet();
                reset(client);
                continue;
            }
            accepted.incrementAndGet();
            Thread t = new Thread(() -> connect(client), "proxy-" + name + "-connect");
            t.setDaemon(true);
            t.start();
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 1_000);
        } catch (IOException e) {
            // Target down: the dialler sees its connection reset, as it would dialling the node itself.
            reset(client);
            reset(upstream);
            return;
        }
        Relay relay = new Relay(client, upstream);
        relays.add(relay);
        // A partition that began while connecting must not let this connection through.
        if (!allowed.getAsBoolean() || closed) {
            relay.close();
            return;
        }
        relay.start();
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // Already closed.
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // Nothing to do.
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // Nothing to do.
        }
        dropAll();
    }

    /** One relayed connection: a thread per direction; either side ending resets both. */
    private final class Relay {
        private final Socket a;
        private final Socket b;
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        Relay(Socket a, Socket b) {
            this.a = a;
            this.b = b;
        }

        void start() {
            pipe(a, b, "up");
            pipe(b, a, "down");
        }

        private void pipe(Socket from, Socket to, String dir) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[64 * 1024];
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        if (!passThrough(done)) {
                            return;
                        }
                        out.write(buf, 0, n);
                        bytes.addAndGet(n);
                    }
                } catch (IOException e) {
                    // Reset or closed: end the relay below.
                }
                // A silent link passes on no close either; once it speaks again, the end goes through.
                passThrough(done);
                close();
            }, "proxy-" + name + "-" + dir);
            t.setDaemon(true);
            t.start();
        }

        /** Returns true the first time. */
        boolean close() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            relays.remove(this);
            reset(a);
            reset(b);
            return true;
        }
    }
}
