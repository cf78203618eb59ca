package contract

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// provider is a valid Provider, as embedded in Application.provider_obj.
const provider = `{"pk":1,"name":"p","authorization_flow":"6f3c3d5e-1c1b-4b6a-9a43-1b2c3d4e5f60",
"invalidation_flow":"6f3c3d5e-1c1b-4b6a-9a43-1b2c3d4e5f61","component":"ak-provider-oauth2-form",
"assigned_application_slug":"a","assigned_application_name":"A",
"assigned_backchannel_application_slug":"","assigned_backchannel_application_name":"",
"verbose_name":"OAuth2/OpenID Provider","verbose_name_plural":"OAuth2/OpenID Providers",
"meta_model_name":"authentik_providers_oauth2.oauth2provider"}`

// app returns an Application with field replaced by value (raw JSON);
// value "" drops the field.
func app(field, value string) string {
	fields := []struct{ k, v string }{
		{"pk", `"0d6b8c3e-7f0a-4d2b-9c1e-5a6b7c8d9e0f"`},
		{"name", `"App"`},
		{"slug", `"app"`},
		{"provider", `1`},
		{"provider_obj", provider},
		{"backchannel_providers", `[]`},
		{"backchannel_providers_obj", `[]`},
		{"launch_url", `null`},
		{"open_in_new_tab", `false`},
		{"meta_launch_url", `""`},
		{"meta_icon", `""`},
		{"meta_icon_url", `null`},
		{"meta_description", `""`},
		{"meta_publisher", `""`},
		{"policy_engine_mode", `"any"`},
		{"group", `""`},
	}
	var parts []string
	for _, f := range fields {
		v := f.v
		if f.k == field {
			v = value
		}
		if v != "" {
			parts = append(parts, `"`+f.k+`":`+v)
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func transactional(provider string) string {
	return `{"app":{"name":"A","slug":"a"},"provider_model":"authentik_providers_oauth2.oauth2provider","provider":` + provider + `}`
}

func page(results ...string) string {
	return `{"pagination":{"next":0,"previous":0,"count":1,"current":1,"total_pages":1,"start_index":1,"end_index":1},` +
		`"results":[` + strings.Join(results, ",") + `],"autocomplete":{}}`
}

// fixed answers every request with status and body (JSON unless empty).
func fixed(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

func load(t *testing.T) *Validator {
	t.Helper()
	v, err := Load()
	require.NoError(t, err)
	return v
}

// collector gathers violations; safe for concurrent use.
type collector struct {
	mu   sync.Mutex
	list []Violation
}

func (c *collector) report(v Violation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list = append(c.list, v)
}

func (c *collector) all() []Violation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Violation(nil), c.list...)
}

func TestLoadOnce(t *testing.T) {
	t.Parallel()
	p, err := SchemaPath()
	require.NoError(t, err)
	v1 := load(t)
	v2, err := LoadFile(p)
	require.NoError(t, err)
	assert.Same(t, v1, v2, "Load and LoadFile of the same path share one document")
	assert.Contains(t, v1.Relaxed, "modelRequest: oneOf with sibling discriminator relaxed to anyOf")
	t.Logf("relaxed: %q", v1.Relaxed)
	t.Logf("%s: %d paths, loaded and validated in %v", p, v1.doc.Paths.Len(), v1.LoadTime)
}

func TestLoadFileMissing(t *testing.T) {
	t.Parallel()
	_, err := LoadFile(t.TempDir() + "/nope.yml")
	assert.ErrorContains(t, err, "nope.yml")
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	v := load(t)
	tests := []struct {
		name    string
		method  string
		path    string
		reqBody string
		handler http.Handler
		// want lists substrings of the single expected violation; nil means none.
		want     []string
		wantKind string
	}{
		{name: "good list", method: "GET", path: "/api/v3/core/applications/?page=1&page_size=20",
			handler: fixed(200, page(app("", "")))},
		{name: "list item without slug", method: "GET", path: "/api/v3/core/applications/",
			handler:  fixed(200, page(app("slug", ""))),
			want:     []string{"core_applications_list response 200", `field "results/0/slug": property "slug" is missing`},
			wantKind: KindResponse},
		{name: "enum value", method: "GET", path: "/api/v3/core/applications/app/",
			handler:  fixed(200, app("policy_engine_mode", `"some"`)),
			want:     []string{"core_applications_retrieve response 200", `field "policy_engine_mode": value is not one of the allowed values`, `(got "some")`},
			wantKind: KindResponse},
		{name: "uuid format", method: "GET", path: "/api/v3/core/applications/app/",
			handler:  fixed(200, app("pk", `"42"`)),
			want:     []string{`field "pk"`, `"uuid"`},
			wantKind: KindResponse},
		{name: "null not nullable", method: "GET", path: "/api/v3/core/applications/app/",
			handler:  fixed(200, app("name", `null`)),
			want:     []string{`field "name"`, "not nullable"},
			wantKind: KindResponse},
		{name: "declared error status checked", method: "GET", path: "/api/v3/core/applications/app/",
			handler:  fixed(403, `{"error":"nope"}`),
			want:     []string{"core_applications_retrieve response 403", `field "detail": property "detail" is missing`},
			wantKind: KindResponse},
		{name: "null nested read-only object", method: "GET", path: "/api/v3/core/applications/app/",
			handler: fixed(200, app("provider_obj", `null`))},
		{name: "undeclared 404 on known path", method: "GET", path: "/api/v3/core/applications/nope/",
			handler: fixed(404, `{"detail":"No Application matches the given query."}`)},
		{name: "204 empty", method: "DELETE", path: "/api/v3/core/applications/app/",
			handler: fixed(204, "")},
		{name: "bad request rejected", method: "POST", path: "/api/v3/core/applications/",
			reqBody: `{"name":"App"}`,
			handler: fixed(400, `{"slug":["This field is required."]}`)},
		{name: "bad request accepted", method: "POST", path: "/api/v3/core/applications/",
			reqBody:  `{"name":"App"}`,
			handler:  fixed(201, app("", "")),
			want:     []string{"core_applications_create request 201", `body: field "slug": property "slug" is missing`},
			wantKind: KindRequest},
		{name: "bad enum in request rejected", method: "PATCH", path: "/api/v3/providers/oauth2/1/",
			reqBody: `{"sub_mode":"bogus"}`,
			handler: fixed(400, `{"sub_mode":["\"bogus\" is not a valid choice."]}`)},
		// 202 is not declared, so only the request is checked here.
		{name: "bad enum in request accepted", method: "PATCH", path: "/api/v3/providers/oauth2/1/",
			reqBody:  `{"sub_mode":"bogus"}`,
			handler:  fixed(202, `{}`),
			want:     []string{"providers_oauth2_partial_update request 202", `body: field "sub_mode": value is not one of the allowed values`, `(got "bogus")`},
			wantKind: KindRequest},
		{name: "bad query parameter accepted", method: "GET", path: "/api/v3/core/applications/?page=x",
			handler:  fixed(200, page()),
			want:     []string{"core_applications_list request 200", `parameter "page" in query`},
			wantKind: KindRequest},
		{name: "good request accepted", method: "POST", path: "/api/v3/core/applications/",
			reqBody: `{"name":"App","slug":"app"}`,
			handler: fixed(201, app("", ""))},
		// modelRequest's discriminator names a sibling field; see relaxExternalDiscriminators.
		{name: "transactional application accepted", method: "PUT", path: "/api/v3/core/transactional/applications/",
			reqBody: transactional(`{"name":"p","authorization_flow":"6f3c3d5e-1c1b-4b6a-9a43-1b2c3d4e5f60",` +
				`"invalidation_flow":"6f3c3d5e-1c1b-4b6a-9a43-1b2c3d4e5f61","redirect_uris":[{"matching_mode":"strict","url":"https://x/cb"}]}`),
			handler: fixed(200, `{"applied":true,"logs":[]}`)},
		{name: "transactional application with bad provider accepted", method: "PUT", path: "/api/v3/core/transactional/applications/",
			reqBody:  transactional(`{"name":"p"}`),
			handler:  fixed(200, `{"applied":true,"logs":[]}`),
			want:     []string{"core_transactional_applications_update request 200", `body: field "provider": doesn't match any schema from "anyOf"`},
			wantKind: KindRequest},
		{name: "unknown route 404", method: "GET", path: "/api/v3/core/nonsense/",
			handler: fixed(404, `{"detail":"Not found."}`)},
		{name: "unknown route 200", method: "GET", path: "/api/v3/core/nonsense/",
			handler:  fixed(200, `{}`),
			want:     []string{"(unknown operation) request 200 (GET /api/v3/core/nonsense/)", "no such operation"},
			wantKind: KindRequest},
		{name: "wrong method 405", method: "PUT", path: "/api/v3/core/applications/",
			handler: fixed(405, `{"detail":"Method \"PUT\" not allowed."}`)},
		{name: "wrong method 200", method: "PUT", path: "/api/v3/core/applications/",
			handler:  fixed(200, `{}`),
			want:     []string{"no such operation"},
			wantKind: KindRequest},
		{name: "missing trailing slash 200", method: "GET", path: "/api/v3/core/applications",
			handler:  fixed(200, page()),
			want:     []string{"no such operation"},
			wantKind: KindRequest},
		{name: "missing trailing slash on item 200", method: "GET", path: "/api/v3/core/applications/app",
			handler:  fixed(200, app("", "")),
			want:     []string{"no such operation"},
			wantKind: KindRequest},
		{name: "outside api passes", method: "GET", path: "/application/o/app/.well-known/openid-configuration",
			handler: fixed(200, `{"anything":true}`)},
		{name: "api root itself passes", method: "GET", path: "/api/v3",
			handler: fixed(200, `{}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c collector
			var body io.Reader
			if tt.reqBody != "" {
				body = strings.NewReader(tt.reqBody)
			}
			req := httptest.NewRequest(tt.method, tt.path, body)
			if tt.reqBody != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			req.Header.Set("Authorization", "Bearer test-token")
			rr := httptest.NewRecorder()
			v.Middleware(tt.handler, c.report).ServeHTTP(rr, req)

			// The response passes unchanged either way.
			want := httptest.NewRecorder()
			tt.handler.ServeHTTP(want, httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.reqBody)))
			assert.Equal(t, want.Code, rr.Code)
			assert.Equal(t, want.Body.String(), rr.Body.String())
			assert.Equal(t, want.Header(), rr.Header())

			got := c.all()
			if tt.want == nil {
				for _, v := range got {
					t.Errorf("unexpected violation: %v", v)
				}
				return
			}
			require.Len(t, got, 1, "violations: %v", got)
			assert.Equal(t, tt.wantKind, got[0].Kind)
			msg := got[0].Error()
			t.Log(msg)
			for _, w := range tt.want {
				assert.Contains(t, msg, w)
			}
		})
	}
}

// TestRequestBodyReachesHandler checks the handler still sees the full body.
func TestRequestBodyReachesHandler(t *testing.T) {
	t.Parallel()
	v := load(t)
	var seen string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = string(b)
		fixed(201, app("", "")).ServeHTTP(w, r)
	})
	var c collector
	req := httptest.NewRequest("POST", "/api/v3/core/applications/", strings.NewReader(`{"name":"App","slug":"app"}`))
	req.Header.Set("Content-Type", "application/json")
	v.Middleware(h, c.report).ServeHTTP(httptest.NewRecorder(), req)
	assert.Equal(t, `{"name":"App","slug":"app"}`, seen)
	assert.Empty(t, c.all())
}

// TestHijack runs over a real connection: a handler that hijacks (as the
// emulator does to drop connections) works through the middleware and is
// not checked.
func TestHijack(t *testing.T) {
	t.Parallel()
	v := load(t)
	var c collector
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if !assert.NoError(t, err) {
			return
		}
		_, _ = brw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
		_ = brw.Flush()
		_ = conn.Close()
	})
	srv := httptest.NewServer(v.Middleware(h, c.report))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v3/core/applications/app/")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "{}", string(b), "the hijacker's raw response arrives")
	assert.Empty(t, c.all(), "a hijacked exchange is not checked")

	// A dropped connection surfaces as a client error.
	drop := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if assert.NoError(t, err) {
			_ = conn.Close()
		}
	})
	srv2 := httptest.NewServer(v.Middleware(drop, c.report))
	defer srv2.Close()
	_, err = http.Get(srv2.URL + "/api/v3/core/applications/app/")
	assert.Error(t, err)
	assert.Empty(t, c.all())
}

// TestTruncatedAndAborted: a body shorter than its Content-Length, or a
// handler panicking with http.ErrAbortHandler, reaches the client as it
// would without the middleware, and is not checked.
func TestTruncatedAndAborted(t *testing.T) {
	t.Parallel()
	v := load(t)
	var c collector
	full := page(app("", ""))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "9999")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, full[:len(full)/2])
		if r.URL.Query().Get("abort") != "" {
			panic(http.ErrAbortHandler)
		}
	})
	get := func(h http.Handler, q string) (string, error) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		resp, err := http.Get(srv.URL + "/api/v3/core/applications/" + q)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	for _, q := range []string{"", "?abort=1"} {
		wantBody, wantErr := get(h, q)
		gotBody, gotErr := get(v.Middleware(h, c.report), q)
		assert.Equal(t, wantBody, gotBody, q)
		assert.Equal(t, wantErr == nil, gotErr == nil, "%s: want %v, got %v", q, wantErr, gotErr)
		if q == "" {
			assert.ErrorIs(t, gotErr, io.ErrUnexpectedEOF)
		}
	}
	assert.Empty(t, c.all())
}

// TestConcurrent exercises the validator from many goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	t.Parallel()
	v := load(t)
	var c collector
	srv := httptest.NewServer(v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("bad") != "" {
			fixed(200, page(app("slug", ""))).ServeHTTP(w, r)
			return
		}
		fixed(200, page(app("", ""), app("", ""))).ServeHTTP(w, r)
	}), c.report))
	defer srv.Close()
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := srv.URL + "/api/v3/core/applications/"
			if i%2 == 0 {
				u += "?bad=1"
			}
			resp, err := http.Get(u)
			if assert.NoError(t, err) {
				_, _ = io.Copy(io.Discard, bufio.NewReader(resp.Body))
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	assert.Len(t, c.all(), 16)
}

func BenchmarkResponseCheck(b *testing.B) {
	v, err := Load()
	require.NoError(b, err)
	h := v.Middleware(fixed(200, page(app("", ""), app("", ""), app("", ""))), func(v Violation) { b.Fatal(v) })
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v3/core/applications/", nil))
	}
}

// authentik 2026.2.2's SCIM provider has group_filters (a list) where the
// module's schema.yml still has filter_group (one group): the contract
// follows the server, in requests and answers.
func TestSCIMGroupFiltersFollowTheServer(t *testing.T) {
	t.Parallel()
	v := load(t)
	for _, name := range SCIMProviderSchemas {
		s := v.Schema(name)
		require.NotNil(t, s, name)
		assert.NotContains(t, s.Properties, "filter_group", name)
		if assert.Contains(t, s.Properties, "group_filters", name) {
			p := s.Properties["group_filters"].Value
			assert.True(t, p.Type.Is("array"), name)
			assert.Equal(t, "uuid", p.Items.Value.Format, name)
		}
		assert.Contains(t, v.Relaxed, name+": group_filters (authentik 2026.2.2) in place of filter_group")
	}
}
