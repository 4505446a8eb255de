package dev.vela.bootstrap.http;

import io.helidon.common.context.Context;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.http.media.MediaContext;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.http.DirectHandlers;
import java.util.concurrent.ExecutorService;

/** The listener as a connection sees it, with Helidon's direct answers in the OpenAI error shape. */
record JsonErrorsListenerContext(ListenerContext listener) implements ListenerContext {

    @Override
    public DirectHandlers directHandlers() {
        return OpenAiDirectHandler.ALL;
    }

    @Override
    public Context context() {
        return listener.context();
    }

    @Override
    public MediaContext mediaContext() {
        return listener.mediaContext();
    }

    @Override
    public ContentEncodingContext contentEncodingContext() {
        return listener.contentEncodingContext();
    }

    @Override
    public ListenerConfig config() {
        return listener.config();
    }

    @Override
    public ExecutorService executor() {
        return listener.executor();
    }
}
