package check

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// LibreChat's public endpoints, as its source answers them (v0.8.6 per
// ../shared/docs/librechat.md; config.js re-read at 00450b59, oauth.js at
// 00710016; clientdouble.LibreChat is the double the tests run against):
//   - GET /api/config (api/server/routes/config.js, buildPreLoginPayload):
//     openidLoginEnabled needs OPENID_CLIENT_ID, OPENID_CLIENT_SECRET (or
//     OPENID_USE_PKCE), OPENID_ISSUER and OPENID_SESSION_SECRET, but not
//     OPENID_SCOPE; socialLoginEnabled is ALLOW_SOCIAL_LOGIN; socialLogins is
//     librechat.yaml's registration.socialLogins or the default list; the
//     login page shows the button only when all three agree.
//   - GET /oauth/openid (api/server/routes/oauth.js): passport.authenticate
//     ('openid'), a 302 to the discovered authorization endpoint; when the
//     strategy was never registered (discovery failed at boot, a variable
//     missing, ALLOW_SOCIAL_LOGIN off) passport throws "Unknown
//     authentication strategy" and the ErrorController answers 500.
func init() {
	RegisterClientProbe("librechat", ClientProbe{App: "LibreChat", ReadyPath: "/api/config", Run: probeLibreChat})
}

// The items of LibreChat's own probes.
const (
	lcItemStartup      = "startup config"
	lcItemButton       = "button label and image"
	lcItemServerDomain = "DOMAIN_SERVER"
	lcItemPKCE         = "PKCE"
)

// libreChatConfig is the part of /api/config the probe reads.
type libreChatConfig struct {
	OpenIDLoginEnabled *bool    `json:"openidLoginEnabled"`
	SocialLoginEnabled *bool    `json:"socialLoginEnabled"`
	OpenIDLabel        string   `json:"openidLabel"`
	OpenIDImageURL     string   `json:"openidImageUrl"`
	ServerDomain       string   `json:"serverDomain"`
	SocialLogins       []string `json:"socialLogins"`
}

const restartHint = "LibreChat reads its .env only at start: it was not restarted since the .env changed, or it reads another file"

func probeLibreChat(ctx context.Context, p *Prober, t ClientTarget) []Item {
	var items []Item
	add := adderFor(&items)

	resp, err := p.Get(ctx, "/api/config")
	var cfg libreChatConfig
	switch {
	case err != nil:
		add(lcItemStartup, Fail, "GET /api/config: %s", shortErr(err))
	case resp.Status != http.StatusOK:
		add(lcItemStartup, Fail, "GET /api/config answered HTTP %d; is %s LibreChat's public URL?", resp.Status, t.URL)
	case json.Unmarshal(resp.Body, &cfg) != nil || cfg.OpenIDLoginEnabled == nil || cfg.SocialLoginEnabled == nil:
		add(lcItemStartup, Fail, "GET /api/config did not answer LibreChat's startup config; is %s LibreChat's public URL?", t.URL)
	default:
		libreChatButton(add, cfg, t)
	}

	// Without these the strategy is never registered: the 500 below then
	// has that cause, already named on the button item.
	varsMissing := cfg.SocialLoginEnabled != nil && cfg.OpenIDLoginEnabled != nil && (!*cfg.SocialLoginEnabled || !*cfg.OpenIDLoginEnabled)
	resp, err = p.Get(ctx, "/oauth/openid")
	switch {
	case err != nil:
		add(ItemLoginRedirect, Fail, "GET /oauth/openid: %s", shortErr(err))
	case resp.Status >= 500 && varsMissing:
		add(ItemLoginRedirect, Fail, "GET /oauth/openid answered HTTP %d: LibreChat has no openid strategy (\"Unknown authentication strategy\"), for the reason the login button item gives", resp.Status)
	case resp.Status >= 500:
		add(ItemLoginRedirect, Fail, "GET /oauth/openid answered HTTP %d: LibreChat has no openid strategy (\"Unknown authentication strategy\"). "+
			"Discovery failed at boot (authentik unreachable then, or OPENID_ISSUER wrong, quoted or not https) or OPENID_SCOPE is missing: "+
			"restart LibreChat once authentik is up, and read its log for \"[openidStrategy]\"", resp.Status)
	case resp.Status == http.StatusNotFound:
		add(ItemLoginRedirect, Fail, "GET /oauth/openid answered HTTP 404; is %s LibreChat's public URL (DOMAIN_SERVER)?", t.URL)
	case !isRedirect(resp.Status) || resp.Location == "":
		add(ItemLoginRedirect, Fail, "GET /oauth/openid answered HTTP %d, not a redirect to authentik", resp.Status)
	default:
		got, q := checkAuthorizeRedirect(p.App, resp.Location, t, redirectCauses{
			elsewhere:   "OPENID_ISSUER names another server, or " + restartHint + " (it discovers authentik's endpoints once, at boot)",
			clientID:    libreChatClientIDCause(t),
			redirectURI: libreChatRedirectCause(t),
			scope:       "LibreChat sends OPENID_SCOPE as written (quotes included); " + restartHint,
		})
		items = append(items, got...)
		if q != nil {
			if q.Get("code_challenge") != "" && q.Get("code_challenge_method") == "S256" {
				add(lcItemPKCE, Pass, "code_challenge (S256)")
			} else {
				add(lcItemPKCE, Warn, "no S256 code_challenge: LibreChat v0.8 (openid-client v6) always sends one; an older LibreChat or something in front of it answered")
			}
		}
	}
	return items
}

