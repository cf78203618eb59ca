package outputs

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The issue 29 presets' offline checks: catalogue, formats, requirements.
func TestAppPresetValidation(t *testing.T) {
	withScopes := func(scopes string) string {
		return strings.Replace(presetBase, "    type: oauth2\n", "    type: oauth2\n    scopes: ["+scopes+"]\n", 1)
	}
	verified := "scope_mappings:\n  - name: ev\n    scope_name: email_verified\n    expression: 'return {\"email_verified\": True}'\n"
	cases := map[string]struct {
		base, outputs string
		want          []string
	}{
		"VaultwardenGood":         {base: verified + withScopes("openid, email, profile, offline_access, email_verified"), outputs: "      vaultwarden:\n        url: https://v.example.com\n"},
		"VaultwardenEmailFalse":   {base: withScopes("openid, email, profile, offline_access"), outputs: "      vaultwarden:\n        url: https://v.example.com\n", want: []string{`Vaultwarden refuses a login whose email_verified claim is False`, "scope_name: email_verified"}},
		"VaultwardenOffline":      {base: verified + withScopes("openid, email, email_verified"), outputs: "      vaultwarden:\n        url: https://v.example.com\n", want: []string{"needs the offline_access scope"}},
		"VaultwardenAuthOnly":     {base: verified + withScopes("openid, email, email_verified"), outputs: "      vaultwarden:\n        url: https://v.example.com\n        env:\n          SSO_AUTH_ONLY_NOT_SESSION: \"true\"\n"},
		"VaultwardenGlobalIssuer": {base: strings.Replace(verified+withScopes("openid, email, offline_access, email_verified"), "    type: oauth2\n", "    type: oauth2\n    issuer_mode: global\n", 1), outputs: "      vaultwarden:\n        url: https://v.example.com\n", want: []string{"use issuer_mode per_provider"}},
		"VaultwardenCallbackPath": {base: verified + withScopes("openid, email, offline_access, email_verified"), outputs: "      vaultwarden:\n        url: https://v.example.com\n        env:\n          SSO_CALLBACK_PATH: /x\n", want: []string{"SSO_CALLBACK_PATH is not a setting Vaultwarden reads"}},
		"OutlineEmailFalse":       {base: presetBase, outputs: "      outline:\n        url: https://o.example.com\n", want: []string{"Outline refuses a login whose email_verified claim is False"}},
		"OutlineGood":             {base: verified + withScopes("openid, email, profile, email_verified"), outputs: "      outline:\n        url: https://o.example.com\n        display_name: authentik\n"},
		"MealieGroupsNeedProfile": {base: withScopes("openid, email"), outputs: "      mealie:\n        url: https://m.example.com\n        admin_group: A\n", want: []string{"Mealie needs the profile scope"}},
		"MealieGood":              {base: presetBase, outputs: "      mealie:\n        url: https://m.example.com\n        env:\n          OIDC_REMEMBER_ME: \"true\"\n"},
		"ImmichNotDotenv":         {base: presetBase, outputs: "      immich:\n        url: https://i.example.com\n        format: dotenv\n", want: []string{"the immich preset is written as json-config, not dotenv"}},
		"ImmichBadBool":           {base: presetBase, outputs: "      immich:\n        url: https://i.example.com\n        env:\n          oauth.autoLaunch: \"yes\"\n", want: []string{"oauth.autoLaunch must be true or false"}},
		"ImmichUnknownKey":        {base: presetBase, outputs: "      immich:\n        url: https://i.example.com\n        env:\n          oauth.clientID: x\n", want: []string{"oauth.clientID is not a setting Immich reads"}},
		"NextcloudNotDotenv":      {base: presetBase, outputs: "      nextcloud:\n        url: https://n.example.com\n        format: json\n", want: []string{"the nextcloud preset is written as script, not json"}},
		"NextcloudDashName":       {base: presetBase, outputs: "      nextcloud:\n        url: https://n.example.com\n        name: --clientid\n", want: []string{"occ would read it as an option"}},
		"NextcloudFlag":           {base: presetBase, outputs: "      nextcloud:\n        url: https://n.example.com\n        env:\n          unique-uid: \"yes\"\n", want: []string{"unique-uid must be one of 0, 1"}},
		"ScriptForDotenvPreset":   {base: presetBase, outputs: "      grafana:\n        url: https://g.example.com\n        format: script\n", want: []string{"the grafana preset is written as dotenv or json or kubernetes-secret, not script"}},
		"PaperlessNotRead":        {base: presetBase, outputs: "      paperless-ngx:\n        url: https://p.example.com\n        env:\n          PAPERLESS_AUTO_LOGIN: \"true\"\n", want: []string{"PAPERLESS_AUTO_LOGIN is not read by Paperless-ngx v3.0.5"}},
		"PaperlessGood":           {base: presetBase, outputs: "      paperless-ngx:\n        url: https://p.example.com\n        env:\n          PAPERLESS_SOCIAL_AUTO_SIGNUP: \"true\"\n"},
		"ActualGood":              {base: presetBase, outputs: "      actual:\n        url: https://a.example.com\n        env:\n          ACTUAL_LOGIN_METHOD: openid\n"},
		"ActualEndpoints":         {base: presetBase, outputs: "      actual:\n        url: https://a.example.com\n        env:\n          ACTUAL_OPENID_TOKEN_ENDPOINT: https://x.example.com\n", want: []string{"ACTUAL_OPENID_TOKEN_ENDPOINT cannot be set here"}},
		"GiteaBadName":            {base: presetBase, outputs: "      gitea:\n        url: https://g.example.com\n        name: a b\n", want: []string{`name "a b" must be letters, digits`}},
		// The catalogues brought up to date (issue 29 item 5): a variable a
		// newer release added is accepted; an output for an older release,
		// or a flag an older Gitea lacks, is refused with the release named.
		"LibreChatRoleSync":       {base: presetBase, outputs: "      librechat:\n        url: https://c.example.com\n        env:\n          OPENID_ROLE_SYNC_ENABLED: \"true\"\n          OPENID_ROLE_SYNC_CLAIM: groups\n"},
		"LibreChatRoleSyncOld":    {base: presetBase, outputs: "      librechat:\n        url: https://c.example.com\n        release: v0.8.6\n        env:\n          OPENID_ROLE_SYNC_ENABLED: \"true\"\n          OPENID_ROLE_SYNC_CLAIM: groups\n", want: []string{"OPENID_ROLE_SYNC_ENABLED is not read by LibreChat v0.8.6, so it would have no effect: LibreChat reads it from v0.8.7 on"}},
		"LibreChatUnknownRelease": {base: presetBase, outputs: "      librechat:\n        url: https://c.example.com\n        release: \"0.9\"\n", want: []string{"release 0.9 is not a LibreChat release the catalogue knows: give one of v0.8.6, v0.8.7, v0.8.8"}},
		"GiteaFullNameClaim":      {base: presetBase, outputs: "      gitea:\n        url: https://g.example.com\n        env:\n          full-name-claim-name: name\n          ssh-public-key-claim-name: ssh_keys\n"},
		"GiteaPublicClient":       {base: strings.Replace(presetBase, "    type: oauth2\n", "    type: oauth2\n    client_type: public\n", 1), outputs: "      gitea:\n        url: https://g.example.com\n", want: []string{"Gitea sends a client secret"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := parse(t, tc.base+tc.outputs)
			DeriveRedirects(m)
			err := m.Validate(Validator(Options{ScopeMappings: ManifestScopeMappings(m)}))
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

func TestScopeClaimsMergeByScopeName(t *testing.T) {
	s := ScopeClaims{Mappings: []ScopeMapping{
		{Name: "ev", ScopeName: "email_verified", Expression: `return {"email_verified": True}`},
		{Name: "a", ScopeName: "aaa", Expression: `return {'email_verified': request.user.is_active}`},
	}}
	v, m := s.Claim([]string{"openid", "email"}, "email_verified")
	assert.Equal(t, "False", v, "authentik's email mapping")
	assert.Contains(t, m, "OpenID 'email'")
	v, m = s.Claim([]string{"email_verified", "email"}, "email_verified")
	assert.Equal(t, []string{"True", "ev"}, []string{v, m}, "email_verified sorts after email")
	v, _ = s.Claim([]string{"email", "aaa"}, "email_verified")
	assert.Equal(t, "False", v, "aaa sorts before email, which overrides it")
	v, _ = s.Claim([]string{"profile"}, "email_verified")
	assert.Equal(t, "", v)
}
