package dev.vela.bootstrap;

import picocli.CommandLine;

/** Vela's version, from the jar manifest when there is one. */
final class VelaVersion implements CommandLine.IVersionProvider {

    static String current() {
        String version = VelaVersion.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0-SNAPSHOT" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"vela " + current()};
    }
}
