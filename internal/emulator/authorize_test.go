package emulator_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	api "goauthentik.io/api/v3"
)

// TestAuthorizeChecksLikeAuthentik follows
// authentik/providers/oauth2/views/authorize.py (version/2026.2.2):
// AuthorizationFlowInitView.pre_permission_check and
// OAuthAuthorizationParams (from_request, check_redirect_uri, check_grant,
// check_scope, check_nonce, check_code_challenge), then
// resolve_provider_application and handle_no_permission.
func TestAuthorizeChecksLikeAuthentik(t *testing.T) {
	e := newEnv(t)
	var openid []string
	for _, m := range res(e.c.PropertymappingsApi.PropertymappingsProviderScopeList(e.ctx).Execute()).must(t).Results {
		if m.ScopeName == "openid" {
			openid = append(openid, m.Pk)
		}
	}
	withApp := e.oauth2("web", func(r *api.OAuth2ProviderRequest) {
		r.SetRedirectUris([]api.RedirectURIRequest{
			*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_STRICT, "https://web.example.com/cb"),
			*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_REGEX, `https://[a-z]+\.web\.example\.com/cb`),
			*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_STRICT, "myapp://cb"),
			*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_REGEX, `javascript:.*`),
		})
		r.SetPropertyMappings(openid)
	})
	e.app("web", withApp.Pk)
	orphan := e.oauth2("orphan")

	get := func(v url.Values) (int, string, string) {
		t.Helper()
		req := "/application/o/authorize/"
		if v != nil {
			req += "?" + v.Encode()
		}
		st, loc, body := rawReqLocation(t, e, "GET", req)
		return st, loc, body
	}
	base := func(extra ...string) url.Values {
		v := url.Values{"client_id": {withApp.GetClientId()}, "response_type": {"code"},
			"redirect_uri": {"https://web.example.com/cb"}, "state": {"s1"}}
		for i := 0; i+1 < len(extra); i += 2 {
			if extra[i+1] == "" {
				v.Del(extra[i])
			} else {
				v.Set(extra[i], extra[i+1])
			}
		}
		return v
	}
	for _, tc := range []struct {
		name   string
		q      url.Values
		status int
		loc    string // prefix of Location; "" for none
		body   string // substring of the body
	}{
		{"no query at all", nil, 404, "", ""},
		{"no client_id", url.Values{"response_type": {"code"}}, 400, "", "client identifier"},
		{"unknown client_id", base("client_id", "nope"), 400, "", "client identifier"},
		{"missing redirect_uri", base("redirect_uri", ""), 400, "", "redirection URI"},
		{"mismatched redirect_uri", base("redirect_uri", "https://evil.example.com/cb"), 400, "", "redirection URI"},
		{"prefix of a strict URI", base("redirect_uri", "https://web.example.com/c"), 400, "", "redirection URI"},
		{"forbidden scheme (regex match)", base("redirect_uri", "javascript:alert(1)"), 400, "", "redirection URI"},
		{"strict match", base(), 302, "/if/flow/default-authentication-flow/?", ""},
		{"regex match", base("redirect_uri", "https://a.web.example.com/cb"), 302, "/if/flow/default-authentication-flow/?", ""},
		{"bad response_type goes back to the client", base("response_type", "token"), 302,
			"https://web.example.com/cb?error=unsupported_response_type&error_description=The%20authorization%20server%20does%20not%20support", ""},
		{"missing response_type", base("response_type", ""), 302, "https://web.example.com/cb?error=unsupported_response_type", ""},
		{"bad response_type, custom scheme", base("response_type", "token", "redirect_uri", "myapp://cb"), 400, "", ""},
		{"implicit without openid in scope", base("response_type", "id_token", "scope", "email"), 302,
			"https://web.example.com/cb#error=invalid_scope", ""},
		{"implicit without nonce", base("response_type", "id_token", "scope", "openid"), 302,
			"https://web.example.com/cb#error=invalid_request", ""},
		{"request object", base("request", "x.y.z"), 302, "https://web.example.com/cb?error=request_not_supported", ""},
		{"unsupported PKCE method", base("code_challenge", "abc", "code_challenge_method", "S512"), 302,
			"https://web.example.com/cb?error=invalid_request&error_description=Unsupported%20challenge%20method%20S512&state=s1", ""},
		{"prompt=none without a session", base("prompt", "none"), 302, "https://web.example.com/cb?error=login_required", ""},
		{"max_age not an integer", base("max_age", "soon"), 500, "", ""},
		{"max_age an integer", base("max_age", " +1_0 "), 302, "/if/flow/default-authentication-flow/?", ""},
		{"provider without application", base("client_id", orphan.GetClientId(), "redirect_uri", "https://orphan.example.com/cb"), 200, "", "Access denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, loc, body := get(tc.q)
			if st != tc.status || !strings.HasPrefix(loc, tc.loc) || (tc.loc == "" && loc != "") || !strings.Contains(body, tc.body) {
				t.Errorf("got %d %q %q, want %d %q %q", st, loc, body, tc.status, tc.loc, tc.body)
			}
		})
	}
	if st, _, _ := rawReqLocation(t, e, "POST", "/application/o/authorize/?"+base().Encode()); st != 403 {
		t.Errorf("POST authorize: %d, want 403 (CSRF)", st)
	}
}