func libreChatButton(add func(string, Status, string, ...any), cfg libreChatConfig, t ClientTarget) {
	switch {
	case !*cfg.SocialLoginEnabled:
		add(ItemLoginButton, Fail, "socialLoginEnabled is false: ALLOW_SOCIAL_LOGIN is not true where LibreChat runs, so it hides every social button; %s", restartHint)
	case !*cfg.OpenIDLoginEnabled:
		add(ItemLoginButton, Fail, "openidLoginEnabled is false: LibreChat does not see OPENID_CLIENT_ID, OPENID_CLIENT_SECRET, OPENID_ISSUER and OPENID_SESSION_SECRET all set; %s", restartHint)
	case !slices.Contains(cfg.SocialLogins, "openid"):
		add(ItemLoginButton, Fail, "the button is hidden by librechat.yaml: registration.socialLogins is [%s] without openid; add openid and restart LibreChat", strings.Join(cfg.SocialLogins, ", "))
	default:
		add(ItemLoginButton, Pass, "openid among [%s]", strings.Join(cfg.SocialLogins, ", "))
	}
	if t.ButtonLabel != "" || t.ImageURL != "" {
		switch {
		case t.ButtonLabel != "" && cfg.OpenIDLabel != t.ButtonLabel:
			add(lcItemButton, Fail, "LibreChat shows %q, the manifest says %q: %s", cfg.OpenIDLabel, t.ButtonLabel, restartHint)
		case t.ImageURL != "" && cfg.OpenIDImageURL != t.ImageURL:
			add(lcItemButton, Fail, "LibreChat's button image is %q, the manifest's %q: %s", cfg.OpenIDImageURL, t.ImageURL, restartHint)
		default:
			add(lcItemButton, Pass, "%q", cfg.OpenIDLabel)
		}
	}
	if serverDomain(t) != "" {
		switch cfg.ServerDomain {
		case serverDomain(t):
			add(lcItemServerDomain, Pass, "%s", cfg.ServerDomain)
		case serverDomain(t) + "/":
			add(lcItemServerDomain, Fail, "DOMAIN_SERVER mismatch: LibreChat runs with %s, ending with '/', so it sends //oauth/openid/callback, which authentik's strict redirect URI refuses; drop the slash and restart LibreChat", cfg.ServerDomain)
		default:
			add(lcItemServerDomain, Fail, "DOMAIN_SERVER mismatch: LibreChat runs with %s, the manifest's is %s, so its callback is not the redirect URI authentik allows; %s", cfg.ServerDomain, serverDomain(t), restartHint)
		}
	}
}

// serverDomain is the DOMAIN_SERVER the output's settings hold ("" when
// they hold none: not compared).
func serverDomain(t ClientTarget) string { return t.Settings["DOMAIN_SERVER"] }

func libreChatClientIDCause(t ClientTarget) string {
	switch {
	case t.FileClientID == t.ClientID:
		return "stale variables: the .env has authentik's client id, so LibreChat was not restarted since the .env changed (or reads another file); restart it"
	case t.FileClientID != "":
		return "the .env's OPENID_CLIENT_ID is not authentik's either: " + rewriteHint(t.Rewrite, "it") + ", then restart LibreChat"
	default:
		return "the .env is out of date (" + rewriteHint(t.Rewrite, "it") + ") or " + restartHint
	}
}

func libreChatRedirectCause(t ClientTarget) string {
	if serverDomain(t) == "" {
		return "DOMAIN_SERVER mismatch: LibreChat sends DOMAIN_SERVER + /oauth/openid/callback"
	}
	return fmt.Sprintf("DOMAIN_SERVER mismatch: LibreChat sends DOMAIN_SERVER + /oauth/openid/callback, so DOMAIN_SERVER must be %s (no trailing slash); %s", serverDomain(t), restartHint)
}
