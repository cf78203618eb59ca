package check

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/plan"
)

type fakeOIDC struct {
	doc    *authentik.Discovery
	docErr error
	status int
}

func (f fakeOIDC) FetchDiscovery(context.Context, string) (*authentik.Discovery, error) {
	return f.doc, f.docErr
}
func (f fakeOIDC) Probe(context.Context, string) (int, error) { return f.status, nil }

func good() (fakeOIDC, Input) {
	doc := &authentik.Discovery{
		Issuer:                           "https://auth.example.com/application/o/chat/",
		AuthorizationEndpoint:            "https://auth.example.com/application/o/authorize/",
		IDTokenSigningAlgValuesSupported: []string{"RS256"},
	}
	live := &plan.Live{
		KeyPairs:     []plan.KeyPair{{PK: "k", KeyType: "rsa"}},
		Providers:    []plan.Provider{{PK: 1, Name: "chat", Type: "oauth2", Detail: &plan.OAuth2Detail{ClientID: "id", ClientSecret: "secret", SigningKey: "k", RedirectURIs: []plan.RedirectURI{{MatchingMode: "strict", URL: "https://chat.example.com/oauth/openid/callback"}}}}},
		Applications: []plan.Application{{PK: "app", Slug: "chat", Provider: 1}},
		Groups:       []plan.Group{{PK: "g", Name: "users"}},
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
	return fakeOIDC{doc: doc, status: 302}, Input{Env: env, Slug: "chat", Groups: []string{"users"}, Live: live}
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
		breakIt func(*fakeOIDC, *Input)
		item    string
		want    Status
	}{
		"AllGood":        {func(*fakeOIDC, *Input) {}, "issuer", Pass},
		"IssuerMismatch": {func(o *fakeOIDC, _ *Input) { o.doc.Issuer = "https://auth.example.com/" }, "issuer", Fail},
		"PlainHTTP":      {func(o *fakeOIDC, _ *Input) { o.doc.Issuer = "http://auth.example.com/application/o/chat/" }, "issuer is https", Fail},
		"PlainHTTPLocal": {func(o *fakeOIDC, in *Input) {
			o.doc.Issuer = "http://127.0.0.1:9000/application/o/chat/"
			in.Env["OPENID_ISSUER"] = o.doc.Issuer + ".well-known/openid-configuration"
		}, "issuer is https", Warn},
		"NoDiscovery":     {func(o *fakeOIDC, _ *Input) { o.doc, o.docErr = nil, errors.New("HTTP 404") }, "discovery document", Fail},
		"AuthorizeBroken": {func(o *fakeOIDC, _ *Input) { o.status = 500 }, "authorization endpoint answers", Fail},
		"AlgNotListed":    {func(o *fakeOIDC, _ *Input) { o.doc.IDTokenSigningAlgValuesSupported = []string{"HS256"} }, "signing algorithm advertised", Fail},
		"WrongSecret":     {func(_ *fakeOIDC, in *Input) { in.Env["OPENID_CLIENT_SECRET"] = "other" }, "client secret matches", Fail},
		"WrongClientID":   {func(_ *fakeOIDC, in *Input) { in.Env["OPENID_CLIENT_ID"] = "other" }, "client id matches", Fail},
		"NoSocialLogin":   {func(_ *fakeOIDC, in *Input) { delete(in.Env, "ALLOW_SOCIAL_LOGIN") }, "social login allowed", Fail},
		"ShortSession":    {func(_ *fakeOIDC, in *Input) { in.Env["OPENID_SESSION_SECRET"] = "x" }, "session secret set", Fail},
		"RegexRedirectOK": {func(_ *fakeOIDC, in *Input) {
			in.Live.Providers[0].OAuth2().RedirectURIs = []plan.RedirectURI{{MatchingMode: "regex", URL: `https://chat\.example\.com/.*`}}
		}, "redirect URI allows LibreChat's callback", Pass},
		"RedirectMissing": {func(_ *fakeOIDC, in *Input) { in.Live.Providers[0].OAuth2().RedirectURIs = nil }, "redirect URI allows LibreChat's callback", Fail},
		"GroupMissing":    {func(_ *fakeOIDC, in *Input) { in.Live.Groups = nil }, "access group exists", Fail},
		"GroupNotBound":   {func(_ *fakeOIDC, in *Input) { in.Live.Bindings = nil }, "access group bound", Fail},
		"NoApplication":   {func(_ *fakeOIDC, in *Input) { in.Live.Applications = nil }, "application and provider exist", Fail},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			o, in := good()
			tc.breakIt(&o, &in)
			items := LibreChat(context.Background(), o, in)
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
	assert.Equal(t, Fail, statusOf(LibreChat(context.Background(), f, in), "issuer"))
	in.Live.Providers[0].OAuth2().IssuerMode = "global"
	assert.Equal(t, Pass, statusOf(LibreChat(context.Background(), f, in), "issuer"))
	in.Env["OPENID_ISSUER"] = "https://auth.example.com/application/o/chat/"
	assert.Equal(t, Fail, statusOf(LibreChat(context.Background(), f, in), "issuer"), "an issuer base does not match the global issuer")
}
