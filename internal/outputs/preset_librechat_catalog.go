package outputs

// The librechat preset's catalogue: every variable LibreChat reads for its
// OpenID login, up to v0.8.8, with the release that first reads it, and the
// check of the optional OPENID_* settings a manifest adds (lcValidateExtra).
//
// Sources. v0.8.6: the release commit 566e20b61 (.env.example,
// api/strategies/openidStrategy.js). v0.8.7 and v0.8.8: LibreChat-AI/LibreChat
// package.json reads "version": "v0.8.8" @6bf2054; .env.example @020147b
// (main after v0.8.8-rc1) and packages/api/src/auth/openidRoleSync.ts
// (getOpenIdRoleSyncOptions); the v0.8.7 additions are dated by the
// librechat.ai dotenv docs diff (65af4cd0, the v0.8.7 docs) and PRs #13415
// (role sync) and #13546 (OPENID_REUSE_MAX_SESSION_AGE_MS).

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/dotenv"
	"github.com/provision/provision/internal/suggest"
)

// lcKind is how LibreChat reads a setting's value.
type lcKind int

const (
	lcString lcKind = iota
	lcBool          // LibreChat's isEnabled: only "true" counts; provision accepts true or false
	lcInt           // a whole number, read with parseInt
	lcURL           // an absolute http(s) URL
	lcPath          // a URL path starting with /
	lcEnum          // one of lcSetting.Values
)

// lcSource says who sets a variable.
type lcSource int

const (
	lcOptional    lcSource = iota // the user, through the manifest's env map
	lcComputed                    // provision computes it from authentik
	lcFromInput                   // provision writes it from a dedicated manifest field
	lcNotReleased                 // in no LibreChat release up to lcNewest: refused
)

// lcReleases are the LibreChat releases the catalogue knows, oldest first;
// an output's release option names one (default lcNewest).
var lcReleases = []string{"v0.8.6", "v0.8.7", "v0.8.8"}

// lcNewest is the release the catalogue follows.
var lcNewest = lcReleases[len(lcReleases)-1]

// lcReleaseIndex is the position of release in lcReleases, -1 when unknown.
func lcReleaseIndex(release string) int { return slices.Index(lcReleases, release) }

// lcSetting is one variable LibreChat reads.
type lcSetting struct {
	Name   string
	Kind   lcKind
	Values []string // allowed values of an lcEnum
	Source lcSource
	// Since is the first release that reads the variable ("" for v0.8.6 or
	// earlier); an output for an older release refuses it.
	Since  string
	Secret bool
	// Hint completes a refusal: the manifest field to use (lcFromInput), what
	// provision computes it from (lcComputed), or where it exists (lcNotReleased).
	Hint        string
	Description string
}

var lcTokenKinds = []string{"access", "id", "userinfo"}

