package manifest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVariablesAreDeclared(t *testing.T) {
	t.Parallel()
	vars := env(map[string]string{
		"APP_URL": "https://app.example.com", "CLIENT_SECRET": "s3cret-from-env",
		"AUTHENTIK_TOKEN": "the-token", "AUTHENTIK_URL": "http://admin:hunter2@auth",
	})
	cases := map[string]struct {
		yaml string
		want []string // "line:col: message substring"; none = loads
	}{
		"declared": {
			yaml: "version: 1\nvariables: {APP_URL: {}}\napplications:\n  - name: a\n    slug: a\n    meta_launch_url: ${APP_URL}/x\n",
		},
		"undeclared, with the declaration to add": {
			yaml: "version: 1\napplications:\n  - name: a\n    slug: a\n    meta_launch_url: ${APP_URL}\n",
			want: []string{`x.yaml:5:22: variable APP_URL is not declared; declare it at the top of the file: "variables: {APP_URL: {}}"`},
		},
		"misspelt": {
			yaml: "version: 1\nvariables: {APP_URL: {}}\napplications:\n  - name: a\n    slug: a\n    meta_launch_url: ${APP_UR}\n",
			want: []string{`x.yaml:6:22: variable APP_UR is not declared; did you mean APP_URL?`},
		},
		"the token, undeclared": {
			yaml: "version: 1\napplications:\n  - name: a\n    slug: a\n    meta_launch_url: https://x.example.com/${AUTHENTIK_TOKEN}\n",
			want: []string{`x.yaml:5:22: ${AUTHENTIK_TOKEN} cannot be used`},
		},
		"the token, declared": {
			yaml: "version: 1\nvariables: {AUTHENTIK_TOKEN: {sensitive: true}, AUTHENTIK_URL: {}}\ngroups:\n  - name: g\n    attributes: {t: \"${AUTHENTIK_TOKEN}\", u: \"${AUTHENTIK_URL}\"}\n",
			want: []string{
				`x.yaml:2:13: variable AUTHENTIK_TOKEN cannot be declared`,
				`x.yaml:2:49: variable AUTHENTIK_URL cannot be declared`,
				`x.yaml:5:21: ${AUTHENTIK_TOKEN} cannot be used`,
				`x.yaml:5:46: ${AUTHENTIK_URL} cannot be used`,
			},
		},
		"any AUTHENTIK_ variable": {
			yaml: "version: 1\ngroups:\n  - name: g\n    attributes: {t: \"${AUTHENTIK_CA_FILE}\"}\n",
			want: []string{`${AUTHENTIK_CA_FILE} cannot be used`},
		},
		"sensitive in a secret field": {
			yaml: "version: 1\nvariables: {CLIENT_SECRET: {sensitive: true}}\nproviders:\n  - name: p\n    type: oauth2\n    client_secret: ${CLIENT_SECRET}\n",
		},
		"sensitive where end users see it": {
			yaml: "version: 1\nvariables: {CLIENT_SECRET: {sensitive: true}}\napplications:\n  - name: ${CLIENT_SECRET}\n    slug: a\n    meta_description: x ${CLIENT_SECRET}\n    meta_launch_url: https://x/${CLIENT_SECRET}\n",
			want: []string{
				`x.yaml:4:11: sensitive variable CLIENT_SECRET cannot be used in name`,
				`x.yaml:6:23: sensitive variable CLIENT_SECRET cannot be used in meta_description`,
				`x.yaml:7:22: sensitive variable CLIENT_SECRET cannot be used in meta_launch_url`,
			},
		},
		"default": {
			yaml: "version: 1\nvariables: {REGION: {default: eu}}\ngroups:\n  - name: g-${REGION}\n",
		},
		"sensitive default": {
			yaml: "version: 1\nvariables: {PW: {sensitive: true, default: hunter2}}\n",
			want: []string{`x.yaml:2:17: variable PW is sensitive and has a default`},
		},
		"unknown declaration key": {
			yaml: "version: 1\nvariables: {X: {secret: true}}\n",
			want: []string{`x.yaml:2:17: unknown field "secret" in variable X`},
		},
		"sensitive smuggled into a user-visible field by an alias": {
			yaml: "version: 1\nvariables: {CLIENT_SECRET: {sensitive: true}}\nproviders:\n  - name: p\n    type: oauth2\n    client_secret: &s ${CLIENT_SECRET}\napplications:\n  - name: a\n    slug: a\n    meta_launch_url: *s\n",
			want: []string{`x.yaml:10:22: sensitive variable CLIENT_SECRET cannot be used in meta_launch_url (through the alias *s)`},
		},
		"an alias of a sensitive value in a secret field is fine": {
			yaml: "version: 1\nvariables: {CLIENT_SECRET: {sensitive: true}}\nproviders:\n  - name: p\n    type: oauth2\n    client_secret: &s ${CLIENT_SECRET}\n  - name: q\n    type: oauth2\n    client_secret: *s\n",
		},
		"the variables section is not substituted": {
			yaml: "version: 1\nvariables: {X: {description: \"${Y}\"}}\n",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, ds := Parse("x.yaml", []byte(tc.yaml), vars)
			require.Len(t, ds, len(tc.want), "diagnostics: %v", ds)
			if len(tc.want) == 0 {
				return
			}
			got := ds.err().Error()
			for _, w := range tc.want {
				assert.Contains(t, got, w)
			}
		})
	}
}

