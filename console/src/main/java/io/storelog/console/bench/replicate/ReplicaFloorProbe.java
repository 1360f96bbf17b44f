package io.storelog.console.bench.replicate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * The least a two-replica acknowledgement can cost on this machine, with nothing of StoreLog in it: a
 * 300-byte append forced here, then sent over loopback TCP to a second thread, which appends and forces it
 * to a file of its own and answers one byte. The order is the one the design requires (a peer gets an
 * entry only once it is durable where it was written), so this is a floor under any bill answer that waits
 * for a peer, however few threads and hops the real path had.
 */
public final class ReplicaFloorProbe {
    private ReplicaFloorProbe() {
    }

    /** Runs {@code iterations} exchanges (stopping early after {@code maxSeconds}) with both files in {@code dir}. */
    public static FsyncProbe.Result run(Path dir, int iterations, double maxSeconds, long seed) throws IOException {
        Path mine = Files.createTempFile(dir, "floor-origin-", ".dat");
        Path theirs = Files.createTempFile(dir, "floor-peer-", ".dat");
        byte[] record = new byte[FsyncProbe.RECORD_BYTES];
        new SplittableRandom(seed).nextBytes(record);
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> peer(server, theirs), r -> {
                Thread t = new Thread(r, "replica-floor-peer");
                t.setDaemon(true);
                t.start();
            });
            FsyncProbe.Result result;
            try (SocketChannel link = SocketChannel.open(server.getLocalAddress());
                    FileChannel file = FileChannel.open(mine, StandardOpenOption.WRITE)) {
                link.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ByteBuffer out = ByteBuffer.allocateDirect(record.length);
                ByteBuffer ack = ByteBuffer.allocateDirect(1);
                result = FsyncProbe.timed(iterations, maxSeconds, position -> exchange(file, position, link, out, ack, record));
            }
            peer.join();
            return result;
        } finally {
            Files.deleteIfExists(mine);
            Files.deleteIfExists(theirs);
        }
    }

    private static int exchange(FileChannel file, long position, SocketChannel link, ByteBuffer out, ByteBuffer ack, byte[] record)
            throws IOException {
        FsyncProbe.writeAndForce(file, out, record, position);
        out.flip();
        while (out.hasRemaining()) {
            link.write(out);
        }
        ack.clear();
        while (ack.hasRemaining()) {
            if (link.read(ack) < 0) {
                throw new IOException("the floor probe's peer closed the link");
            }
        }
        return record.length;
    }

    /** Takes one link; for each record read, appends and forces it, then answers one byte; ends when the link closes. */
    private static void peer(ServerSocketChannel server, Path path) {
        try (SocketChannel link = server.accept(); FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE)) {
            link.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer in = ByteBuffer.allocateDirect(FsyncProbe.RECORD_BYTES);
            ByteBuffer ack = ByteBuffer.allocateDirect(1);
            long position = 0;
            while (true) {
                in.clear();
                while (in.hasRemaining()) {
                    if (link.read(in) < 0) {
                        return;
                    }
                }
                in.flip();
                while (in.hasRemaining()) {
                    position += file.write(in, position);
                }
                file.force(false);
                ack.clear();
                ack.put((byte) 1).flip();
                while (ack.hasRemaining()) {
                    link.write(ack);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
