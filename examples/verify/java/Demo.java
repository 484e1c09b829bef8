import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A backend with one route, GET /whoami, behind WeappAuthVerifier (JDK's own HTTP server, no framework). */
public final class Demo {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws IOException {
    WeappAuthVerifier verifier = new WeappAuthVerifier(
        System.getenv("WEAPP_AUTH_JWKS_URL"),
        System.getenv("WEAPP_AUTH_APPID"),
        env("WEAPP_AUTH_ISSUER", "weapp-auth"),
        Long.parseLong(env("WEAPP_AUTH_MAX_LIFETIME", "900")));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(env("PORT", "8080"))), 0);
    server.createContext("/", exchange -> {
      try {
        WeappAuthVerifier.Claims claims = verifier.verifyHeader(exchange.getRequestHeaders().getFirst("Authorization"));
        answer(exchange, 200, JSON.createObjectNode()
            .put("userId", claims.userId()).put("sessionId", claims.sessionId()).put("appid", claims.appid()).toString());
      } catch (WeappAuthVerifier.TokenRejected e) {
        answer(exchange, 401, WeappAuthVerifier.errorBody(e.getCode(), e.getMessage()));
      } catch (WeappAuthVerifier.KeysUnavailable e) {
        answer(exchange, 503, WeappAuthVerifier.errorBody("AUTH_UNAVAILABLE", "cannot check the access token now; try again later"));
      }
    });
    server.start();
    System.out.println("listening on " + server.getAddress().getPort());
  }

  private static void answer(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
