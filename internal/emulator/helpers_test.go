package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

// newTestServer is the one place tests start an emulator server. It is
// contract-checked: any response off authentik's schema fails the test.
func newTestServer(t *testing.T, opts emulator.Options) (*httptest.Server, *emulator.Emulator) {
	t.Helper()
	return emulatortest.NewServer(t, opts)
}

// newUncheckedServer is for tests that deliberately serve off-contract data.
func newUncheckedServer(t *testing.T, opts emulator.Options) (*httptest.Server, *emulator.Emulator) {
	t.Helper()
	return emulatortest.NewServerUnchecked(t, opts)
}

func newClient(srv *httptest.Server, token string) *api.APIClient {
	cfg := api.NewConfiguration()
	cfg.Servers = api.ServerConfigurations{{URL: srv.URL + "/api/v3"}}
	cfg.AddDefaultHeader("Authorization", "Bearer "+token)
	cfg.HTTPClient = srv.Client()
	return api.NewAPIClient(cfg)
}

// env is a running emulator with a client.
type env struct {
	t   *testing.T
	srv *httptest.Server
	emu *emulator.Emulator
	c   *api.APIClient
	ctx context.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	srv, emu := newTestServer(t, emulator.Options{})
	return &env{t: t, srv: srv, emu: emu, c: newClient(srv, emu.Token()), ctx: context.Background()}
}

// newUncheckedEnv is newEnv without the contract check, for requests that
// break the contract on purpose although authentik accepts them.
func newUncheckedEnv(t *testing.T) *env {
	t.Helper()
	srv, emu := newUncheckedServer(t, emulator.Options{})
	return &env{t: t, srv: srv, emu: emu, c: newClient(srv, emu.Token()), ctx: context.Background()}
}

// raw sends a request with the emulator token and returns status and body.
func (e *env) raw(method, path, body string) (int, string) {
	e.t.Helper()
	return rawReq(e.t, e.srv, method, path, body, map[string]string{"Authorization": "Bearer " + e.emu.Token()})
}

// rawJSON is raw with the body decoded as JSON.
func (e *env) rawJSON(method, path, body string) (int, map[string]any) {
	e.t.Helper()
	st, b := e.raw(method, path, body)
	var m map[string]any
	if b != "" {
		if err := json.Unmarshal([]byte(b), &m); err != nil {
			e.t.Fatalf("%s %s: decode %q: %v", method, path, b, err)
		}
	}
	return st, m
}

func rawReq(t *testing.T, srv *httptest.Server, method, path, body string, hdr map[string]string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return res.StatusCode, string(bytes.TrimSpace(b))
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// result is an API call's outcome; use as res(call.Execute()).must(t).
type result[T any] struct {
	v   T
	err error
}

func res[T any](v T, _ *http.Response, err error) result[T] { return result[T]{v, err} }

// must fails the test on an API error, showing the body.
func (r result[T]) must(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		body := ""
		if ge, ok := r.err.(*api.GenericOpenAPIError); ok {
			body = string(ge.Body())
		}
		t.Fatalf("api call: %v %s", r.err, body)
	}
	return r.v
}

// flows of a fresh emulator.
func (e *env) flow(slug string) string {
	e.t.Helper()
	pk := e.emu.FlowPK(slug)
	if pk == "" {
		e.t.Fatalf("no flow %s", slug)
	}
	return pk
}

// oauth2 creates an OAuth2 provider through the client.
func (e *env) oauth2(name string, mutate ...func(*api.OAuth2ProviderRequest)) api.OAuth2Provider {
	e.t.Helper()
	req := api.NewOAuth2ProviderRequest(name, e.flow("default-provider-authorization-implicit-consent"),
		e.flow("default-provider-invalidation-flow"),
		[]api.RedirectURIRequest{*api.NewRedirectURIRequest(api.MATCHINGMODEENUM_STRICT, "https://"+name+".example.com/cb")})
	for _, m := range mutate {
		m(req)
	}
	return *res(e.c.ProvidersApi.ProvidersOauth2Create(e.ctx).OAuth2ProviderRequest(*req).Execute()).must(e.t)
}

func (e *env) proxy(name string) api.ProxyProvider {
	e.t.Helper()
	req := api.NewProxyProviderRequest(name, e.flow("default-provider-authorization-implicit-consent"),
		e.flow("default-provider-invalidation-flow"), "https://"+name+".example.com")
	req.SetInternalHost("http://backend:8080")
	return *res(e.c.ProvidersApi.ProvidersProxyCreate(e.ctx).ProxyProviderRequest(*req).Execute()).must(e.t)
}

func (e *env) app(slug string, provider int32) api.Application {
	e.t.Helper()
	req := api.NewApplicationRequest("App "+slug, slug)
	if provider != 0 {
		req.SetProvider(provider)
	}
	return *res(e.c.CoreApi.CoreApplicationsCreate(e.ctx).ApplicationRequest(*req).Execute()).must(e.t)
}
