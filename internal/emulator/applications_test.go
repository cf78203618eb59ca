package emulator_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	api "goauthentik.io/api/v3"
)

func TestApplicationLifecycle(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

// TestApplicationMetaIconValidatedAndURLDerived: meta_icon is a FileField
// validated by validate_file_name (authentik/admin/files/validation.py,
// authentik/admin/files/fields.py); fa://, http:, https:// and /static names
// pass untouched (authentik/admin/files/backends/passthrough.py, static.py).
// meta_icon_url is Application.get_meta_icon (authentik/core/models.py,
// authentik/core/api/applications.py): null for "", the name itself for
// passthrough/static names, otherwise FileBackend.file_url
// (authentik/admin/files/backends/file.py, manager.py):
// /files/media/public/<name>?token=<jwt>.
func TestApplicationMetaIconValidatedAndURLDerived(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const themed = "File name can only contain letters (a-z, A-Z), numbers (0-9), dots (.), hyphens (-), underscores (_), forward slashes (/), and the placeholder %(theme)s for theme-specific files"
	bad := []struct{ icon, want string }{
		{"my icon.png", themed},
		{"ftp://x/icon.png", themed},
		{"a//b.png", "File name cannot contain duplicate /"},
		{"/icons/a.png", "Absolute paths are not allowed"},
		{"a/../b.png", "Parent directory references ('..') are not allowed"},
		{".hidden.png", "Paths cannot start with '.'"},
		{strings.Repeat("a", 256), "Path component too long (max 255 characters)"},
		{strings.Repeat("abcdefgh/", 114) + "x.png", "File name too long (max 1024 characters)"},
	}
	for _, tc := range bad {
		body, _ := json.Marshal(map[string]string{"name": "a", "slug": "a", "meta_icon": tc.icon})
		want, _ := json.Marshal(map[string][]string{"meta_icon": {tc.want}})
		if st, got := e.raw("POST", "/api/v3/core/applications/", string(body)); st != 400 || got != string(want) {
			t.Errorf("meta_icon %.40q: got %d %s, want 400 %s", tc.icon, st, got, want)
		}
	}
	if st, got := e.raw("POST", "/api/v3/core/applications/", `{"name":"a","slug":"a","meta_icon":null}`); st != 400 || got != `{"meta_icon":["This field may not be null."]}` {
		t.Errorf("null meta_icon: %d %s", st, got)
	}

	same := func(s string) any { return s }
	good := []struct {
		icon string
		url  func(string) any
	}{
		{"", func(string) any { return nil }},
		{"https://cdn.example.com/a b.png", same},
		{"http:icon", same},
		{"fa://fa-key", same},
		{"/static/dist/assets/icons/icon.svg", same},
	}
	for i, tc := range good {
		slug := "ok" + strconv.Itoa(i)
		body, _ := json.Marshal(map[string]string{"name": "a", "slug": slug, "meta_icon": tc.icon})
		st, m := e.rawJSON("POST", "/api/v3/core/applications/", string(body))
		if st != 201 || m["meta_icon"] != tc.icon || m["meta_icon_url"] != tc.url(tc.icon) {
			t.Errorf("meta_icon %q: %d icon=%v url=%v", tc.icon, st, m["meta_icon"], m["meta_icon_url"])
		}
	}

	// A stored file name (the theme placeholder and "./" are allowed).
	for _, icon := range []string{"icons/logo-%(theme)s.png", "./logo.png"} {
		body, _ := json.Marshal(map[string]string{"name": "f", "slug": "f", "meta_icon": icon})
		st, m := e.rawJSON("POST", "/api/v3/core/applications/", string(body))
		url, _ := m["meta_icon_url"].(string)
		prefix := "/files/media/public/" + icon + "?token="
		if st != 201 || !strings.HasPrefix(url, prefix) || strings.Count(strings.TrimPrefix(url, prefix), ".") != 2 {
			t.Errorf("meta_icon %q: %d url=%q, want %s<jwt>", icon, st, url, prefix)
		}
		// Cached like authentik's file URL cache: the same URL on re-read.
		if _, again := e.rawJSON("GET", "/api/v3/core/applications/f/", ""); again["meta_icon_url"] != url {
			t.Errorf("re-read url = %v, want %q", again["meta_icon_url"], url)
		}
		e.raw("DELETE", "/api/v3/core/applications/f/", "")
	}
}
