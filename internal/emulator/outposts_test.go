package emulator_test

import (
	"strings"
	"testing"

	api "goauthentik.io/api/v3"
)

func TestOutposts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	px := e.proxy("px")
	oa := e.oauth2("oa")
	embedded := res(e.c.OutpostsApi.OutpostsInstancesList(e.ctx).ManagedIexact("goauthentik.io/outposts/embedded").Execute()).must(t).Results[0]

	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"type mismatch", "POST", "/api/v3/outposts/instances/", `{"name":"o","type":"proxy","providers":[` + itoa(oa.Pk) + `],"config":{}}`,
			400, `{"providers":["Outpost type proxy can't be used with OAuth2Provider providers."]}`},
		{"ldap with proxy provider", "POST", "/api/v3/outposts/instances/", `{"name":"o","type":"ldap","providers":[` + itoa(px.Pk) + `],"config":{}}`,
			400, `{"providers":["Outpost type ldap can't be used with ProxyProvider providers."]}`},
		{"empty providers", "POST", "/api/v3/outposts/instances/", `{"name":"o","type":"proxy","providers":[],"config":{}}`,
			400, `{"providers":["This list may not be empty."]}`},
		{"config required", "POST", "/api/v3/outposts/instances/", `{"name":"o","type":"proxy","providers":[` + itoa(px.Pk) + `]}`,
			400, `{"config":["This field is required."]}`},
		{"unknown provider", "POST", "/api/v3/outposts/instances/", `{"name":"o","type":"proxy","providers":[999],"config":{}}`,
			400, `{"providers":["Invalid pk \"999\" - object does not exist."]}`},
		{"embedded rename", "PATCH", "/api/v3/outposts/instances/" + embedded.Pk + "/", `{"name":"renamed"}`,
			400, `{"name":["Embedded outpost's name cannot be changed"]}`},
		{"embedded may be empty", "PATCH", "/api/v3/outposts/instances/" + embedded.Pk + "/", `{"type":"proxy","providers":[]}`, 200, ""},
		{"embedded takes proxy", "PATCH", "/api/v3/outposts/instances/" + embedded.Pk + "/", `{"type":"proxy","providers":[` + itoa(px.Pk) + `]}`, 200, ""},
		{"PATCH without type skips the check", "PATCH", "/api/v3/outposts/instances/" + embedded.Pk + "/", `{"providers":[` + itoa(oa.Pk) + `,` + itoa(px.Pk) + `]}`, 200, ""},
		{"invalid type with providers crashes", "PATCH", "/api/v3/outposts/instances/" + embedded.Pk + "/", `{"type":"bogus","providers":[` + itoa(px.Pk) + `]}`, 500, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := e.raw(tc.method, tc.path, tc.body)
			if st != tc.status || (tc.want != "" && body != tc.want) {
				t.Errorf("got %d %s, want %d %s", st, body, tc.status, tc.want)
			}
		})
	}

	cfg := map[string]any{"log_level": "debug", "refresh_interval": "hours=1"}
	req := api.NewOutpostRequest("my outpost", api.OUTPOSTTYPEENUM_PROXY, []int32{px.Pk}, cfg)
	o := res(e.c.OutpostsApi.OutpostsInstancesCreate(e.ctx).OutpostRequest(*req).Execute()).must(t)
	if len(o.Config) != 2 || o.Config["log_level"] != "debug" {
		t.Errorf("config must be stored verbatim: %v", o.Config)
	}
	if o.RefreshIntervalS != 3600 || o.TokenIdentifier != "ak-outpost-"+o.Pk+"-api" {
		t.Errorf("derived fields: %d %s", o.RefreshIntervalS, o.TokenIdentifier)
	}
	if len(o.ProvidersObj) != 1 || o.ProvidersObj[0].MetaModelName != "authentik_core.provider" || o.ProvidersObj[0].Component != "" {
		t.Errorf("providers_obj: %+v", o.ProvidersObj)
	}
	pxNow := res(e.c.ProvidersApi.ProvidersProxyRetrieve(e.ctx, px.Pk).Execute()).must(t)
	if strings.Join(pxNow.OutpostSet, ",") != "Outpost authentik Embedded Outpost,Outpost my outpost" {
		t.Errorf("outpost_set = %v", pxNow.OutpostSet)
	}
	dup := `{"name":"my outpost","type":"proxy","providers":[` + itoa(px.Pk) + `],"config":{}}`
	if st, body := e.raw("POST", "/api/v3/outposts/instances/", dup); body != `{"name":["Outpost with this name already exists."]}` {
		t.Errorf("duplicate name: %d %s", st, body)
	}

	filters := []struct {
		query string
		count float64
	}{
		{"name=nothing-matches", 2}, // unknown filter: ignored
		{"name__iexact=MY%20OUTPOST", 1},
		{"name__icontains=outpost", 2},
		{"providers_by_pk=" + itoa(oa.Pk), 1},
		{"providers__isnull=true", 0},
	}
	for _, f := range filters {
		st, body := e.rawJSON("GET", "/api/v3/outposts/instances/?"+f.query, "")
		if st != 200 || body["pagination"].(map[string]any)["count"] != f.count {
			t.Errorf("%s: %d %v", f.query, st, body["pagination"])
		}
	}
	if st, body := e.raw("GET", "/api/v3/outposts/instances/?providers_by_pk=999", ""); st != 400 ||
		!strings.Contains(body, "Select a valid choice.") {
		t.Errorf("unknown providers_by_pk: %d %s", st, body)
	}
}
