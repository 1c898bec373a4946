package io.toutiao.push.internal;

import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.messages.PacketsMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Consumer;

/**
 * Tells when an Engine.IO 4 client's CONNECT packet to the default namespace has been handled (its
 * auth payload checked and the CONNECT answered), which netty-socketio's connect listeners do not:
 * they run once, at the transport handshake. Sits before the packet handler, which runs
 * synchronously in the same call. Internal.
 */
@ChannelHandler.Sharable
public final class Admission extends ChannelInboundHandlerAdapter {

  private final Consumer<ClientHead> connected;

  /**
   * Creates the handler.
   *
   * @param connected called after a message with a CONNECT to the default namespace was handled
   */
  public Admission(Consumer<ClientHead> connected) {
    this.connected = connected;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PacketsMessage message && connectsDefault(message.getContent())) {
      ClientHead client = message.getClient();
      ctx.fireChannelRead(msg);
      connected.accept(client);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * Tells whether a payload holds a CONNECT packet ({@code 40}) to the default namespace; payloads
   * of the polling transport hold packets separated by 0x1E.
   *
   * @param content the payload, not consumed
   * @return true when one of its packets is such a CONNECT
   */
  static boolean connectsDefault(ByteBuf content) {
    int start = content.readerIndex();
    int end = content.writerIndex();
    while (start < end) {
      if (end - start >= 2
          && content.getByte(start) == '4'
          && content.getByte(start + 1) == '0'
          && (end - start == 2 || content.getByte(start + 2) != '/')) {
        return true;
      }
      int separator = content.indexOf(start, end, (byte) 0x1e);
      if (separator < 0) {
        return false;
      }
      start = separator + 1;
    }
    return false;
  }
}
