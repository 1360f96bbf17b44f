package io.storelog.node.peer;

import static io.storelog.node.peer.PeerTesting.KEY;
import static io.storelog.node.peer.PeerTesting.STORE;
import static io.storelog.node.peer.PeerTesting.bill;
import static io.storelog.node.peer.PeerTesting.connectedPeers;
import static io.storelog.node.peer.PeerTesting.counter;
import static io.storelog.node.peer.PeerTesting.digest;
import static io.storelog.node.peer.PeerTesting.hashFiles;
import static io.storelog.node.peer.PeerTesting.vv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.storelog.config.ConfigKeys;
import io.storelog.node.StoreNode;
import io.storelog.node.service.BillOutcome;
import io.storelog.node.tls.Certificates;
import io.storelog.protocol.BillCommitted;
import io.storelog.protocol.BillLine;
import io.storelog.protocol.Entries;
import io.storelog.protocol.Entry;
import io.storelog.protocol.HlcStamp;
import io.storelog.protocol.Hello;
import io.storelog.protocol.PeerMessage;
import io.storelog.protocol.VersionVector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A till ("till-a") linked with one good peer ("till-b"), both in the default configuration (peer links
 * over TLS), is attacked on its peer port by raw sockets that speak TLS (so the attacks reach the frame
 * decoder and the handshake) or, where said, plain TCP. For every attack: the node hangs up within a bound, counts a {@code storelog.replication.rejected}
 * with the expected reason, writes nothing (every file under its log/ is byte-for-byte the same), and
 * goes on billing and replicating to its good peer.
 */
@Timeout(120)
class BadPeerTest {
    /** Well under the 5 s handshake timeout: a refusal must not merely be that timeout. */
    private static final Duration PROMPT = Duration.ofSeconds(3);
    private static final int MAX_FRAME = 4 * 1024 * 1024;

    @TempDir
    static Path dir;

    private static StoreNode a;
    private static StoreNode b;
    private static Path logOfA;
    private static final AtomicInteger carts = new AtomicInteger();

    @BeforeAll
    static void startTwoLinkedTills() {
        int pa = PeerTesting.freePort();
        int pb = PeerTesting.freePort();
        a = PeerTesting.start(dir, "till-a", pa, List.of(pb), Map.of());
        b = PeerTesting.start(dir, "till-b", pb, List.of(pa), Map.of());
        logOfA = dir.resolve("till-a").resolve("log");
        await().atMost(Duration.ofSeconds(15)).until(() -> connectedPeers(a) == 1 && connectedPeers(b) == 1 && a.ready() && b.ready());
    }

    @AfterAll
    static void stop() {
        PeerTesting.closeAll(List.of(b, a));
    }

