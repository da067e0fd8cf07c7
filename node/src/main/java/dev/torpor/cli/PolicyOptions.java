package dev.torpor.cli;

import dev.torpor.api.PolicyView;
import dev.torpor.function.NetworkMode;
import dev.torpor.function.SuspendPolicy;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --suspend}, {@code --idle-ms} and {@code --network}: what a node does with a function's instances. */
final class PolicyOptions {
    @Option(names = "--suspend", paramLabel = "none|pause|checkpoint", converter = ModeConverter.class,
            description = "What to do with an idle instance: keep it running, freeze it, or checkpoint it to disk (node default: checkpoint).")
    SuspendPolicy.Mode suspend;

    @Option(names = "--idle-ms", paramLabel = "MS",
            description = "How long an instance waits idle before it is suspended (node default: 30000).")
    Long idleMs;

    @Option(names = "--network", paramLabel = "none|outbound", converter = NetworkConverter.class,
            description = "Loopback only, or an address on the node's bridge with outbound connections (node default: none).")
    NetworkMode network;

    boolean given() {
        return suspend != null || idleMs != null || network != null;
    }

    /** The change to send to the policy endpoint: fields left out stay as they are. */
    PolicyView change() {
        return new PolicyView(suspend == null ? null : suspend.tagValue(), idleMs, network == null ? null : network.tagValue());
    }

    /** The same as CreateFunction tags, which is how a new function gets its policy. */
    Map<String, String> tags() {
        Map<String, String> tags = new HashMap<>();
        if (suspend != null) tags.put(SuspendPolicy.SUSPEND_TAG, suspend.tagValue());
        if (idleMs != null) tags.put(SuspendPolicy.IDLE_MS_TAG, Long.toString(idleMs));
        if (network != null) tags.put(NetworkMode.TAG, network.tagValue());
        return tags;
    }

    static final class ModeConverter implements ITypeConverter<SuspendPolicy.Mode> {
        @Override
        public SuspendPolicy.Mode convert(String value) {
            try {
                return SuspendPolicy.Mode.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not one of none, pause, checkpoint");
            }
        }
    }

    static final class NetworkConverter implements ITypeConverter<NetworkMode> {
        @Override
        public NetworkMode convert(String value) {
            try {
                return NetworkMode.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not one of none, outbound");
            }
        }
    }
}