func TestSensitiveValuesAreCollected(t *testing.T) {
	t.Parallel()
	y := "version: 1\nvariables: {S: {sensitive: true}, P: {}}\nproviders:\n  - name: p-${P}\n    type: oauth2\n    client_secret: ${S}\n"
	m, ds := Parse("x.yaml", []byte(y), env(map[string]string{"S": "s3cret-value", "P": "plain"}))
	require.Empty(t, ds)
	assert.Equal(t, []string{"s3cret-value"}, m.SensitiveValues())
	assert.Equal(t, "p-plain", m.Providers[0].Name)
	assert.True(t, m.Variables["S"].Sensitive)
}

// TestAliasBombIsRefused feeds a billion laughs (ten levels of nine
// aliases, 9^10 scalars expanded) whose innermost value is sensitive:
// the alias check must not expand it, and decoding refuses it.
func TestAliasBombIsRefused(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("version: 1\nvariables: {S: {sensitive: true}}\nproviders:\n  - name: p\n    type: oauth2\n    client_secret: &a0 ${S}\ngroups:\n")
	for i := 1; i <= 10; i++ {
		refs := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9), ", ")
		fmt.Fprintf(&b, "  - name: g%d\n    attributes: {l: &a%d [%s]}\n", i, i, refs)
	}
	b.WriteString("applications:\n  - name: a\n    slug: a\n    meta_launch_url: *a10\n")
	_, ds := Parse("x.yaml", []byte(b.String()), env(map[string]string{"S": "s3cret-value"}))
	got := ds.err().Error()
	assert.Contains(t, got, "sensitive variable S cannot be used in meta_launch_url (through the alias *a10)")
	assert.Contains(t, got, "excessive aliasing")
}

// A sensitive value of the wrong type is reported without its value: the
// YAML decoder quotes up to 10 bytes of it, and its error comes before the
// manifest exists (so before its sensitive values can be masked).
func TestTypeErrorHidesSensitiveValue(t *testing.T) {
	t.Parallel()
	for _, secret := range []string{"s3cret-value-long", "short-pw"} {
		y := "version: 1\nvariables: {S: {sensitive: true}, P: {}}\noutposts:\n  - name: o\n    type: proxy\n    exclusive: ${S}\n  - name: p\n    type: proxy\n    exclusive: ${P}\n"
		m, ds := Parse("x.yaml", []byte(y), env(map[string]string{"S": secret, "P": "plainword"}))
		require.Nil(t, m)
		got := ds.err().Error()
		assert.Contains(t, got, "x.yaml:6:")
		assert.NotContains(t, got, secret[:7], got)
		assert.Contains(t, got, "plainword", "a plain value is still quoted")
	}
}

