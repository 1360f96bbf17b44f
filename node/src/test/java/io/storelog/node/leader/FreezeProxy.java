package io.storelog.node.leader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay that can play a pulled cable: while frozen, bytes are swallowed in both
 * directions and a side that closes is not told to the other, so neither end gets a FIN or a reset
 * and only silence tells them the link is gone. New connections made while frozen go nowhere either.
 */
final class FreezeProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean frozen;
    private volatile boolean closed;

    FreezeProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        daemon(this::acceptLoop, "freeze-proxy-accept").start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Pulls the cable. */
    void freeze() {
        frozen = true;
    }

    /** Plugs it back in; connections from before stay dead, as after a real outage. */
    void thaw() {
        frozen = false;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                daemon(() -> connect(client), "freeze-proxy-connect").start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        if (frozen) {
            // Nobody answers behind a pulled cable: swallow whatever the dialler sends.
            pipe(client, null);
            return;
        }
        try {
            Socket upstream = new Socket();
            sockets.add(upstream);
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 1_000);
            daemon(() -> pipe(client, upstream), "freeze-proxy-up").start();
            daemon(() -> pipe(upstream, client), "freeze-proxy-down").start();
        } catch (IOException e) {
            quietClose(client);
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to == null ? null : to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (!frozen && out != null) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // Fall through.
        }
        if (!frozen && to != null) {
            quietClose(to);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void quietClose(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        sockets.forEach(FreezeProxy::quietClose);
    }
}
