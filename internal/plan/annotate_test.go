package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
)

// A sensitive variable's value is sensitive in whatever field it lands;
// secret-looking free-form keys are sensitive; expressions run on the server.
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
    redirect_uris:
      - url: https://chat.example.com/cb?k=${HOOK_SECRET}
`
	m, ds := manifest.Parse("m.yaml", []byte(y), func(k string) (string, bool) {
		v, ok := map[string]string{"HOOK_SECRET": "hook-s3cret", "PLAIN": "blue", "QUOTED": `say "hi" <s3cret>`}[k]
		return v, ok
	})
	require.Empty(t, ds)
	require.NoError(t, m.Validate(nil))
	p, err := Compute(m, freshLive())
	require.NoError(t, err)

	sensitive, code := map[string]bool{}, map[string]bool{}
	for _, c := range p.Changes {
		for _, f := range c.Fields {
			sensitive[string(c.Kind)+" "+f.Field] = f.Sensitive
			code[string(c.Kind)+" "+f.Field] = f.RunsOnServer
		}
	}
	for field, want := range map[string]bool{
		"group attributes.api_password": true,  // key looks secret
		"group attributes.webhook":      true,  // holds a sensitive variable
		"group attributes.color":        false, // plain variable
		"group attributes.nested":       true,  // a sensitive variable JSON-escaped inside an object
		"provider redirect_uris":        true,  // sensitive variable inside a list
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
