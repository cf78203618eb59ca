package plan

import (
	"errors"
	"math/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/manifest"
)

const (
	flowImplicit   = "11111111-0000-0000-0000-000000000001"
	flowExplicit   = "11111111-0000-0000-0000-000000000002"
	flowInvalidate = "11111111-0000-0000-0000-000000000003"
	scopeOpenID    = "22222222-0000-0000-0000-000000000001"
	scopeProfile   = "22222222-0000-0000-0000-000000000002"
	scopeEmail     = "22222222-0000-0000-0000-000000000003"
	scopeProxy     = "22222222-0000-0000-0000-000000000004"
	keySelfSigned  = "33333333-0000-0000-0000-000000000001"
	keyNoPrivate   = "33333333-0000-0000-0000-000000000002"
	groupUsers     = "44444444-0000-0000-0000-000000000001"
	groupOther     = "44444444-0000-0000-0000-000000000002"
	appChat        = "55555555-0000-0000-0000-000000000001"
	outpostEmbed   = "66666666-0000-0000-0000-000000000001"
)

// freshLive is what a fresh authentik holds that the manifests reference.
func freshLive() *Live {
	return &Live{
		Flows: []Flow{
			{PK: flowImplicit, Slug: manifest.DefaultAuthorizationFlow, Designation: "authorization"},
			{PK: flowExplicit, Slug: "default-provider-authorization-explicit-consent", Designation: "authorization"},
			{PK: flowInvalidate, Slug: manifest.DefaultInvalidationFlow, Designation: "invalidation"},
		},
		Objects: ScopeMappingObjects(
			ScopeMapping{PK: scopeOpenID, Name: "authentik default OAuth Mapping: OpenID 'openid'", ScopeName: "openid", Managed: "goauthentik.io/providers/oauth2/scope-openid"},
			ScopeMapping{PK: scopeProfile, Name: "authentik default OAuth Mapping: OpenID 'profile'", ScopeName: "profile", Managed: "goauthentik.io/providers/oauth2/scope-profile"},
			ScopeMapping{PK: scopeEmail, Name: "authentik default OAuth Mapping: OpenID 'email'", ScopeName: "email", Managed: "goauthentik.io/providers/oauth2/scope-email"},
			ScopeMapping{PK: scopeProxy, Name: "authentik default OAuth Mapping: Proxy outpost", ScopeName: "ak_proxy", Managed: "goauthentik.io/providers/proxy/scope-proxy"},
		),
		KeyPairs: []KeyPair{
			{PK: keySelfSigned, Name: manifest.DefaultSigningKey, PrivateKey: true},
			{PK: keyNoPrivate, Name: "public only"},
		},
		Outposts: []Outpost{{PK: outpostEmbed, Name: manifest.EmbeddedOutpostName, Type: "proxy", Managed: "goauthentik.io/outposts/embedded", Config: map[string]any{"log_level": "info"}}},
	}
}

const chatManifest = `version: 1
groups:
  - name: users
providers:
  - name: chat
    type: oauth2
    sub_mode: user_email
    client_secret: s3cret
    redirect_uris:
      - url: https://chat.example.com/oauth/openid/callback
applications:
  - name: Chat
    slug: chat
    provider: chat
    access:
      groups: [users]
`

// convergedLive is freshLive after chatManifest was applied.
func convergedLive() *Live {
	l := freshLive()
	l.Put(KindGroup, GroupObjects(Group{PK: groupUsers, Name: "users"}, Group{PK: groupOther, Name: "other"})...)
	l.Providers = []Provider{{
		PK: 7, Name: "chat", Type: "oauth2",
		AuthorizationFlow: flowImplicit, InvalidationFlow: flowInvalidate,
		PropertyMappings: []string{scopeEmail, scopeOpenID, scopeProfile}, // server order
		Detail: &OAuth2Detail{
			ClientType: "confidential", ClientID: "abc", ClientSecret: "s3cret",
			RedirectURIs: []RedirectURI{{MatchingMode: "strict", URL: "https://chat.example.com/oauth/openid/callback"}},
			SigningKey:   keySelfSigned, SubMode: "user_email", IssuerMode: "per_provider",
		},
	}}
	l.Applications = []Application{{PK: appChat, Slug: "chat", Name: "Chat", Provider: 7, PolicyEngineMode: "any"}}
	l.Bindings = []Binding{{PK: "b1", Target: appChat, Group: groupUsers, Order: 0}}
	return l
}

