package emulator

import (
	"fmt"

	"github.com/provision/provision/internal/emulator/seed"
	"github.com/provision/provision/internal/emulator/store"
)

// seedDefaults creates what a fresh authentik 2026.2 has after its default
// and system blueprints ran. Called from New, before the emulator is shared.
func (e *Emulator) seedDefaults() {
	e.seedLegacyFlows()
	seed.ScopeMappings(e.st, e.newUUID)
	// authentik/crypto/apps.py: self_signed (365 days, a random SAN) and
	// managed_jwt_cert (360 days, SAN goauthentik.io).
	e.addKeypair("authentik Self-signed Certificate", "rsa", true, 365,
		[]string{e.randomString(40) + ".self-signed.goauthentik.io"})
	jwt := e.addKeypair("authentik Internal JWT Certificate", "rsa", true, 360, []string{"goauthentik.io"})
	jwt.Managed, jwt.Internal = store.StrPtr("goauthentik.io/crypto/jwt-managed"), true

	admin := e.addUser("akadmin", "authentik Default Admin")
	e.st.AdminPK = admin.PK
	e.addGroup("authentik Admins", true, admin.PK)

	defer e.seedBlueprints()   // flows, stages, prompts, bindings (seedblueprints.go, seed/)
	defer e.seedSAMLMappings() // last, so the pks seeded before stay as they were
	seed.EmbeddedOutpost(e.st, e.newUUID)
	// Its service account and token (outpost_post_save), drawing nothing:
	// the pks seeded after stay as they were.
	e.outpostCreated(e.st.Outposts[len(e.st.Outposts)-1])
}

// SeedSynthetic adds n applications "app-0001".. each with an OAuth2
// provider "provider-0001".., and n groups "group-0001"...
func (e *Emulator) SeedSynthetic(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := 1; i <= n; i++ {
		e.seedApp(fmt.Sprintf("%04d", i), nil, nil)
	}
}

// SeedScale adds n applications, each with what provision would create for
// it: an OAuth2 provider, a group and a policy binding of that group to the
// application (4n objects; n=2500 makes a 10,000-object instance). Names are
// "app-00001", "provider-00001", "group-00001". The providers carry what
// provision sets by default (the openid, email and profile scopes, signed
// with the self-signed key pair), so a manifest declaring them plans no
// change.
func (e *Emulator) SeedScale(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var scopes []string
	for _, m := range e.st.Mappings {
		if sn := m.Attrs["scope_name"]; m.Attrs["managed"] != nil && (sn == "openid" || sn == "email" || sn == "profile") {
			scopes = append(scopes, m.PK)
		}
	}
	var signing *string
	for _, k := range e.st.Keypairs {
		if k.Name == "authentik Self-signed Certificate" {
			signing = store.StrPtr(k.PK)
		}
	}
	for i := 1; i <= n; i++ {
		a, g := e.seedApp(fmt.Sprintf("%05d", i), scopes, signing)
		e.st.Bindings = append(e.st.Bindings, &store.Binding{PK: e.newUUID(), Target: a.PK, Attrs: map[string]any{
			"policy": nil, "group": g.PK, "user": nil, "negate": false, "enabled": true, "order": int64(0),
			"timeout": int64(30), "failure_result": false}})
	}
}

// seedApp adds application "app-<num>" with OAuth2 provider
// "provider-<num>" (the default flows, redirect URI
// https://app-<num>.example.com/callback, the given scope mappings and
// signing key) and group "group-<num>".
func (e *Emulator) seedApp(num string, scopes []string, signing *string) (*store.Application, *store.Group) {
	p := e.newOAuth2Defaults()
	p.PropertyMappings = append(p.PropertyMappings, scopes...)
	if signing != nil {
		p.Attrs["signing_key"] = *signing
	}
	p.Name = "provider-" + num
	p.AuthorizationFlow = e.st.FlowBySlug("default-provider-authorization-implicit-consent").PK
	p.InvalidationFlow = store.StrPtr(e.st.FlowBySlug("default-provider-invalidation-flow").PK)
	p.Attrs["redirect_uris"] = []store.RedirectURI{{MatchingMode: "strict", URL: "https://app-" + num + ".example.com/callback"}}
	e.insertProvider(p)
	pk := p.PK
	a := &store.Application{PK: e.newUUID(), Attrs: map[string]any{"name": "app-" + num, "slug": "app-" + num,
		"provider": int64(pk), "open_in_new_tab": false, "meta_launch_url": "", "meta_icon": "",
		"meta_description": "", "meta_publisher": "", "policy_engine_mode": "any", "group": ""}}
	e.st.Apps = append(e.st.Apps, a)
	return a, e.addGroup("group-"+num, false)
}
