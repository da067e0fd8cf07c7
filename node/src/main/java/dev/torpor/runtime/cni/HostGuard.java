package dev.torpor.runtime.cni;

/**
 * Keeps functions on the bridge away from the host itself: the agent's API, and any service of the host's that
 * listens beyond loopback, would otherwise answer at the bridge's gateway address. Packets from the bridge to the
 * host are dropped in {@code INPUT}, replies to what the host opened aside; what goes through the host (masqueraded)
 * is untouched. The CNI reference plugins guard only forwarded traffic, so this one chain is the node's own.
 */
final class HostGuard {
    private final String chain;
    private final String bridge;

    HostGuard(String scope, String bridge) {
        this.chain = "TORPOR-IN-" + scope;
        this.bridge = bridge;
    }

    /** Makes the chain afresh (a killed node's is replaced) and sends the bridge's input through it. */
    void install() {
        remove();
        HostCommands.iptables("-N", chain);
        HostCommands.iptables("-A", chain, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
        HostCommands.iptables("-A", chain, "-j", "DROP");
        HostCommands.iptables("-I", "INPUT", "-i", bridge, "-j", chain);
    }

    /** Removes the jump and the chain; quiet when they are not there. */
    void remove() {
        while (HostCommands.iptablesAllowingFailure("-D", "INPUT", "-i", bridge, "-j", chain).exitStatus() == 0) {
            // a rule added twice (by two starts of a killed node) goes too
        }
        HostCommands.iptablesAllowingFailure("-F", chain);
        HostCommands.iptablesAllowingFailure("-X", chain);
    }
}
