package emulator_test

import (
	"strconv"
	"testing"

	api "goauthentik.io/api/v3"
)

func TestApplicationLifecycle(t *testing.T) {
	e := newEnv(t)
	p := e.oauth2("grafana")
	a := e.app("grafana", p.Pk)
	if a.ProviderObj.Pk != p.Pk || a.ProviderObj.MetaModelName != "authentik_providers_oauth2.oauth2provider" {
		t.Errorf("provider_obj = %+v", a.ProviderObj)
	}
	if got := a.LaunchUrl.Get(); got == nil || *got != "https://grafana.example.com" {
		t.Errorf("launch_url = %v, want the first redirect without path", got)
	}
	got := res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, p.Pk).Execute()).must(t)
	if got.AssignedApplicationSlug != "grafana" || got.AssignedApplicationName != "App grafana" {
		t.Errorf("assigned = %q %q", got.AssignedApplicationSlug, got.AssignedApplicationName)
	}

	patch := api.NewPatchedApplicationRequest()
	patch.SetMetaLaunchUrl("https://grafana.example.com/dashboards")
	a = *res(e.c.CoreApi.CoreApplicationsPartialUpdate(e.ctx, "grafana").PatchedApplicationRequest(*patch).Execute()).must(t)
	if a.Name != "App grafana" || *a.LaunchUrl.Get() != "https://grafana.example.com/dashboards" {
		t.Errorf("patch: %+v", a)
	}

	put := api.NewApplicationRequest("Grafana", "grafana2")
	put.SetProvider(p.Pk)
	a = *res(e.c.CoreApi.CoreApplicationsUpdate(e.ctx, "grafana").ApplicationRequest(*put).Execute()).must(t)
	if a.Slug != "grafana2" || a.MetaLaunchUrl == nil || *a.MetaLaunchUrl == "" {
		t.Errorf("PUT must keep omitted optional fields: %+v", a)
	}
	if st, _ := e.raw("GET", "/api/v3/core/applications/grafana/", ""); st != 404 {
		t.Errorf("old slug still served: %d", st)
	}
	if st, body := e.raw("DELETE", "/api/v3/core/applications/grafana2/", ""); st != 204 || body != "" {
		t.Errorf("delete: %d %q", st, body)
	}
	// The provider survives, orphaned.
	got = res(e.c.ProvidersApi.ProvidersOauth2Retrieve(e.ctx, p.Pk).Execute()).must(t)
	if got.AssignedApplicationSlug != "" {
		t.Errorf("orphaned provider still assigned to %q", got.AssignedApplicationSlug)
	}
	orphans := res(e.c.ProvidersApi.ProvidersAllList(e.ctx).ApplicationIsnull(true).Execute()).must(t)
	if len(orphans.Results) != 1 || orphans.Results[0].Pk != p.Pk {
		t.Errorf("application__isnull: %+v", orphans.Results)
	}
}

func TestApplicationValidation(t *testing.T) {
	e := newEnv(t)
	p := e.oauth2("used")
	e.app("taken", p.Pk)
	free := e.oauth2("free")
	tests := []struct {
		name, body, want string
	}{
		{"missing name", `{"slug":"a"}`, `{"name":["This field is required."]}`},
		{"blank name", `{"name":" ","slug":"a"}`, `{"name":["This field may not be blank."]}`},
		{"bad slug", `{"name":"a","slug":"a b"}`, `{"slug":["Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."]}`},
		{"reserved slug", `{"name":"a","slug":"authorize"}`, `{"slug":["The slug 'authorize' is reserved and cannot be used for applications."]}`},
		{"duplicate slug", `{"name":"a","slug":"taken"}`, `{"slug":["Application with this slug already exists."]}`},
		{"provider in use", `{"name":"a","slug":"a","provider":` + itoa(p.Pk) + `}`, `{"provider":["Application with this provider already exists."]}`},
		{"unknown provider", `{"name":"a","slug":"a","provider":7777}`, `{"provider":["Invalid pk \"7777\" - object does not exist."]}`},
		{"bad engine mode", `{"name":"a","slug":"a","policy_engine_mode":"x"}`, `{"policy_engine_mode":["\"x\" is not a valid choice."]}`},
		{"bad launch url", `{"name":"a","slug":"a","meta_launch_url":"javascript:x"}`, `{"meta_launch_url":["Enter a valid URL."]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := e.raw("POST", "/api/v3/core/applications/", tc.body)
			if st != 400 || body != tc.want {
				t.Errorf("got %d %s, want 400 %s", st, body, tc.want)
			}
		})
	}
	// Name is not unique; a free provider may be used.
	if st, body := e.raw("POST", "/api/v3/core/applications/", `{"name":"App taken","slug":"b","provider":`+itoa(free.Pk)+`}`); st != 201 {
		t.Errorf("create with duplicate name: %d %s", st, body)
	}
}

func TestApplicationListPolicyFilter(t *testing.T) {
	e := newEnv(t)
	e.app("open", 0)
	hidden := e.app("hidden", 0)
	g := res(e.c.CoreApi.CoreGroupsCreate(e.ctx).GroupRequest(*api.NewGroupRequest("outsiders")).Execute()).must(t)
	b := api.NewPolicyBindingRequest(hidden.Pk, 0)
	b.SetGroup(g.Pk)
	res(e.c.PoliciesApi.PoliciesBindingsCreate(e.ctx).PolicyBindingRequest(*b).Execute()).must(t)

	slugs := func(l *api.PaginatedApplicationList) []string {
		var out []string
		for _, a := range l.Results {
			out = append(out, a.Slug)
		}
		return out
	}
	filtered := res(e.c.CoreApi.CoreApplicationsList(e.ctx).Execute()).must(t)
	if s := slugs(filtered); len(s) != 1 || s[0] != "open" {
		t.Errorf("policy-filtered list = %v, want [open]", s)
	}
	full := res(e.c.CoreApi.CoreApplicationsList(e.ctx).SuperuserFullList(true).Execute()).must(t)
	if s := slugs(full); len(s) != 2 {
		t.Errorf("superuser_full_list = %v, want both", s)
	}
	bySlug := res(e.c.CoreApi.CoreApplicationsList(e.ctx).Slug("hidden").SuperuserFullList(true).Execute()).must(t)
	if s := slugs(bySlug); len(s) != 1 || s[0] != "hidden" {
		t.Errorf("slug filter = %v", s)
	}
	// Joining the group makes it visible.
	patch := api.NewPatchedGroupRequest()
	patch.SetUsers([]int32{e.emu.AdminUserPK()})
	res(e.c.CoreApi.CoreGroupsPartialUpdate(e.ctx, g.Pk).PatchedGroupRequest(*patch).Execute()).must(t)
	if s := slugs(res(e.c.CoreApi.CoreApplicationsList(e.ctx).Execute()).must(t)); len(s) != 2 {
		t.Errorf("after joining group: %v", s)
	}
	// Detail always works.
	res(e.c.CoreApi.CoreApplicationsRetrieve(e.ctx, "hidden").Execute()).must(t)
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }
