package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const validBase = `version: 1
groups:
  - name: users
providers:
  - name: chat
    type: oauth2
    sub_mode: user_email
    redirect_uris:
      - url: https://chat.example.com/oauth/openid/callback
      # Python's re (authentik's) takes lookaheads; RE2 would not.
      - {matching_mode: regex, url: 'https://(?!evil\.)\w+\.example\.com/cb'}
  - name: wiki
    type: proxy
    external_host: https://wiki.example.com
    internal_host: http://wiki:8080
applications:
  - name: Chat
    slug: chat
    provider: chat
    access:
      groups: [users, authentik Admins]
  - name: Wiki
    slug: wiki
    provider: wiki
outposts:
  - name: authentik Embedded Outpost
    type: proxy
    providers: [wiki]
`

func TestValidateAcceptsAGoodManifest(t *testing.T) {
	t.Parallel()
	m, ds := Parse("m.yaml", []byte(validBase), env(nil))
	require.Empty(t, ds)
	assert.NoError(t, m.Validate(nil))
}

func TestValidateFindsSemanticProblems(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		yaml string
		want []string
	}{
		"misspelt provider reference": {
			yaml: "version: 1\nproviders:\n  - {name: chat, type: oauth2}\napplications:\n  - {name: A, slug: a, provider: caht}\n",
			want: []string{`m.yaml:5:24: application "a" uses provider "caht", which is not declared in the manifest; did you mean "chat"?`},
		},
		"misspelt outpost provider": {
			yaml: "version: 1\nproviders:\n  - {name: wiki, type: proxy, external_host: 'https://w', internal_host: 'http://w'}\noutposts:\n  - {name: o, type: proxy, providers: [wikki]}\n",
			want: []string{`outpost "o" lists provider "wikki", which is not declared in the manifest; did you mean "wiki"?`},
		},
		"misspelt group": {
			yaml: "version: 1\ngroups:\n  - name: LibreChat Users\napplications:\n  - {name: A, slug: a, access: {groups: [LibreChat User]}}\n",
			want: []string{`application "a" allows group "LibreChat User", which is not declared in the manifest; did you mean "LibreChat Users"?`},
		},
		"undeclared group: declaring adopts it": {
			yaml: "version: 1\napplications:\n  - {name: A, slug: a, access: {groups: [Engineering]}}\n",
			want: []string{`application "a" allows group "Engineering", which is not declared in the manifest; declare it under groups (if it already exists in authentik, declaring it adopts it, its members untouched)`},
		},
		"reserved slug": {
			yaml: "version: 1\napplications:\n  - name: A\n    slug: authorize\n",
			want: []string{`m.yaml:4:5: application slug "authorize" is reserved`},
		},
		"bad slug": {
			yaml: "version: 1\napplications:\n  - name: A\n    slug: my app\n",
			want: []string{`may contain only letters, digits`},
		},
		"duplicate slug": {
			yaml: "version: 1\napplications:\n  - {name: A, slug: a}\n  - {name: B, slug: a}\n",
			want: []string{`m.yaml:4:5: duplicate application slug "a" (first declared at m.yaml:3:5)`},
		},
		"provider shared by two applications": {
			yaml: "version: 1\nproviders:\n  - {name: p, type: oauth2}\napplications:\n  - {name: A, slug: a, provider: p}\n  - {name: B, slug: b, provider: p}\n",
			want: []string{`provider "p" is already used by application "a"`},
		},
		"undeclared provider and group": {
			yaml: "version: 1\napplications:\n  - name: A\n    slug: a\n    provider: ghost\n    access:\n      groups: [nobody]\n",
			want: []string{`uses provider "ghost", which is not declared`, `m.yaml:7:16: application "a" allows group "nobody", which is not declared`},
		},
		"bad regex redirect": {
			yaml: "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    redirect_uris:\n      - {matching_mode: regex, url: 'https://(a'}\n",
			want: []string{`m.yaml:6:9: provider "p": redirect URI regex "https://(a" does not compile`},
		},
		"relative strict redirect": {
			yaml: "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    redirect_uris:\n      - url: /callback\n",
			want: []string{`redirect URI "/callback" is not an absolute URL`},
		},
		"bad duration": {
			yaml: "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    access_token_validity: 1h\n",
			want: []string{`access_token_validity "1h" is not in authentik's duration format`},
		},
		"bad enum": {
			yaml: "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    sub_mode: email\n",
			want: []string{`sub_mode "email" is not one of hashed_user_id, user_id`},
		},
		"missing type": {
			yaml: "version: 1\nproviders:\n  - name: p\n",
			want: []string{`provider "p": type is required (oauth2, proxy, saml, ldap, rac, radius, scim)`},
		},
		"proxy needs hosts": {
			yaml: "version: 1\nproviders:\n  - name: p\n    type: proxy\n",
			want: []string{`external_host is required`, `internal_host is required when mode is proxy`},
		},
		"oauth2 field on proxy": {
			yaml: "version: 1\nproviders:\n  - name: p\n    type: proxy\n    external_host: https://a\n    mode: forward_single\n    sub_mode: user_email\n",
			want: []string{`m.yaml:7:5: provider "p": sub_mode is not a field of proxy providers; it applies to OAuth2 providers only`},
		},
		"oauth2 provider in an outpost": {
			yaml: "version: 1\nproviders:\n  - {name: chat, type: oauth2}\noutposts:\n  - name: authentik Embedded Outpost\n    type: proxy\n    providers: [chat]\n",
			want: []string{`m.yaml:7:17: outpost "authentik Embedded Outpost" lists OAuth2 provider "chat": outposts serve only proxy, LDAP, RADIUS and RAC providers, while OAuth2/OIDC is served by authentik itself`},
		},
		"bad URL": {
			yaml: "version: 1\napplications:\n  - {name: A, slug: a, meta_launch_url: 'chat.example.com'}\n",
			want: []string{`meta_launch_url "chat.example.com" is not an absolute http(s) URL`},
		},
		// scopes: [] is a plain OAuth2 provider (no scope mappings), not an error.
		"empty scopes and redirects": {
			yaml: "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    scopes: []\n    redirect_uris: []\n",
			want: []string{`m.yaml:6:5: provider "p": redirect_uris is empty, so authentik would trust the first redirect URI it sees`},
		},
		"outpost without providers": {
			yaml: "version: 1\noutposts:\n  - {name: ldap, type: ldap}\n  - {name: authentik Embedded Outpost, type: proxy}\n",
			want: []string{`m.yaml:3:5: outpost "ldap": list at least one provider`},
		},
		"exclusive embedded outpost": {
			yaml: "version: 1\noutposts:\n  - {name: authentik Embedded Outpost, type: proxy, exclusive: true}\n",
			want: []string{`outpost "authentik Embedded Outpost" is shared: exclusive would detach`},
		},
		"saml needs an acs_url, ldap field on saml": {
			yaml: "version: 1\nproviders:\n  - name: s\n    type: saml\n    base_dn: DC=x\n    sp_binding: artifact\n",
			want: []string{`m.yaml:3:5: provider "s": acs_url is required for a SAML provider`, `m.yaml:5:5: provider "s": base_dn is not a field of SAML providers; it applies to LDAP providers only`, `m.yaml:6:5: sp_binding "artifact" is not one of redirect, post`},
		},
		"saml field on oauth2 and shared field on ldap": {
			yaml: "version: 1\nproviders:\n  - {name: o, type: oauth2, acs_url: 'https://sp/acs'}\n  - {name: l, type: ldap, scopes: [openid]}\n",
			want: []string{`provider "o": acs_url is not a field of OAuth2 providers; it applies to SAML providers only`, `provider "l": scopes is not a field of LDAP providers; it applies to OAuth2 and proxy providers only`},
		},
		"ldap bind flow spelt twice, bad dn": {
			yaml: "version: 1\nproviders:\n  - name: l\n    type: ldap\n    bind_flow: a\n    authorization_flow: b\n    base_dn: goauthentik.io\n",
			want: []string{`m.yaml:5:5: provider "l": bind_flow and authorization_flow are the same field`, `base_dn "goauthentik.io" is not a distinguished name`},
		},
		"ldap provider in a proxy outpost, saml in any outpost": {
			yaml: "version: 1\nproviders:\n  - {name: l, type: ldap}\n  - {name: s, type: saml, acs_url: 'https://sp/acs'}\noutposts:\n  - {name: o, type: proxy, providers: [l, s]}\n",
			want: []string{`outpost "o" of type proxy cannot serve LDAP provider "l": LDAP providers need an outpost of type ldap`, `outpost "o" lists SAML provider "s": outposts serve only proxy, LDAP, RADIUS and RAC providers, while SAML is served by authentik itself`},
		},
		"scope mappings": {
			yaml: "version: 1\nscope_mappings:\n  - {name: 'authentik default OAuth Mapping: mine', scope_name: x, expression: 'return {}'}\n  - {name: a, scope_name: 'has space', expression: 'return {}'}\n  - {name: b, scope_name: roles}\n  - {name: c, scope_name: roles, expression: 'return {}'}\n  - {name: d, scope_name: email, expression: 'return {}'}\n",
			want: []string{`are authentik's own managed mappings`, `scope_name "has space" cannot contain spaces`, `scope mapping "b": expression is required`, `scope mapping "c": scope_name "roles" is already declared by scope mapping "b"`, `scope "email" is served by authentik's managed mapping`},
		},
		"expression syntax": {
			yaml: "version: 1\nscope_mappings:\n  - name: r\n    scope_name: roles\n    expression: |\n      x = [1, 2\n      return {\"roles\": x}\n",
			want: []string{`m.yaml:5:5: scope mapping "r": expression does not compile, so authentik would refuse it: '[' was never closed (line 1 of the expression)`},
		},
		"outpost config": {
			yaml: "version: 1\nproviders:\n  - {name: l, type: ldap}\noutposts:\n  - name: o\n    type: ldap\n    providers: [l]\n    config:\n      refresh_interval: 5m\n      kubernetes_replicas: two\n      log_levle: debug\n",
			want: []string{`m.yaml:9:7: outpost "o": config refresh_interval must be a duration such as "minutes=5", got "5m"`, `m.yaml:10:7: outpost "o": config kubernetes_replicas must be an integer, got "two"`, `m.yaml:11:7: outpost "o": config key "log_levle" is not one authentik reads; did you mean "log_level"?`},
		},
		"meta_icon as authentik checks it": {
			yaml: "version: 1\napplications:\n  - {name: A, slug: a, meta_icon: 'my icon.png'}\n  - {name: B, slug: b, meta_icon: '../x.png'}\n  - {name: C, slug: c, meta_icon: 'https://cdn.example.com/c.png'}\n  - {name: D, slug: d, meta_icon: 'icons/%(theme)s/d.svg'}\n",
			want: []string{`m.yaml:3:24: application "a": meta_icon "my icon.png": a file name may contain only letters`, `m.yaml:4:24: application "b": meta_icon "../x.png": parent directory references`},
		},
		"bad state": {
			yaml: "version: 1\ngroups:\n  - {name: a, state: gone}\n",
			want: []string{`state "gone" is not one of present, absent`},
		},
		"engine and hand-written providers share names": {
			yaml: "version: 1\nproviders:\n  - {name: p, type: rac}\n  - {name: p, type: oauth2}\n",
			want: []string{`m.yaml:4:5: duplicate provider "p" (first declared at m.yaml:3:5)`},
		},
		"backchannel provider is also the main one": {
			yaml: "version: 1\nproviders:\n  - {name: l, type: ldap, base_dn: 'dc=a'}\napplications:\n  - {name: A, slug: a, provider: l, backchannel_providers: [l]}\n",
			want: []string{`m.yaml:5:61: provider "l" is application "a"'s provider (m.yaml:5:24), so it cannot also be a backchannel provider`},
		},
		"backchannel provider of two applications": {
			yaml: "version: 1\nproviders:\n  - {name: s, type: scim, url: 'https://x'}\napplications:\n  - {name: A, slug: a, backchannel_providers: [s]}\n  - {name: B, slug: b, backchannel_providers: [s]}\n",
			want: []string{`provider "s" is already a backchannel provider of application "a"`},
		},
		"undeclared backchannel provider": {
			yaml: "version: 1\nproviders:\n  - {name: scim, type: scim, url: 'https://x'}\napplications:\n  - {name: A, slug: a, backchannel_providers: [scin]}\n",
			want: []string{`application "a" lists backchannel provider "scin", which is not declared in the manifest; did you mean "scim"?`},
		},
		"outpost serving a SCIM provider": {
			yaml: "version: 1\nproviders:\n  - {name: s, type: scim, url: 'https://x'}\noutposts:\n  - {name: o, type: radius, providers: [s]}\n",
			want: []string{`outpost "o" lists scim provider "s": outposts serve only proxy, LDAP, RADIUS and RAC providers`},
		},
		"RAC provider in a RADIUS outpost": {
			yaml: "version: 1\nproviders:\n  - {name: r, type: rac}\noutposts:\n  - {name: o, type: radius, providers: [r]}\n",
			want: []string{`outpost "o" of type radius cannot serve rac provider "r": rac providers need an outpost of type rac`},
		},
		"app uses provider marked absent": {
			yaml: "version: 1\nproviders:\n  - {name: p, type: oauth2, state: absent}\napplications:\n  - {name: A, slug: a, provider: p}\n",
			want: []string{`which the manifest marks state: absent`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m, ds := Parse("m.yaml", []byte(tc.yaml), env(nil))
			require.Empty(t, ds)
			err := m.Validate(nil)
			require.Error(t, err)
			var got Diagnostics
			require.ErrorAs(t, err, &got)
			assert.Len(t, got, len(tc.want), "%v", err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestWithDefaultsMatchesTheWizard(t *testing.T) {
	t.Parallel()
	m, ds := Parse("m.yaml", []byte("version: 1\nproviders:\n  - {name: p, type: oauth2}\n  - {name: q, type: oauth2, signing_key: null, scopes: [openid]}\n"), env(nil))
	require.Empty(t, ds)
	p := m.Providers[0].WithDefaults()
	assert.Equal(t, DefaultAuthorizationFlow, *p.AuthorizationFlow)
	assert.Equal(t, DefaultInvalidationFlow, *p.InvalidationFlow)
	assert.Equal(t, DefaultSigningKey, *p.SigningKey)
	assert.Equal(t, "confidential", *p.ClientType)
	assert.Equal(t, []string{"openid", "profile", "email"}, p.Scopes)
	q := m.Providers[1].WithDefaults()
	assert.Nil(t, q.SigningKey, "explicit null means HS256, not the default key")
	assert.True(t, q.OwnsSigningKey())
	assert.Equal(t, []string{"openid"}, q.Scopes)
}
