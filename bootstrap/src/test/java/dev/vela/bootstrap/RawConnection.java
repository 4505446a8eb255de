package dev.vela.bootstrap;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 connection on a plain socket, for what a library client hides: how much the client
 * lets the server send before it reads (its receive buffer), when it stops reading or goes away,
 * and the exact chunked framing of what arrives.
 */
final class RawConnection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** A connection whose receive buffer is about {@code receiveBuffer} bytes (0: the system's default). */
    RawConnection(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);     // before connecting, so the TCP window is this small
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(60_000);                  // a body cut short would otherwise wait forever
        in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    /** Sends a POST of {@code json} and reads the status line and headers; returns the status code. */
    int post(String path, String json) throws IOException {
        send(path, json);
        return readHead();
    }

    /** Sends a POST of {@code json} and reads nothing. */
    void send(String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private int readHead() throws IOException {
        Head head = head();
        if (head.contentLength >= 0) {
            throw new IOException("expected a chunked response, got " + head.status);
        }
        return head.status;
    }

    /** A response's status and, when it gives one, its Content-Length (else -1: chunked). */
    private record Head(int status, long contentLength) {
    }

    private Head head() throws IOException {
        String status = line();
        long contentLength = -1;
        for (String header = line(); !header.isEmpty(); header = line()) {
            if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                contentLength = Long.parseLong(header.substring(15).trim());
            }
        }
        return new Head(Integer.parseInt(status.split(" ")[1]), contentLength);
    }

    /** Reads the next whole response, framed either way; its body as text, after its status code and a space. */
    String response() throws IOException {
        Head head = head();
        byte[] body = head.contentLength >= 0 ? in.readNBytes((int) head.contentLength) : chunkedBody();
        return head.status + " " + new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The whole chunked body, checking that every chunk is followed by CRLF where its size says: a
     * chunk shorter than its size line (bytes lost on the way) fails here rather than as odd JSON.
     */
    byte[] chunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(line().trim(), 16);
            byte[] chunk;
            try {
                chunk = in.readNBytes(size);
            } catch (java.net.SocketTimeoutException e) {
                throw new IOException("a chunk of " + size + " bytes at body offset " + body.size()
                        + " never arrived whole: the server sent fewer bytes than its size line says", e);
            }
            if (chunk.length < size) {
                throw new EOFException("the connection ended inside a chunk");
            }
            body.write(chunk);
            String end = line();
            if (!end.isEmpty()) {
                throw new IOException("a chunk of " + size + " bytes at body offset " + (body.size() - size)
                        + " is not followed by CRLF: its bytes do not match its size line");
            }
            if (size == 0) {
                return body.toByteArray();
            }
        }
    }

    /** The next line of the body as it comes (chunk size lines included), without its line end; null at the end. */
    String bodyLine() throws IOException {
        try {
            return line();
        } catch (EOFException e) {
            return null;
        }
    }

    /**
     * Reads everything still coming until the server closes the connection; the text read. A reset
     * ends it too, and may take with it what the client's side had received but not yet read.
     */
    String drain() throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                read.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // reset by the server: nothing more to read
        }
        return read.toString(StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("the connection ended");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