// lcCatalog lists the variables of LibreChat's OpenID login up to v0.8.8
// (and the few others it needs), sorted by name.
var lcCatalog = lcSorted([]lcSetting{
	// Computed by provision.
	{Name: "ALLOW_SOCIAL_LOGIN", Kind: lcBool, Source: lcComputed, Hint: "always true", Description: "Must be true: without it the server skips social logins and the client hides their buttons."},
	{Name: "OPENID_ISSUER", Kind: lcURL, Source: lcComputed, Hint: "from authentik's URL and the application slug", Description: "The provider's .well-known/openid-configuration URL (or issuer with its trailing slash); must be https."},
	{Name: "OPENID_CLIENT_ID", Source: lcComputed, Hint: "from the authentik provider", Description: "authentik's Client ID; also sent as client_id on logout."},
	{Name: "OPENID_CLIENT_SECRET", Source: lcComputed, Secret: true, Hint: "from the authentik provider", Description: "authentik's Client Secret; may be empty only for a public client with OPENID_USE_PKCE=true."},
	{Name: "OPENID_SESSION_SECRET", Source: lcComputed, Secret: true, Hint: "generated once and kept", Description: "Secret of the express-session cookie holding PKCE verifier, state and nonce; without it the button is hidden."},
	{Name: "OPENID_CALLBACK_URL", Kind: lcPath, Source: lcComputed, Hint: "always /oauth/openid/callback", Description: "A path, not a URL; must be /oauth/openid/callback (hard-coded route)."},
	{Name: "OPENID_SCOPE", Source: lcComputed, Hint: "from the provider's scopes", Description: "Space-separated scopes, normally openid profile email (plus offline_access for token reuse)."},
	// Written from dedicated manifest fields.
	{Name: "DOMAIN_CLIENT", Kind: lcURL, Source: lcFromInput, Hint: "url", Description: "LibreChat's public URL: where users land after login, and the base of the post-logout redirect."},
	{Name: "DOMAIN_SERVER", Kind: lcURL, Source: lcFromInput, Hint: "url or domain_server", Description: "Public base URL of LibreChat's API, no trailing slash; the redirect URI is DOMAIN_SERVER + OPENID_CALLBACK_URL."},
	{Name: "OPENID_BUTTON_LABEL", Source: lcFromInput, Hint: "button_label", Description: "Login button text (LibreChat's default: Continue with OpenID)."},
	{Name: "OPENID_IMAGE_URL", Kind: lcURL, Source: lcFromInput, Hint: "image_url", Description: "Login button icon URL."},
	// Optional, set by the user.
	{Name: "OPENID_AUTO_REDIRECT", Kind: lcBool, Description: "Send the login page straight to authentik (?redirect=false on the login URL turns it off)."},
	{Name: "OPENID_USE_PKCE", Kind: lcBool, Description: "Allow an empty client secret (public client, token endpoint auth none); S256 PKCE is always sent."},
	{Name: "OPENID_GENERATE_NONCE", Kind: lcBool, Description: "Send and check a nonce; with a secret also forces client_secret_post. LibreChat's authentik page sets it."},
	{Name: "OPENID_CLOCK_TOLERANCE", Kind: lcInt, Description: "Seconds of clock skew allowed when validating tokens (default 300)."},
	{Name: "OPENID_AUDIENCE", Description: "audience parameter of the authorize request, and extra accepted aud values for token reuse (mainly Auth0)."},
	{Name: "OPENID_REFRESH_AUDIENCE", Description: "audience parameter of refresh grants when token reuse is on."},
	{Name: "OPENID_USERNAME_CLAIM", Description: "Claim stored as the username (default preferred_username, username, email)."},
	{Name: "OPENID_NAME_CLAIM", Description: "Claim stored as the display name (default given/family name chain)."},
	{Name: "OPENID_EMAIL_CLAIM", Description: "Claim used as the email for matching (default email, preferred_username, upn)."},
	{Name: "OPENID_REQUIRED_ROLE", Description: "Role(s) needed to log in, comma-separated; needs _TOKEN_KIND and _PARAMETER_PATH."},
	{Name: "OPENID_REQUIRED_ROLE_TOKEN_KIND", Kind: lcEnum, Values: lcTokenKinds, Description: "Token holding the required role: access, id or userinfo."},
	{Name: "OPENID_REQUIRED_ROLE_PARAMETER_PATH", Description: "Dot path to the roles in that token, e.g. groups."},
	{Name: "OPENID_ADMIN_ROLE", Description: "Role that makes a user ADMIN (and whose absence demotes one); set with _TOKEN_KIND and _PARAMETER_PATH."},
	{Name: "OPENID_ADMIN_ROLE_TOKEN_KIND", Kind: lcEnum, Values: lcTokenKinds, Description: "Token holding the admin role: access, id or userinfo."},
	{Name: "OPENID_ADMIN_ROLE_PARAMETER_PATH", Description: "Dot path to the admin role in that token, e.g. groups."},
	{Name: "OPENID_USE_END_SESSION_ENDPOINT", Kind: lcBool, Description: "On logout, send the browser to authentik's end_session_endpoint."},
	{Name: "OPENID_POST_LOGOUT_REDIRECT_URI", Kind: lcURL, Description: "Where authentik sends the user after logout (default DOMAIN_CLIENT/login)."},
	{Name: "OPENID_MAX_LOGOUT_URL_LENGTH", Kind: lcInt, Description: "Logout URL length above which logout_hint replaces id_token_hint (default 2000)."},
	{Name: "OPENID_REUSE_TOKENS", Kind: lcBool, Description: "Use authentik's access/refresh tokens as the LibreChat session; needs the offline_access scope."},
	{Name: "OPENID_JWKS_URL_CACHE_ENABLED", Kind: lcBool, Description: "Cache the JWKS used by token reuse (on by default)."},
	{Name: "OPENID_JWKS_URL_CACHE_TIME", Kind: lcInt, Description: "JWKS cache time in milliseconds (code default 60000)."},
	{Name: "OPENID_JWKS_URL", Kind: lcURL, Description: "JWKS override, only for the remote-agent API auth."},
	{Name: "OPENID_ON_BEHALF_FLOW_FOR_USERINFO_REQUIRED", Kind: lcBool, Description: "Entra ID only: on-behalf-of flow for userinfo."},
	{Name: "OPENID_ON_BEHALF_FLOW_USERINFO_SCOPE", Description: "Entra ID only: scope of the on-behalf-of flow (default user.read)."},
	{Name: "OPENID_GRAPH_SCOPES", Description: "Entra ID only: Microsoft Graph scopes."},
	{Name: "OPENID_AVATAR_AUTHORIZED_ORIGINS", Description: "Extra origins allowed to receive the bearer token when the picture is downloaded."},
	{Name: "DEBUG_OPENID_REQUESTS", Kind: lcBool, Description: "Log OpenID request/response headers and bodies."},
	// Added in v0.8.7 (PR #13415: role sync; PR #13546: the reuse session age,
	// a constant of 900000 ms in v0.8.6).
	{Name: "OPENID_ROLE_SYNC_ENABLED", Kind: lcBool, Since: "v0.8.7", Description: "Map an IdP claim to one non-admin LibreChat role at each login; needs OPENID_ROLE_SYNC_CLAIM."},
	{Name: "OPENID_ROLE_SYNC_API_ENABLED", Kind: lcBool, Since: "v0.8.7", Description: "Also sync the role on API requests authenticated by the IdP's token; needs OPENID_ROLE_SYNC_ENABLED."},
	{Name: "OPENID_ROLE_SYNC_SOURCE", Kind: lcEnum, Values: lcTokenKinds, Since: "v0.8.7", Description: "Token the role claim is read from: access, id (default) or userinfo."},
	{Name: "OPENID_ROLE_SYNC_CLAIM", Since: "v0.8.7", Description: "Claim (dot path) holding the roles, e.g. groups; required when role sync is on."},
	{Name: "OPENID_ROLE_SYNC_ROLE_PRIORITY", Since: "v0.8.7", Description: "LibreChat roles to assign, most important first, comma-separated; never ADMIN."},
	{Name: "OPENID_ROLE_SYNC_FALLBACK_ROLE", Since: "v0.8.7", Description: "Role given when no priority role matches; never ADMIN."},
	{Name: "OPENID_REUSE_MAX_SESSION_AGE_MS", Since: "v0.8.7", Description: "With token reuse, how long a session token is served before an IdP refresh (ms, default 900000; an arithmetic expression such as 60 * 60 * 1000 is allowed)."},
	// In no release up to v0.8.8.
	{Name: "OPENID_DISCOVERY_RETRY_ATTEMPTS", Kind: lcInt, Source: lcNotReleased, Hint: "it appears on main after v0.8.8-rc1 (PR #15899), in no release the catalogue knows", Description: "Startup discovery attempts."},
	{Name: "OPENID_DISCOVERY_RETRY_DELAY_MS", Kind: lcInt, Source: lcNotReleased, Hint: "it appears on main after v0.8.8-rc1 (PR #15899), in no release the catalogue knows", Description: "Delay between discovery retries."},
	{Name: "OPENID_REFRESH_BRIDGE_GRACE_MS", Kind: lcInt, Source: lcNotReleased, Hint: "it appears on main after v0.8.8-rc1, in no release the catalogue knows", Description: "Recovery window of a rotated refresh token."},
	{Name: "OPENID_TOKEN_ENDPOINT_AUTH_METHOD", Kind: lcEnum, Values: []string{"client_secret_basic", "client_secret_post", "none"}, Source: lcNotReleased, Hint: "it exists only in development code; a release uses client_secret_post with a secret", Description: "Token endpoint client authentication."},
	{Name: "OPENID_EXPOSE_SUB_COOKIE", Kind: lcBool, Source: lcNotReleased, Hint: "it is only proposed (PR #15607)", Description: "Expose the subject in a cookie."},
	{Name: "OPENID_OPTIONAL_EMAIL", Kind: lcBool, Source: lcNotReleased, Hint: "it is only proposed (PR #10182)", Description: "Allow users without an email."},
})

