package outputs

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

func parse(t *testing.T, y string) *manifest.Manifest {
	t.Helper()
	m, ds := manifest.Parse("m.yaml", []byte(y), func(string) (string, bool) { return "", false })
	require.Empty(t, ds)
	return m
}

const base = `version: 1
providers:
  - name: chat
    type: oauth2
    redirect_uris:
      - url: https://chat.example.com/oauth/openid/callback
applications:
  - name: Chat
    slug: chat
    provider: chat
    outputs:
      librechat:
        url: https://chat.example.com
`

func TestValidate(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		edit func(string) string
		want []string
	}{
		"Good": {edit: func(s string) string { return s }},
		"TrailingSlash": {
			edit: func(s string) string {
				return strings.Replace(s, "url: https://chat.example.com\n", "url: https://chat.example.com/\n", 1)
			},
			want: []string{"m.yaml:13:9:", "DOMAIN_SERVER must not end with '/'"},
		},
		"RedirectMismatch": {
			edit: func(s string) string {
				return strings.Replace(s, "https://chat.example.com/oauth", "https://other.example.com/oauth", 1)
			},
			want: []string{`m.yaml:5:5: provider "chat" must allow LibreChat's callback https://chat.example.com/oauth/openid/callback`},
		},
		"NoOpenIDScope": {
			edit: func(s string) string {
				return strings.Replace(s, "    type: oauth2\n", "    type: oauth2\n    scopes: [profile, email]\n", 1)
			},
			want: []string{`LibreChat needs the openid scope`},
		},
		"UnknownEnvName": {
			edit: func(s string) string { return s + "        env:\n          OPENID_SCOPES: openid\n" },
			want: []string{`OPENID_SCOPE`},
		},
		"ImageURLWithSpace": {
			edit: func(s string) string { return s + "        image_url: https://x.example.com/a b.png\n" },
			want: []string{"m.yaml:14:9:", "OPENID_IMAGE_URL must not contain spaces"},
		},
		"ButtonLabelWithHash": {
			edit: func(s string) string { return s + "        button_label: \"Log in #1\"\n" },
			want: []string{`OPENID_BUTTON_LABEL`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := parse(t, tc.edit(base))
			err := m.Validate(Validator(Options{}))
			if len(tc.want) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestLibreChatVarsFromLiveState(t *testing.T) {
	t.Parallel()
	m := parse(t, base)
	live := &plan.Live{
		Objects:      plan.ScopeMappingObjects(plan.ScopeMapping{PK: "e", Name: "e", ScopeName: "email"}, plan.ScopeMapping{PK: "o", Name: "o", ScopeName: "openid"}, plan.ScopeMapping{PK: "p", Name: "p", ScopeName: "profile"}, plan.ScopeMapping{PK: "x", Name: "x", ScopeName: "custom"}),
		Providers:    []plan.Provider{{PK: 3, Name: "chat", Type: "oauth2", PropertyMappings: []string{"x", "e", "p", "o"}, Detail: &plan.OAuth2Detail{ClientID: "id123", ClientSecret: "sec456"}}},
		Applications: []plan.Application{{Slug: "chat", Provider: 3}},
	}
	vars, err := libreChatVars("https://auth.example.com/", &m.Applications[0], live, "s3ss10n")
	require.NoError(t, err)
	got := map[string]string{}
	for _, v := range vars {
		got[v.Key] = v.Value
	}
	assert.Equal(t, "https://auth.example.com/application/o/chat/.well-known/openid-configuration", got["OPENID_ISSUER"])
	assert.Equal(t, "id123", got["OPENID_CLIENT_ID"])
	assert.Equal(t, "sec456", got["OPENID_CLIENT_SECRET"])
	assert.Equal(t, "s3ss10n", got["OPENID_SESSION_SECRET"])
	assert.Equal(t, "openid profile email custom", got["OPENID_SCOPE"], "usual scopes in their usual order, then the rest")
	assert.Equal(t, "https://chat.example.com", got["DOMAIN_SERVER"])

	live.Applications = nil
	_, err = libreChatVars("https://auth.example.com", &m.Applications[0], live, "s")
	assert.ErrorContains(t, err, "run apply first")
}

// libreChatVars computes the librechat output's settings from live state,
// with the session secret given.
func libreChatVars(public string, a *manifest.Application, live *plan.Live, session string) ([]Var, error) {
	v, err := LiveValues(public, a, live)
	if err != nil {
		return nil, err
	}
	v.Existing = map[string]string{"OPENID_SESSION_SECRET": session}
	rs, err := Resolve(a, Options{})
	if err != nil {
		return nil, err
	}
	return VarsFor(rs[0], v, nil, nil)
}

func TestSessionSecretIsKept(t *testing.T) {
	t.Parallel()
	kept, err := SessionSecret([]byte("A=1\nOPENID_SESSION_SECRET=already-here\n"), bytes.NewReader(nil))
	require.NoError(t, err)
	assert.Equal(t, "already-here", kept)
	fresh, err := SessionSecret(nil, bytes.NewReader(bytes.Repeat([]byte{1}, 32)))
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("01", 32), fresh)
}

func TestEnvFileIsRelativeToTheManifest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	m, ds := manifest.Parse(filepath.Join(dir, "m.yaml"), []byte(base+"        file: librechat.env\n"), func(string) (string, bool) { return "", false })
	require.Empty(t, ds)
	assert.Equal(t, filepath.Join(dir, "librechat.env"), EnvFile(&m.Applications[0]))

	m, ds = manifest.Parse("/etc/provision/m.yaml", []byte(base+"        file: ../librechat/.env\n"), func(string) (string, bool) { return "", false })
	require.Empty(t, ds)
	assert.Equal(t, "", EnvFile(&m.Applications[0]), "a file outside the manifest's directory is refused")
	_, err := Resolve(&m.Applications[0], Options{})
	assert.ErrorContains(t, err, "m.yaml:14:9: application \"chat\", output librechat: file ../librechat/.env leaves the directory /etc/provision")
}

// An output of an application whose provider reference does not resolve
// adds nothing to the reference error: "needs an oauth2 provider (none)"
// would only restate it, wrongly.
func TestUnresolvedProviderIsReportedOnce(t *testing.T) {
	t.Parallel()
	m := parse(t, strings.Replace(base, "    provider: chat\n", "    provider: chta\n", 1))
	err := m.Validate(Validator(Options{}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `uses provider "chta"`)
	assert.NotContains(t, err.Error(), "needs an oauth2 provider")
	assert.Equal(t, 1, strings.Count(err.Error(), "m.yaml:"), err.Error())
}

func TestPublicURLIgnoresAnInvalidOneReportedElsewhere(t *testing.T) {
	t.Parallel()
	m := &manifest.Manifest{Authentik: &manifest.AuthentikSettings{PublicURL: "https://auth.example.com/"}}
	assert.Equal(t, "https://auth.example.com", PublicURL(m, "http://authentik:9000"))
	m.Authentik.PublicURL = "auth.example.com"
	assert.Equal(t, "http://authentik:9000", PublicURL(m, "http://authentik:9000/"), "validation reports it at its line; outputs do not repeat it")
	assert.Equal(t, "http://authentik:9000", PublicURL(&manifest.Manifest{}, "http://authentik:9000"))
}
