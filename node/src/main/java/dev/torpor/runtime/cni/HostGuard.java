package dev.torpor.runtime.cni;

import java.util.List;

/**
 * Keeps functions on the bridge away from the host itself: the agent's API, and any service of the host's that
 * listens beyond loopback, would otherwise answer at the bridge's gateway address. Packets from the bridge to the
 * host are dropped in {@code INPUT}, replies to what the host opened aside; what goes through the host (masqueraded)
 * is untouched. The CNI reference plugins guard only forwarded traffic, so this one chain is the node's own.
 */
final class HostGuard {
    /** IPv6 too: the bridge and the container's interface have link-local addresses, through which the host answers. */
    private static final List<String> COMMANDS = List.of("iptables", "ip6tables");
    private final String chain;
    private final String bridge;

    HostGuard(String scope, String bridge) {
        this.chain = "TORPOR-IN-" + scope;
        this.bridge = bridge;
    }

    /** Makes the chains afresh (a killed node's are replaced) and sends the bridge's input through them. */
    void install() {
        remove();
        for (String command : COMMANDS) {
            HostCommands.xtables(command, "-N", chain);
            HostCommands.xtables(command, "-A", chain, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
            HostCommands.xtables(command, "-A", chain, "-j", "DROP");
            HostCommands.xtables(command, "-I", "INPUT", "-i", bridge, "-j", chain);
        }
    }

    /** Removes the jumps and the chains; quiet when they are not there. */
    void remove() {
        for (String command : COMMANDS) {
            while (HostCommands.xtablesAllowingFailure(command, "-D", "INPUT", "-i", bridge, "-j", chain).exitStatus() == 0) {
                // a rule added twice (by two starts of a killed node) goes too
            }
            HostCommands.xtablesAllowingFailure(command, "-F", chain);
            HostCommands.xtablesAllowingFailure(command, "-X", chain);
        }
    }
}
