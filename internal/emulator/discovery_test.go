package emulator_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	api "goauthentik.io/api/v3"
)

func TestOIDCDiscovery(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	maps := res(e.c.PropertymappingsApi.PropertymappingsProviderScopeList(e.ctx).
		Managed([]string{"goauthentik.io/providers/oauth2/scope-email", "goauthentik.io/providers/oauth2/scope-profile"}).Execute()).must(t)
	var mapPKs []string
	for _, m := range maps.Results {
		mapPKs = append(mapPKs, m.Pk)
	}
	ecKey := e.emu.AddKeypair("ec key", "ec", true)
	selfSigned := res(e.c.CryptoApi.CryptoCertificatekeypairsList(e.ctx).Name("authentik Self-signed Certificate").Execute()).must(t).Results[0].Pk

	hs := e.oauth2("hs", func(r *api.OAuth2ProviderRequest) { r.SetPropertyMappings(mapPKs) })
	e.app("hs-app", hs.Pk)
	rs := e.oauth2("rs", func(r *api.OAuth2ProviderRequest) { r.SetSigningKey(selfSigned) })
	e.app("rs-app", rs.Pk)
	es := e.oauth2("es", func(r *api.OAuth2ProviderRequest) {
		r.SetSigningKey(ecKey)
		r.SetIssuerMode(api.ISSUERMODEENUM_GLOBAL)
	})
	e.app("es-app", es.Pk)
	e.app("no-provider", 0)

	host := strings.TrimPrefix(e.srv.URL, "http://")
	tests := []struct {
		name, slug, proto string
		status            int
		issuer, alg       string
		scopes            string
	}{
		{"per-provider HS256", "hs-app", "", 200, "http://" + host + "/application/o/hs-app/", "HS256", "profile,email,openid"},
		{"forwarded proto", "hs-app", "https", 200, "https://" + host + "/application/o/hs-app/", "HS256", ""},
		{"RS256 with rsa key", "rs-app", "", 200, "http://" + host + "/application/o/rs-app/", "RS256", "openid"},
		{"global issuer ES256", "es-app", "", 200, "http://" + host + "/", "ES256", ""},
		{"unknown slug", "nope", "", 404, "", "", ""},
		{"app without provider", "no-provider", "", 404, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{}
			if tc.proto != "" {
				hdr["X-Forwarded-Proto"] = tc.proto
			}
			st, body := rawReq(t, e.srv, "GET", "/application/o/"+tc.slug+"/.well-known/openid-configuration", "", hdr)
			if st != tc.status {
				t.Fatalf("status %d, want %d", st, tc.status)
			}
			if st != 200 {
				return
			}
			var doc struct {
				Issuer        string   `json:"issuer"`
				Algs          []string `json:"id_token_signing_alg_values_supported"`
				Scopes        []string `json:"scopes_supported"`
				Authorization string   `json:"authorization_endpoint"`
				EndSession    string   `json:"end_session_endpoint"`
				JWKS          string   `json:"jwks_uri"`
				Subjects      []string `json:"subject_types_supported"`
			}
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatal(err)
			}
			base := tc.issuer[:strings.Index(tc.issuer, host)+len(host)]
			if doc.Issuer != tc.issuer || len(doc.Algs) != 1 || doc.Algs[0] != tc.alg {
				t.Errorf("issuer %s algs %v", doc.Issuer, doc.Algs)
			}
			if doc.Authorization != base+"/application/o/authorize/" || doc.EndSession != base+"/application/o/"+tc.slug+"/end-session/" ||
				doc.JWKS != base+"/application/o/"+tc.slug+"/jwks/" || len(doc.Subjects) == 0 {
				t.Errorf("endpoints: %+v", doc)
			}
			if tc.scopes != "" {
				got := map[string]bool{}
				for _, s := range doc.Scopes {
					got[s] = true
				}
				for _, s := range strings.Split(tc.scopes, ",") {
					if !got[s] {
						t.Errorf("scopes_supported %v lacks %s", doc.Scopes, s)
					}
				}
				if len(got) != len(strings.Split(tc.scopes, ",")) {
					t.Errorf("scopes_supported %v, want %s", doc.Scopes, tc.scopes)
				}
			}
		})
	}

	// JWKS: empty for HS256, one key otherwise.
	for slug, n := range map[string]int{"hs-app": 0, "rs-app": 1, "es-app": 1} {
		st, body := rawReq(t, e.srv, "GET", "/application/o/"+slug+"/jwks/", "", nil)
		var jwks struct{ Keys []map[string]any }
		if err := json.Unmarshal([]byte(body), &jwks); st != 200 || err != nil || len(jwks.Keys) != n {
			t.Errorf("jwks %s: %d %s", slug, st, body)
		}
	}

	// Authorize: 400 without a known client_id, else a redirect to log in
	// (authorize_test.go has the rest).
	if st, _ := rawReq(t, e.srv, "GET", "/application/o/authorize/?response_type=code", "", nil); st != 400 {
		t.Errorf("authorize without client_id: %d", st)
	}
	q := url.Values{"client_id": {hs.GetClientId()}, "response_type": {"code"}, "redirect_uri": {"https://hs.example.com/cb"}}
	st, _ := rawReq(t, e.srv, "GET", "/application/o/authorize/?"+q.Encode(), "", nil)
	if st != 302 {
		t.Errorf("authorize: %d, want 302", st)
	}
}
