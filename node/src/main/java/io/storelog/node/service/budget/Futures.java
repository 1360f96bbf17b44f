package io.storelog.node.service.budget;

import io.storelog.node.ErrorCode;
import io.storelog.node.StoreLogException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on and unwrapping the futures that budget changes complete with, so callers see the original error. */
final class Futures {
    private Futures() {
    }

    /** Blocks for an operator's budget change, at most 30 s. */
    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreLogException(ErrorCode.IO_ERROR, "interrupted");
        } catch (ExecutionException e) {
            throw unwrapRuntime(e);
        } catch (TimeoutException e) {
            throw new StoreLogException(ErrorCode.IO_ERROR, "the budget change did not complete within 30 s");
        }
    }

    /** The cause inside completion and execution wrappers. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The unwrapped cause as a runtime exception (a checked one becomes an IO_ERROR). */
    static RuntimeException unwrapRuntime(Throwable t) {
        Throwable u = unwrap(t);
        return u instanceof RuntimeException re ? re : new StoreLogException(ErrorCode.IO_ERROR, String.valueOf(u.getMessage()), u);
    }
}
