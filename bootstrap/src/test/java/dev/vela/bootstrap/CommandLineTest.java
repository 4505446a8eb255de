package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** vLLM's flags, in both forms, become MicroProfile Config keys; --help lists them with their defaults. */
class CommandLineTest {

    /** The deployment command of the brief, with only the launcher changed. */
    static final String[] DEPLOYMENT = {"--model", "/models/DeepSeek-R1-Distill-Qwen-32B",
        "--served-model-name", "DeepSeek-R1-Distill-Qwen-32B", "--max-model-len=8192", "--gpu-memory-utilization=0.9",
        "--tensor-parallel-size=4", "--host", "0.0.0.0", "--port", "8000"};

    static Map<String, String> parse(String... args) {
        return VelaCommandLine.toConfig(VelaCommandLine.create().parseArgs(args));
    }

    @Test
    void theDeploymentCommandMapsEveryFlagToItsConfigKey() {
        assertEquals(Map.of("vela.model", "/models/DeepSeek-R1-Distill-Qwen-32B",
                "vela.served-model-name", "DeepSeek-R1-Distill-Qwen-32B",
                "vela.max-model-len", "8192",
                "vela.gpu-memory-utilization", "0.9",
                "vela.tensor-parallel-size", "4",
                "server.host", "0.0.0.0",
                "server.port", "8000"), parse(DEPLOYMENT));
    }

    @Test
    void flagValuesMayFollowAfterASpaceOrAnEqualsSign() {
        assertEquals(parse("--block-size", "32", "--api-key", "k"), parse("--block-size=32", "--api-key=k"));
    }

    @Test
    void onlyTheFlagsGivenAreSet() {
        assertEquals(Map.of("vela.kv-cache-memory", "2GiB"), parse("--kv-cache-memory", "2GiB"));
        assertEquals(Map.of("vela.kv-cache-memory", "4096"), parse("--kv-cache-memory-bytes=4096"));
        assertEquals(Map.of("vela.disable-fastapi-docs", "true"), parse("--disable-fastapi-docs"));
        assertEquals(Map.of("vela.enable-prefix-caching", "false"), parse("--no-enable-prefix-caching"));
    }

    @Test
    void everyFlagHasAConfigKey() {
        for (OptionSpec option : VelaCommandLine.create().getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                assertNotNull(VelaCommandLine.KEYS.get(option.names()[0]), option.longestName());
                assertEquals("[" + VelaCommandLine.KEYS.get(option.names()[0]) + "]",
                        option.description()[option.description().length - 1], option.longestName() + " shows its key in --help");
            }
        }
    }

    @Test
    void helpListsTheFlagsWithTheirDefaults() {
        StringWriter help = new StringWriter();
        VelaCommandLine.create().setUsageHelpWidth(200).usage(new PrintWriter(help));
        String text = help.toString();
        for (String expected : new String[] {"--model=DIR|ORG/NAME", "--api-key=KEY", "--tensor-parallel-size=N",
            "Default: 16.", "[vela.block-size]", "Default: 8000.", "[server.port]", "takes the GPUs when CUDA is usable, else the CPU. Default: auto.", "--cpu-runner=panama|jlama",
            "Default: 0, the runner decides.", "[vela.kv-cache-memory]", "Default: 20.", "[vela.max-logprobs]",
            "--reasoning-parser=deepseek_r1", "--disable-fastapi-docs", "--uvicorn-log-level=LEVEL"}) {
            assertTrue(text.contains(expected), expected + " in\n" + text);
        }
    }

    @Test
    void anUnknownFlagIsNamed() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, () -> parse("--enforce-eagerly"));
        assertEquals("Unknown option: '--enforce-eagerly'", e.getMessage());
    }

    @Test
    void aValueOfTheWrongTypeIsNamed() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class, () -> parse("--port=http"));
        assertEquals("Invalid value for option '--port': 'http' is not an int", e.getMessage());
    }
}
