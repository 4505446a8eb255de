package dev.vela.bootstrap;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Vela's command line, with vLLM's flag names ({@code --flag value} or {@code --flag=value}),
 * built from {@link SettingsTable}. Every flag maps to a MicroProfile Config key ({@link #KEYS}),
 * so the same settings can come from {@code -D} properties, environment variables
 * ({@code VELA_MODEL}) or {@code microprofile-config.properties}; a flag given on the command line
 * wins. Values are checked by {@link VelaSettings}, whichever source they come from.
 */
final class VelaCommandLine {

    /** Each flag's config key. */
    static final Map<String, String> KEYS = Map.copyOf(SettingsTable.keys());

    private VelaCommandLine() {
    }

    /** The {@code vela} command, ready to parse arguments or print {@code --help}. */
    static CommandLine create() {
        CommandSpec spec = CommandSpec.create().name("vela").versionProvider(new VelaVersion());
        spec.usageMessage().sortOptions(false).autoWidth(true)
                .description("An OpenAI-compatible LLM inference server for the JVM, started with vLLM's flags.",
                        "Started without --model it serves a small built-in demo model with random weights.",
                        "Each flag's MicroProfile Config key follows it in brackets; -Dkey=value and environment variables "
                                + "(VELA_MAX_MODEL_LEN for vela.max-model-len) set the same.")
                .footer("", "Environment: VLLM_API_KEY or VELA_API_KEY (like --api-key); HF_ENDPOINT, HF_TOKEN, HF_HOME, "
                        + "HF_HUB_CACHE, HF_HUB_OFFLINE for hub downloads, as huggingface_hub reads them.");
        SettingsTable.flags().forEach(setting -> spec.addOption(option(setting)));
        spec.mixinStandardHelpOptions(true);
        return new CommandLine(spec);
    }

    /** A setting's flag: its names, its value's type and label, its default, and its help line ending in its key. */
    private static OptionSpec option(Setting<?> setting) {
        OptionSpec.Builder option = OptionSpec.builder(setting.flags().toArray(String[]::new))
                .type(setting.type().commandLineType())
                .description(setting.helpLine(), "[" + setting.key() + "]");
        if (setting.label() != null) {
            option.paramLabel(setting.label());
        }
        if (setting.negatable()) {
            option.negatable(true).fallbackValue("true");
        }
        if (setting.defaultValue() != null) {
            option.defaultValue(setting.defaultValue());
        }
        return option.build();
    }

    /** The flags that were given, as MicroProfile Config keys. */
    static Map<String, String> toConfig(CommandLine.ParseResult parsed) {
        Map<String, String> config = new LinkedHashMap<>();
        for (OptionSpec option : parsed.matchedOptions()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String key = KEYS.get(option.names()[0]);
            if (key == null) {
                throw new IllegalStateException(option.longestName() + " has no config key");
            }
            config.put(key, String.valueOf(option.<Object>getValue()));
        }
        return config;
    }
}
