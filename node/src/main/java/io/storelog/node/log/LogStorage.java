package io.storelog.node.log;

import java.io.IOException;
import java.util.List;

/** The directory that holds a log's segment files: real files, or a simulated disk in tests. */
public interface LogStorage {

    /** Names of every file in the directory, in no particular order. */
    List<String> list() throws IOException;

    /** Opens the named file for reading and writing, creating it empty if absent. */
    StorageFile open(String name) throws IOException;

    /** Renames a file, replacing any file called {@code to}; open handles keep working. */
    void rename(String from, String to) throws IOException;

    /** Deletes a file if it exists. */
    void delete(String name) throws IOException;

    /** Makes every create, rename and delete done so far survive a power cut. */
    void syncDirectory() throws IOException;
}
