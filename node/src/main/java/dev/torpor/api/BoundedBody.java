package dev.torpor.api;

import dev.torpor.ErrorKind;
import dev.torpor.TorporException;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * A request body read within a limit. One over it is still read to its end before the refusal is sent: a client
 * still sending when the node answers and closes sees a dropped connection, and the AWS CLI and SDKs retry that
 * instead of showing the 413.
 */
final class BoundedBody {
    /** Past this much the rest is not read: the connection is closed instead of being held for a flood. */
    static final long MAX_DRAINED = 256L * 1024 * 1024;

    private BoundedBody() {}

    /** The whole body when it is at most {@code limit} bytes; else it is drained and {@code tooLarge} thrown. */
    static byte[] read(InputStream in, long limit, Supplier<TorporException> tooLarge) {
        try (in) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length <= limit) return bytes;
            drain(in);
        } catch (IOException e) {
            throw new TorporException(ErrorKind.INVALID_REQUEST_CONTENT, "could not read the request body", e);
        }
        throw tooLarge.get();
    }

    /** Refuses a body without reading it into memory, draining it first. */
    static TorporException refuse(InputStream in, TorporException tooLarge) {
        try (in) {
            drain(in);
        } catch (IOException e) {
            tooLarge.addSuppressed(e);
        }
        return tooLarge;
    }

    private static void drain(InputStream in) throws IOException {
        long left = MAX_DRAINED;
        byte[] sink = new byte[64 * 1024];
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) left -= n;
    }
}
