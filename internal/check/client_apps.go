package check

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The probes of the issue 29 apps; each double in clientdouble follows the
// same source.

func init() {
	// Vaultwarden 1.37.2, src/api/identity.rs: prevalidate answers 200
	// with a token only when SSO is enabled; connect/authorize (the web
	// vault's request) redirects to the authorization endpoint.
	RegisterClientProbe("vaultwarden", ClientProbe{App: "Vaultwarden", ReadyPath: "/identity/sso/prevalidate", Run: probeVaultwarden})
	// Mealie v2.0.0: /api/app/about (enableOidc, oidcProviderName) and
	// /api/auth/oauth (302 to authentik).
	RegisterClientProbe("mealie", ClientProbe{App: "Mealie", ReadyPath: "/api/app/about", Run: probeMealie})
	// Immich v2.2.2: /api/server/features (oauth) and /api/server/config
	// (oauthButtonText); its login redirect is a POST, not probed.
	RegisterClientProbe("immich", ClientProbe{App: "Immich", ReadyPath: "/api/server/ping", Run: probeImmich})
	// Outline v1.9.2: GET /auth/oidc redirects to authentik.
	RegisterClientProbe("outline", ClientProbe{App: "Outline", ReadyPath: "/_health", Run: probeOutline})
}

const restartApp = "it reads its settings at start: restart it after changing them"

// probeRedirect GETs path and checks the login redirect it answers.
func probeRedirect(ctx context.Context, p *Prober, t ClientTarget, path string, causes redirectCauses, notFound string) []Item {
	var items []Item
	add := adderFor(&items)
	resp, err := p.Get(ctx, path)
	switch {
	case err != nil:
		add(ItemLoginRedirect, Fail, "GET %s: %s", path, shortErr(err))
	case resp.Status == http.StatusNotFound && notFound != "":
		add(ItemLoginRedirect, Fail, "GET %s answered 404: %s", path, notFound)
	case !isRedirect(resp.Status) || resp.Location == "":
		add(ItemLoginRedirect, Fail, "GET %s answered HTTP %d, not a redirect to authentik: %s", path, resp.Status, errorText(resp.Body))
	default:
		got, _ := checkAuthorizeRedirect(p.App, resp.Location, t, causes)
		items = append(items, got...)
	}
	return items
}

// errorText is the message of a JSON error body, or "" .
func errorText(body []byte) string {
	var e struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Message + e.Detail
}

func probeVaultwarden(ctx context.Context, p *Prober, t ClientTarget) []Item {
	var items []Item
	add := adderFor(&items)
	resp, err := p.Get(ctx, "/identity/sso/prevalidate")
	var pre struct {
		Token string `json:"token"`
	}
	switch {
	case err != nil:
		add(ItemLoginButton, Fail, "GET /identity/sso/prevalidate: %s", shortErr(err))
	case resp.Status == http.StatusOK && json.Unmarshal(resp.Body, &pre) == nil && pre.Token != "":
		add(ItemLoginButton, Pass, "SSO enabled (Use single sign-on)")
	default:
		add(ItemLoginButton, Fail, "GET /identity/sso/prevalidate answered HTTP %d (%s): SSO is off; SSO_ENABLED must be true, and %s", resp.Status, errorText(resp.Body), restartApp)
	}
	// What the web vault sends when the user clicks "Use single sign-on".
	q := url.Values{
		"client_id": {"web"}, "redirect_uri": {strings.TrimSuffix(t.URL, "/") + "/sso-connector.html"},
		"response_type": {"code"}, "scope": {"api offline_access"}, "state": {"provision-check"},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"},
	}
	return append(items, probeRedirect(ctx, p, t, "/identity/connect/authorize?"+q.Encode(), redirectCauses{
		elsewhere:   "SSO_AUTHORITY names another issuer; " + restartApp,
		clientID:    "SSO_CLIENT_ID is stale; " + restartApp,
		redirectURI: "Vaultwarden builds it from DOMAIN: set DOMAIN to the public URL; " + restartApp,
		scope:       "SSO_SCOPES differs; " + restartApp,
	}, "")...)
}

