package dev.vela.bootstrap.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Writes a response to an HTTP/1.0 client, which cannot read chunked transfer coding: a chunked
 * response goes out with its chunks' data only and no Transfer-Encoding header, ended by closing
 * the connection (HTTP/1.1 servers answer 1.0 clients so). Responses to HTTP/1.1 requests pass unchanged.
 */
final class Http10Writer implements DataWriter {

    private enum State { HEAD, PLAIN, SIZE, DATA, DATA_END, TRAILER, DONE }

    private final DataWriter socket;
    private final BooleanSupplier http10;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private State state = State.HEAD;
    private long left;

    Http10Writer(DataWriter socket, BooleanSupplier http10) {
        this.socket = socket;
        this.http10 = http10;
    }

    @Override
    public void write(BufferData... buffers) {
        for (BufferData buffer : buffers) {
            write(buffer);
        }
    }

    @Override
    public void write(BufferData buffer) {
        if (http10.getAsBoolean()) {
            framed(buffer).ifPresent(socket::write);
        } else {
            socket.write(buffer);
        }
    }

    @Override
    public void writeNow(BufferData... buffers) {
        for (BufferData buffer : buffers) {
            writeNow(buffer);
        }
    }

    @Override
    public void writeNow(BufferData buffer) {
        if (http10.getAsBoolean()) {
            framed(buffer).ifPresent(socket::writeNow);
        } else {
            socket.writeNow(buffer);
        }
    }

    @Override
    public void flush() {
        socket.flush();
    }

    @Override
    public void close() {
        socket.close();
    }

    private java.util.Optional<BufferData> framed(BufferData buffer) {
        byte[] bytes = new byte[buffer.available()];
        buffer.read(bytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            switch (state) {
                case HEAD -> {
                    line.write(bytes[i++]);
                    byte[] head = line.toByteArray();
                    int n = head.length;
                    if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n') {
                        out.writeBytes(unchunkedHead(new String(head, StandardCharsets.ISO_8859_1)));
                        line.reset();
                    }
                }
                case PLAIN -> {
                    out.write(bytes, i, bytes.length - i);
                    i = bytes.length;
                }
                case SIZE, TRAILER, DATA_END -> {
                    byte b = bytes[i++];
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    String text = line.toString(StandardCharsets.ISO_8859_1).strip();
                    line.reset();
                    if (state == State.DATA_END) {
                        state = State.SIZE;
                    } else if (state == State.TRAILER) {
                        state = text.isEmpty() ? State.DONE : State.TRAILER;
                    } else {
                        int extension = text.indexOf(';');
                        left = Long.parseLong(extension < 0 ? text : text.substring(0, extension).strip(), 16);
                        state = left == 0 ? State.TRAILER : State.DATA;
                    }
                }
                case DATA -> {
                    int n = (int) Math.min(left, bytes.length - i);
                    out.write(bytes, i, n);
                    i += n;
                    left -= n;
                    if (left == 0) {
                        state = State.DATA_END;
                    }
                }
                case DONE -> i = bytes.length;
            }
        }
        return out.size() == 0 ? java.util.Optional.empty() : java.util.Optional.of(BufferData.create(out.toByteArray()));
    }

    /** The head without a chunked Transfer-Encoding; sets what the body is read as. */
    private byte[] unchunkedHead(String head) {
        StringBuilder kept = new StringBuilder();
        boolean chunked = false;
        for (String header : head.split("\r\n")) {
            if (header.toLowerCase(Locale.ROOT).replace(" ", "").equals("transfer-encoding:chunked")) {
                chunked = true;
            } else {
                kept.append(header).append("\r\n");
            }
        }
        kept.append("\r\n");
        state = chunked ? State.SIZE : State.PLAIN;
        return kept.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
