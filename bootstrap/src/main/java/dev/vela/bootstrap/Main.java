package dev.vela.bootstrap;

import java.util.Map;
import picocli.CommandLine;

/** Starts Vela from the command line, with vLLM's flags ({@code vela --help}). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new VelaCommandLine());
        CommandLine.ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println("vela: " + e.getMessage() + " (see vela --help)");
            System.exit(2);
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
        Map<String, String> settings = ((VelaCommandLine) commandLine.getCommand()).toConfig(parsed);
        try {
            VelaServer.start(settings);
        } catch (RuntimeException e) {
            System.err.println("vela: could not start: " + rootMessage(e));
            if (Boolean.getBoolean("vela.debug")) {
                e.printStackTrace();
            }
            System.exit(1);
        }
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
