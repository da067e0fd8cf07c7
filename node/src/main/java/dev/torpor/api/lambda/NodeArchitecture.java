package dev.torpor.api.lambda;

/** The node's CPU architecture as Lambda names it. */
final class NodeArchitecture {
    static final String CURRENT = lambdaName(System.getProperty("os.arch"));

    private NodeArchitecture() {}

    /** Lambda knows two; any other keeps the JVM's name, which a client asking for x86_64 or arm64 will not match. */
    static String lambdaName(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> osArch;
        };
    }
}
