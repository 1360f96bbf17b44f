package io.storelog.node.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storelog.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StoresFileTest {
    @TempDir
    Path dir;

    @Test
    void readsStoresAndTellsWhichStoreATokenBelongsTo() throws IOException {
        Path file = Files.writeString(dir.resolve("stores.csv"),
                "\uFEFFstore,token\n# the demo chain\nberlin-1, tok-berlin \n\nhamburg-2,tok-hamburg\r\n");

        StoresFile stores = StoresFile.read(file);

        assertThat(stores.stores()).containsExactly("berlin-1", "hamburg-2");
        assertThat(stores.storeOf("tok-berlin")).contains("berlin-1");
        assertThat(stores.storeOf("tok-hamburg")).contains("hamburg-2");
        assertThat(stores.storeOf("tok-berli")).isEmpty();
        assertThat(stores.storeOf("")).isEmpty();
        assertThat(stores.storeOf(null)).isEmpty();
        assertThat(stores.accepts("berlin-1")).isTrue();
        assertThat(stores.accepts("munich")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            three values     | store,token\\na,t1\\nb,t2,x        | line 3: has 3 values; expected store,token
            store twice      | a,t1\\nb,t2\\na,t3                | line 3: store a is already listed on line 1
            shared token     | store,token\\na,t1\\n\\nb,t1       | line 4: store b has the same token as the store on line 2
            empty token      | a,                                | line 1: token of store a is empty
            bad store id     | store,token\\nmy store,t1         | line 2: store 'my store' is not a store id
            empty store      | ,t1                               | line 1: store is empty
            """)
    void aBadLineIsNamedWithFileAndLine(String name, String content, String expected) throws IOException {
        Path file = Files.writeString(dir.resolve("stores.csv"), content.replace("\\n", "\n"));

        assertThatThrownBy(() -> StoresFile.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config key hq.stores-file: " + file + " " + expected)
                .hasMessageNotContaining("t1");
    }

    @Test
    void aFileWithoutStoresOrWithoutFileIsRefused() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.csv"), "store,token\n\n");

        assertThatThrownBy(() -> StoresFile.read(empty)).hasMessageContaining("lists no store");
        assertThatThrownBy(() -> StoresFile.read(dir.resolve("missing.csv"))).hasMessageContaining("does not exist");
    }
}
