package io.storelog.node.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stamp ties a data directory to one store, node and incarnation. */
class DataDirectoryTest {

    @TempDir
    Path temp;

    private static Properties stamp(Path dir) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(dir.resolve(DataDirectory.STAMP))));
        return p;
    }

    @Test
    void aFreshDirectoryIsStampedOnceAndKeepsItsIncarnation() throws Exception {
        Path dir = temp.resolve("till-1");
        DataDirectory first = DataDirectory.open(dir, "store-7", "till-1");
        assertThat(first.isNew()).isTrue();
        assertThat(first.incarnation()).matches("till-1-[0-9a-f]{12}");
        assertThat(first.logDir()).isEqualTo(dir.toAbsolutePath().resolve("log")).isDirectory();
        assertThat(first.previousIncarnations()).isEmpty();
        Properties p = stamp(dir);
        assertThat(p.getProperty("format")).isEqualTo("1");
        assertThat(p.getProperty("store")).isEqualTo("store-7");
        assertThat(p.getProperty("node")).isEqualTo("till-1");
        assertThat(p.getProperty("incarnation")).isEqualTo(first.incarnation());
        assertThat(p.getProperty("created")).isNotBlank();
        assertThat(dir.resolve(DataDirectory.STAMP + ".tmp")).doesNotExist();

        DataDirectory again = DataDirectory.open(dir, "store-7", "till-1");
        assertThat(again.isNew()).isFalse();
        assertThat(again.incarnation()).isEqualTo(first.incarnation());
        assertThat(again.created()).isEqualTo(first.created());
    }

    @Test
    void twoDirectoriesGetDifferentIncarnations() {
        String a = DataDirectory.open(temp.resolve("a"), "s", "till").incarnation();
        String b = DataDirectory.open(temp.resolve("b"), "s", "till").incarnation();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void anotherStoresOrNodesDirectoryIsRefused() {
        Path dir = temp.resolve("data");
        DataDirectory.open(dir, "A", "B");
        assertThatThrownBy(() -> DataDirectory.open(dir, "C", "D"))
                .isInstanceOfSatisfying(StoreLogException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_DATA_DIR))
                .hasMessage("data directory " + dir.toAbsolutePath() + " belongs to store A node B, not store C node D");
        assertThatThrownBy(() -> DataDirectory.open(dir, "A", "D"))
                .hasMessageContaining("belongs to store A node B, not store A node D");
    }

    @Test
    void aNewIncarnationIsDurableAndRemembersThePreviousOnes() throws Exception {
        Path dir = temp.resolve("data");
        DataDirectory d = DataDirectory.open(dir, "s", "till-2");
        String first = d.incarnation();
        String second = d.startNewIncarnation();
        assertThat(second).isNotEqualTo(first).matches("till-2-[0-9a-f]{12}").isEqualTo(d.incarnation());
        String third = d.startNewIncarnation();
        assertThat(d.previousIncarnations()).containsExactly(first, second);

        DataDirectory reopened = DataDirectory.open(dir, "s", "till-2");
        assertThat(reopened.incarnation()).isEqualTo(third);
        assertThat(reopened.previousIncarnations()).containsExactly(first, second);
        assertThat(reopened.isNew()).isFalse();
        assertThat(stamp(dir).getProperty("previous")).isEqualTo(first + "," + second);
        assertThat(dir.resolve(DataDirectory.STAMP + ".tmp")).doesNotExist();
    }

    @Test
    void aDirectoryWithFilesButNoStampIsRefused() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("data"));
        Files.createDirectories(dir.resolve("log"));
        assertThatThrownBy(() -> DataDirectory.open(dir, "s", "n"))
                .isInstanceOfSatisfying(StoreLogException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_DATA_DIR))
                .hasMessageContaining("no storelog.stamp");
    }

    @Test
    void aStampLeftHalfWrittenByACrashIsIgnored() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("data"));
        Files.writeString(dir.resolve(DataDirectory.STAMP + ".tmp"), "format=1\nstore=");
        DataDirectory d = DataDirectory.open(dir, "s", "n");
        assertThat(d.isNew()).isTrue();
        assertThat(stamp(dir).getProperty("store")).isEqualTo("s");
    }

    @Test
    void aStampOfAnotherFormatOrMissingAFieldIsRefused() throws Exception {
        Path dir = temp.resolve("data");
        DataDirectory.open(dir, "s", "n");
        Files.writeString(dir.resolve(DataDirectory.STAMP), "format=2\nstore=s\nnode=n\nincarnation=n-1\ncreated=x\n");
        assertThatThrownBy(() -> DataDirectory.open(dir, "s", "n")).hasMessageContaining("format 2");
        Files.writeString(dir.resolve(DataDirectory.STAMP), "format=1\nstore=s\nnode=n\ncreated=x\n");
        assertThatThrownBy(() -> DataDirectory.open(dir, "s", "n")).hasMessageContaining("incarnation");
    }
}