func probeMealie(ctx context.Context, p *Prober, t ClientTarget) []Item {
	var items []Item
	add := adderFor(&items)
	resp, err := p.Get(ctx, "/api/app/about")
	var about struct {
		EnableOidc       *bool  `json:"enableOidc"`
		OidcProviderName string `json:"oidcProviderName"`
	}
	switch {
	case err != nil:
		add(ItemLoginButton, Fail, "GET /api/app/about: %s", shortErr(err))
	case resp.Status != http.StatusOK || json.Unmarshal(resp.Body, &about) != nil || about.EnableOidc == nil:
		add(ItemLoginButton, Fail, "GET /api/app/about (HTTP %d) is not Mealie's; is %s Mealie's public URL?", resp.Status, t.URL)
	case !*about.EnableOidc:
		add(ItemLoginButton, Fail, "Mealie's OIDC is not ready: OIDC_AUTH_ENABLED, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_CONFIGURATION_URL must all be set; %s", restartApp)
	case t.ButtonLabel != "" && about.OidcProviderName != t.ButtonLabel:
		add(ItemLoginButton, Fail, "the button says %q, the manifest's OIDC_PROVIDER_NAME is %q; %s", about.OidcProviderName, t.ButtonLabel, restartApp)
	default:
		add(ItemLoginButton, Pass, "Login with %s", about.OidcProviderName)
	}
	// Mealie asks for openid email profile (and the groups claim's name):
	// compare what it sends besides that name with the provider's.
	tt := t
	tt.Scopes = nil
	got := probeRedirect(ctx, p, tt, "/api/auth/oauth", redirectCauses{
		elsewhere:   "OIDC_CONFIGURATION_URL names another server; " + restartApp,
		clientID:    "OIDC_CLIENT_ID is stale; " + restartApp,
		redirectURI: "Mealie builds it from the address it is reached at: its proxy must forward the public host",
	}, "")
	items = append(items, got...)
	if loc := redirectTarget(ctx, p, "/api/auth/oauth"); loc != nil {
		var missing []string
		for _, s := range strings.Fields(loc.Query().Get("scope")) {
			if !slices.Contains(t.Scopes, s) && s != t.Settings["OIDC_GROUPS_CLAIM"] && s != "groups" {
				missing = append(missing, s)
			}
		}
		if len(missing) == 0 {
			add(ItemScopeSent, Pass, "%s", loc.Query().Get("scope"))
		} else {
			add(ItemScopeSent, Fail, "Mealie asks for %s, which the provider does not declare: add them to its scopes", strings.Join(missing, ", "))
		}
	}
	return items
}

// redirectTarget is where GET path redirects, or nil.
func redirectTarget(ctx context.Context, p *Prober, path string) *url.URL {
	resp, err := p.Get(ctx, path)
	if err != nil || !isRedirect(resp.Status) {
		return nil
	}
	u, err := url.Parse(resp.Location)
	if err != nil {
		return nil
	}
	return u
}

func probeImmich(ctx context.Context, p *Prober, t ClientTarget) []Item {
	var items []Item
	add := adderFor(&items)
	resp, err := p.Get(ctx, "/api/server/features")
	var features struct {
		OAuth *bool `json:"oauth"`
	}
	var cfg struct {
		OAuthButtonText string `json:"oauthButtonText"`
	}
	switch {
	case err != nil:
		add(ItemLoginButton, Fail, "GET /api/server/features: %s", shortErr(err))
	case resp.Status != http.StatusOK || json.Unmarshal(resp.Body, &features) != nil || features.OAuth == nil:
		add(ItemLoginButton, Fail, "GET /api/server/features (HTTP %d) is not Immich's; is %s Immich's public URL?", resp.Status, t.URL)
	case !*features.OAuth:
		add(ItemLoginButton, Fail, "Immich's OAuth is off: oauth.enabled must be true in the config file it reads (IMMICH_CONFIG_FILE); %s", restartApp)
	default:
		want := t.Settings["oauth.buttonText"]
		resp, err := p.Get(ctx, "/api/server/config")
		switch {
		case err != nil || resp.Status != http.StatusOK || json.Unmarshal(resp.Body, &cfg) != nil:
			add(ItemLoginButton, Fail, "GET /api/server/config did not answer Immich's config")
		case want != "" && cfg.OAuthButtonText != want:
			add(ItemLoginButton, Fail, "the button says %q, the manifest's oauth.buttonText is %q: is IMMICH_CONFIG_FILE the file provision wrote? %s", cfg.OAuthButtonText, want, restartApp)
		default:
			add(ItemLoginButton, Pass, "%s", cfg.OAuthButtonText)
		}
	}
	add(ItemLoginRedirect, Info, "not probed: Immich starts the login with a POST (/api/oauth/authorize)")
	return items
}

func probeOutline(ctx context.Context, p *Prober, t ClientTarget) []Item {
	return probeRedirect(ctx, p, t, "/auth/oidc", redirectCauses{
		elsewhere:   "OIDC_AUTH_URI names another endpoint; " + restartApp,
		clientID:    "OIDC_CLIENT_ID is stale; " + restartApp,
		redirectURI: "Outline builds it from URL: set URL to the public URL; " + restartApp,
		scope:       "OIDC_SCOPES differs; " + restartApp,
	}, "Outline's OIDC login is off: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and the three endpoints must be set; "+restartApp)
}
