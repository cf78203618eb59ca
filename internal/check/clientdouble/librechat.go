package clientdouble

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

func init() {
	register("librechat", Double{App: "LibreChat", Of: "LibreChat v0.8.6's /api/config and /oauth/openid", Start: startLibreChat})
}

func startLibreChat(ctx context.Context, env map[string]string, c *http.Client) (http.Handler, error) {
	lc := NewLibreChat(env)
	if err := lc.Boot(ctx, c); err != nil {
		return nil, err
	}
	return lc, nil
}

// DefaultSocialLogins is librechat-data-provider's defaultSocialLogins, the
// list /api/config answers when librechat.yaml sets no
// registration.socialLogins.
var DefaultSocialLogins = []string{"google", "facebook", "openid", "github", "discord", "saml"}

// LibreChat answers like LibreChat v0.8.6 (danny-avila/LibreChat; v0.8.6's
// behaviour as ../shared/docs/librechat.md read it at release commit
// 566e20b61, the files below re-read at the stored commits named):
//   - GET /api/config: api/server/routes/config.js @00450b59
//     buildPreLoginPayload, the anonymous branch (socialLogins from
//     librechat.yaml or the default).
//   - GET /oauth/openid: api/server/routes/oauth.js @00710016 passport.authenticate
//     ('openid', {state}); the openid-client v6 passport Strategy redirects
//     to the discovered authorization_endpoint with client_id,
//     redirect_uri = DOMAIN_SERVER + OPENID_CALLBACK_URL
//     (api/strategies/openidStrategy.js), response_type=code, scope =
//     OPENID_SCOPE, an S256 code_challenge, state, and a nonce with
//     OPENID_GENERATE_NONCE. Without a registered strategy passport throws
//     "Unknown authentication strategy" and the ErrorController
//     (packages/api/src/middleware/error.ts @00b3bc32) answers 500 "An
//     unknown error occurred.".
//
// The strategy is registered at boot only when ALLOW_SOCIAL_LOGIN is true
// (api/server/index.js), OPENID_CLIENT_ID, the secret (or OPENID_USE_PKCE),
// OPENID_ISSUER, OPENID_SCOPE and OPENID_SESSION_SECRET are set
// (api/server/socialLogins.js) and discovery succeeded; Boot does that
// discovery once, as LibreChat does.
type LibreChat struct {
	// Env is the environment LibreChat started with (its .env).
	Env map[string]string
	// SocialLogins is librechat.yaml's registration.socialLogins; nil means
	// not set (the default list).
	SocialLogins []string
	// AuthorizationEndpoint is what discovery at boot returned; "" means
	// discovery failed (or never ran) and the strategy is not registered.
	AuthorizationEndpoint string
}

// NewLibreChat is LibreChat started with env; call Boot to run discovery.
func NewLibreChat(env map[string]string) *LibreChat {
	return &LibreChat{Env: copyEnv(env)}
}

// Boot fetches OPENID_ISSUER's discovery document once, as LibreChat's
// setupOpenId does at start. An error leaves the strategy unregistered (as
// LibreChat logs "[openidStrategy]" and carries on) and is returned.
// Unlike LibreChat, it accepts a plain-http issuer: the local sandbox.
func (l *LibreChat) Boot(ctx context.Context, c *http.Client) error {
	l.AuthorizationEndpoint = ""
	if !l.strategyVarsSet() {
		return fmt.Errorf("openid strategy not registered: a required variable is missing")
	}
	issuer := l.Env["OPENID_ISSUER"]
	doc := issuer
	if !strings.Contains(issuer, "/.well-known/") {
		doc = strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	}
	endpoint, status, err := fetchAuthorizationEndpoint(ctx, c, doc)
	switch {
	case err != nil:
		return fmt.Errorf("[openidStrategy] %w", err)
	case status != http.StatusOK:
		return fmt.Errorf("[openidStrategy] discovery answered HTTP %d", status)
	case endpoint == "":
		return fmt.Errorf("[openidStrategy] discovery document unreadable")
	}
	l.AuthorizationEndpoint = endpoint
	return nil
}

// isEnabled is LibreChat's: only "true", trimmed, any case.
func isEnabled(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "true") }

func (l *LibreChat) openIDEnabled() bool {
	e := l.Env
	return e["OPENID_CLIENT_ID"] != "" && (isEnabled(e["OPENID_USE_PKCE"]) || strings.TrimSpace(e["OPENID_CLIENT_SECRET"]) != "") &&
		e["OPENID_ISSUER"] != "" && e["OPENID_SESSION_SECRET"] != ""
}

func (l *LibreChat) strategyVarsSet() bool {
	return isEnabled(l.Env["ALLOW_SOCIAL_LOGIN"]) && l.openIDEnabled() && l.Env["OPENID_SCOPE"] != ""
}

func (l *LibreChat) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	switch r.URL.Path {
	case "/api/config":
		l.config(w)
	case "/oauth/openid":
		l.login(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (l *LibreChat) config(w http.ResponseWriter) {
	e := l.Env
	label := e["OPENID_BUTTON_LABEL"]
	if label == "" {
		label = "Continue with OpenID"
	}
	server := e["DOMAIN_SERVER"]
	if server == "" {
		server = "http://localhost:3080"
	}
	social := l.SocialLogins
	if social == nil {
		social = DefaultSocialLogins
	}
	title := e["APP_TITLE"]
	if title == "" {
		title = "LibreChat"
	}
	enabled := l.openIDEnabled()
	payload := map[string]any{
		"appTitle":            title,
		"openidLoginEnabled":  enabled,
		"openidLabel":         label,
		"openidAutoRedirect":  isEnabled(e["OPENID_AUTO_REDIRECT"]),
		"samlLoginEnabled":    false,
		"serverDomain":        server,
		"emailLoginEnabled":   e["ALLOW_EMAIL_LOGIN"] == "" || isEnabled(e["ALLOW_EMAIL_LOGIN"]),
		"registrationEnabled": isEnabled(e["ALLOW_REGISTRATION"]),
		"socialLoginEnabled":  isEnabled(e["ALLOW_SOCIAL_LOGIN"]),
		"socialLogins":        social,
	}
	if v, ok := e["OPENID_IMAGE_URL"]; ok && v != "" {
		payload["openidImageUrl"] = v
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(payload)
}

func (l *LibreChat) login(w http.ResponseWriter, r *http.Request) {
	if l.AuthorizationEndpoint == "" || !l.strategyVarsSet() {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("An unknown error occurred."))
		return
	}
	q := url.Values{}
	q.Set("client_id", l.Env["OPENID_CLIENT_ID"])
	q.Set("scope", l.Env["OPENID_SCOPE"])
	q.Set("redirect_uri", l.Env["DOMAIN_SERVER"]+l.Env["OPENID_CALLBACK_URL"])
	q.Set("response_type", "code")
	q.Set("code_challenge", challenge())
	q.Set("code_challenge_method", "S256")
	q.Set("state", random())
	if isEnabled(l.Env["OPENID_GENERATE_NONCE"]) {
		q.Set("nonce", random())
	}
	http.Redirect(w, r, l.AuthorizationEndpoint+"?"+q.Encode(), http.StatusFound)
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func challenge() string {
	sum := sha256.Sum256([]byte(random()))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
