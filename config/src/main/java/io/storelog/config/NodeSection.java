package io.storelog.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Who this node is: its name, its role, where its log lives and which product file it loads at start.
 *
 * @param id          node name, unique in the store (node.id)
 * @param role        till, server or hq (node.role)
 * @param dataDir     the node's data directory (data.dir)
 * @param catalogFile a product CSV to load at start, if any (catalog.file)
 */
public record NodeSection(String id, Role role, Path dataDir, Optional<Path> catalogFile) {
    public NodeSection {
        Checks.name(ConfigKeys.NODE_ID, id);
        Checks.notNull(ConfigKeys.NODE_ROLE, role);
        Checks.notNull(ConfigKeys.DATA_DIR, dataDir);
        Objects.requireNonNull(catalogFile, "catalogFile");
    }

    static NodeSection read(RawConfig raw) {
        Role role = raw.text(ConfigKeys.NODE_ROLE).map(Role::parse).orElse(ConfigKeys.DEFAULT_ROLE);
        String id = raw.text(ConfigKeys.NODE_ID, ConfigKeys.DEFAULT_NODE_IDS.get(role)).trim();
        Checks.name(ConfigKeys.NODE_ID, id);
        Path dataDir = raw.path(ConfigKeys.DATA_DIR)
                .orElseGet(() -> raw.resolve(ConfigKeys.DEFAULT_DATA_PARENT).resolve(id));
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw ConfigException.badValue(ConfigKeys.DATA_DIR, dataDir, "exists and is not a directory");
        }
        return new NodeSection(id, role, dataDir, raw.existingFile(ConfigKeys.CATALOG_FILE));
    }
}
