package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	api "goauthentik.io/api/v3"
)

func form(v url.Values) (string, map[string]string) {
	return v.Encode(), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
}

// TestOIDCEndpoints follows authentik/providers/oauth2/urls.py and
// views/{token,userinfo,introspection,token_revoke,device_backchannel,
// end_session,jwks,provider}.py at version/2026.2.2.
func TestOIDCEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	selfSigned := res(e.c.CryptoApi.CryptoCertificatekeypairsList(e.ctx).Name("authentik Self-signed Certificate").Execute()).must(t).Results[0].Pk
	conf := e.oauth2("conf", func(r *api.OAuth2ProviderRequest) { r.SetSigningKey(selfSigned) })
	e.app("conf-app", conf.Pk)
	orphan := e.oauth2("orphan")

	post := func(path string, v url.Values) (int, map[string]any) {
		t.Helper()
		b, h := form(v)
		st, body := rawReqForm(t, e, path, b, h)
		var m map[string]any
		_ = json.Unmarshal([]byte(body), &m)
		return st, m
	}

	// token.py TokenView.post: unknown client -> 400 invalid_client.
	st, m := post("/application/o/token/", url.Values{"client_id": {"nope"}, "grant_type": {"client_credentials"}})
	if st != 400 || m["error"] != "invalid_client" || m["request_id"] == nil {
		t.Errorf("token unknown client: %d %v", st, m)
	}
	for grant, want := range map[string]string{
		"authorization_code": "invalid_client", // confidential, wrong secret
		"refresh_token":      "invalid_client",
		"bogus":              "unsupported_grant_type",
		"urn:ietf:params:oauth:grant-type:device_code": "invalid_grant",
	} {
		st, m := post("/application/o/token/", url.Values{"client_id": {conf.GetClientId()}, "client_secret": {"x"}, "grant_type": {grant}})
		if st != 400 || m["error"] != want {
			t.Errorf("token %s: %d %v, want %s", grant, st, m, want)
		}
	}
	st, m = post("/application/o/token/", url.Values{"client_id": {conf.GetClientId()}, "client_secret": {conf.GetClientSecret()}, "grant_type": {"authorization_code"}, "code": {"c"}})
	if st != 400 || m["error"] != "invalid_grant" {
		t.Errorf("token unknown code: %d %v", st, m)
	}
	if st, _ := rawReq(t, e.srv, "GET", "/application/o/token/", "", nil); st != 405 {
		t.Errorf("GET token/: %d, want 405", st)
	}

	// userinfo.py under protected_resource_view: no token -> 401.
	if st, _ := rawReq(t, e.srv, "GET", "/application/o/userinfo/", "", map[string]string{"Authorization": "Bearer x"}); st != 401 {
		t.Errorf("userinfo: %d, want 401", st)
	}
	// introspection.py: any failure is {"active": false}.
	if st, m := post("/application/o/introspect/", url.Values{"token": {"x"}}); st != 200 || m["active"] != false {
		t.Errorf("introspect: %d %v", st, m)
	}
	// token_revoke.py: unknown token -> 200 {}; invalid client ->
	// TokenRevocationError, a 401 invalid_client with its description.
	if st, _ := post("/application/o/revoke/", url.Values{"client_id": {conf.GetClientId()}, "client_secret": {conf.GetClientSecret()}, "token": {"x"}}); st != 200 {
		t.Errorf("revoke: %d", st)
	}
	for name, v := range map[string]url.Values{
		"unknown client": {"client_id": {"nope"}, "token": {"x"}},
		"wrong secret":   {"client_id": {conf.GetClientId()}, "client_secret": {"x"}, "token": {"x"}},
		"no client":      {"token": {"x"}},
	} {
		st, m := post("/application/o/revoke/", v)
		if st != 401 || m["error"] != "invalid_client" || m["request_id"] == nil ||
			!strings.HasPrefix(fmt.Sprint(m["error_description"]), "Client authentication failed") {
			t.Errorf("revoke %s: %d %v, want 401 invalid_client", name, st, m)
		}
	}
	// device_backchannel.py: a provider without application is invalid_client.
	if st, m := post("/application/o/device/", url.Values{"client_id": {orphan.GetClientId()}}); st != 400 || m["error"] != "invalid_client" {
		t.Errorf("device orphan: %d %v", st, m)
	}
	st, m = post("/application/o/device/", url.Values{"client_id": {conf.GetClientId()}, "scope": {"openid"}})
	if st != 200 || m["expires_in"] != float64(60) || len(m["user_code"].(string)) != 9 || !strings.HasSuffix(m["verification_uri"].(string), "/device") {
		t.Fatalf("device: %d %v", st, m)
	}
	st, m = post("/application/o/token/", url.Values{"client_id": {conf.GetClientId()}, "grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {m["device_code"].(string)}})
	if st != 400 || m["error"] != "authorization_pending" {
		t.Errorf("token device pending: %d %v", st, m)
	}

	// end_session.py: resolved first (404), then an anonymous visitor logs in first.
	if st, _ := rawReq(t, e.srv, "GET", "/application/o/nope/end-session/", "", nil); st != 404 {
		t.Errorf("end-session unknown app: %d", st)
	}
	loc := rawLocation(t, e, "/application/o/conf-app/end-session/?id_token_hint=x")
	if want := "/if/flow/default-authentication-flow/?id_token_hint=x&next=" + url.QueryEscape("/application/o/conf-app/end-session/?id_token_hint=x"); loc != want {
		t.Errorf("end-session Location %q, want %q", loc, want)
	}

	// jwks.py: x5c/x5t from the certificate; {} without a key.
	_, body := rawReq(t, e.srv, "GET", "/application/o/conf-app/jwks/", "", nil)
	var jwks struct{ Keys []map[string]any }
	if err := json.Unmarshal([]byte(body), &jwks); err != nil || len(jwks.Keys) != 1 || jwks.Keys[0]["x5c"] == nil ||
		jwks.Keys[0]["x5t"] == nil || jwks.Keys[0]["x5t#S256"] == nil || jwks.Keys[0]["e"] != "AQAB" || jwks.Keys[0]["use"] != "sig" {
		t.Errorf("jwks: %s", body)
	}
	hs := e.oauth2("hs")
	e.app("hs-app", hs.Pk)
	if _, body := rawReq(t, e.srv, "GET", "/application/o/hs-app/jwks/", "", nil); body != "{}" {
		t.Errorf("jwks without key: %s, want {}", body)
	}
}

// TestClaimsSupportedFromMappings: provider.py get_claims evaluates each
// mapping (ordered by scope_name) and adds the keys of the dict it returns.
func TestClaimsSupportedFromMappings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	custom := res(e.c.PropertymappingsApi.PropertymappingsProviderScopeCreate(e.ctx).ScopeMappingRequest(api.ScopeMappingRequest{
		Name: "aaa", ScopeName: "aaa", Expression: "# custom\nreturn {\"tenant\": 1, 'dept': [1, {\"x\": 2}]}"}).Execute()).must(t)
	opaque := res(e.c.PropertymappingsApi.PropertymappingsProviderScopeCreate(e.ctx).ScopeMappingRequest(api.ScopeMappingRequest{
		Name: "zzz", ScopeName: "zzz", Expression: "x = 1\nreturn {\"never\": x}"}).Execute()).must(t)
	email := res(e.c.PropertymappingsApi.PropertymappingsProviderScopeList(e.ctx).
		Managed([]string{"goauthentik.io/providers/oauth2/scope-email"}).Execute()).must(t).Results[0].Pk
	p := e.oauth2("c", func(r *api.OAuth2ProviderRequest) { r.SetPropertyMappings([]string{opaque.Pk, email, custom.Pk}) })
	e.app("c-app", p.Pk)
	_, body := rawReq(t, e.srv, "GET", "/application/o/c-app/.well-known/openid-configuration", "", nil)
	var doc struct {
		Claims []string `json:"claims_supported"`
	}
	_ = json.Unmarshal([]byte(body), &doc)
	want := "sub,iss,aud,exp,iat,auth_time,acr,amr,nonce,tenant,dept,email,email_verified"
	if got := strings.Join(doc.Claims, ","); got != want {
		t.Errorf("claims_supported %s, want %s", got, want)
	}
}

func rawReqForm(t *testing.T, e *env, path, body string, hdr map[string]string) (int, string) {
	t.Helper()
	return rawReq(t, e.srv, "POST", path, body, hdr)
}

func rawLocation(t *testing.T, e *env, path string) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 302 {
		t.Errorf("GET %s: %d, want 302", path, res.StatusCode)
	}
	return res.Header.Get("Location")
}

// The token-side views define only post() (authentik/providers/oauth2/views/
// introspection.py, token_revoke.py, device_backchannel.py): Django answers
// OPTIONS with the allowed methods and any other method with a 405.
func TestOIDCPostOnlyViews(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/application/o/introspect/", "/application/o/revoke/", "/application/o/device/"} {
		if st, _ := rawReq(t, e.srv, "GET", path, "", nil); st != 405 {
			t.Errorf("GET %s: %d, want 405", path, st)
		}
		if st, _ := rawReq(t, e.srv, "OPTIONS", path, "", nil); st != 200 {
			t.Errorf("OPTIONS %s: %d, want 200", path, st)
		}
	}
}
