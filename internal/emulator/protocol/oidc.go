package protocol

import (
	"bytes"
	"encoding/base64"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// The OAuth2 endpoints besides discovery, JWKS and authorize, as
// authentik/providers/oauth2/urls.py routes them (version/2026.2.2). The
// emulator never runs a login flow, so it never issues codes, access or
// refresh tokens: every path that needs one of them takes its "not found"
// branch, which is what authentik does for a token it does not know.

// oauthError is OAuth2Error.create_dict (authentik/providers/oauth2/errors.py).
func oauthError(code string) map[string]any {
	return map[string]any{"error": code, "error_description": tokenErrors[code],
		"request_id": strings.ReplaceAll(uuidV4(), "-", "")}
}

// tokenErrors is TokenError.errors plus DeviceCodeError's additions.
var tokenErrors = map[string]string{
	"invalid_request": "The request is otherwise malformed",
	"invalid_client": "Client authentication failed (e.g., unknown client, no client authentication " +
		"included, or unsupported authentication method)",
	"invalid_grant": "The provided authorization grant or refresh token is invalid, expired, revoked, " +
		"does not match the redirection URI used in the authorization request, " +
		"or was issued to another client",
	"unauthorized_client":    "The authenticated client is not authorized to use this authorization grant type",
	"unsupported_grant_type": "The authorization grant type is not supported by the authorization server",
	"invalid_scope": "The requested scope is invalid, unknown, malformed, or exceeds the scope " +
		"granted by the resource owner",
	"authorization_pending": "The authorization request is still pending as the end user hasn't " +
		"yet completed the user-interaction steps",
	"slow_down": "A variant of \"authorization_pending\", the authorization request is" +
		"still pending and polling should continue, but the interval MUST" +
		"be increased by 5 seconds for this and all subsequent requests.",
}

func uuidV4() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(rand.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := []byte(strings.ToLower(strings.TrimSpace(string(hexBytes(b)))))
	return string(h[:8]) + "-" + string(h[8:12]) + "-" + string(h[12:16]) + "-" + string(h[16:20]) + "-" + string(h[20:])
}

func hexBytes(b []byte) []byte {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return out
}

// tokenResponse is authentik's TokenResponse: JSON, never cached.
func tokenResponse(status int, body map[string]any) httpapi.Resp {
	return httpapi.Resp{Status: status, Body: body, Hdr: http.Header{"Cache-Control": {"no-store"}, "Pragma": {"no-cache"}}}
}

// methodNotAllowed is Django's View.http_method_not_allowed: an empty 405.
func methodNotAllowed(allow string) httpapi.Resp {
	return httpapi.Resp{Status: http.StatusMethodNotAllowed, Body: httpapi.RawBody(""),
		Hdr: http.Header{"Allow": {allow}, "Content-Type": {"text/html; charset=utf-8"}}}
}

// djangoOptions is View.options: 200, no body, the Allow header.
func djangoOptions(allow string) httpapi.Resp {
	return httpapi.Resp{Status: 200, Body: httpapi.RawBody(""), Hdr: http.Header{"Allow": {allow}, "Content-Type": {"text/html; charset=utf-8"}}}
}

// postForm is Django's request.POST: form bodies only (urlencoded or
// multipart), and QueryDict.get returns the last value of a key.
type postForm url.Values

func parsePost(r *http.Request, body []byte) postForm {
	if r.Method != http.MethodPost {
		return postForm{}
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.Form, r2.PostForm, r2.MultipartForm = nil, nil, nil
	ct := r2.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "multipart/form-data") {
		if err := r2.ParseMultipartForm(1 << 20); err != nil {
			return postForm{}
		}
	} else if err := r2.ParseForm(); err != nil {
		return postForm{}
	}
	return postForm(r2.PostForm)
}

func (f postForm) get(k string) string {
	vs := f[k]
	if len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1]
}

// extractClientAuth is authentik/providers/oauth2/utils.py extract_client_auth.
func extractClientAuth(r *http.Request, form postForm) (string, string) {
	h := r.Header.Get("Authorization")
	if strings.HasPrefix(h, "Basic") && len(h) > 6 && isPySpace(h[5]) {
		fields := strings.Fields(h)
		if len(fields) < 2 {
			return "", ""
		}
		raw, err := base64.StdEncoding.DecodeString(fields[1])
		if err != nil || !utf8Valid(raw) {
			return "", ""
		}
		id, secret, _ := strings.Cut(string(raw), ":")
		uid, err1 := url.PathUnescape(strings.ReplaceAll(id, "+", "%2B"))
		usec, err2 := url.PathUnescape(strings.ReplaceAll(secret, "+", "%2B"))
		if err1 != nil {
			uid = id
		}
		if err2 != nil {
			usec = secret
		}
		return uid, usec
	}
	return form.get("client_id"), form.get("client_secret")
}

func isPySpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func utf8Valid(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

// oauthProviderByClientID is OAuth2Provider.objects.filter(client_id=…).first();
// proxy providers are OAuth2 providers too.
func (e *Views) oauthProviderByClientID(id string) *store.Provider {
	for _, p := range e.st.Providers {
		if p.IsOAuth2() && p.Attr("client_id") == id {
			return p
		}
	}
	return nil
}

// tokenEndpoint is TokenView.post (views/token.py).
func (e *Views) tokenEndpoint(r *http.Request, body []byte) httpapi.Resp {
	switch r.Method {
	case http.MethodOptions:
		return tokenResponse(200, map[string]any{})
	case http.MethodPost:
	default:
		return methodNotAllowed("POST, OPTIONS")
	}
	form := parsePost(r, body)
	clientID, secret := extractClientAuth(r, form)
	p := e.oauthProviderByClientID(clientID)
	if p == nil {
		return tokenResponse(400, oauthError("invalid_client"))
	}
	grant := form.get("grant_type")
	fail := func(code string) httpapi.Resp { return tokenResponse(400, oauthError(code)) }
	switch grant {
	case "authorization_code", "refresh_token":
		if p.Attr("client_type") == "confidential" && p.Attr("client_secret") != secret {
			return fail("invalid_client")
		}
		// No login flow runs in the emulator, so no code or refresh token exists.
		return fail("invalid_grant")
	case "client_credentials", "password":
		if form.get("client_assertion_type") != "" {
			// Either not the JWT bearer type, or a JWT no source or
			// federated provider of the emulator can verify.
			return fail("invalid_grant")
		}
		if form.get("username") != "" {
			// App-password tokens are not modelled: the credentials check fails.
			return fail("invalid_grant")
		}
		if secret == p.Attr("client_secret") {
			if e.st.AppUsingProvider(p.PK) == nil {
				return fail("invalid_grant")
			}
			return httpapi.Resp{Status: http.StatusNotImplemented, Body: map[string]any{
				"detail": "emulator: issuing tokens (client_credentials) is not modelled"}}
		}
		// client_secret as base64 "user:password" app password: not modelled.
		return fail("invalid_grant")
	case "urn:ietf:params:oauth:grant-type:device_code":
		d := e.deviceCodes[form.get("device_code")]
		if d == nil || d.provider != p.PK || e.st.ProviderByPK(p.PK) == nil {
			return fail("invalid_grant")
		}
		// Nobody can approve a device code in the emulator.
		return fail("authorization_pending")
	}
	return fail("unsupported_grant_type")
}

// bearerError is protected_resource_view's BearerTokenError response.
func bearerError() httpapi.Resp {
	return httpapi.Resp{Status: http.StatusUnauthorized, Body: httpapi.RawBody(""), Hdr: http.Header{
		"Content-Type": {"text/html; charset=utf-8"},
		"Www-Authenticate": {`error="invalid_token", error_description="The access token provided is ` +
			`expired, revoked, malformed, or invalid for other reasons"`}}}
}

// userinfo is UserInfoView under protected_resource_view(["openid"]): the
// emulator issues no access tokens, so every non-OPTIONS request is a 401.
func (e *Views) userinfo(r *http.Request) httpapi.Resp {
	if r.Method == http.MethodOptions {
		return tokenResponse(200, map[string]any{})
	}
	return bearerError()
}

// introspect is TokenIntrospectionView (views/introspection.py): every
// failure, including an unauthenticated client, is {"active": false}.
func (e *Views) introspect(r *http.Request) httpapi.Resp {
	if res, ok := postOnly(r); !ok {
		return res
	}
	return tokenResponse(200, map[string]any{"active": false})
}

// postOnly answers what a Django view with only post() answers for any
// other method: OPTIONS lists the methods, the rest is a 405. ok is true
// for a POST.
func postOnly(r *http.Request) (res httpapi.Resp, ok bool) {
	switch r.Method {
	case http.MethodPost:
		return httpapi.Resp{}, true
	case http.MethodOptions:
		return djangoOptions("POST, OPTIONS"), false
	}
	return methodNotAllowed("POST, OPTIONS"), false
}

// revoke is TokenRevokeView (views/token_revoke.py).
func (e *Views) revoke(r *http.Request, body []byte) httpapi.Resp {
	if res, ok := postOnly(r); !ok {
		return res
	}
	form := parsePost(r, body)
	id, secret := extractClientAuth(r, form)
	var p *store.Provider
	if !(id == "" && secret == "") {
		p = e.oauthProviderByClientID(id)
	}
	if p != nil && p.Attr("client_type") == "confidential" && p.Attr("client_secret") != secret {
		p = nil
	}
	if p == nil {
		// TokenRevocationError("invalid_client"): TokenRevokeView.post
		// answers exc.create_dict with status 401.
		return tokenResponse(http.StatusUnauthorized, oauthError("invalid_client"))
	}
	// No token exists: RFC 7009 says 200 anyway.
	return tokenResponse(200, map[string]any{})
}

type deviceCode struct {
	provider int32
	expires  time.Time
}

const deviceThrottle = 20 // throttle.providers.oauth2.device default: 20/hour

// device is DeviceView (views/device_backchannel.py).
func (e *Views) device(r *http.Request, body []byte) httpapi.Resp {
	// DRF's AnonRateThrottle runs in dispatch, before the method check.
	ident := r.Header.Get("X-Forwarded-For")
	if ident != "" {
		ident = strings.Join(strings.Fields(ident), "")
	} else {
		ident = r.RemoteAddr
		if i := strings.LastIndex(ident, ":"); i >= 0 {
			ident = ident[:i] // host without the port
		}
	}
	now := time.Now()
	hist := e.deviceHits[ident]
	for len(hist) > 0 && now.Sub(hist[0]) >= time.Hour {
		hist = hist[1:]
	}
	if len(hist) >= deviceThrottle {
		e.deviceHits[ident] = hist
		return tokenResponse(429, oauthError("slow_down"))
	}
	e.deviceHits[ident] = append(hist, now)
	if res, ok := postOnly(r); !ok {
		return res
	}
	form := parsePost(r, body)
	id, _ := extractClientAuth(r, form)
	var p *store.Provider
	if id != "" {
		p = e.oauthProviderByClientID(id)
	}
	if p == nil || e.st.AppUsingProvider(p.PK) == nil {
		return tokenResponse(400, oauthError("invalid_client"))
	}
	secs, err := httpapi.DurationSeconds(p.Attr("access_code_validity"))
	if err != nil {
		return httpapi.ServerError()
	}
	code := generateKey(128)
	user := generateCodeFixedLength(9)
	e.deviceCodes[code] = &deviceCode{provider: p.PK, expires: now.Add(time.Duration(secs * float64(time.Second)))}
	devURL := BaseURL(r) + "/device"
	return tokenResponse(200, map[string]any{
		"device_code":               code,
		"verification_uri":          devURL,
		"verification_uri_complete": devURL + "?" + url.Values{"code": {user}}.Encode(),
		"user_code":                 user,
		"expires_in":                int64(secs),
		"interval":                  5,
	})
}

// generateKey and generateCodeFixedLength are authentik/lib/generators.py.
func generateKey(n int) string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[rand.IntN(len(chars))]
	}
	return string(b)
}

func generateCodeFixedLength(n int) string {
	max := 1
	for range n {
		max *= 10
	}
	s := strings.Repeat("0", n) + itoa(1+rand.IntN(max-1))
	return s[len(s)-n:]
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// endSession is EndSessionView (views/end_session.py), a PolicyAccessView:
// the application and a flow to end the session with are resolved first
// (404 without them); a visitor without a session is then sent to log in,
// with this URL as next (PolicyAccessView.handle_no_permission).
func (e *Views) endSession(r *http.Request, slug string) httpapi.Resp {
	a := e.st.AppBySlug(slug)
	if a == nil || a.Provider() == nil {
		return htmlNotFound()
	}
	p := e.st.ProviderByPK(*a.Provider())
	if p == nil {
		return htmlNotFound()
	}
	if p.InvalidationFlow == nil && e.st.FlowBySlug("default-invalidation-flow") == nil {
		return htmlNotFound() // brand.flow_invalidation unset too
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
		// CsrfViewMiddleware rejects unsafe methods before the view runs.
		return httpapi.Resp{Status: http.StatusForbidden, Body: httpapi.RawBody("<h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p>"),
			Hdr: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
	}
	return e.toLogin(r, p.AuthenticationFlow)
}

// toLogin is PolicyAccessView.handle_no_permission for an anonymous
// visitor: the provider's authentication flow, else the brand's; the
// query keeps the request's own parameters and adds next (redirect_with_qs).
func (e *Views) toLogin(r *http.Request, authFlow *string) httpapi.Resp {
	slug := ""
	if authFlow != nil {
		for _, f := range e.st.Flows {
			if f.PK == *authFlow {
				slug = f.Slug
			}
		}
	}
	if slug == "" {
		if e.st.FlowBySlug("default-authentication-flow") == nil {
			return htmlNotFound()
		}
		slug = "default-authentication-flow"
	}
	return httpapi.Resp{Status: http.StatusFound, Hdr: http.Header{"Location": {"/if/flow/" + slug + "/?" + encodeQS(r.URL.RawQuery, r.URL.RequestURI())}}}
}

// encodeQS is urlencode(qs.items()) of the request's QueryDict plus next:
// the last value of each key, in first-seen order, then next.
func encodeQS(raw, next string) string {
	var keys []string
	last := map[string]string{}
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == '&' || r == ';' }) {
		k, v, _ := strings.Cut(part, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		if _, seen := last[k]; !seen {
			keys = append(keys, k)
		}
		last[k] = v
	}
	if _, seen := last["next"]; !seen {
		keys = append(keys, "next")
	}
	last["next"] = next
	var out []string
	for _, k := range keys {
		out = append(out, url.QueryEscape(k)+"="+url.QueryEscape(last[k]))
	}
	return strings.Join(out, "&")
}
