package dev.vela.bootstrap;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The defaults of {@link SettingsTable} as a config source that every other source outranks
 * ({@code microprofile-config.properties} included), found by MicroProfile Config's service loading.
 */
public final class SettingDefaults implements ConfigSource {

    /** Below {@code microprofile-config.properties} (100), so a packaged properties file still wins. */
    static final int ORDINAL = 50;

    private final Map<String, String> defaults = Map.copyOf(SettingsTable.defaults());

    @Override
    public Set<String> getPropertyNames() {
        return defaults.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return defaults.get(propertyName);
    }

    @Override
    public String getName() {
        return "Vela's settings table";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