    @Test
    @Timeout(60)
    void garbageBytesAreAMalformedFrame() throws Exception {
        byte[] garbage = new byte[16];
        Arrays.fill(garbage, (byte) 0xFF); // a varint length that never ends
        attack("malformed-frame", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.writeRawQuietly(garbage);
            return p;
        });
    }

    @Test
    @Timeout(60)
    void anHttpRequestIsRefused() throws Exception {
        // 'G' reads as a 71-byte frame of ASCII that is no valid handshake message.
        byte[] http = ("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        attack(null, PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.writeRawQuietly(http);
            return p;
        });
    }

    @Test
    @Timeout(60)
    void aLengthAboveTheFrameLimitIsRefusedBeforeItsBody() throws Exception {
        attack("oversized-frame", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.writeRawQuietly(RawPeer.varint(MAX_FRAME + 1L));
            p.writeRawQuietly(new byte[1024]);
            return p;
        });
        // And the largest length a varint32 can say.
        attack("oversized-frame", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.writeRawQuietly(RawPeer.varint(0xFFFF_FFFFL));
            return p;
        });
    }

    @Test
    @Timeout(60)
    void aFrameFarBiggerThanAnyHandshakeMessageIsRefusedBeforeTheHandshake() throws Exception {
        // Under the 4 MiB limit for entries, but no Hello or Proof is that big: an unauthenticated
        // socket must not make the node buffer megabytes for the length of the handshake timeout.
        attack("oversized-frame", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.writeRawQuietly(RawPeer.varint(MAX_FRAME - 16));
            p.writeRawQuietly(new byte[64 * 1024]);
            return p;
        });
    }

    @Test
    @Timeout(60)
    void aHelloForAnotherStoreIsRefusedByName() throws Exception {
        RawPeer.Closed c = attack("wrong-store", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.send(RawPeer.message(RawPeer.hello("other-store", "till-x")));
            return p;
        });
        assertThat(c.refusal()).contains("other-store");
    }

    @Test
    @Timeout(60)
    void aProofMadeWithTheWrongKeyIsRefused() throws Exception {
        RawPeer.Closed c = attack("bad-proof", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            Hello mine = RawPeer.hello(STORE, "till-x");
            p.send(RawPeer.message(mine));
            Hello theirs = p.read().getHello();
            assertThat(p.read().hasProof()).as("the node proves the key once it saw a hello for its store").isTrue();
            p.send(RawPeer.proofMessage(RawPeer.proof("not-" + KEY, true, mine, theirs, p.binding())));
            return p;
        });
        assertThat(c.refusal()).contains("store-key proof");
    }

    @Test
    @Timeout(60)
    void aProofThatNamesAnotherCertificateForTheNodeIsRefused() throws Exception {
        // Control: with the key and the certificates both ends really saw, the link comes up.
        try (RawPeer good = RawPeer.connect(a.replicator().orElseThrow().port())) {
            good.handshake(STORE, "till-binder", KEY);
            assertThat(good.read().hasVersionVector()).as("a proof over the true certificates links").isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> a.replicator().orElseThrow().peers().stream()
                .noneMatch(p -> p.id().equals("till-binder") && p.connected()));
        // A relay holding the key in the middle would see the node's certificate on one side and present its
        // own on the other: the proof then names a certificate the node never sent. Same key, same hellos.
        byte[] mallory = RawPeer.sha256(Certificates.selfSigned("mallory", List.of(), Duration.ofDays(1)).cert());
        RawPeer.Closed c = attack("bad-proof", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            Hello mine = RawPeer.hello(STORE, "till-binder");
            p.send(RawPeer.message(mine));
            Hello theirs = p.read().getHello();
            assertThat(p.read().hasProof()).isTrue();
            byte[] tampered = p.binding();
            System.arraycopy(mallory, 0, tampered, 32, 32);
            assertThat(tampered).as("only the node's fingerprint differs").isNotEqualTo(p.binding());
            p.send(RawPeer.proofMessage(RawPeer.proof(KEY, true, mine, theirs, tampered)));
            return p;
        });
        assertThat(c.refusal()).contains("till-binder").contains("store-key proof");
    }

    @Test
    @Timeout(60)
    void plainBytesOnTheTlsPortAreRefused() throws Exception {
        // A node of an older set-up (or one with peer.tls false) sends its hello in the clear.
        attack("tls", PROMPT, port -> {
            RawPeer p = RawPeer.connectPlain(port);
            p.send(RawPeer.message(RawPeer.hello(STORE, "till-plain")));
            return p;
        });
    }

    @Test
    @Timeout(90)
    void nodesOfAnotherStoreOrWithAnotherKeyNeverLink() throws Exception {
        awaitQuiet();
        Map<String, String> before = hashFiles(logOfA);
        double wrongStore = counter(a, "storelog.replication.rejected", "reason", "wrong-store");
        double badProof = counter(a, "storelog.replication.rejected", "reason", "bad-proof");
        int port = a.replicator().orElseThrow().port();
        StoreNode foreign = PeerTesting.start(dir, "till-foreign", PeerTesting.freePort(), List.of(port),
                Map.of(ConfigKeys.STORE_ID, "other-store", ConfigKeys.STORE_KEY, "other-store-key"));
        StoreNode keyless = PeerTesting.start(dir, "till-guess", PeerTesting.freePort(), List.of(port),
                Map.of(ConfigKeys.STORE_KEY, "a-guessed-key"));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    counter(a, "storelog.replication.rejected", "reason", "wrong-store") > wrongStore
                    && counter(a, "storelog.replication.rejected", "reason", "bad-proof") > badProof);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> connectedPeers(foreign) == 0 && connectedPeers(keyless) == 0);
            assertThat(a.replicator().orElseThrow().peers()).allSatisfy(p -> assertThat(p.connected() == p.id().equals("till-b")).isTrue());
            assertThat(foreign.log().versionVector().get(foreign.log().origin())).as("the foreign node has entries to offer").isPositive();
        } finally {
            PeerTesting.closeAll(List.of(foreign, keyless));
        }
        assertThat(vv(a).get(foreign.log().origin())).isZero();
        assertThat(vv(a).get(keyless.log().origin())).isZero();
        assertThat(hashFiles(logOfA)).as("log files of the node they dialled").isEqualTo(before);
    }
    @Test
    @Timeout(60)
    void aProofReplayedFromAnEarlierHandshakeIsRefused() throws Exception {
        // A peer that knows the key links up once; an eavesdropper records the whole exchange.
        RawPeer.Transcript recorded;
        try (RawPeer good = RawPeer.connect(a.replicator().orElseThrow().port())) {
            recorded = good.handshake(STORE, "till-rogue", KEY);
            assertThat(good.read().hasVersionVector()).as("the recorded handshake really succeeded").isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> a.replicator().orElseThrow().peers().stream()
                .noneMatch(p -> p.id().equals("till-rogue") && p.connected()));
        // Later it replays the initiator's hello and proof on a new connection.
        RawPeer.Closed c = attack("bad-proof", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.send(RawPeer.message(recorded.initiatorHello()));
            Hello fresh = p.read().getHello();
            assertThat(fresh.getNonce()).as("the node sends a fresh nonce").isNotEqualTo(recorded.acceptorHello().getNonce());
            p.send(RawPeer.proofMessage(recorded.initiatorProof()));
            return p;
        });
        assertThat(c.refusal()).contains("till-rogue").contains("store-key proof");
    }

    @Test
    @Timeout(60)
    void theNodesOwnProofReflectedBackIsRefused() throws Exception {
        attack("bad-proof", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.send(RawPeer.message(RawPeer.hello(STORE, "till-x")));
            p.read(); // the node's hello
            PeerMessage itsProof = p.read();
            p.send(itsProof);
            return p;
        });
    }

    @Test
    @Timeout(60)
    void entriesBeforeTheProofAreNeverWritten() throws Exception {
        Entry forged = Entry.newBuilder().setOrigin("intruder-1").setSeq(1).setNode("intruder")
                .setHlc(HlcStamp.newBuilder().setWallMs(System.currentTimeMillis()))
                .setBill(BillCommitted.newBuilder().setTill("intruder").setNumber(1).setTotal(100)
                        .addLines(BillLine.newBuilder().setSku("MILK-1L").setQtyMilli(1_000_000)))
                .build();
        attack("handshake", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.send(RawPeer.message(RawPeer.hello(STORE, "till-x")));
            p.send(PeerMessage.newBuilder().setEntries(Entries.newBuilder().addEntries(forged.toByteString())).build());
            p.send(PeerMessage.newBuilder().setVersionVector(VersionVector.getDefaultInstance()).build());
            return p;
        });
        assertThat(vv(a).get("intruder-1")).isZero();
        assertThat(a.state().onHandMilli("MILK-1L")).isGreaterThan(-1_000_000);
    }

    @Test
    @Timeout(60)
    void aSocketThatSaysNothingIsClosedAtTheHandshakeTimeout() throws Exception {
        attack("handshake", Duration.ofSeconds(8), RawPeer::connect);
    }

    @Test
    @Timeout(60)
    void aHalfSentHelloIsClosedAtTheHandshakeTimeout() throws Exception {
        byte[] hello = RawPeer.frame(RawPeer.message(RawPeer.hello(STORE, "till-x")));
        attack("handshake", Duration.ofSeconds(8), port -> {
            RawPeer p = RawPeer.connect(port);
            p.writeRaw(Arrays.copyOf(hello, hello.length - 3));
            return p;
        });
    }

    @Test
    @Timeout(60)
    void aPeerWithTheKeyThatSendsAnOversizedFrameIsDropped() throws Exception {
        attack("oversized-frame", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.handshake(STORE, "till-keyed", KEY);
            p.writeRawQuietly(RawPeer.varint(MAX_FRAME + 1L));
            p.writeRawQuietly(new byte[1024]);
            return p;
        });
    }

    @Test
    @Timeout(60)
    void aPeerWithTheKeyThatSendsBytesThatAreNoEntryIsDroppedAndNothingOfTheBatchIsWritten() throws Exception {
        Entry good = Entry.newBuilder().setOrigin("keyed-1").setSeq(1).setNode("keyed")
                .setHlc(HlcStamp.newBuilder().setWallMs(System.currentTimeMillis()))
                .setBill(BillCommitted.newBuilder().setTill("keyed").setNumber(1).setTotal(100)
                        .addLines(BillLine.newBuilder().setSku("MILK-1L").setQtyMilli(1_000_000)))
                .build();
        attack("bad-entries", PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.handshake(STORE, "till-keyed", KEY);
            p.send(PeerMessage.newBuilder().setEntries(Entries.newBuilder().addEntries(good.toByteString())
                    .addEntries(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01}))).build());
            return p;
        });
        assertThat(vv(a).get("keyed-1")).isZero();
    }

    @Test
    @Timeout(60)
    void aKeyedPeerSendingAKindThisVersionDoesNotKnowStaysLinked() throws Exception {
        awaitQuiet();
        Map<String, String> before = hashFiles(logOfA);
        double unknownBefore = counter(a, "storelog.replication.messages.unknown.kind");
        double rejectedBefore = counter(a, "storelog.replication.rejected");
        try (RawPeer p = RawPeer.connect(a.replicator().orElseThrow().port())) {
            p.handshake(STORE, "till-newer", KEY);
            p.send(unknownKind());
            p.send(PeerMessage.newBuilder().setVersionVector(VersionVector.getDefaultInstance()).build());
            await().atMost(Duration.ofSeconds(5)).until(() -> counter(a, "storelog.replication.messages.unknown.kind") > unknownBefore);
            RawPeer.Closed c = p.awaitClosed(Duration.ofSeconds(2));
            assertThat(c.closed()).as("a newer peer's unknown message kind does not close the link (%s)", c.how()).isFalse();
        }
        assertThat(counter(a, "storelog.replication.rejected")).isEqualTo(rejectedBefore);
        assertThat(hashFiles(logOfA)).isEqualTo(before);
    }

    @Test
    @Timeout(60)
    void aKindThisVersionDoesNotKnowIsRefusedDuringTheHandshake() throws Exception {
        attack(null, PROMPT, port -> {
            RawPeer p = RawPeer.connect(port);
            p.send(unknownKind());
            return p;
        });
    }

    /** A message carrying only field 99, as a later protocol version might add. */
    private static PeerMessage unknownKind() {
        return PeerMessage.newBuilder().setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("from the future")).build())
                .build()).build();
    }

    // ---- the checks every attack goes through ----

    interface Attack {
        RawPeer open(int port) throws Exception;
    }

    /**
     * At a quiet moment, runs {@code attack} against till-a and checks that till-a hangs up within
     * {@code bound}, counts a rejection ({@code reason}, or any reason when null), leaves its log files
     * untouched, and still bills with its bills reaching till-b.
     */
    private static RawPeer.Closed attack(String reason, Duration bound, Attack attack) throws Exception {
        awaitQuiet();
        Map<String, String> before = hashFiles(logOfA);
        double rejectedBefore = reason == null ? counter(a, "storelog.replication.rejected")
                : counter(a, "storelog.replication.rejected", "reason", reason);
        double allRejectedBefore = counter(a, "storelog.replication.rejected");

        RawPeer.Closed closed;
        try (RawPeer p = attack.open(a.replicator().orElseThrow().port())) {
            closed = p.awaitClosed(bound);
        }
        assertThat(closed.closed()).as("node hung up within %s (%s after %d ms)", bound, closed.how(), closed.millis()).isTrue();
        java.util.function.DoubleSupplier rejected = () -> reason == null ? counter(a, "storelog.replication.rejected")
                : counter(a, "storelog.replication.rejected", "reason", reason);
        await().atMost(Duration.ofSeconds(5)).until(() -> rejected.getAsDouble() > rejectedBefore);
        assertThat(hashFiles(logOfA)).as("log files of the attacked node").isEqualTo(before);
        // One bad connection is one rejection (and one log line), however many bad frames it carried.
        assertThat(rejected.getAsDouble()).as("rejections counted for one connection").isEqualTo(rejectedBefore + 1);
        assertThat(counter(a, "storelog.replication.rejected")).as("rejections of any reason for one connection")
                .isEqualTo(allRejectedBefore + 1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.replicator().orElseThrow().peers())
                .as("only the good peer is linked").allSatisfy(p -> assertThat(p.connected() == p.id().equals("till-b")).isTrue()));

        // Still bills, and the bill reaches the good peer (held by two lanes, so the link carried it).
        BillOutcome o = bill(a, "after-attack-" + carts.incrementAndGet(), "MILK-1L", 1_000);
        assertThat(o.singleLane()).as("bill acknowledged by the good peer").isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.state().bill(o.id()).isPresent());
        return closed;
    }

    private static void awaitQuiet() {
        await().atMost(Duration.ofSeconds(10)).until(() -> vv(a).equals(vv(b)) && digest(a).equals(digest(b)));
    }
}
