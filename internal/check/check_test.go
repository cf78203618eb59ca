package check

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
)

type fakeOIDC struct {
	doc    *authentik.Discovery
	docErr error
	status int
	probes *[]string // URLs probed, when set
}

func (f fakeOIDC) FetchDiscovery(context.Context, string) (*authentik.Discovery, error) {
	return f.doc, f.docErr
}
func (f fakeOIDC) Probe(_ context.Context, u string) (int, error) {
	if f.probes != nil {
		*f.probes = append(*f.probes, u)
	}
	return f.status, nil
}

// libreChatIn is what TestLibreChat breaks: the .env and authentik's state.
type libreChatIn struct {
	Env    map[string]string
	Slug   string
	Groups []string
	Live   *plan.Live
}

// libreChat runs the librechat preset's checklist: the preset reads the
// .env (outputs.AppChecker), Output checks it.
func libreChat(t *testing.T, oidc OIDC, in libreChatIn) []Item {
	t.Helper()
	p, ok := outputs.Lookup("librechat")
	require.True(t, ok)
	a, ok := p.(outputs.AppChecker)
	require.True(t, ok, "the librechat preset checks the .env it runs with")
	v := outputs.Values{Slug: in.Slug}
	if _, prov := lookup(in.Live, in.Slug); prov != nil {
		v.IssuerMode, v.ClientID, v.ClientSecret = prov.OAuth2().IssuerMode, prov.OAuth2().ClientID, prov.OAuth2().ClientSecret
	}
	c := a.AppCheck(in.Env, v)
	return Output(context.Background(), oidc, OutputInput{Label: p.Label(), App: &c, Slug: in.Slug, Groups: in.Groups, Live: in.Live})
}

func good() (fakeOIDC, libreChatIn) {
	doc := &authentik.Discovery{
		Issuer:                           "https://auth.example.com/application/o/chat/",
		AuthorizationEndpoint:            "https://auth.example.com/application/o/authorize/",
		IDTokenSigningAlgValuesSupported: []string{"RS256"},
	}
	live := &plan.Live{
		KeyPairs:     []plan.KeyPair{{PK: "k", KeyType: "rsa"}},
		Providers:    []plan.Provider{{PK: 1, Name: "chat", Type: "oauth2", Detail: &plan.OAuth2Detail{ClientID: "id", ClientSecret: "secret", SigningKey: "k", RedirectURIs: []plan.RedirectURI{{MatchingMode: "strict", URL: "https://chat.example.com/oauth/openid/callback"}}}}},
		Applications: []plan.Application{{PK: "app", Slug: "chat", Provider: 1}},
		Objects:      map[plan.Kind][]plan.Object{plan.KindGroup: plan.GroupObjects(plan.Group{PK: "g", Name: "users"})},
		Bindings:     []plan.Binding{{Target: "app", Group: "g"}},
	}
	env := map[string]string{
		"OPENID_ISSUER":         "https://auth.example.com/application/o/chat/.well-known/openid-configuration",
		"OPENID_CLIENT_ID":      "id",
		"OPENID_CLIENT_SECRET":  "secret",
		"OPENID_SESSION_SECRET": "0123456789abcdef0123456789abcdef",
		"OPENID_CALLBACK_URL":   "/oauth/openid/callback",
		"DOMAIN_SERVER":         "https://chat.example.com",
		"ALLOW_SOCIAL_LOGIN":    "true",
	}
	return fakeOIDC{doc: doc, status: 302}, libreChatIn{Env: env, Slug: "chat", Groups: []string{"users"}, Live: live}
}

func statusOf(items []Item, name string) Status {
	for _, it := range items {
		if it.Name == name {
			return it.Status
		}
	}
	return ""
}

