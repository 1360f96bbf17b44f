package io.storelog.console.cli;

import io.storelog.config.ConfigKeys;
import io.storelog.console.UsageException;
import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Option;

/** The flags every console command shares: which node, how to authenticate, and whether to print JSON. */
public final class NodeOptions {
    /** Where a node listens when started without {@code --http}. */
    public static final String DEFAULT_NODE = "http://127.0.0.1:" + ConfigKeys.DEFAULT_HTTP_PORT;

    @Option(names = "--node", paramLabel = "URL", defaultValue = DEFAULT_NODE,
            description = "the node's HTTP API (default ${DEFAULT-VALUE})")
    String node;

    @Option(names = "--api-token", paramLabel = "TOKEN", defaultValue = "${env:STORELOG_API_TOKEN}",
            description = "sent as Authorization: Bearer TOKEN (default: $STORELOG_API_TOKEN)")
    String apiToken;

    @Option(names = "--json", description = "print the HTTP API's JSON instead of a table")
    boolean json;

    /** A client for the node named by {@code --node}; a URL that is not http(s)://host[:port] is a usage error. */
    NodeClient client() {
        URI uri;
        try {
            uri = new URI(node);
        } catch (URISyntaxException e) {
            throw new UsageException("--node '" + node + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
                || uri.getQuery() != null) {
            throw new UsageException("--node '" + node + "' must be http://HOST:PORT");
        }
        return new NodeClient(uri, apiToken);
    }
}