func load(t *testing.T, y string) *manifest.Manifest {
	t.Helper()
	m, ds := manifest.Parse("m.yaml", []byte(y), func(string) (string, bool) { return "", false })
	require.Empty(t, ds)
	require.NoError(t, m.Validate(nil))
	return m
}

// summary renders a plan compactly: "action kind key: field before->after".
func summary(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		line := string(c.Action) + " " + string(c.Kind) + " " + c.Key
		for _, f := range c.Fields {
			if c.Action == Update {
				line += " | " + f.Field
			}
		}
		out = append(out, line)
	}
	return out
}

func TestCompute(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		reason   string
		manifest string
		live     func() *Live
		want     []string
	}{
		"Fresh": {
			reason:   "on a fresh authentik everything is created, in apply order",
			manifest: chatManifest, live: freshLive,
			want: []string{"create group users", "create provider chat", "create application chat", "create access chat"},
		},
		"Converged": {
			reason:   "right after convergence the plan is empty, whatever order the server lists mappings in",
			manifest: chatManifest, live: convergedLive,
			want: nil,
		},
		"OneFieldDrifted": {
			reason:   "a field changed by hand is the only change",
			manifest: chatManifest,
			live: func() *Live {
				l := convergedLive()
				l.Providers[0].OAuth2().SubMode = "hashed_user_id"
				return l
			},
			want: []string{"update provider chat | sub_mode"},
		},
		"ServerDefaults": {
			reason:   "a provider created with the API's defaults differs in exactly the wizard defaults the tool owns",
			manifest: chatManifest,
			live: func() *Live {
				l := convergedLive()
				l.Providers[0].PropertyMappings = nil
				l.Providers[0].OAuth2().SigningKey = ""
				return l
			},
			want: []string{"update provider chat | scopes | signing_key"},
		},
		"UndeclaredFieldsLeftAlone": {
			reason:   "values of fields the manifest does not declare and the tool does not own never show",
			manifest: chatManifest,
			live: func() *Live {
				l := convergedLive()
				l.Providers[0].OAuth2().AccessTokenValidity = "hours=5"
				l.Providers[0].OAuth2().ClientID = "changed-by-hand"
				l.Applications[0].MetaDescription = "hand-written"
				return l
			},
			want: nil,
		},
		"RedirectOrderMatters": {
			reason: "redirect_uris are compared in order: the first drives the launch URL",
			manifest: `version: 1
providers:
  - name: chat
    type: oauth2
    redirect_uris:
      - url: https://a/cb
      - url: https://b/cb
`,
			live: func() *Live {
				l := convergedLive()
				l.Providers[0].OAuth2().RedirectURIs = []RedirectURI{{"strict", "https://b/cb"}, {"strict", "https://a/cb"}}
				return l
			},
			want: []string{"update provider chat | redirect_uris"},
		},
		"ProviderNullDetaches": {
			reason:   "provider: null detaches the provider; an absent key leaves it",
			manifest: "version: 1\napplications:\n  - {name: Chat, slug: chat, provider: null}\n",
			live:     convergedLive,
			want:     []string{"update application chat | provider"},
		},
		"ProviderKeyAbsentLeavesIt": {
			reason:   "an application without a provider key does not own it",
			manifest: "version: 1\napplications:\n  - {name: Chat, slug: chat}\n",
			live:     convergedLive,
			want:     nil,
		},
		"AccessIsAuthoritativeForGroups": {
			reason:   "a group binding not in the manifest is removed; policy bindings are left alone",
			manifest: chatManifest,
			live: func() *Live {
				l := convergedLive()
				l.Bindings = append(l.Bindings,
					Binding{PK: "b2", Target: appChat, Group: groupOther, Order: 1},
					Binding{PK: "b3", Target: appChat, Policy: "some-policy", Order: 2})
				return l
			},
			want: []string{"update access chat | groups"},
		},
		"AbsentDeletesInReverseOrder": {
			reason: "state: absent deletes what exists, applications before providers before groups",
			manifest: `version: 1
groups:
  - {name: users, state: absent}
  - {name: never-existed, state: absent}
providers:
  - {name: chat, type: oauth2, state: absent}
applications:
  - {name: Chat, slug: chat, state: absent}
`,
			live: convergedLive,
			want: []string{"delete application chat", "delete provider chat", "delete group users"},
		},
		"OutpostAttachMerges": {
			reason: "attaching to the embedded outpost only adds; once attached nothing changes",
			manifest: `version: 1
providers:
  - {name: wiki, type: proxy, external_host: "https://wiki", internal_host: "http://wiki:80"}
outposts:
  - name: authentik Embedded Outpost
    type: proxy
    providers: [wiki]
`,
			live: func() *Live {
				l := freshLive()
				l.Providers = []Provider{
					{PK: 9, Name: "wiki", Type: "proxy", AuthorizationFlow: flowImplicit, InvalidationFlow: flowInvalidate, Detail: &ProxyDetail{ExternalHost: "https://wiki", InternalHost: "http://wiki:80"}},
					{PK: 10, Name: "someone-elses", Type: "proxy"},
				}
				l.Outposts[0].Providers = []int32{10}
				return l
			},
			want: []string{"update outpost authentik Embedded Outpost | providers"},
		},
		"ExclusiveOutpostDetaches": {
			reason: "an exclusive outpost's list is complete: others are detached",
			manifest: `version: 1
providers:
  - {name: wiki, type: proxy, external_host: "https://wiki", internal_host: "http://wiki:80"}
outposts:
  - {name: dedicated, type: proxy, providers: [wiki], exclusive: true}
`,
			live: func() *Live {
				l := freshLive()
				l.Providers = []Provider{
					{PK: 9, Name: "wiki", Type: "proxy", AuthorizationFlow: flowImplicit, InvalidationFlow: flowInvalidate, Detail: &ProxyDetail{ExternalHost: "https://wiki", InternalHost: "http://wiki:80"}},
					{PK: 10, Name: "stray", Type: "proxy"},
				}
				l.Outposts = append(l.Outposts, Outpost{PK: "o2", Name: "dedicated", Type: "proxy", Providers: []int32{9, 10}})
				return l
			},
			want: []string{"update outpost dedicated | providers"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Compute(load(t, tc.manifest), tc.live())
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.want, summary(p), tc.reason)
		})
	}
}

func TestComputeSpecSendsOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	l := convergedLive()
	l.Providers[0].OAuth2().SubMode = "hashed_user_id"
	p, err := Compute(load(t, chatManifest), l)
	require.NoError(t, err)
	require.Len(t, p.Changes, 1)
	ps := p.Changes[0].Spec.(*ProviderSpec)
	spec := ps.Detail.(*OAuth2Spec)
	assert.Equal(t, "user_email", *spec.SubMode)
	assert.Nil(t, spec.ClientSecret)
	assert.Nil(t, ps.PropertyMappings)
	assert.Nil(t, spec.SigningKey)
	assert.Equal(t, "7", p.Changes[0].ID)
}

func TestComputeMarksSecretsSensitive(t *testing.T) {
	t.Parallel()
	p, err := Compute(load(t, chatManifest), freshLive())
	require.NoError(t, err)
	var found bool
	for _, c := range p.Changes {
		for _, f := range c.Fields {
			if f.Field == "client_secret" {
				found = true
				assert.True(t, f.Sensitive)
			}
		}
	}
	assert.True(t, found)
}

func TestComputeReferenceErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		manifest string
		live     func() *Live
		want     []string
	}{
		"UnknownFlow": {
			manifest: "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    authorization_flow: nope\n",
			live:     freshLive,
			want:     []string{`m.yaml:5:5: flow "nope": not found in authentik`},
		},
		"MisspeltFlow": {
			manifest: "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    invalidation_flow: default-provider-invalidaton-flow\n",
			live:     freshLive,
			want:     []string{`m.yaml:5:5: flow "default-provider-invalidaton-flow": not found in authentik; did you mean "default-provider-invalidation-flow"?`},
		},
		"MisspeltSigningKey": {
			manifest: "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    signing_key: authentik Self-signed Certficate\n",
			live:     freshLive,
			want:     []string{`key pair "authentik Self-signed Certficate": not found in authentik; did you mean "authentik Self-signed Certificate"?`},
		},
		"MisspeltScopeAgainstManifestAndLive": {
			manifest: "version: 1\nscope_mappings:\n  - {name: Roles, scope_name: roles, expression: 'return {}'}\nproviders:\n  - name: p\n    type: oauth2\n    scopes: [openid, rolse, emial]\n",
			live:     freshLive,
			want: []string{`scope "rolse": no scope mapping has this scope name; did you mean "roles"?`,
				`scope "emial": no scope mapping has this scope name; did you mean "email"?`},
		},
		"AmbiguousScope": {
			manifest: "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    scopes: [custom]\n",
			live: func() *Live {
				l := freshLive()
				l.Objects[KindScopeMapping] = append(l.Objects[KindScopeMapping], ScopeMappingObject(ScopeMapping{PK: "x1", Name: "A", ScopeName: "custom"}), ScopeMappingObject(ScopeMapping{PK: "x2", Name: "B", ScopeName: "custom"}))
				return l
			},
			want: []string{`m.yaml:5:14: scope "custom": 2 scope mappings have this scope name ("A", "B")`},
		},
		// Property mapping names are unique across every mapping type
		// (mapping_names.go); a fresh install has LDAP-source mappings.
		"ScopeMappingNamedLikeAnLDAPSourceMapping": {
			manifest: "version: 1\nscope_mappings:\n  - {name: 'authentik default LDAP Mapping: Name', scope_name: n, expression: 'return {}'}\n",
			live: func() *Live {
				l := freshLive()
				l.AnyMappings = append(l.AnyMappings, AnyMapping{PK: "m1", Name: "authentik default LDAP Mapping: Name",
					Type: "LDAP Source Property Mapping", Managed: "goauthentik.io/sources/ldap/default-name"})
				return l
			},
			want: []string{`m.yaml:3:6: scope mapping "authentik default LDAP Mapping: Name": authentik already has a LDAP Source Property Mapping named "authentik default LDAP Mapping: Name", managed by authentik as goauthentik.io/sources/ldap/default-name, and property mapping names are unique across every mapping type; rename the entry`},
		},
		"ScopeMappingNamedLikeASAMLMapping": {
			manifest: "version: 1\nscope_mappings:\n  - {name: mine, scope_name: n, expression: 'return {}'}\n",
			live: func() *Live {
				l := freshLive()
				l.AnyMappings = append(l.AnyMappings, AnyMapping{PK: "m2", Name: "mine", Type: "SAML Provider\nProperty Mapping"})
				return l
			},
			want: []string{`scope mapping "mine": authentik already has a "SAML Provider\nProperty Mapping" named "mine", and property`},
		},
		"KeyWithoutPrivateKey": {
			manifest: "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    signing_key: public only\n",
			live:     freshLive,
			want:     []string{`m.yaml:5:5: signing key "public only" has no private key`},
		},
		"TypeMismatch": {
			manifest: "version: 1\nproviders:\n  - name: chat\n    type: proxy\n    external_host: https://x\n    internal_host: http://y\n",
			live:     convergedLive,
			want:     []string{`provider "chat" exists in authentik as a oauth2 provider, not a proxy provider`},
		},
		"DuplicateLiveGroups": {
			manifest: "version: 1\ngroups:\n  - name: users\n",
			live: func() *Live {
				l := freshLive()
				l.Put(KindGroup, GroupObjects(Group{PK: "a", Name: "users"}, Group{PK: "b", Name: "users"})...)
				return l
			},
			want: []string{`m.yaml:3:5: group "users": 2 objects match; expected exactly one`},
		},
		"UnreadableTouched": {
			manifest: chatManifest,
			live: func() *Live {
				l := convergedLive()
				l.Providers = nil
				l.Unreadable = []Unreadable{{Kind: KindProvider, Key: "chat", Field: "sub_mode", Err: errors.New("user_future is not a valid SubModeEnum")}}
				return l
			},
			want: []string{`m.yaml:5:5: provider "chat": authentik returned a value this version of provision cannot read in field "sub_mode"`},
		},
		"SeveralAtOnce": {
			manifest: "version: 1\nproviders:\n  - name: p\n    type: oauth2\n    authorization_flow: nope\n    invalidation_flow: gone\n",
			live:     freshLive,
			want:     []string{`flow "nope"`, `flow "gone"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Compute(load(t, tc.manifest), tc.live())
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestComputeIgnoresUnreadableObjectsItDoesNotTouch(t *testing.T) {
	t.Parallel()
	l := convergedLive()
	l.Unreadable = []Unreadable{{Kind: KindProvider, Key: "someone-elses", Field: "sub_mode", Err: errors.New("bad enum")}}
	p, err := Compute(load(t, chatManifest), l)
	require.NoError(t, err)
	assert.False(t, p.HasChanges())
}

func TestComputeIsDeterministic(t *testing.T) {
	t.Parallel()
	m := load(t, chatManifest)
	want, err := Compute(m, freshLive())
	require.NoError(t, err)
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 20; i++ {
		l := freshLive()
		rng.Shuffle(len(l.Flows), func(a, b int) { l.Flows[a], l.Flows[b] = l.Flows[b], l.Flows[a] })
		sm := l.Objects[KindScopeMapping]
		rng.Shuffle(len(sm), func(a, b int) { sm[a], sm[b] = sm[b], sm[a] })
		got, err := Compute(m, l)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	p := &Plan{Changes: []Change{{Action: Create}, {Action: Create}, {Action: Update}, {Action: Delete}}}
	add, change, destroy := p.Summary()
	assert.Equal(t, []int{2, 1, 1}, []int{add, change, destroy})
}

func TestProxyUpdateCarriesLiveModeAndInternalHost(t *testing.T) {
	t.Parallel()
	l := freshLive()
	l.Providers = []Provider{{PK: 9, Name: "wiki", Type: "proxy", AuthorizationFlow: flowImplicit, InvalidationFlow: flowInvalidate,
		Detail: &ProxyDetail{ExternalHost: "https://old", Mode: "forward_single", InternalHost: "http://kept:80"}}}
	m := load(t, "version: 1\nproviders:\n  - {name: wiki, type: proxy, external_host: 'https://new', mode: forward_single}\n")
	p, err := Compute(m, l)
	require.NoError(t, err)
	require.Equal(t, []string{"update provider wiki | external_host"}, summary(p), "mode and internal_host are sent, not shown")
	spec := p.Changes[0].Spec.(*ProviderSpec).Detail.(*ProxySpec)
	assert.Equal(t, "forward_single", *spec.Mode)
	assert.Equal(t, "http://kept:80", *spec.InternalHost)
	assert.Equal(t, "https://new", *spec.ExternalHost)
}

func TestNegatedOrDisabledBindingDoesNotGrantAccess(t *testing.T) {
	t.Parallel()
	for name, b := range map[string]Binding{
		"negated":  {PK: "b1", Target: appChat, Group: groupUsers, Order: 0, Negate: true},
		"disabled": {PK: "b1", Target: appChat, Group: groupUsers, Order: 0, Disabled: true},
	} {
		t.Run(name, func(t *testing.T) {
			l := convergedLive()
			l.Bindings = []Binding{b}
			p, err := Compute(load(t, chatManifest), l)
			require.NoError(t, err)
			require.Len(t, p.Changes, 1, "a %s binding of the declared group must not satisfy the manifest", name)
			c := p.Changes[0]
			assert.Equal(t, Update, c.Action)
			assert.Equal(t, []string{"users (" + name + ")"}, c.Fields[0].Before)
			assert.Equal(t, []string{"users"}, c.Fields[0].After)
			spec := c.Spec.(*AccessSpec)
			assert.Equal(t, []string{"users"}, spec.AddGroups, "an ordinary binding is added")
			assert.Equal(t, []string{"b1"}, spec.RemoveBindings, "the %s one is removed", name)
			assert.Equal(t, int32(1), spec.FirstOrder)
		})
	}
}

// authentik keeps one application per provider: taking a provider another
// application keeps is a plan error, unless the plan frees it.
func TestProviderHeldByAnotherApplication(t *testing.T) {
	t.Parallel()
	other := func() *Live {
		l := convergedLive()
		l.Applications = []Application{{PK: "other-pk", Slug: "other", Name: "Other", Provider: 7}}
		l.Bindings = nil
		return l
	}
	cases := map[string]struct {
		extra string // more manifest applications
		err   string
	}{
		"kept by an application the manifest does not declare": {
			err: `m.yaml:14:5: provider "chat" is already used by application "other", and authentik allows one application per provider; give "other" another provider (or declare it state: absent), or use another provider here`,
		},
		"the holder is deleted in the same plan": {extra: "  - {name: Other, slug: other, state: absent}\n"},
		"the manifest moves the holder off it":   {extra: "  - {name: Other, slug: other, provider: null}\n"},
		// Two manifest applications with one provider: validate refuses it.
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Compute(load(t, chatManifest+tc.extra), other())
			if tc.err == "" {
				require.NoError(t, err)
				require.NotNil(t, p)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

// An application taking the provider another one moves off waits for that
// move; two applications swapping providers is refused.
func TestProviderMovedOffIsTakenAfterTheMove(t *testing.T) {
	t.Parallel()
	l := convergedLive()
	l.Applications = []Application{{PK: "other-pk", Slug: "other", Name: "Other", Provider: 7}}
	l.Bindings = nil
	p, err := Compute(load(t, chatManifest+"  - {name: Other, slug: other, provider: null}\n"), l)
	require.NoError(t, err)
	var taker, mover = -1, -1
	for i, c := range p.Changes {
		if c.Kind == KindApplication && c.Key == "chat" {
			taker = i
		}
		if c.Kind == KindApplication && c.Key == "other" {
			mover = i
		}
	}
	require.True(t, taker >= 0 && mover >= 0, "%v", summary(p))
	assert.Equal(t, []string{"application other"}, p.Changes[taker].After)
	assert.Contains(t, Dependencies(p.Changes)[taker], mover, "the taker starts after the move")

	// A swap cannot be ordered.
	l.Providers = append(l.Providers, Provider{PK: 8, Name: "second", Type: "oauth2", AuthorizationFlow: flowImplicit, InvalidationFlow: flowInvalidate})
	l.Applications = append(l.Applications, Application{PK: appChat, Slug: "chat", Name: "Chat", Provider: 8})
	swap := strings.Replace(chatManifest, "providers:\n", "providers:\n  - {name: second, type: oauth2, redirect_uris: [{url: 'https://x.example.com/cb'}]}\n", 1) +
		"  - {name: Other, slug: other, provider: second}\n"
	_, err = Compute(load(t, swap), l)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `applications "chat" and "other" swap providers`)
}
