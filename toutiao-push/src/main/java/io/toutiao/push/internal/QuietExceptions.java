package io.toutiao.push.internal;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.listener.ExceptionListenerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Socket.IO layer reports: what a client caused (oversize or corrupt frames, resets) at
 * debug level and the connection closed; the rest as a warning naming the exception only, never the
 * event's arguments or the request. Internal.
 */
public final class QuietExceptions extends ExceptionListenerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(QuietExceptions.class);

  @Override
  public boolean exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
    if (e instanceof CorruptedFrameException
        || e instanceof TooLongFrameException
        || e instanceof DecoderException
        || e instanceof IOException) {
      LOG.debug(
          "push: closing a connection from {}: {}", ctx.channel().remoteAddress(), e.toString());
    } else {
      LOG.warn("push: closing a connection after {}", e.toString());
    }
    ctx.close();
    return true;
  }

  @Override
  public void onEventException(Exception e, List<Object> args, SocketIOClient client) {
    LOG.warn("push: an event handler failed: {}", e.toString());
  }

  @Override
  public void onConnectException(Exception e, SocketIOClient client) {
    LOG.warn("push: a connect listener failed", e);
  }

  @Override
  public void onDisconnectException(Exception e, SocketIOClient client) {
    LOG.warn("push: a disconnect listener failed", e);
  }

  @Override
  public void onAuthException(Throwable e, SocketIOClient client) {
    LOG.debug("push: an auth payload was refused: {}", e.getClass().getSimpleName());
  }
}
