package dev.torpor.checkpoint.criu;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.util.List;
import java.util.Optional;

/**
 * Reads the few fields Torpor needs from CRIU's messages without CRIU's generated classes: field numbers are part
 * of CRIU's image format, which it keeps compatible.
 */
final class ProtoFields {
    private final UnknownFieldSet fields;

    private ProtoFields(UnknownFieldSet fields) {
        this.fields = fields;
    }

    static ProtoFields parse(byte[] message) {
        try {
            return new ProtoFields(UnknownFieldSet.parseFrom(message));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a protobuf message: " + e.getMessage(), e);
        }
    }

    Optional<Long> varint(int number) {
        List<Long> v = fields.hasField(number) ? fields.getField(number).getVarintList() : List.of();
        return v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
    }

    long require(int number) {
        return varint(number).orElseThrow(() -> new IllegalArgumentException("field " + number + " is missing"));
    }

    List<ProtoFields> messages(int number) {
        if (!fields.hasField(number)) return List.of();
        return fields.getField(number).getLengthDelimitedList().stream().map(ByteString::toByteArray).map(ProtoFields::parse).toList();
    }

    Optional<ProtoFields> message(int number) {
        return messages(number).stream().findFirst();
    }
}