func TestLibreChat(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		breakIt func(*fakeOIDC, *libreChatIn)
		item    string
		want    Status
	}{
		"AllGood":        {func(*fakeOIDC, *libreChatIn) {}, "issuer", Pass},
		"IssuerMismatch": {func(o *fakeOIDC, _ *libreChatIn) { o.doc.Issuer = "https://auth.example.com/" }, "issuer", Fail},
		"PlainHTTP":      {func(o *fakeOIDC, _ *libreChatIn) { o.doc.Issuer = "http://auth.example.com/application/o/chat/" }, "issuer is https", Fail},
		"PlainHTTPLocal": {func(o *fakeOIDC, in *libreChatIn) {
			o.doc.Issuer = "http://127.0.0.1:9000/application/o/chat/"
			in.Env["OPENID_ISSUER"] = o.doc.Issuer + ".well-known/openid-configuration"
		}, "issuer is https", Warn},
		"NoDiscovery":     {func(o *fakeOIDC, _ *libreChatIn) { o.doc, o.docErr = nil, errors.New("HTTP 404") }, "discovery document", Fail},
		"AuthorizeBroken": {func(o *fakeOIDC, _ *libreChatIn) { o.status = 500 }, "authorization endpoint answers", Fail},
		"AlgNotListed":    {func(o *fakeOIDC, _ *libreChatIn) { o.doc.IDTokenSigningAlgValuesSupported = []string{"HS256"} }, "signing algorithm advertised", Fail},
		"WrongSecret":     {func(_ *fakeOIDC, in *libreChatIn) { in.Env["OPENID_CLIENT_SECRET"] = "other" }, "client secret matches", Fail},
		"WrongClientID":   {func(_ *fakeOIDC, in *libreChatIn) { in.Env["OPENID_CLIENT_ID"] = "other" }, "client id matches", Fail},
		"NoSocialLogin":   {func(_ *fakeOIDC, in *libreChatIn) { delete(in.Env, "ALLOW_SOCIAL_LOGIN") }, "social login allowed", Fail},
		"ShortSession":    {func(_ *fakeOIDC, in *libreChatIn) { in.Env["OPENID_SESSION_SECRET"] = "x" }, "session secret set", Fail},
		"RegexRedirectOK": {func(_ *fakeOIDC, in *libreChatIn) {
			in.Live.Providers[0].OAuth2().RedirectURIs = []plan.RedirectURI{{MatchingMode: "regex", URL: `https://chat\.example\.com/.*`}}
		}, "redirect URI allows LibreChat's callback", Pass},
		"RedirectMissing": {func(_ *fakeOIDC, in *libreChatIn) { in.Live.Providers[0].OAuth2().RedirectURIs = nil }, "redirect URI allows LibreChat's callback", Fail},
		"GroupMissing":    {func(_ *fakeOIDC, in *libreChatIn) { delete(in.Live.Objects, plan.KindGroup) }, "access group exists", Fail},
		"GroupNotBound":   {func(_ *fakeOIDC, in *libreChatIn) { in.Live.Bindings = nil }, "access group bound", Fail},
		"NoApplication":   {func(_ *fakeOIDC, in *libreChatIn) { in.Live.Applications = nil }, "application and provider exist", Fail},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o, in := good()
			tc.breakIt(&o, &in)
			items := libreChat(t, o, in)
			assert.Equal(t, tc.want, statusOf(items, tc.item), "%+v", items)
			assert.Equal(t, tc.want == Fail, Failed(items))
		})
	}
}

// With issuer_mode global authentik's discovery names its root URL as the
// issuer (providers/oauth2/models.py get_issuer, 2026.2.2): the output
// check expects what the caller computed, not the application's base.
func TestOutputIssuerGlobal(t *testing.T) {
	t.Parallel()
	f, in := good()
	f.doc.Issuer = "https://auth.example.com/"
	out := OutputInput{Label: "Grafana", DiscoveryURL: "https://auth.example.com/application/o/chat/.well-known/openid-configuration", Slug: "chat", Live: in.Live}
	assert.Equal(t, Fail, statusOf(Output(context.Background(), f, out), "issuer"), "per-provider expectation")
	out.Issuer = "https://auth.example.com/"
	assert.Equal(t, Pass, statusOf(Output(context.Background(), f, out), "issuer"))
}

// LibreChat with issuer_mode global: discovery names authentik's root URL,
// which is right when OPENID_ISSUER is the .well-known URL.
func TestLibreChatIssuerGlobal(t *testing.T) {
	t.Parallel()
	f, in := good()
	f.doc.Issuer = "https://auth.example.com/"
	assert.Equal(t, Fail, statusOf(libreChat(t, f, in), "issuer"))
	in.Live.Providers[0].OAuth2().IssuerMode = "global"
	assert.Equal(t, Pass, statusOf(libreChat(t, f, in), "issuer"))
	in.Env["OPENID_ISSUER"] = "https://auth.example.com/application/o/chat/"
	assert.Equal(t, Fail, statusOf(libreChat(t, f, in), "issuer"), "an issuer base does not match the global issuer")
}

// The authorization probe carries LibreChat's own callback, and is never
// sent to a provider without redirect URIs: authentik would save the
// probe's redirect_uri on it (authorize.py check_redirect_uri).
func TestLibreChatAuthorizeProbe(t *testing.T) {
	const item = "authorization endpoint answers"
	t.Run("sends the callback", func(t *testing.T) {
		o, in := good()
		o.probes = &[]string{}
		items := libreChat(t, o, in)
		assert.Equal(t, Pass, statusOf(items, item))
		if assert.Len(t, *o.probes, 1) {
			assert.Contains(t, (*o.probes)[0], "redirect_uri=https%3A%2F%2Fchat.example.com%2Foauth%2Fopenid%2Fcallback")
		}
	})
	t.Run("refused callback names it", func(t *testing.T) {
		o, in := good()
		o.status = 400
		in.Live.Providers[0].OAuth2().RedirectURIs = []plan.RedirectURI{{MatchingMode: "strict", URL: "https://other.example.com/cb"}}
		items := libreChat(t, o, in)
		assert.Equal(t, Fail, statusOf(items, item))
		assert.Contains(t, detailOf(items, item), "https://chat.example.com/oauth/openid/callback is not among the provider's redirect URIs")
	})
	for name, breakIt := range map[string]func(*libreChatIn){
		"no redirect URIs": func(in *libreChatIn) { in.Live.Providers[0].OAuth2().RedirectURIs = nil },
		"no DOMAIN_SERVER": func(in *libreChatIn) { delete(in.Env, "DOMAIN_SERVER") },
	} {
		t.Run(name, func(t *testing.T) {
			o, in := good()
			o.probes = &[]string{}
			breakIt(&in)
			items := libreChat(t, o, in)
			assert.Equal(t, Fail, statusOf(items, item))
			assert.Contains(t, detailOf(items, item), "not probed")
			assert.Empty(t, *o.probes, "no authorization request may be sent")
		})
	}
}

func detailOf(items []Item, name string) string {
	for _, it := range items {
		if it.Name == name {
			return it.Detail
		}
	}
	return ""
}
