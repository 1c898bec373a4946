package io.toutiao.push.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sits before the Socket.IO handshake: takes the {@code token} query parameter out of every
 * request's URI (so no later handler or log sees it), verifies it on the handshake request, and
 * answers 401 when it is refused. The verified user travels to the handshake in a header whose name
 * is random per server and which is removed from every incoming request first, so a client cannot
 * set it. Internal.
 */
@ChannelHandler.Sharable
public final class TokenGuard extends ChannelInboundHandlerAdapter {

  private final String path;
  private final String userHeader;
  private final boolean queryToken;
  private final Function<String, String> authenticate;

  /**
   * Creates the guard.
   *
   * @param path the Socket.IO path
   * @param userHeader the header that carries the verified user id
   * @param queryToken whether a query token is accepted (else it is refused with 401)
   * @param authenticate token to user id, or null when refused; must not throw
   */
  public TokenGuard(
      String path, String userHeader, boolean queryToken, Function<String, String> authenticate) {
    this.path = path.endsWith("/") ? path : path + "/";
    this.userHeader = userHeader;
    this.queryToken = queryToken;
    this.authenticate = authenticate;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    request.headers().remove(userHeader);
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    Map<String, List<String>> parameters = query.parameters();
    List<String> tokens = parameters.get("token");
    if (tokens == null) {
      ctx.fireChannelRead(msg);
      return;
    }
    QueryStringEncoder rebuilt = new QueryStringEncoder(query.rawPath());
    for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
      if (!parameter.getKey().equals("token")) {
        for (String value : parameter.getValue()) {
          rebuilt.addParam(parameter.getKey(), value);
        }
      }
    }
    request.setUri(rebuilt.toString());
    boolean handshake =
        (query.path().equals(path) || (query.path() + "/").equals(path))
            && !parameters.containsKey("sid");
    if (handshake) {
      String user =
          queryToken && tokens.size() == 1 && !tokens.get(0).isEmpty()
              ? authenticate.apply(tokens.get(0))
              : null;
      if (user == null) {
        request.release();
        refuse(ctx);
        return;
      }
      request.headers().set(userHeader, user);
    }
    ctx.fireChannelRead(msg);
  }

  private static void refuse(ChannelHandlerContext ctx) {
    byte[] body = "{\"code\":401,\"message\":\"invalid token\"}".getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
