package outputs

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

const presetBase = `version: 1
providers:
  - name: p
    type: oauth2
applications:
  - name: App
    slug: app
    provider: p
    outputs:
`

func validate(t *testing.T, y string, opts Options) error {
	t.Helper()
	m := parse(t, y)
	DeriveRedirects(m)
	return m.Validate(Validator(opts))
}

func TestPresetValidation(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		outputs string
		want    []string
	}{
		"OpenWebUIGood":                     {outputs: "      open-webui:\n        url: https://w.example.com\n        env:\n          OAUTH_ROLES_CLAIM: roles\n"},
		"OpenWebUINeedsURL":                 {outputs: "      open-webui:\n        provider_name: x\n", want: []string{"m.yaml:10:7:", "open-webui output needs url"}},
		"OpenWebUIComputedEnv":              {outputs: "      open-webui:\n        url: https://w.example.com\n        env:\n          OAUTH_CLIENT_ID: x\n", want: []string{"m.yaml:13:11:", "OAUTH_CLIENT_ID cannot be set here: provision writes it"}},
		"OpenWebUITypo":                     {outputs: "      open-webui:\n        url: https://w.example.com\n        env:\n          OAUTH_ROLE_CLAIM: roles\n", want: []string{"did you mean OAUTH_ROLES_CLAIM?"}},
		"OpenWebUIBadEnum":                  {outputs: "      open-webui:\n        url: https://w.example.com\n        env:\n          OAUTH_CODE_CHALLENGE_METHOD: plain\n", want: []string{"must be one of S256"}},
		"OpenWebUIBadJSON":                  {outputs: "      open-webui:\n        url: https://w.example.com\n        env:\n          OAUTH_BLOCKED_GROUPS: \"[x\"\n", want: []string{"OAUTH_BLOCKED_GROUPS must be valid JSON"}},
		"OpenWebUIAuthorizeParamsNotObject": {outputs: "      open-webui:\n        url: https://w.example.com\n        env:\n          OAUTH_AUTHORIZE_PARAMS: \"[1]\"\n", want: []string{"OAUTH_AUTHORIZE_PARAMS must be a JSON object"}},
		"OpenWebUIAuthorizeParamsNull":      {outputs: "      open-webui:\n        url: https://w.example.com\n        env:\n          OAUTH_AUTHORIZE_PARAMS: \"null\"\n", want: []string{"OAUTH_AUTHORIZE_PARAMS must be a JSON object"}},
		"OpenWebUIAuthorizeParamsGood":      {outputs: "      open-webui:\n        url: https://w.example.com\n        env:\n          OAUTH_AUTHORIZE_PARAMS: '{\"prompt\":\"login\"}'\n"},
		"GrafanaGood":                       {outputs: "      grafana:\n        url: https://g.example.com\n        admin_group: Admins\n"},
		"GrafanaTrailingSlash":              {outputs: "      grafana:\n        url: https://g.example.com/\n", want: []string{"m.yaml:11:9:", "url must not end with '/'"}},
		"GrafanaEmptyEnv":                   {outputs: "      grafana:\n        url: https://g.example.com\n        env:\n          GF_AUTH_GENERIC_OAUTH_ICON: \"\"\n", want: []string{"Grafana ignores an empty value"}},
		"GrafanaRefreshNeedsOfflineAccess":  {outputs: "      grafana:\n        url: https://g.example.com\n        env:\n          GF_AUTH_GENERIC_OAUTH_USE_REFRESH_TOKEN: \"true\"\n", want: []string{"needs the offline_access scope"}},
		"GrafanaBothRoleWays":               {outputs: "      grafana:\n        url: https://g.example.com\n        role_attribute_path: x\n        admin_group: A\n", want: []string{"not both"}},
		"UnknownOption":                     {outputs: "      grafana:\n        url: https://g.example.com\n        button_label: x\n", want: []string{"m.yaml:12:9:", `unknown field "button_label" for the grafana preset`}},
		"UnknownPreset":                     {outputs: "      grafna:\n        url: https://g.example.com\n", want: []string{"m.yaml:10:7:", `"grafna" is not an output preset`, `did you mean "grafana"?`}},
		"NamedOutput":                       {outputs: "      secret:\n        preset: grafana\n        url: https://g.example.com\n        format: kubernetes-secret\n        secret_name: Bad_Name\n", want: []string{"m.yaml:14:9:", "secret_name \"Bad_Name\" is not a valid Kubernetes name"}},
		"UnknownFormat":                     {outputs: "      grafana:\n        url: https://g.example.com\n        format: toml\n", want: []string{`format "toml" is not one of dotenv, json, kubernetes-secret, json-config, script`}},
		"SecretNameOnDotenv":                {outputs: "      grafana:\n        url: https://g.example.com\n        namespace: x\n", want: []string{"namespace is for format: kubernetes-secret"}},
		"OIDCGood":                          {outputs: "      oidc:\n        url: https://o.example.com\n        callback_path: /cb\n        vars:\n          MY_ISSUER: issuer\n          MY_CB: redirect_uri\n"},
		"OIDCUnknownValue":                  {outputs: "      oidc:\n        vars:\n          MY_ISSUER: isuer\n", want: []string{"m.yaml:12:11:", `"isuer" is not a value provision knows`, `did you mean "issuer"?`}},
		"OIDCRedirectNeedsURL":              {outputs: "      oidc:\n        vars:\n          CB: redirect_uri\n", want: []string{"redirect_uri needs url and callback_path"}},
		"OIDCNothing":                       {outputs: "      oidc:\n        url: https://o.example.com\n", want: []string{"oidc output needs vars"}},
		"OIDCBadValueForDotenv":             {outputs: "      oidc:\n        vars:\n          ID: client_id\n        env:\n          LIT: \"a#b\"\n", want: []string{"m.yaml:14:11:", "the value of LIT cannot be written to a .env file unquoted", "format: json"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := validate(t, presetBase+tc.outputs, Options{})
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

// Declared redirect URIs must allow the preset's callback; undeclared ones
// are derived from the output.
func TestRedirectURIs(t *testing.T) {
	t.Parallel()
	y := strings.Replace(presetBase, "    type: oauth2\n", "    type: oauth2\n    redirect_uris:\n      - url: https://other.example.com/login/generic_oauth\n", 1) +
		"      grafana:\n        url: https://g.example.com\n"
	err := validate(t, y, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `m.yaml:5:5: provider "p" must allow Grafana's callback https://g.example.com/login/generic_oauth`)

	regex := strings.Replace(y, "      - url: https://other.example.com/login/generic_oauth\n", "      - matching_mode: regex\n        url: 'https://g\\.example\\.com/.*'\n", 1)
	assert.NoError(t, validate(t, regex, Options{}))

	m := parse(t, presetBase+"      grafana:\n        url: https://g.example.com\n      oidc:\n        url: https://g.example.com\n        callback_path: /other\n        vars: {A: issuer}\n")
	DeriveRedirects(m)
	assert.Equal(t, []manifest.RedirectURI{
		{MatchingMode: "strict", URL: "https://g.example.com/login/generic_oauth"},
		{MatchingMode: "strict", URL: "https://g.example.com/other"},
	}, m.Providers[0].RedirectURIs)
}

// plan checks the secret authentik holds when the manifest declares none.
func TestLiveSecretIsChecked(t *testing.T) {
	t.Parallel()
	y := presetBase + "      librechat:\n        url: https://c.example.com\n        file: c.env\n"
	live := &plan.Live{Providers: []plan.Provider{{PK: 1, Name: "p", Type: "oauth2", Detail: &plan.OAuth2Detail{ClientID: "id", ClientSecret: "has#hash"}}}}
	assert.NoError(t, validate(t, y, Options{}), "offline, the secret authentik generates is safe")
	m := parse(t, y)
	DeriveRedirects(m)
	err := CheckManifest(m, Options{Live: live})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `m.yaml:3:5: provider "p": authentik's client secret cannot be written for output librechat of application "app"`)
	assert.NotContains(t, err.Error(), "has#hash")
}

func TestPublicURL(t *testing.T) {
	t.Parallel()
	m := parse(t, presetBase+"      grafana:\n        url: https://g.example.com\n")
	assert.Equal(t, "http://api:9000", PublicURL(m, "http://api:9000/"))
	m.Authentik = &manifest.AuthentikSettings{PublicURL: "https://auth.example.com/"}
	assert.Equal(t, "https://auth.example.com", PublicURL(m, "http://api:9000"))

	_, ds := manifest.Parse("m.yaml", []byte("version: 1\nauthentik:\n  public_url: auth.example.com\n"), func(string) (string, bool) { return "", false })
	require.Empty(t, ds)
	bad := parse(t, "version: 1\nauthentik:\n  public_url: https://auth.example.com/?x\n")
	err := bad.Validate(nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "m.yaml:3:3: authentik.public_url must not have a query or fragment")
}

func TestEveryPresetIsComplete(t *testing.T) {
	t.Parallel()
	var names []string
	for _, p := range Presets() {
		names = append(names, p.Name())
		assert.NotEmpty(t, p.Label(), p.Name())
		assert.NotEmpty(t, p.Follows(), p.Name())
		if c, ok := p.(AppChecker); ok {
			assert.NotEmpty(t, c.AppCheckItems(), p.Name())
		}
	}
	assert.Equal(t, []string{"actual", "gitea", "grafana", "immich", "librechat", "mealie", "nextcloud", "oidc", "open-webui", "outline", "paperless-ngx", "vaultwarden"}, names, "each preset file registers its preset")
}

// Each preset of issue 29 names the release and the source file its
// catalogue follows.
func TestPresetsCiteSourceAndRelease(t *testing.T) {
	// A release (v1.2.3), never a bare commit, and a source file.
	cites := regexp.MustCompile(`^[A-Za-z_ -]+ v?\d+(\.\d+)+ \([^ ]+/[^ ]+\.[a-z]+[,)]`)
	for _, name := range []string{"vaultwarden", "mealie", "immich", "nextcloud", "outline", "actual", "paperless-ngx", "gitea", "librechat", "open-webui"} {
		p, ok := Lookup(name)
		require.True(t, ok, name)
		assert.Regexp(t, cites, p.Follows(), name)
	}
}

// Grafana maps roles from the ID token first: with the claims left out of
// it, the admin_group/editor_group path yields its 'Viewer' default there
// and userinfo is never asked.
func TestGrafanaRolesNeedClaimsInTheIDToken(t *testing.T) {
	t.Parallel()
	noClaims := strings.Replace(presetBase, "    type: oauth2\n", "    type: oauth2\n    include_claims_in_id_token: false\n", 1)
	err := validate(t, noClaims+"      grafana:\n        url: https://g.example.com\n        admin_group: Admins\n", Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `provider "p": Grafana maps roles from the ID token first, and with include_claims_in_id_token: false the groups are not in it, so every user would be a Viewer`)
	// Without a role mapping, or with the claims in the ID token, nothing to say.
	assert.NoError(t, validate(t, noClaims+"      grafana:\n        url: https://g.example.com\n", Options{}))
	assert.NoError(t, validate(t, presetBase+"      grafana:\n        url: https://g.example.com\n        admin_group: Admins\n", Options{}))
}