// The pipeline decides what a manifest may read: a manifest from a pull
// request declares its own variables, so only PROVISION_ALLOW_VARS (set by
// the pipeline) keeps it from declaring GITHUB_TOKEN and printing it.
func TestPipelineAllowListAndSensitiveList(t *testing.T) {
	t.Parallel()
	base := map[string]string{"APP_URL": "https://app.example.com", "GITHUB_TOKEN": "ghp-secret-value", "CLIENT_SECRET": "s3cret-from-env"}
	leak := "version: 1\nvariables: {APP_URL: {}, GITHUB_TOKEN: {}}\napplications:\n  - name: a\n    slug: a\n    meta_launch_url: ${APP_URL}/${GITHUB_TOKEN}\n"
	withEnv := func(extra map[string]string) LookupEnv {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return env(m)
	}

	// Without a list, any declared variable is read (local use).
	m, ds := Parse("x.yaml", []byte(leak), withEnv(nil))
	require.Empty(t, ds)
	assert.Contains(t, *m.Applications[0].MetaLaunchURL, "ghp-secret-value")

	// With one, a variable outside it cannot even be declared.
	_, ds = Parse("x.yaml", []byte(leak), withEnv(map[string]string{AllowVarsEnv: "APP_URL, WIKI_URL"}))
	// One mistake, one error (issue 32): the declaration, and not its use
	// again as "not declared" (it is declared).
	require.Len(t, ds, 1, "%v", ds)
	assert.Equal(t, "x.yaml:2:26: variable GITHUB_TOKEN is not allowed here: PROVISION_ALLOW_VARS lets a manifest read only APP_URL, WIKI_URL; if the manifest should read it, add it there (in the pipeline, not in the manifest)", ds[0].Error())
	for _, d := range ds {
		assert.NotContains(t, d.Error(), "ghp-secret-value")
	}

	// An empty list allows nothing.
	_, ds = Parse("x.yaml", []byte(leak), withEnv(map[string]string{AllowVarsEnv: ""}))
	require.NotEmpty(t, ds)
	assert.Contains(t, ds[0].Error(), "PROVISION_ALLOW_VARS is set but empty, so a manifest may read no variable")

	// The sensitive list is allowed, and sensitive whatever the manifest says:
	// declared plain, it is still refused in a user-visible field and masked.
	plain := "version: 1\nvariables: {CLIENT_SECRET: {}}\nproviders:\n  - name: p\n    type: oauth2\n    client_secret: ${CLIENT_SECRET}\n"
	m, ds = Parse("x.yaml", []byte(plain), withEnv(map[string]string{AllowVarsEnv: "APP_URL", SensitiveVarsEnv: "CLIENT_SECRET"}))
	require.Empty(t, ds)
	assert.Equal(t, []string{"s3cret-from-env"}, m.SensitiveValues())
	visible := "version: 1\nvariables: {CLIENT_SECRET: {}}\napplications:\n  - name: a\n    slug: a\n    meta_launch_url: https://x.example.com/${CLIENT_SECRET}\n"
	_, ds = Parse("x.yaml", []byte(visible), withEnv(map[string]string{SensitiveVarsEnv: "CLIENT_SECRET"}))
	require.NotEmpty(t, ds)
	assert.Contains(t, ds[0].Error(), "sensitive variable CLIENT_SECRET cannot be used in meta_launch_url")
}

// A name on both pipeline lists is named once in the refusal.
func TestPipelineAllowListNamesEachVariableOnce(t *testing.T) {
	t.Parallel()
	doc := "version: 1\nvariables: {GITHUB_TOKEN: {}}\n"
	_, ds := Parse("x.yaml", []byte(doc), env(map[string]string{AllowVarsEnv: "APP_URL CLIENT_SECRET", SensitiveVarsEnv: "CLIENT_SECRET"}))
	require.Len(t, ds, 1, "%v", ds)
	assert.Contains(t, ds[0].Error(), "lets a manifest read only APP_URL, CLIENT_SECRET; ")
}

// A descriptor's SensitiveOnly field (an OAuth source's consumer_secret)
// takes only a sensitive variable: a literal or a plain variable is refused
// at its line without repeating the value; an unset one is reported once.
func TestSensitiveOnlyFields(t *testing.T) {
	head := "version: 1\nvariables: {S: {sensitive: true}, P: {}, U: {sensitive: true}}\nsources:\n  - slug: gh\n    name: GitHub\n    type: oauth\n    provider_type: github\n    consumer_key: k\n"
	vars := env(map[string]string{"S": "s3cret-value", "P": "plain-value"})
	cases := map[string]struct {
		line string
		want string // "" = loads
	}{
		"sensitive variable": {line: "    consumer_secret: ${S}\n"},
		"literal":            {line: "    consumer_secret: literal-secret\n", want: "x.yaml:9:22: consumer_secret is a secret and comes only from a sensitive variable"},
		"plain variable":     {line: "    consumer_secret: ${P}\n", want: "x.yaml:9:22: consumer_secret is a secret and comes only from a sensitive variable"},
		"unset":              {line: "    consumer_secret: ${U}\n", want: "environment variable U is not set"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, ds := Parse("x.yaml", []byte(head+tc.line), vars)
			if tc.want == "" {
				require.Empty(t, ds)
				return
			}
			require.Len(t, ds, 1, "one problem: %v", ds)
			got := ds.err().Error()
			assert.Contains(t, got, tc.want)
			assert.NotContains(t, got, "literal-secret")
			assert.NotContains(t, got, "plain-value")
		})
	}
}
