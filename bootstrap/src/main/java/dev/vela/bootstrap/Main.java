package dev.vela.bootstrap;

import io.helidon.logging.common.LogConfig;
import java.util.Map;
import picocli.CommandLine;

/**
 * Starts Vela from the command line, with vLLM's flags ({@code vela --help}). Whatever stops
 * start-up is one line on stderr: a bad flag or setting exits with 2, a model that cannot be
 * served with 1; {@code -Dvela.debug=true} adds the stack trace.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        CommandLine commandLine = VelaCommandLine.create();
        CommandLine.ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            fail(2, e.getMessage() + " (see vela --help)", e);
            return;
        }
        if (commandLine.isUsageHelpRequested()) {
            commandLine.usage(System.out);
            return;
        }
        if (commandLine.isVersionHelpRequested()) {
            commandLine.printVersionHelp(System.out);
            return;
        }
        Map<String, String> settings = VelaCommandLine.toConfig(parsed);
        try {
            VelaServer.start(settings);
        } catch (SettingsException e) {
            fail(2, e.getMessage(), e);
        } catch (StartupException e) {
            fail(1, e.getMessage(), e);
        } catch (RuntimeException e) {
            fail(1, "could not start: " + rootMessage(e), e);
        }
    }

    private static void fail(int status, String message, Exception e) {
        System.err.println("vela: " + message.strip().replaceAll("\\s*\\R\\s*", " "));
        if (Boolean.getBoolean("vela.debug")) {
            e.printStackTrace();
        }
        System.exit(status);
    }

    /** The most specific message in a chain of exceptions (CDI wraps start-up failures several times). */
    static String rootMessage(Throwable e) {
        Throwable cause = e;
        String message = e.getMessage();
        while (cause != null) {
            if (cause.getMessage() != null && !(cause.getCause() != null && cause.getMessage().contains(cause.getCause().getClass().getName()))) {
                message = cause.getMessage();
            }
            cause = cause.getCause();
        }
        return message;
    }
}
