package dev.eddy.stream.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Strings and byte arrays as the job's per-event records cross a shuffle: a length, then the
 * bytes in one copy. Flink's own string serializer writes and reads a string a char at a time
 * through an interface call each (a varint per char), which a JFR profile of the catch-up put at a
 * third of the job's Java samples (worth some 5 % of its throughput, run against run): every event
 * crosses three or four shuffles with some 150 chars of keys. Here a string is its UTF-8 bytes (a
 * plain copy for the ASCII keys the job carries).
 *
 * <p>The length is written plus one, so that 0 stands for null, as a variable-length int (one byte up to 126).
 */
public final class WireFields {

    private WireFields() {}

    public static void writeString(String value, DataOutputView out) throws IOException {
        writeBytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8), out);
    }

    public static String readString(DataInputView in) throws IOException {
        byte[] bytes = readBytes(in);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public static void writeBytes(byte[] value, DataOutputView out) throws IOException {
        if (value == null) {
            writeLength(0, out);
        } else {
            writeLength(value.length + 1, out);
            out.write(value);
        }
    }

    public static byte[] readBytes(DataInputView in) throws IOException {
        int lengthPlusOne = readLength(in);
        if (lengthPlusOne == 0) return null;
        byte[] bytes = new byte[lengthPlusOne - 1];
        in.readFully(bytes);
        return bytes;
    }

    private static void writeLength(int value, DataOutputView out) throws IOException {
        int rest = value;
        while ((rest & ~0x7F) != 0) {
            out.writeByte((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.writeByte(rest);
    }

    private static int readLength(DataInputView in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (value < 0) break;
                return value;
            }
        }
        throw new IOException("malformed length of a wire field");
    }
}
