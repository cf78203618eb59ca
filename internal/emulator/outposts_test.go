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

// An outpost's service account and token are authentik's
// (authentik/outposts/models.py Outpost.user, Outpost.token;
// signals.py outpost_post_save, outpost_pre_delete_cleanup): made with the
// outpost, the embedded one's at seed, and deleted with it.
func TestOutpostServiceAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	px := e.proxy("px")
	account := func(outpostPK string) (api.User, api.Token, bool) {
		t.Helper()
		username := "ak-outpost-" + strings.ReplaceAll(outpostPK, "-", "")
		us := res(e.c.CoreApi.CoreUsersList(e.ctx).Username(username).Execute()).must(t).Results
		ts := res(e.c.CoreApi.CoreTokensList(e.ctx).Identifier("ak-outpost-" + outpostPK + "-api").Execute()).must(t).Results
		if len(us) != len(ts) || len(us) > 1 {
			t.Fatalf("outpost %s: %d service accounts, %d tokens", outpostPK, len(us), len(ts))
		}
		if len(us) == 0 {
			return api.User{}, api.Token{}, false
		}
		return us[0], ts[0], true
	}
	check := func(name, outpostPK string) (api.User, api.Token) {
		t.Helper()
		u, tok, ok := account(outpostPK)
		if !ok {
			t.Fatalf("outpost %q has no service account", name)
		}
		if u.GetType() != api.USERTYPEENUM_INTERNAL_SERVICE_ACCOUNT || u.Name != "Outpost "+name+" Service-Account" ||
			u.GetPath() != "goauthentik.io/outposts" || u.GetEmail() != "" {
			t.Errorf("service account: type %s name %q path %q email %q", u.GetType(), u.Name, u.GetPath(), u.GetEmail())
		}
		if tok.GetUser() != u.Pk || tok.GetIntent() != api.INTENTENUM_API || tok.GetExpiring() ||
			tok.GetManaged() != "goauthentik.io/outpost/ak-outpost-"+outpostPK+"-api" ||
			tok.GetDescription() != "Autogenerated by authentik for Outpost "+name {
			t.Errorf("token: %+v", tok)
		}
		return u, tok
	}

	embedded := res(e.c.OutpostsApi.OutpostsInstancesList(e.ctx).ManagedIexact("goauthentik.io/outposts/embedded").Execute()).must(t).Results[0]
	embeddedUser, embeddedToken := check("authentik Embedded Outpost", embedded.Pk)
	{
		other := newEnv(t)
		// Stable: a second emulator seeds the same pks.
		o := res(other.c.OutpostsApi.OutpostsInstancesList(other.ctx).ManagedIexact("goauthentik.io/outposts/embedded").Execute()).must(t).Results[0]
		ts := res(other.c.CoreApi.CoreTokensList(other.ctx).Identifier("ak-outpost-" + o.Pk + "-api").Execute()).must(t).Results
		if o.Pk != embedded.Pk || len(ts) != 1 || ts[0].Pk != embeddedToken.Pk || ts[0].GetUser() != embeddedUser.Pk {
			t.Errorf("the embedded outpost's account is not seeded the same twice")
		}
	}

	req := api.NewOutpostRequest("edge", api.OUTPOSTTYPEENUM_PROXY, []int32{px.Pk}, map[string]any{})
	o := res(e.c.OutpostsApi.OutpostsInstancesCreate(e.ctx).OutpostRequest(*req).Execute()).must(t)
	_, tok := check("edge", o.Pk)
	key := res(e.c.CoreApi.CoreTokensViewKeyRetrieve(e.ctx, tok.Identifier).Execute()).must(t).Key
	if len(key) != 60 || res(e.c.CoreApi.CoreTokensViewKeyRetrieve(e.ctx, tok.Identifier).Execute()).must(t).Key != key {
		t.Errorf("view_key: %q, not one stable 60-character key", key)
	}

	if _, err := e.c.OutpostsApi.OutpostsInstancesDestroy(e.ctx, o.Pk).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := account(o.Pk); ok {
		t.Errorf("the service account outlived its outpost")
	}
	check("authentik Embedded Outpost", embedded.Pk)
}
