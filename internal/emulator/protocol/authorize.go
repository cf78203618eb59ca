package protocol

import (
	"net/http"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
	"github.com/provision/provision/internal/pyregex"
)

// The authorization endpoint for a visitor without a session, as
// authentik/providers/oauth2/views/authorize.py (version/2026.2.2)
// AuthorizationFlowInitView runs it: PolicyAccessView.dispatch calls
// pre_permission_check (OAuthAuthorizationParams.from_request and its
// __post_init__ checks, then prompt=none), then
// resolve_provider_application, then, the visitor being anonymous,
// handle_no_permission (a redirect to log in). The emulator has no
// sessions, so every visitor is anonymous.

// authorizeErrors is AuthorizeError.errors (providers/oauth2/errors.py),
// the codes the checks below raise.
var authorizeErrors = map[string]string{
	"invalid_request": "The request is otherwise malformed",
	"unsupported_response_type": "The authorization server does not support obtaining an authorization code " +
		"using this method",
	"invalid_scope":         "The requested scope is invalid, unknown, or malformed",
	"login_required":        "The Authorization Server requires End-User authentication",
	"request_not_supported": "The provider does not support use of the request parameter",
}

const (
	msgClientIDError = "The client identifier (client_id) is missing or invalid."
	msgRedirectError = "The request fails due to a missing, invalid, or mismatching " +
		"redirection URI (redirect_uri)."
)

// responseTypeGrant is OAuthAuthorizationParams.check_grant's mapping.
var responseTypeGrant = map[string]string{
	"code":                "authorization_code",
	"id_token":            "implicit",
	"id_token token":      "implicit",
	"code token":          "hybrid",
	"code id_token":       "hybrid",
	"code id_token token": "hybrid",
}

