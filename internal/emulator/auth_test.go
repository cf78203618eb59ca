package emulator_test

import (
	"strings"
	"testing"

	"github.com/provision/provision/internal/emulator"
)

func TestAuthFailuresAre403(t *testing.T) {
	t.Parallel()
	srv, emu := newTestServer(t, emulator.Options{Token: "secret"})
	tests := []struct {
		name, path, header string
		status             int
		body               string
	}{
		{"missing header on list", "/api/v3/core/applications/", "", 403, `{"detail":"Authentication credentials were not provided."}`},
		{"other scheme", "/api/v3/core/applications/", "Basic c2VjcmV0", 403, `{"detail":"Authentication credentials were not provided."}`},
		{"empty bearer", "/api/v3/core/applications/", "Bearer  ", 403, `{"detail":"Authentication credentials were not provided."}`},
		{"wrong token", "/api/v3/core/applications/", "Bearer nope", 403, `{"detail":"Token invalid/expired"}`},
		{"wrong token on AllowAny", "/api/v3/root/config/", "Bearer nope", 403, `{"detail":"Token invalid/expired"}`},
		{"missing header on detail", "/api/v3/core/applications/x/", "", 403, `{"detail":"You do not have permission to perform this action."}`},
		{"AllowAny without header", "/api/v3/root/config/", "", 200, ""},
		{"scheme is case-insensitive", "/api/v3/core/users/me/", "bearer secret", 200, ""},
		{"good token", "/api/v3/admin/version/", "Bearer " + emu.Token(), 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{}
			if tc.header != "" {
				hdr["Authorization"] = tc.header
			}
			st, body := rawReq(t, srv, "GET", tc.path, "", hdr)
			if st != tc.status || (tc.body != "" && body != tc.body) {
				t.Errorf("got %d %s, want %d %s", st, body, tc.status, tc.body)
			}
		})
	}
	if emu.Token() != "secret" {
		t.Errorf("Token() = %q", emu.Token())
	}
	if def := emulator.New(emulator.Options{}); def.Token() != "test-token" {
		t.Errorf("default token %q", def.Token())
	}
}

func TestRoutingAndGenericErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	flow := e.flow("default-provider-authorization-implicit-consent")
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"no trailing slash", "GET", "/api/v3/core/applications", "", 404, `{"detail":"Not found."}`},
		{"unknown path", "GET", "/api/v3/core/nothing/", "", 404, `{"detail":"Not found."}`},
		{"unknown slug", "GET", "/api/v3/core/applications/nope/", "", 404, `{"detail":"No Application matches the given query."}`},
		{"unknown provider", "GET", "/api/v3/providers/oauth2/999/", "", 404, `{"detail":"No OAuth2Provider matches the given query."}`},
		{"non-integer provider id", "GET", "/api/v3/providers/oauth2/abc/", "", 404, `{"detail":"Not found."}`},
		{"unknown outpost", "GET", "/api/v3/outposts/instances/00000000-0000-4000-8000-000000000000/", "", 404, `{"detail":"No Outpost matches the given query."}`},
		{"malformed uuid", "GET", "/api/v3/outposts/instances/xyz/", "", 404, `{"detail":"Not found."}`},
		{"unknown flow", "GET", "/api/v3/flows/instances/nope/", "", 404, `{"detail":"No Flow matches the given query."}`},
		{"wrong method", "DELETE", "/api/v3/core/applications/", "", 405, `{"detail":"Method \"DELETE\" not allowed."}`},
		{"wrong method on detail", "POST", "/api/v3/core/applications/x/", "", 405, `{"detail":"Method \"POST\" not allowed."}`},
		{"malformed json", "POST", "/api/v3/core/applications/", `{"name":`, 400, ""},
		{"not an object", "POST", "/api/v3/core/applications/", `[1]`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
		{"empty body", "POST", "/api/v3/core/applications/", "", 400, `{"name":["This field is required."],"slug":["This field is required."]}`},
		{"invalidation_flow null", "POST", "/api/v3/providers/oauth2/",
			`{"name":"p","authorization_flow":"` + flow + `","invalidation_flow":null,"redirect_uris":[]}`, 400,
			`{"invalidation_flow":["This field may not be null."]}`},
		{"unknown flow pk", "POST", "/api/v3/providers/oauth2/",
			`{"name":"p","authorization_flow":"00000000-0000-4000-8000-000000000000","invalidation_flow":"` + flow + `","redirect_uris":[]}`, 400,
			`{"authorization_flow":["Invalid pk \"00000000-0000-4000-8000-000000000000\" - object does not exist."]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := e.raw(tc.method, tc.path, tc.body)
			if st != tc.status || (tc.want != "" && body != tc.want) {
				t.Errorf("got %d %s, want %d %s", st, body, tc.status, tc.want)
			}
			if tc.name == "malformed json" && !strings.Contains(body, `"detail":"JSON parse error - `) {
				t.Errorf("parse error body %s", body)
			}
		})
	}
}
