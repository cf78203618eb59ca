// Package librechat knows LibreChat v0.8.6's OpenID Connect settings: a
// catalog of every variable it reads that a user may set, the .env lines
// provision writes for an authentik provider (Vars), the check of the
// optional OPENID_* settings a manifest adds (ValidateExtra), the redirect URI
// LibreChat sends, and session secret generation.
package librechat

import (
	"slices"
	"strings"
)

// Kind is how LibreChat reads a setting's value.
type Kind int

const (
	String Kind = iota
	Bool        // LibreChat's isEnabled: only "true" counts; provision accepts true or false
	Int         // a whole number, read with parseInt
	URL         // an absolute http(s) URL
	Path        // a URL path starting with /
	Enum        // one of Setting.Values
)

// Source says who sets a variable.
type Source int

const (
	Optional    Source = iota // the user, through the manifest's env map
	Computed                  // provision computes it from authentik
	FromInput                 // provision writes it from a dedicated manifest field
	NotReleased               // not read by LibreChat v0.8.6: refused
)

// Setting is one variable LibreChat reads.
type Setting struct {
	Name   string
	Kind   Kind
	Values []string // allowed values of an Enum
	Source Source
	Secret bool
	// Hint completes a refusal: the manifest field to use (FromInput), what
	// provision computes it from (Computed), or where it exists (NotReleased).
	Hint        string
	Description string
}

var tokenKinds = []string{"access", "id", "userinfo"}

