import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies weapp-auth access tokens offline with Java 16+ (built-in Ed25519, records) and Jackson (which Spring Boot
 * already has); no JOSE library. Thread-safe: make one per application.
 */
public final class WeappAuthVerifier {
  /** Clock difference tolerated for exp and iat: a few seconds, not minutes. */
  public static final long LEEWAY_SECONDS = 5;
  private static final Pattern BEARER = Pattern.compile(
      "^Bearer +([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+) *$", Pattern.CASE_INSENSITIVE);
  /** DER header of an X.509 SubjectPublicKeyInfo for Ed25519: the JWK's 32 bytes of x follow it. */
  private static final byte[] ED25519_SPKI = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A refused token: answer 401 with {@link #getCode()} (TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED). */
  public static final class TokenRejected extends Exception {
    private final String code;

    public TokenRejected(String code, String message) {
      super(message);
      this.code = code;
    }

    public String getCode() {
      return code;
    }
  }

  /** The key set cannot be fetched: answer 503, not 401 (a 401 sends every client into a new wx.login). */
  public static final class KeysUnavailable extends Exception {
    public KeysUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A verified token: the user, the session, the app, the expiry (epoch seconds) and every claim. */
  public record Claims(String userId, String sessionId, String appid, long expiresAt, JsonNode all) {}

  private final URI jwksUri;
  private final String appid;
  private final String issuer;
  private final long maxLifetimeSeconds;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Map<String, PublicKey> keys;
  private long fetchedAt; // System.nanoTime()

  /**
   * @param jwksUrl https://auth.example.com/.well-known/jwks.json
   * @param appid your mini program: tokens for another app are refused
   * @param issuer the server's TOKEN_ISSUER ("weapp-auth" by default)
   * @param maxLifetimeSeconds the server's ACCESS_TOKEN_TTL (900 by default)
   */
  public WeappAuthVerifier(String jwksUrl, String appid, String issuer, long maxLifetimeSeconds) {
    this.jwksUri = URI.create(jwksUrl);
    this.appid = appid;
    this.issuer = issuer;
    this.maxLifetimeSeconds = maxLifetimeSeconds;
  }

  /** The error JSON the server answers, for the 401 and 503 responses. */
  public static String errorBody(String code, String message) {
    return JSON.createObjectNode().set("error", JSON.createObjectNode().put("code", code).put("message", message)).toString();
  }

  /** Verifies the token of an Authorization header value (null when there is none). */
  public Claims verifyHeader(String authorization) throws TokenRejected, KeysUnavailable {
    if (authorization == null || authorization.isEmpty()) {
      throw new TokenRejected("TOKEN_MISSING", "send the access token as \"Authorization: Bearer <token>\"");
    }
    Matcher token = BEARER.matcher(authorization);
    if (!token.matches()) throw invalid("the Authorization header is not a Bearer token");
    return verify(token.group(1), token.group(2), token.group(3));
  }

  private Claims verify(String header64, String claims64, String signature64) throws TokenRejected, KeysUnavailable {
    JsonNode header = json(header64);
    String kid = text(header, "kid");
    if (!"EdDSA".equals(text(header, "alg")) || !"at+jwt".equals(text(header, "typ")) || kid == null) {
      throw invalid("not a weapp-auth access token");
    }
    PublicKey key = key(kid);
    if (key == null) throw invalid("the access token was not signed by a key of the server");
    byte[] signed = (header64 + "." + claims64).getBytes(StandardCharsets.US_ASCII);
    if (!signatureValid(key, signed, base64url(signature64))) throw invalid("the access token is not valid");

    JsonNode claims = json(claims64);
    if (!issuer.equals(text(claims, "iss")) || !appid.equals(text(claims, "aud"))) {
      throw invalid("the access token is not for this app");
    }
    String userId = text(claims, "sub");
    String sessionId = text(claims, "sid");
    JsonNode iat = claims.get("iat");
    JsonNode exp = claims.get("exp");
    if (userId == null || sessionId == null || !epochSeconds(iat) || !epochSeconds(exp)) {
      throw invalid("the access token lacks required claims");
    }
    long now = Instant.now().getEpochSecond();
    if (iat.asLong() > now + LEEWAY_SECONDS || exp.asLong() - iat.asLong() > maxLifetimeSeconds) {
      throw invalid("the access token was not issued the way the server issues them");
    }
    if (now > exp.asLong() + LEEWAY_SECONDS) throw new TokenRejected("TOKEN_EXPIRED", "the access token has expired; refresh it");
    return new Claims(userId, sessionId, appid, exp.asLong(), claims);
  }

  /** The key of a kid: the key set is cached for a minute (the server's max-age), and refetched (at most every 10 s) for an unknown kid. */
  private synchronized PublicKey key(String kid) throws KeysUnavailable {
    long age = System.nanoTime() - fetchedAt;
    if (keys == null || age > Duration.ofMinutes(1).toNanos() || (!keys.containsKey(kid) && age > Duration.ofSeconds(10).toNanos())) {
      keys = fetch();
      fetchedAt = System.nanoTime();
    }
    return keys.get(kid);
  }

  private Map<String, PublicKey> fetch() throws KeysUnavailable {
    try {
      HttpRequest request = HttpRequest.newBuilder(jwksUri).timeout(Duration.ofSeconds(5)).build();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) throw new IOException("answered " + response.statusCode());
      KeyFactory ed25519 = KeyFactory.getInstance("Ed25519");
      Map<String, PublicKey> found = new HashMap<>();
      for (JsonNode jwk : JSON.readTree(response.body()).path("keys")) {
        String kid = text(jwk, "kid");
        byte[] x = text(jwk, "x") == null ? new byte[0] : base64url(text(jwk, "x"));
        if ("OKP".equals(text(jwk, "kty")) && "Ed25519".equals(text(jwk, "crv")) && kid != null && x.length == 32) {
          byte[] spki = Arrays.copyOf(ED25519_SPKI, ED25519_SPKI.length + x.length);
          System.arraycopy(x, 0, spki, ED25519_SPKI.length, x.length);
          found.put(kid, ed25519.generatePublic(new X509EncodedKeySpec(spki)));
        }
      }
      return found;
    } catch (IOException | GeneralSecurityException e) {
      throw new KeysUnavailable("cannot fetch " + jwksUri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeysUnavailable("interrupted while fetching " + jwksUri, e);
    }
  }

  private static boolean signatureValid(PublicKey key, byte[] signed, byte[] signature) {
    try {
      Signature ed25519 = Signature.getInstance("Ed25519");
      ed25519.initVerify(key);
      ed25519.update(signed);
      return ed25519.verify(signature);
    } catch (SignatureException e) {
      return false; // a malformed signature
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 needs Java 15 or later", e);
    }
  }

  private static JsonNode json(String part) throws TokenRejected {
    try {
      JsonNode node = JSON.readTree(base64url(part));
      if (node != null && node.isObject()) return node;
    } catch (IOException e) {
      // not JSON: refused below
    }
    throw invalid("the access token is not valid");
  }

  /** Base64url without padding; nothing for text that is not (no JSON, no valid signature, no key). */
  private static byte[] base64url(String text) {
    try {
      return Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static boolean epochSeconds(JsonNode value) {
    return value != null && value.isIntegralNumber() && value.canConvertToLong();
  }

  private static TokenRejected invalid(String message) {
    return new TokenRejected("TOKEN_INVALID", message);
  }
}
