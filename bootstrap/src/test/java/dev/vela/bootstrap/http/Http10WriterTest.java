package dev.vela.bootstrap.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http10WriterTest {

    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
            + "Connection: close\r\n\r\n6\r\ndata: \r\n5;x=y\r\nhello\r\n0\r\nTrailer: t\r\n\r\n";

    /** Collects what reaches the socket. */
    private static final class Socket implements DataWriter {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();

        @Override
        public void write(BufferData... buffers) {
            for (BufferData buffer : buffers) {
                write(buffer);
            }
        }

        @Override
        public void write(BufferData buffer) {
            byte[] bytes = new byte[buffer.available()];
            buffer.read(bytes);
            written.writeBytes(bytes);
        }

        @Override
        public void writeNow(BufferData... buffers) {
            write(buffers);
        }

        @Override
        public void writeNow(BufferData buffer) {
            write(buffer);
        }

        String text() {
            return written.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Writes {@code response} in pieces of {@code piece} bytes, as a response is written as it is produced. */
    private static String written(boolean http10, String response, int piece) {
        Socket socket = new Socket();
        Http10Writer writer = new Http10Writer(socket, () -> http10);
        byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i += piece) {
            writer.write(BufferData.create(bytes, i, Math.min(piece, bytes.length - i)));
        }
        return socket.text();
    }

    @Test
    void aChunkedResponseReachesAnHttp10ClientAsPlainData() {
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: hello",
                written(true, CHUNKED, 1000));
    }

    @Test
    void chunksSplitAcrossWritesAreJoined() {
        assertEquals(written(true, CHUNKED, 1000), written(true, CHUNKED, 1));
    }

    @Test
    void aResponseWithALengthIsUnchanged() {
        String response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
        assertEquals(response, written(true, response, 7));
    }

    @Test
    void anHttp11ResponseIsUnchanged() {
        assertEquals(CHUNKED, written(false, CHUNKED, 3));
    }
}