// Catalog lists the variables of LibreChat v0.8.6's OpenID login (and the
// few others it needs), sorted by name.
var Catalog = sorted([]Setting{
	// Computed by provision.
	{Name: "ALLOW_SOCIAL_LOGIN", Kind: Bool, Source: Computed, Hint: "always true", Description: "Must be true: without it the server skips social logins and the client hides their buttons."},
	{Name: "OPENID_ISSUER", Kind: URL, Source: Computed, Hint: "from authentik's URL and the application slug", Description: "The provider's .well-known/openid-configuration URL (or issuer with its trailing slash); must be https."},
	{Name: "OPENID_CLIENT_ID", Source: Computed, Hint: "from the authentik provider", Description: "authentik's Client ID; also sent as client_id on logout."},
	{Name: "OPENID_CLIENT_SECRET", Source: Computed, Secret: true, Hint: "from the authentik provider", Description: "authentik's Client Secret; may be empty only for a public client with OPENID_USE_PKCE=true."},
	{Name: "OPENID_SESSION_SECRET", Source: Computed, Secret: true, Hint: "generated once and kept", Description: "Secret of the express-session cookie holding PKCE verifier, state and nonce; without it the button is hidden."},
	{Name: "OPENID_CALLBACK_URL", Kind: Path, Source: Computed, Hint: "always /oauth/openid/callback", Description: "A path, not a URL; must be /oauth/openid/callback (hard-coded route)."},
	{Name: "OPENID_SCOPE", Source: Computed, Hint: "from the provider's scopes", Description: "Space-separated scopes, normally openid profile email (plus offline_access for token reuse)."},
	// Written from dedicated manifest fields.
	{Name: "DOMAIN_CLIENT", Kind: URL, Source: FromInput, Hint: "url", Description: "LibreChat's public URL: where users land after login, and the base of the post-logout redirect."},
	{Name: "DOMAIN_SERVER", Kind: URL, Source: FromInput, Hint: "url or domain_server", Description: "Public base URL of LibreChat's API, no trailing slash; the redirect URI is DOMAIN_SERVER + OPENID_CALLBACK_URL."},
	{Name: "OPENID_BUTTON_LABEL", Source: FromInput, Hint: "button_label", Description: "Login button text (LibreChat's default: Continue with OpenID)."},
	{Name: "OPENID_IMAGE_URL", Kind: URL, Source: FromInput, Hint: "image_url", Description: "Login button icon URL."},
	// Optional, set by the user.
	{Name: "OPENID_AUTO_REDIRECT", Kind: Bool, Description: "Send the login page straight to authentik (?redirect=false on the login URL turns it off)."},
	{Name: "OPENID_USE_PKCE", Kind: Bool, Description: "Allow an empty client secret (public client, token endpoint auth none); S256 PKCE is always sent."},
	{Name: "OPENID_GENERATE_NONCE", Kind: Bool, Description: "Send and check a nonce; with a secret also forces client_secret_post. LibreChat's authentik page sets it."},
	{Name: "OPENID_CLOCK_TOLERANCE", Kind: Int, Description: "Seconds of clock skew allowed when validating tokens (default 300)."},
	{Name: "OPENID_AUDIENCE", Description: "audience parameter of the authorize request, and extra accepted aud values for token reuse (mainly Auth0)."},
	{Name: "OPENID_REFRESH_AUDIENCE", Description: "audience parameter of refresh grants when token reuse is on."},
	{Name: "OPENID_USERNAME_CLAIM", Description: "Claim stored as the username (default preferred_username, username, email)."},
	{Name: "OPENID_NAME_CLAIM", Description: "Claim stored as the display name (default given/family name chain)."},
	{Name: "OPENID_EMAIL_CLAIM", Description: "Claim used as the email for matching (default email, preferred_username, upn)."},
	{Name: "OPENID_REQUIRED_ROLE", Description: "Role(s) needed to log in, comma-separated; needs _TOKEN_KIND and _PARAMETER_PATH."},
	{Name: "OPENID_REQUIRED_ROLE_TOKEN_KIND", Kind: Enum, Values: tokenKinds, Description: "Token holding the required role: access, id or userinfo."},
	{Name: "OPENID_REQUIRED_ROLE_PARAMETER_PATH", Description: "Dot path to the roles in that token, e.g. groups."},
	{Name: "OPENID_ADMIN_ROLE", Description: "Role that makes a user ADMIN (and whose absence demotes one); set with _TOKEN_KIND and _PARAMETER_PATH."},
	{Name: "OPENID_ADMIN_ROLE_TOKEN_KIND", Kind: Enum, Values: tokenKinds, Description: "Token holding the admin role: access, id or userinfo."},
	{Name: "OPENID_ADMIN_ROLE_PARAMETER_PATH", Description: "Dot path to the admin role in that token, e.g. groups."},
	{Name: "OPENID_USE_END_SESSION_ENDPOINT", Kind: Bool, Description: "On logout, send the browser to authentik's end_session_endpoint."},
	{Name: "OPENID_POST_LOGOUT_REDIRECT_URI", Kind: URL, Description: "Where authentik sends the user after logout (default DOMAIN_CLIENT/login)."},
	{Name: "OPENID_MAX_LOGOUT_URL_LENGTH", Kind: Int, Description: "Logout URL length above which logout_hint replaces id_token_hint (default 2000)."},
	{Name: "OPENID_REUSE_TOKENS", Kind: Bool, Description: "Use authentik's access/refresh tokens as the LibreChat session; needs the offline_access scope."},
	{Name: "OPENID_JWKS_URL_CACHE_ENABLED", Kind: Bool, Description: "Cache the JWKS used by token reuse (on by default)."},
	{Name: "OPENID_JWKS_URL_CACHE_TIME", Kind: Int, Description: "JWKS cache time in milliseconds (code default 60000)."},
	{Name: "OPENID_JWKS_URL", Kind: URL, Description: "JWKS override, only for the remote-agent API auth."},
	{Name: "OPENID_ON_BEHALF_FLOW_FOR_USERINFO_REQUIRED", Kind: Bool, Description: "Entra ID only: on-behalf-of flow for userinfo."},
	{Name: "OPENID_ON_BEHALF_FLOW_USERINFO_SCOPE", Description: "Entra ID only: scope of the on-behalf-of flow (default user.read)."},
	{Name: "OPENID_GRAPH_SCOPES", Description: "Entra ID only: Microsoft Graph scopes."},
	{Name: "OPENID_AVATAR_AUTHORIZED_ORIGINS", Description: "Extra origins allowed to receive the bearer token when the picture is downloaded."},
	{Name: "DEBUG_OPENID_REQUESTS", Kind: Bool, Description: "Log OpenID request/response headers and bodies."},
	// Not in LibreChat v0.8.6.
	{Name: "OPENID_ROLE_SYNC_ENABLED", Kind: Bool, Source: NotReleased, Hint: "role sync was merged after that release (PR #13415)", Description: "Map an IdP claim to a LibreChat role."},
	{Name: "OPENID_ROLE_SYNC_API_ENABLED", Kind: Bool, Source: NotReleased, Hint: "role sync was merged after that release (PR #13415)", Description: "Role sync for API requests."},
	{Name: "OPENID_ROLE_SYNC_SOURCE", Kind: Enum, Values: tokenKinds, Source: NotReleased, Hint: "role sync was merged after that release (PR #13415)", Description: "Token the role sync claim is read from."},
	{Name: "OPENID_ROLE_SYNC_CLAIM", Source: NotReleased, Hint: "role sync was merged after that release (PR #13415)", Description: "Claim holding the roles to sync."},
	{Name: "OPENID_ROLE_SYNC_ROLE_PRIORITY", Source: NotReleased, Hint: "role sync was merged after that release (PR #13415)", Description: "Order in which synced roles win."},
	{Name: "OPENID_ROLE_SYNC_FALLBACK_ROLE", Source: NotReleased, Hint: "role sync was merged after that release (PR #13415)", Description: "Role given when no synced role matches."},
	{Name: "OPENID_DISCOVERY_RETRY_ATTEMPTS", Kind: Int, Source: NotReleased, Hint: "it exists only in later development code", Description: "Startup discovery retries."},
	{Name: "OPENID_DISCOVERY_RETRY_DELAY_MS", Kind: Int, Source: NotReleased, Hint: "it exists only in later development code", Description: "Delay between discovery retries."},
	{Name: "OPENID_TOKEN_ENDPOINT_AUTH_METHOD", Kind: Enum, Values: []string{"client_secret_basic", "client_secret_post", "none"}, Source: NotReleased, Hint: "it exists only in later development code; v0.8.6 uses client_secret_post with a secret", Description: "Token endpoint client authentication."},
	{Name: "OPENID_EXPOSE_SUB_COOKIE", Kind: Bool, Source: NotReleased, Hint: "it is only proposed (PR #15607)", Description: "Expose the subject in a cookie."},
	{Name: "OPENID_OPTIONAL_EMAIL", Kind: Bool, Source: NotReleased, Hint: "it is only proposed (PR #10182)", Description: "Allow users without an email."},
	{Name: "OPENID_REUSE_MAX_SESSION_AGE_MS", Kind: Int, Source: NotReleased, Hint: "there it is a hard-coded constant of 900000 ms, despite the docs", Description: "Maximum session age with token reuse."},
})

func sorted(s []Setting) []Setting {
	slices.SortFunc(s, func(a, b Setting) int { return strings.Compare(a.Name, b.Name) })
	return s
}

// Lookup returns the catalog entry for name.
func Lookup(name string) (Setting, bool) {
	i, ok := slices.BinarySearchFunc(Catalog, name, func(s Setting, n string) int { return strings.Compare(s.Name, n) })
	if !ok {
		return Setting{}, false
	}
	return Catalog[i], true
}