// badRequestMessage is authentik/lib/views.py bad_request_message: the
// error page (if/error.html) with status 400.
func badRequestMessage(title, message string) httpapi.Resp {
	return httpapi.Resp{Status: http.StatusBadRequest, Body: httpapi.RawBody("<h1>" + htmlEscape(title) + "</h1><p>" + htmlEscape(message) + "</p>"),
		Hdr: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#x27;").Replace(s)
}

// authorizeError is AuthorizeError.get_response: a redirect to the
// client's redirect_uri carrying the error when that URI has a scheme
// (HttpResponseRedirect, which refuses schemes other than http, https and
// ftp with a 400), else the error page.
func authorizeError(redirectURI, code, grant, state, description string) httpapi.Resp {
	if description == "" {
		description = authorizeErrors[code]
	}
	sep := "?"
	if grant == "implicit" || grant == "hybrid" {
		sep = "#"
	}
	uri := redirectURI + sep + "error=" + code + "&error_description=" + pyQuote(description)
	if state != "" {
		uri += "&state=" + state
	}
	scheme := pyURLScheme(uri)
	if scheme == "" {
		return badRequestMessage(code, description)
	}
	if scheme != "http" && scheme != "https" && scheme != "ftp" {
		// DisallowedRedirect is a SuspiciousOperation: Django answers 400.
		return httpapi.Resp{Status: http.StatusBadRequest, Body: httpapi.RawBody("<h1>Bad Request (400)</h1>"),
			Hdr: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
	}
	return httpapi.Resp{Status: http.StatusFound, Body: httpapi.RawBody(""), Hdr: http.Header{
		"Location": {uri}, "Content-Type": {"text/html; charset=utf-8"}}}
}

// authorize is AuthorizationFlowInitView.dispatch for an anonymous visitor.
func (e *Views) authorize(r *http.Request) httpapi.Resp {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
		// The view is not csrf_exempt: CsrfViewMiddleware refuses unsafe
		// methods before it runs.
		return httpapi.Resp{Status: http.StatusForbidden, Body: httpapi.RawBody("<h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p>"),
			Hdr: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
	}
	get := r.URL.Query()
	// "Quick sanity check at the beginning to prevent event spamming".
	if len(get) < 1 {
		return htmlNotFound()
	}
	q := func(k string) (string, bool) {
		vs, ok := get[k]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[len(vs)-1], true // QueryDict.get: the last value
	}
	// from_request: max_age is converted before anything is checked, and a
	// ValueError of int() is not caught: a 500.
	if v, _ := q("max_age"); v != "" && !httpapi.PyIntOK(v) {
		return httpapi.ServerError()
	}
	clientID, _ := q("client_id")
	redirectURL, _ := q("redirect_uri")
	responseType, _ := q("response_type")
	state, _ := q("state")
	// __post_init__: OAuth2Provider.objects.filter(client_id=…).first()
	// (proxy providers are OAuth2 providers).
	p := e.oauthProviderByClientID(clientID)
	if p == nil {
		return badRequestMessage("Client ID Error", msgClientIDError)
	}
	// check_redirect_uri
	if redirectURL == "" {
		return badRequestMessage("Redirect URI Error", msgRedirectError)
	}
	if len(p.RedirectURIs()) < 1 {
		// "Setting redirect for blank redirect_uris": saved on the
		// provider, for any visitor, before anything else is checked.
		e.st.Idx = nil // this GET writes: no read index (index.go)
		p.Attrs["redirect_uris"] = []store.RedirectURI{{MatchingMode: "strict", URL: redirectURL}}
	}
	match := false
	for _, a := range p.RedirectURIs() {
		if a.MatchingMode == "strict" && a.URL == redirectURL {
			match = true
			break
		}
		if a.MatchingMode == "regex" {
			// A pattern re cannot compile is logged and skipped.
			if ok, err := pyregex.FullMatch(a.URL, redirectURL); err == nil && ok {
				match = true
				break
			}
		}
	}
	if !match {
		return badRequestMessage("Redirect URI Error", msgRedirectError)
	}
	switch pyURLScheme(redirectURL) {
	case "javascript", "data", "vbscript":
		return badRequestMessage("Redirect URI Error", msgRedirectError)
	}
	// check_grant
	grant := responseTypeGrant[responseType]
	if grant == "" {
		return authorizeError(redirectURL, "unsupported_response_type", "", state, "")
	}
	// check_scope: the requested scopes, narrowed to the scope names of
	// the provider's scope mappings (all of them when none is asked for).
	rawScope, _ := q("scope")
	scopes := map[string]bool{}
	for _, s := range strings.Fields(rawScope) {
		scopes[s] = true
	}
	allowed := map[string]bool{}
	for _, pk := range p.PropertyMappings {
		if m := e.st.MappingByPK(pk); m != nil {
			allowed[httpapi.FmtVal(m.Attrs["scope_name"])] = true
		}
	}
	if len(scopes) == 0 {
		scopes = allowed
	}
	openid := scopes["openid"] && allowed["openid"]
	idToken := responseType == "id_token" || responseType == "id_token token"
	if !openid && (grant == "hybrid" || idToken) {
		return authorizeError(redirectURL, "invalid_scope", grant, state, "")
	}
	if v, ok := q("request"); ok && v != "" {
		return authorizeError(redirectURL, "request_not_supported", grant, state, "")
	}
	// check_nonce
	if idToken || responseType == "code id_token" || responseType == "code id_token token" {
		if nonce, _ := q("nonce"); openid && nonce == "" {
			return authorizeError(redirectURL, "invalid_request", grant, state, "")
		}
	}
	// check_code_challenge
	if challenge, _ := q("code_challenge"); challenge != "" {
		method, ok := q("code_challenge_method")
		if !ok {
			method = "plain"
		}
		if method != "plain" && method != "S256" {
			return authorizeError(redirectURL, "invalid_request", grant, state, "Unsupported challenge method "+method)
		}
	}
	// pre_permission_check: prompt=none without a session.
	prompt, _ := q("prompt")
	for _, v := range strings.Fields(prompt) {
		if v == "none" {
			return authorizeError(redirectURL, "login_required", grant, state, "")
		}
	}
	// resolve_provider_application: provider.application raises
	// Application.DoesNotExist without one, which is the access-denied
	// page (a TemplateResponse, 200).
	if e.st.AppUsingProvider(p.PK) == nil {
		return httpapi.Resp{Status: http.StatusOK, Body: httpapi.RawBody("<h1>Access denied</h1><p>Failed to resolve application</p>"),
			Hdr: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
	}
	return e.toLogin(r, p.AuthenticationFlow)
}

// pyQuote is urllib.parse.quote(s) (safe "/"): UTF-8, everything but
// letters, digits, "_.-~" and "/" percent-encoded.
func pyQuote(s string) string {
	var b strings.Builder
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// pyURLScheme is urllib.parse.urlsplit(s).scheme: the part before the
// first ":" when it starts with an ASCII letter and holds only letters,
// digits, "+", "-" and ".", lower-cased; "" otherwise.
func pyURLScheme(s string) string {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return ""
	}
	if c := s[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return ""
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return ""
		}
	}
	return strings.ToLower(s[:i])
}
