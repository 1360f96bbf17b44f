package io.storelog.node.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.node.testing.FaultyStorage;
import io.storelog.node.testing.PowerCutStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fake disks behave like the real thing in the ways the log's tests rely on. */
class PowerCutStorageTest {

    private static void write(StorageFile f, String text, long at) throws IOException {
        f.write(ByteBuffer.wrap(text.getBytes()), at);
    }

    @Test
    void onlyForcedBytesAndSyncedNamesSurvive() throws Exception {
        PowerCutStorage disk = new PowerCutStorage();
        StorageFile a = disk.open("a");
        write(a, "durable", 0);
        a.force();
        disk.syncDirectory();
        write(a, "-lost", 7);
        StorageFile b = disk.open("b");
        write(b, "never synced", 0);
        b.force();
        assertThat(disk.bytes("a")).isEqualTo("durable-lost".getBytes());

        PowerCutStorage after = disk.powerCut();
        assertThat(after.list()).containsExactly("a");
        assertThat(after.bytes("a")).isEqualTo("durable".getBytes());
        assertThatThrownBy(() -> a.force()).isInstanceOf(IOException.class).hasMessageContaining("power is off");
        assertThatThrownBy(disk::list).isInstanceOf(IOException.class);
    }

    @Test
    void aRenameSurvivesOnlyOnceTheDirectoryIsSyncedAndHandlesFollowTheFile() throws Exception {
        PowerCutStorage disk = new PowerCutStorage();
        StorageFile f = disk.open("old");
        write(f, "x", 0);
        f.force();
        disk.syncDirectory();
        disk.rename("old", "new");
        write(f, "y", 1);
        f.force();
        assertThat(disk.durableImage().list()).containsExactly("old");
        assertThat(disk.durableImage().bytes("old")).isEqualTo("xy".getBytes());
        disk.syncDirectory();
        assertThat(disk.durableImage().list()).containsExactly("new");
    }

    @Test
    void aPartialCutKeepsTheDurablePrefixIntactAndNeverGrowsPastWhatWasWritten() throws Exception {
        for (int seed = 0; seed < 200; seed++) {
            PowerCutStorage disk = new PowerCutStorage();
            StorageFile f = disk.open("f");
            byte[] durable = new byte[1000];
            new Random(seed).nextBytes(durable);
            f.write(ByteBuffer.wrap(durable), 0);
            f.force();
            disk.syncDirectory();
            byte[] more = new byte[3000];
            Arrays.fill(more, (byte) 7);
            f.write(ByteBuffer.wrap(more), 1000);
            byte[] after = disk.powerCut(new Random(seed)).bytes("f");
            assertThat(after.length).isBetween(1000, 4000);
            assertThat(Arrays.copyOf(after, 1000)).isEqualTo(durable);
        }
    }

    @Test
    void anArmedCutStrikesBeforeTheChosenFsync() throws Exception {
        PowerCutStorage disk = new PowerCutStorage();
        var cut = disk.cutPowerBeforeFsync(2, null);
        StorageFile f = disk.open("f");
        disk.syncDirectory();
        write(f, "one", 0);
        f.force();
        write(f, "two", 3);
        assertThatThrownBy(f::force).isInstanceOf(IOException.class);
        assertThat(cut).isDone();
        assertThat(cut.join().bytes("f")).isEqualTo("one".getBytes());
    }

    @Test
    void aFullDiskWritesWhatFitsThenFailsUntilSpaceIsFreed() throws Exception {
        PowerCutStorage disk = new PowerCutStorage();
        FaultyStorage faulty = new FaultyStorage(disk);
        StorageFile f = faulty.open("f");
        faulty.setSpaceLeft(4);
        assertThatThrownBy(() -> write(f, "abcdef", 0)).hasMessage(FaultyStorage.NO_SPACE);
        assertThat(disk.bytes("f")).isEqualTo("abcd".getBytes());
        assertThatThrownBy(() -> write(f, "g", 4)).hasMessage(FaultyStorage.NO_SPACE);
        faulty.unlimitedSpace();
        write(f, "ef", 4);
        assertThat(disk.bytes("f")).isEqualTo("abcdef".getBytes());
    }
}
