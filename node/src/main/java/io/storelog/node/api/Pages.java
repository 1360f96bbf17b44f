package io.storelog.node.api;

import io.storelog.node.StoreNode;

/** A minimal server-rendered page until the till screen and dashboard are built (console issue). */
final class Pages {
    private Pages() {
    }

    static String page(StoreNode node, String title) {
        String id = escape(node.config().node().id());
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>StoreLog " + title + " - " + id + "</title></head>"
                + "<body><h1>StoreLog " + title + "</h1><p>Node <b id=\"node-id\">" + id + "</b> of store "
                + escape(node.config().store().id()) + ". The API is at <a href=\"/api/status\">/api/status</a>; "
                + "metrics at <a href=\"/metrics\">/metrics</a>.</p></body></html>";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
