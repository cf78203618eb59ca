package emulator_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPagination(t *testing.T) {
	t.Parallel()
	// page=last and page_size=abc are off-contract (integers) but accepted.
	e := newUncheckedEnv(t)
	e.emu.SeedSynthetic(45)
	type pg struct{ next, previous, count, current, totalPages, start, end, results float64 }
	tests := []struct {
		query  string
		status int
		want   pg
	}{
		{"", 200, pg{2, 0, 45, 1, 3, 1, 20, 20}},
		{"page=2", 200, pg{3, 1, 45, 2, 3, 21, 40, 20}},
		{"page=last", 200, pg{0, 2, 45, 3, 3, 41, 45, 5}},
		{"page_size=1000", 200, pg{0, 0, 45, 1, 1, 1, 45, 45}},
		{"page_size=0", 200, pg{2, 0, 45, 1, 3, 1, 20, 20}},
		{"page_size=abc", 200, pg{2, 0, 45, 1, 3, 1, 20, 20}},
		{"page_size=10&page=5", 200, pg{0, 4, 45, 5, 5, 41, 45, 5}},
		{"slug=none", 200, pg{0, 0, 0, 1, 1, 0, 0, 0}},
		{"page=4", 404, pg{}},
		{"page=0", 404, pg{}},
		{"page=abc", 404, pg{}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			st, body := e.rawJSON("GET", "/api/v3/core/applications/?superuser_full_list=true&"+tc.query, "")
			if st != tc.status {
				t.Fatalf("status %d, want %d: %v", st, tc.status, body)
			}
			if st == 404 {
				if body["detail"] != "Invalid page." {
					t.Errorf("body %v", body)
				}
				return
			}
			p := body["pagination"].(map[string]any)
			got := pg{p["next"].(float64), p["previous"].(float64), p["count"].(float64), p["current"].(float64),
				p["total_pages"].(float64), p["start_index"].(float64), p["end_index"].(float64),
				float64(len(body["results"].([]any)))}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if _, ok := body["autocomplete"].(map[string]any); !ok {
				t.Errorf("autocomplete missing")
			}
		})
	}

	// Walking pages with the client gets every application once, in name order.
	seen := map[string]bool{}
	prev := ""
	for page := int32(1); page != 0; {
		l := res(e.c.CoreApi.CoreApplicationsList(e.ctx).SuperuserFullList(true).Page(page).PageSize(7).Execute()).must(t)
		for _, a := range l.Results {
			if seen[a.Slug] || a.Name < prev {
				t.Fatalf("duplicate or out of order: %s", a.Slug)
			}
			seen[a.Slug], prev = true, a.Name
		}
		page = int32(l.Pagination.Next)
	}
	if len(seen) != 45 {
		t.Errorf("walked %d apps", len(seen))
	}
	groups := res(e.c.CoreApi.CoreGroupsList(e.ctx).Search("group-00").PageSize(100).Execute()).must(t)
	if len(groups.Results) != 45 {
		t.Errorf("synthetic groups: %d", len(groups.Results))
	}
	prov := res(e.c.ProvidersApi.ProvidersOauth2List(e.ctx).Name("provider-0007").Execute()).must(t)
	if len(prov.Results) != 1 || prov.Results[0].AssignedApplicationSlug != "app-0007" {
		t.Errorf("synthetic provider: %+v", prov.Results)
	}
}

func TestOrderingAndSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.emu.SeedSynthetic(3)
	names := func(query string) string {
		_, body := e.rawJSON("GET", "/api/v3/core/applications/?superuser_full_list=true&"+query, "")
		out := ""
		for _, r := range body["results"].([]any) {
			out += r.(map[string]any)["slug"].(string) + " "
		}
		return out
	}
	tests := []struct{ query, want string }{
		{"", "app-0001 app-0002 app-0003 "},
		{"ordering=-slug", "app-0003 app-0002 app-0001 "},
		{"ordering=-nonexistent", "app-0001 app-0002 app-0003 "},
		{"search=0002", "app-0002 "},
		{"search=APP%20003", "app-0003 "},
		{"name=app-0001", "app-0001 "},
		{"bogus=1", "app-0001 app-0002 app-0003 "},
	}
	for _, tc := range tests {
		if got := names(tc.query); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.query, got, tc.want)
		}
	}
}

// A repeated single-value parameter counts by its last value, as Django's
// QueryDict.get (django-filter's widgets, DRF's SearchFilter, OrderingFilter
// and PageNumberPagination) reads it; url.Values.Get reads the first.
func TestRepeatedQueryParameterLastValueWins(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, n := range []string{"zz-alpha", "zz-beta"} {
		st, m := e.rawJSON(http.MethodPost, "/api/v3/core/groups/", `{"name":"`+n+`"}`)
		require.Equal(t, http.StatusCreated, st, m)
	}
	names := func(q string) []any {
		st, m := e.rawJSON(http.MethodGet, "/api/v3/core/groups/?"+q, "")
		require.Equal(t, http.StatusOK, st, m)
		var out []any
		for _, r := range m["results"].([]any) {
			out = append(out, r.(map[string]any)["name"])
		}
		return out
	}
	assert.Equal(t, []any{"zz-beta"}, names("name=zz-alpha&name=zz-beta"))
	assert.Equal(t, []any{"zz-beta"}, names("search=alp&search=bet"))
	assert.Equal(t, []any{"zz-beta", "zz-alpha"}, names("ordering=name&ordering=-name&search=zz-"))
	assert.Equal(t, []any{"zz-beta"}, names("search=zz-&page_size=2&page_size=1&page=1&page=2&ordering=name"))
	// An empty last value is no filter (django-filter skips empty values),
	// not the earlier non-empty one.
	assert.Equal(t, []any{"zz-alpha", "zz-beta"}, names("name=zz-alpha&name=&search=zz-&ordering=name"))
}