// TestAuthorizeSavesFirstRedirectURI: check_redirect_uri stores the first
// redirect_uri it is sent as the provider's only (strict) redirect URI
// when it has none, for an anonymous visitor too; a later different one
// is then refused.
func TestAuthorizeSavesFirstRedirectURI(t *testing.T) {
	e := newEnv(t)
	p := e.oauth2("blank", func(r *api.OAuth2ProviderRequest) { r.SetRedirectUris([]api.RedirectURIRequest{}) })
	e.app("blank", p.Pk)
	q := url.Values{"client_id": {p.GetClientId()}, "response_type": {"code"}, "redirect_uri": {"https://first.example.com/cb"}}

	// Without redirect_uri nothing is saved.
	noURI := url.Values{"client_id": {p.GetClientId()}, "response_type": {"code"}}
	if st, _, _ := rawReqLocation(t, e, "GET", "/application/o/authorize/?"+noURI.Encode()); st != 400 {
		t.Fatalf("authorize without redirect_uri: %d, want 400", st)
	}
	if got := res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, p.Pk).Execute()).must(t).RedirectUris; len(got) != 0 {
		t.Fatalf("redirect URIs after a refused request: %v", got)
	}

	if st, loc, _ := rawReqLocation(t, e, "GET", "/application/o/authorize/?"+q.Encode()); st != 302 || !strings.HasPrefix(loc, "/if/flow/") {
		t.Fatalf("first authorize: %d %q, want a redirect to log in", st, loc)
	}
	got := res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, p.Pk).Execute()).must(t).RedirectUris
	if len(got) != 1 || got[0].MatchingMode != api.MATCHINGMODEENUM_STRICT || got[0].Url != "https://first.example.com/cb" {
		t.Fatalf("redirect URIs after the first authorize: %+v", got)
	}
	q.Set("redirect_uri", "https://second.example.com/cb")
	if st, _, _ := rawReqLocation(t, e, "GET", "/application/o/authorize/?"+q.Encode()); st != 400 {
		t.Errorf("second authorize with another URI: %d, want 400", st)
	}
}

// rawReqLocation sends an anonymous request without following redirects
// and returns status, Location and body.
func rawReqLocation(t *testing.T, e *env, method, path string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

// A possessive regex redirect URI matches at authorize as re.fullmatch does.
func TestAuthorizePossessiveRegexRedirect(t *testing.T) {
	e := newEnv(t)
	p := e.oauth2("px", func(r *api.OAuth2ProviderRequest) {
		r.SetRedirectUris([]api.RedirectURIRequest{*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_REGEX, `https://[a-z]++\.example\.com/cb`)})
	})
	e.app("px", p.Pk)
	for uri, want := range map[string]int{"https://app.example.com/cb": 302, "https://app.example.org/cb": 400} {
		q := url.Values{"client_id": {p.GetClientId()}, "response_type": {"code"}, "redirect_uri": {uri}}
		if st, _, _ := rawReqLocation(t, e, "GET", "/application/o/authorize/?"+q.Encode()); st != want {
			t.Errorf("%s: %d, want %d", uri, st, want)
		}
	}
}
