package dev.vela.bootstrap;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/** Settings given in code (the command line's, or derived from them) as a config source of a given rank. */
final class CommandLineConfigSource implements ConfigSource {

    private final Map<String, String> values;
    private final String name;
    private final int ordinal;

    CommandLineConfigSource(Map<String, String> values, String name, int ordinal) {
        this.values = Map.copyOf(values);
        this.name = name;
        this.ordinal = ordinal;
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
        return name;
    }

    @Override
    public int getOrdinal() {
        return ordinal;
    }
}
