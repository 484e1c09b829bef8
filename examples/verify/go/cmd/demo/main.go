// A backend with one route, GET /whoami, behind weappauth's middleware.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"example.com/weappauth/weappauth"
)

func main() {
	verifier := weappauth.New(os.Getenv("WEAPP_AUTH_JWKS_URL"), os.Getenv("WEAPP_AUTH_APPID"))
	if issuer := os.Getenv("WEAPP_AUTH_ISSUER"); issuer != "" {
		verifier.Issuer = issuer
	}
	if seconds, err := strconv.Atoi(os.Getenv("WEAPP_AUTH_MAX_LIFETIME")); err == nil {
		verifier.MaxLifetime = time.Duration(seconds) * time.Second
	}
	whoami := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, _ := weappauth.ClaimsFrom(r.Context())
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(map[string]string{"userId": claims.Subject, "sessionId": claims.Sid, "appid": claims.Audience[0]})
	})
	listener, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("PORT"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %d\n", listener.Addr().(*net.TCPAddr).Port)
	log.Fatal(http.Serve(listener, verifier.Middleware(whoami)))
}
