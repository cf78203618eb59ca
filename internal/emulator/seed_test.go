package emulator_test

import (
	"testing"
)

func TestSeededLikeFreshAuthentik(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	flows := res(e.c.FlowsApi.FlowsInstancesList(e.ctx).PageSize(100).Execute()).must(t)
	want := map[string][2]string{
		"default-provider-authorization-implicit-consent": {"authorization", "Authorize Application"},
		"default-provider-authorization-explicit-consent": {"authorization", "Authorize Application"},
		"default-provider-invalidation-flow":              {"invalidation", "Logged out of application"},
		"default-invalidation-flow":                       {"invalidation", "Logout"},
		"default-authentication-flow":                     {"authentication", "Welcome to authentik!"},
	}
	for _, f := range flows.Results {
		if w, ok := want[f.Slug]; ok {
			if string(f.Designation) != w[0] || f.Name != w[1] {
				t.Errorf("flow %s = (%s, %s), want %v", f.Slug, f.Designation, f.Name, w)
			}
			delete(want, f.Slug)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing flows: %v", want)
	}
	f := res(e.c.FlowsApi.FlowsInstancesRetrieve(e.ctx, "default-provider-invalidation-flow").Execute()).must(t)
	if f.Pk != e.flow("default-provider-invalidation-flow") {
		t.Errorf("flow pk mismatch")
	}

	maps := res(e.c.PropertymappingsApi.PropertymappingsProviderScopeList(e.ctx).
		Managed([]string{"goauthentik.io/providers/oauth2/scope-openid", "goauthentik.io/providers/proxy/scope-proxy"}).Execute()).must(t)
	if maps.Pagination.Count != 2 {
		t.Fatalf("managed filter: got %v mappings", maps.Pagination.Count)
	}
	all := res(e.c.PropertymappingsApi.PropertymappingsProviderScopeList(e.ctx).Execute()).must(t)
	if all.Pagination.Count != 7 {
		t.Errorf("scope mappings = %v, want 7", all.Pagination.Count)
	}
	// default order: scope_name, name
	if all.Results[0].ScopeName != "ak_proxy" || all.Results[6].ScopeName != "profile" {
		t.Errorf("order: first %s last %s", all.Results[0].ScopeName, all.Results[6].ScopeName)
	}

	kps := res(e.c.CryptoApi.CryptoCertificatekeypairsList(e.ctx).Name("authentik Self-signed Certificate").HasKey(true).Execute()).must(t)
	if len(kps.Results) != 1 || !kps.Results[0].PrivateKeyAvailable || kps.Results[0].Managed.Get() != nil {
		t.Errorf("self-signed certificate: %+v", kps.Results)
	}
	allKps := res(e.c.CryptoApi.CryptoCertificatekeypairsList(e.ctx).Execute()).must(t)
	if allKps.Pagination.Count != 1 {
		t.Errorf("internal JWT certificate must be hidden, got %v key pairs", allKps.Pagination.Count)
	}

	ops := res(e.c.OutpostsApi.OutpostsInstancesList(e.ctx).ManagedIexact("goauthentik.io/outposts/embedded").Execute()).must(t)
	if len(ops.Results) != 1 || ops.Results[0].Name != "authentik Embedded Outpost" || len(ops.Results[0].Providers) != 0 ||
		ops.Results[0].Type != "proxy" || ops.Results[0].RefreshIntervalS != 300 {
		t.Errorf("embedded outpost: %+v", ops.Results)
	}

	me := res(e.c.CoreApi.CoreUsersMeRetrieve(e.ctx).Execute()).must(t)
	if me.User.Username != "akadmin" || !me.User.IsSuperuser || me.User.Pk != e.emu.AdminUserPK() {
		t.Errorf("me: %+v", me.User)
	}
	if len(me.User.Groups) != 1 || me.User.Groups[0].Name != "authentik Admins" {
		t.Errorf("me groups: %+v", me.User.Groups)
	}
	admins := res(e.c.CoreApi.CoreGroupsList(e.ctx).Name("authentik Admins").Execute()).must(t)
	if len(admins.Results) != 1 || !admins.Results[0].GetIsSuperuser() || len(admins.Results[0].Users) != 1 {
		t.Errorf("admins group: %+v", admins.Results)
	}

	v := res(e.c.AdminApi.AdminVersionRetrieve(e.ctx).Execute()).must(t)
	if v.VersionCurrent != "2026.2.2" {
		t.Errorf("version %s", v.VersionCurrent)
	}
	res(e.c.RootApi.RootConfigRetrieve(e.ctx).Execute()).must(t)
}