func lcSorted(s []lcSetting) []lcSetting {
	slices.SortFunc(s, func(a, b lcSetting) int { return strings.Compare(a.Name, b.Name) })
	return s
}

// lcLookup returns the catalog entry for name.
func lcLookup(name string) (lcSetting, bool) {
	i, ok := slices.BinarySearchFunc(lcCatalog, name, func(s lcSetting, n string) int { return strings.Compare(s.Name, n) })
	if !ok {
		return lcSetting{}, false
	}
	return lcCatalog[i], true
}

// lcAliases are names people use by mistake (e.g. LibreChat #8308).
var lcAliases = map[string]string{
	"OPENID_REDIRECT_URI": "OPENID_CALLBACK_URL",
	"OPENID_REDIRECT_URL": "OPENID_CALLBACK_URL",
	"OPENID_CALLBACK":     "OPENID_CALLBACK_URL",
	"OPENID_SCOPES":       "OPENID_SCOPE",
}

// lcValidateExtra checks the optional settings a manifest adds for an
// output of LibreChat release (one of lcReleases; "" means lcNewest): each
// must be a variable that release reads and provision does not write
// itself, with a value of its kind; role settings must come complete. It
// returns one error per problem, sorted by message. Values are never quoted
// in errors.
func lcValidateExtra(extra map[string]string, release string) []error {
	if release == "" {
		release = lcNewest
	}
	at := lcReleaseIndex(release)
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for name, value := range extra {
		s, ok := lcLookup(name)
		switch {
		case !ok:
			openid := strings.HasPrefix(strings.ToUpper(name), "OPENID_")
			hint := lcAliases[strings.ToUpper(name)]
			if hint == "" {
				hint = suggest.Closest(name, lcReleased(release))
				// ALLOW_EMAIL_LOGIN is no typo of ALLOW_SOCIAL_LOGIN.
				if !openid && !strings.Contains(hint, "OPENID") {
					hint = ""
				}
			}
			switch {
			case hint != "":
				add("%s is not a setting LibreChat %s reads; did you mean %s?", name, release, hint)
			case !openid:
				add("%s is not an OpenID setting of LibreChat; only OPENID_* settings can be set here", name)
			default:
				add("%s is not a setting LibreChat %s reads", name, release)
			}
		case s.Source == lcNotReleased:
			add("%s is not read by LibreChat %s, so it would have no effect: %s", name, release, s.Hint)
		case s.Since != "" && at >= 0 && at < lcReleaseIndex(s.Since):
			add("%s is not read by LibreChat %s, so it would have no effect: LibreChat reads it from %s on (set release: %s once LibreChat runs it)", name, release, s.Since, s.Since)
		case s.Source == lcComputed:
			add("%s cannot be set here: provision computes it (%s)", name, s.Hint)
		case s.Source == lcFromInput:
			add("%s cannot be set here: use the %s field instead", name, s.Hint)
		default:
			if err := lcCheckKind(s, value); err != nil {
				errs = append(errs, err)
			} else if err := dotenv.CheckValue(name, value); err != nil {
				errs = append(errs, err)
			}
		}
	}
	set := func(name string) bool { return extra[name] != "" }
	var missing []string
	for _, n := range []string{"OPENID_ADMIN_ROLE", "OPENID_ADMIN_ROLE_TOKEN_KIND", "OPENID_ADMIN_ROLE_PARAMETER_PATH"} {
		if !set(n) {
			missing = append(missing, n)
		}
	}
	if len(missing) == 1 || len(missing) == 2 {
		add("OPENID_ADMIN_ROLE, OPENID_ADMIN_ROLE_TOKEN_KIND and OPENID_ADMIN_ROLE_PARAMETER_PATH go together: set all three or none (missing %s)", strings.Join(missing, ", "))
	}
	if set("OPENID_REQUIRED_ROLE") {
		missing = nil
		for _, n := range []string{"OPENID_REQUIRED_ROLE_TOKEN_KIND", "OPENID_REQUIRED_ROLE_PARAMETER_PATH"} {
			if !set(n) {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			add("OPENID_REQUIRED_ROLE needs OPENID_REQUIRED_ROLE_TOKEN_KIND and OPENID_REQUIRED_ROLE_PARAMETER_PATH (missing %s)", strings.Join(missing, ", "))
		}
	} else {
		for _, n := range []string{"OPENID_REQUIRED_ROLE_PARAMETER_PATH", "OPENID_REQUIRED_ROLE_TOKEN_KIND"} {
			if set(n) {
				add("%s has no effect without OPENID_REQUIRED_ROLE, so nobody's access is restricted", n)
			}
		}
	}
	// getOpenIdRoleSyncOptions (openidRoleSync.ts) throws at LibreChat's
	// start on these; a release before role sync was refused above.
	if at < lcReleaseIndex("v0.8.7") {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return errs
	}
	if extra["OPENID_ROLE_SYNC_API_ENABLED"] == "true" && extra["OPENID_ROLE_SYNC_ENABLED"] != "true" {
		add("OPENID_ROLE_SYNC_API_ENABLED=true needs OPENID_ROLE_SYNC_ENABLED=true: LibreChat refuses to start otherwise")
	}
	if extra["OPENID_ROLE_SYNC_ENABLED"] == "true" {
		if strings.TrimSpace(extra["OPENID_ROLE_SYNC_CLAIM"]) == "" {
			add("OPENID_ROLE_SYNC_ENABLED=true needs OPENID_ROLE_SYNC_CLAIM, the claim holding the roles (groups for authentik's groups): LibreChat refuses to start otherwise")
		}
		for _, r := range strings.Split(extra["OPENID_ROLE_SYNC_ROLE_PRIORITY"], ",") {
			if strings.EqualFold(strings.TrimSpace(r), "ADMIN") {
				add("OPENID_ROLE_SYNC_ROLE_PRIORITY cannot name ADMIN: role sync never assigns it (use OPENID_ADMIN_ROLE)")
			}
		}
		if strings.EqualFold(strings.TrimSpace(extra["OPENID_ROLE_SYNC_FALLBACK_ROLE"]), "ADMIN") {
			add("OPENID_ROLE_SYNC_FALLBACK_ROLE cannot be ADMIN: role sync never assigns it (use OPENID_ADMIN_ROLE)")
		}
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errs
}

// lcCheckKind checks a value against its setting's kind. The empty value
// leaves LibreChat's default, except for lcBool settings.
func lcCheckKind(s lcSetting, value string) error {
	if value == "" && s.Kind != lcBool {
		return nil
	}
	switch s.Kind {
	case lcBool:
		if value != "true" && value != "false" {
			return fmt.Errorf("%s must be true or false (LibreChat treats anything but true as false)", s.Name)
		}
	case lcInt:
		if _, err := strconv.ParseUint(value, 10, 31); err != nil {
			return fmt.Errorf("%s must be a non-negative whole number, without sign or unit", s.Name)
		}
	case lcEnum:
		if !slices.Contains(s.Values, value) {
			return fmt.Errorf("%s must be one of %s", s.Name, strings.Join(s.Values, ", "))
		}
	case lcURL:
		return checkURL(s.Name, value)
	case lcPath:
		if !strings.HasPrefix(value, "/") {
			return fmt.Errorf("%s must be a path starting with /", s.Name)
		}
	}
	return nil
}

// lcReleased lists the names LibreChat release reads, for suggestions.
func lcReleased(release string) []string {
	at := lcReleaseIndex(release)
	var out []string
	for _, s := range lcCatalog {
		if s.Source != lcNotReleased && (s.Since == "" || at >= lcReleaseIndex(s.Since)) {
			out = append(out, s.Name)
		}
	}
	return out
}
