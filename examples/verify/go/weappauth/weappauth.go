// Package weappauth verifies weapp-auth access tokens offline, as net/http middleware.
// Needs Go >= 1.19 and github.com/golang-jwt/jwt/v4 (tested with Debian 12's Go 1.19 and golang-jwt 4.4.3).
package weappauth

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// Leeway is the clock difference tolerated for exp and iat: a few seconds, not minutes.
const Leeway = 5 * time.Second

var bearer = regexp.MustCompile(`(?i)^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$`)

// Claims of a verified token: Subject is the user id, Sid the session, Audience[0] the appid.
type Claims struct {
	Sid string `json:"sid"`
	jwt.RegisteredClaims
}

// TokenError is a refused token: answer 401 with its Code (TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED).
type TokenError struct{ Code, Message string }

func (e *TokenError) Error() string { return e.Code + ": " + e.Message }

func invalid(message string) error { return &TokenError{"TOKEN_INVALID", message} }

// ErrKeysUnavailable means the key set cannot be fetched: answer 503, not 401 (a 401 sends every client into a
// new wx.login).
var ErrKeysUnavailable = errors.New("weapp-auth key set unavailable")

// Verifier checks tokens against the server's JWKS, cached for a minute (the server's max-age) and refetched (at most every 10 s) for a
// kid it does not know, as after a key rotation. Set the fields before the first request.
type Verifier struct {
	JWKSURL     string        // https://auth.example.com/.well-known/jwks.json
	Appid       string        // your mini program: tokens for another app are refused
	Issuer      string        // the server's TOKEN_ISSUER
	MaxLifetime time.Duration // the server's ACCESS_TOKEN_TTL
	Client      *http.Client

	mu        sync.Mutex
	keys      map[string]ed25519.PublicKey
	fetchedAt time.Time
}

// New returns a Verifier with the server's defaults (issuer weapp-auth, 900 s tokens) and a 5 s JWKS timeout.
func New(jwksURL, appid string) *Verifier {
	return &Verifier{JWKSURL: jwksURL, Appid: appid, Issuer: "weapp-auth", MaxLifetime: 900 * time.Second,
		Client: &http.Client{Timeout: 5 * time.Second}}
}

// VerifyHeader verifies the token of an Authorization header: the claims, a *TokenError, or ErrKeysUnavailable.
func (v *Verifier) VerifyHeader(ctx context.Context, authorization string) (*Claims, error) {
	if authorization == "" {
		return nil, &TokenError{"TOKEN_MISSING", `send the access token as "Authorization: Bearer <token>"`}
	}
	match := bearer.FindStringSubmatch(authorization)
	if match == nil {
		return nil, invalid("the Authorization header is not a Bearer token")
	}
	return v.Verify(ctx, match[1])
}

// Verify checks the EdDSA signature with the JWKS key of the token's kid, typ, iss, aud, exp and iat.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	claims := &Claims{}
	var lookup error // what the key function refused with (golang-jwt wraps it)
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (interface{}, error) {
		kid, _ := t.Header["kid"].(string)
		if t.Header["typ"] != "at+jwt" || kid == "" {
			lookup = invalid("not a weapp-auth access token")
			return nil, lookup
		}
		var key ed25519.PublicKey
		key, lookup = v.key(ctx, kid)
		return key, lookup
	}, jwt.WithValidMethods([]string{"EdDSA"}), jwt.WithoutClaimsValidation()) // claims are checked below
	switch {
	case lookup != nil:
		return nil, lookup
	case err != nil:
		return nil, invalid("the access token is not valid")
	}
	now := time.Now()
	switch {
	case claims.Issuer != v.Issuer || !claims.VerifyAudience(v.Appid, true):
		return nil, invalid("the access token is not for this app")
	case claims.Subject == "" || claims.Sid == "" || claims.IssuedAt == nil || claims.ExpiresAt == nil:
		return nil, invalid("the access token lacks required claims")
	case claims.IssuedAt.After(now.Add(Leeway)) || claims.ExpiresAt.Sub(claims.IssuedAt.Time) > v.MaxLifetime:
		return nil, invalid("the access token was not issued the way the server issues them")
	case now.After(claims.ExpiresAt.Add(Leeway)):
		return nil, &TokenError{"TOKEN_EXPIRED", "the access token has expired; refresh it"}
	}
	return claims, nil
}

func (v *Verifier) key(ctx context.Context, kid string) (ed25519.PublicKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	age := time.Since(v.fetchedAt)
	if v.keys == nil || age > time.Minute || (v.keys[kid] == nil && age > 10*time.Second) {
		keys, err := v.fetch(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeysUnavailable, err)
		}
		v.keys, v.fetchedAt = keys, time.Now()
	}
	if key := v.keys[kid]; key != nil {
		return key, nil
	}
	return nil, invalid("the access token was not signed by a key of the server")
}

func (v *Verifier) fetch(ctx context.Context) (map[string]ed25519.PublicKey, error) {
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, v.JWKSURL, nil)
	if err != nil {
		return nil, err
	}
	response, err := v.Client.Do(request)
	if err != nil {
		return nil, err
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %d", v.JWKSURL, response.StatusCode)
	}
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Crv string `json:"crv"`
			Kid string `json:"kid"`
			X   string `json:"x"`
		} `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(response.Body, 1<<20)).Decode(&set); err != nil {
		return nil, err
	}
	keys := map[string]ed25519.PublicKey{}
	for _, k := range set.Keys {
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if k.Kty == "OKP" && k.Crv == "Ed25519" && k.Kid != "" && err == nil && len(x) == ed25519.PublicKeySize {
			keys[k.Kid] = ed25519.PublicKey(x)
		}
	}
	return keys, nil
}

type contextKey struct{}

// ClaimsFrom returns the claims Middleware put on a request's context.
func ClaimsFrom(ctx context.Context) (*Claims, bool) {
	claims, ok := ctx.Value(contextKey{}).(*Claims)
	return claims, ok
}

// Middleware refuses requests without a valid token with the server's error JSON; handlers call ClaimsFrom.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, err := v.VerifyHeader(r.Context(), r.Header.Get("Authorization"))
		var refused *TokenError
		switch {
		case errors.As(err, &refused):
			answer(w, http.StatusUnauthorized, refused.Code, refused.Message)
		case err != nil:
			answer(w, http.StatusServiceUnavailable, "AUTH_UNAVAILABLE", "cannot check the access token now; try again later")
		default:
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), contextKey{}, claims)))
		}
	})
}

func answer(w http.ResponseWriter, status int, code, message string) {
	body, _ := json.Marshal(map[string]map[string]string{"error": {"code": code, "message": message}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
