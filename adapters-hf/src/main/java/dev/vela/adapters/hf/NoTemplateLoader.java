package dev.vela.adapters.hf;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.loader.ResourceLocator;
import java.io.IOException;
import java.nio.charset.Charset;

/**
 * Where chat templates find other templates: nowhere. transformers renders chat templates in an
 * environment without a loader, so {@code include}, {@code import}, {@code from} and
 * {@code extends} fail there; here they fail the same way instead of reading the classpath or the
 * file system.
 */
final class NoTemplateLoader implements ResourceLocator {

    @Override
    public String getString(String fullName, Charset encoding, JinjavaInterpreter interpreter) throws IOException {
        throw new IOException("chat templates cannot include, import or extend other templates ('" + fullName + "')");
    }
}
