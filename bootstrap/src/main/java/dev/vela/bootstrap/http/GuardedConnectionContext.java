package dev.vela.bootstrap.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/** The accepted connection as Helidon's HTTP/1.1 code sees it: reads with deadlines, writes framed for the client's version, JSON errors. */
record GuardedConnectionContext(ConnectionContext accepted, DataReader dataReader, DataWriter dataWriter,
                                ListenerContext listenerContext) implements ConnectionContext {

    @Override
    public ExecutorService executor() {
        return accepted.executor();
    }

    @Override
    public Router router() {
        return accepted.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return accepted.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
        return accepted.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
        return accepted.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return accepted.localPeer();
    }

    @Override
    public boolean isSecure() {
        return accepted.isSecure();
    }

    @Override
    public String socketId() {
        return accepted.socketId();
    }

    @Override
    public String childSocketId() {
        return accepted.childSocketId();
    }
}
