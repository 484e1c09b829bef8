import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Spring Boot 3: answers the server's error JSON for refused tokens and makes the user id the principal.
 * With Spring Security: http.addFilterBefore(new WeappAuthFilter(verifier), AuthorizationFilter.class).
 * Without it: register it as a FilterRegistrationBean on your API's URL patterns, and drop the SecurityContext line.
 */
public final class WeappAuthFilter extends OncePerRequestFilter {
  private final WeappAuthVerifier verifier;

  public WeappAuthFilter(WeappAuthVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      WeappAuthVerifier.Claims claims = verifier.verifyHeader(request.getHeader("Authorization"));
      request.setAttribute("weappAuth", claims);
      SecurityContextHolder.getContext().setAuthentication(
          UsernamePasswordAuthenticationToken.authenticated(claims.userId(), claims, List.of()));
    } catch (WeappAuthVerifier.TokenRejected e) {
      answer(response, 401, WeappAuthVerifier.errorBody(e.getCode(), e.getMessage()));
      return;
    } catch (WeappAuthVerifier.KeysUnavailable e) {
      answer(response, 503, WeappAuthVerifier.errorBody("AUTH_UNAVAILABLE", "cannot check the access token now; try again later"));
      return;
    }
    chain.doFilter(request, response);
  }

  private static void answer(HttpServletResponse response, int status, String json) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json;charset=UTF-8");
    response.getWriter().write(json);
  }
}
