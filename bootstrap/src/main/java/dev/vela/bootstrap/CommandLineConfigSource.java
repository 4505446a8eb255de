package dev.vela.bootstrap;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/** The command line's settings as a config source that outranks properties, environment and files. */
final class CommandLineConfigSource implements ConfigSource {

    private final Map<String, String> values;

    CommandLineConfigSource(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "command line";
    }

    @Override
    public int getOrdinal() {
        return 500;
    }
}
