package outputs

import (
	"regexp"
	"slices"
	"strings"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

// Requirer is a preset whose application needs something of authentik
// beyond the provider's own fields: a claim a scope mapping must send
// (Vaultwarden's email_verified), a scope. plan, apply and validate report
// what is missing, with the fix.
type Requirer interface {
	Requirements(o *manifest.Output, p *manifest.Provider, s ScopeClaims) []Problem
}

// ScopeMapping is a scope mapping a provider's scope can resolve to.
type ScopeMapping struct {
	Name, ScopeName, Expression string
	// Managed is a mapping authentik ships; a scope resolves to it first
	// (plan's scopeRef).
	Managed bool
}

// ManifestScopeMappings are m's scope mappings (present), for
// Options.ScopeMappings.
func ManifestScopeMappings(m *manifest.Manifest) []ScopeMapping {
	out := []ScopeMapping{}
	for _, e := range m.EntriesOf(string(plan.KindScopeMapping)) {
		if !e.State.IsAbsent() {
			scope, _ := e.Fields["scope_name"].(string)
			expr, _ := e.Fields["expression"].(string)
			out = append(out, ScopeMapping{Name: e.Key, ScopeName: scope, Expression: expr})
		}
	}
	return out
}

// ScopeClaims tells what the scope mappings of a provider's scopes send.
type ScopeClaims struct {
	// Mappings are the manifest's scope mappings and authentik's (live,
	// when known); nil: only authentik's defaults are known.
	Mappings []ScopeMapping
}

// managedEmail is authentik 2026.2.2's "authentik default OAuth Mapping:
// OpenID 'email'" (blueprints/system/providers-oauth2.yaml): since 2025.10
// it sends email_verified False.
var managedEmail = ScopeMapping{
	Name: "authentik default OAuth Mapping: OpenID 'email'", ScopeName: "email", Managed: true,
	Expression: "return {\n    \"email\": request.user.email,\n    \"email_verified\": False\n}",
}

// mappingFor is the mapping a scope resolves to: the managed one first,
// else a custom one; ok false when none is known.
func (s ScopeClaims) mappingFor(scope string) (ScopeMapping, bool) {
	var custom *ScopeMapping
	for i := range s.Mappings {
		m := s.Mappings[i]
		if m.ScopeName != scope {
			continue
		}
		if m.Managed {
			return m, true
		}
		if custom == nil {
			custom = &s.Mappings[i]
		}
	}
	if scope == "email" {
		return managedEmail, true
	}
	if custom != nil {
		return *custom, true
	}
	return ScopeMapping{}, false
}

// claimRE finds "claim": value in a mapping's Python expression.
func claimRE(claim string) *regexp.Regexp {
	return regexp.MustCompile(`["']` + regexp.QuoteMeta(claim) + `["']\s*:\s*([A-Za-z_][A-Za-z0-9_.]*|[^,}\n]+)`)
}

// Claim says what value the scopes' mappings send for claim, as authentik
// merges them (views/userinfo.py get_claims: by scope_name, a later one
// overriding an earlier one), and which mapping sets it last. value is the
// Python text ("True", "False", an expression); "" when none sends it.
func (s ScopeClaims) Claim(scopes []string, claim string) (value, mapping string) {
	sorted := slices.Clone(scopes)
	slices.Sort(sorted)
	re := claimRE(claim)
	for _, scope := range sorted {
		m, ok := s.mappingFor(scope)
		if !ok {
			continue
		}
		if sub := re.FindStringSubmatch(m.Expression); sub != nil {
			value, mapping = strings.TrimSpace(sub[1]), m.Name
		}
	}
	return value, mapping
}

// emailVerifiedFix is the scope mapping to declare when the provider's
// scopes send email_verified False.
const emailVerifiedFix = `declare a scope mapping that sends it, such as {name: "email verified", scope_name: email_verified, expression: 'return {"email_verified": True}'} under scope_mappings, and add email_verified to the provider's scopes (authentik merges scopes by name, so it overrides the email scope's False)`

// requireEmailVerified is the problem of an application that refuses a
// login whose email_verified claim is False.
func requireEmailVerified(app string, p *manifest.Provider, s ScopeClaims) []Problem {
	scopes := p.WithDefaults().Scopes
	value, mapping := s.Claim(scopes, "email_verified")
	if value != "False" {
		return nil
	}
	return []Problem{problem("provider.scopes", "provider %q: %s refuses a login whose email_verified claim is False, and the scope mapping %q sends False; %s", p.Name, app, mapping, emailVerifiedFix)}
}

// requireScope is the problem of a scope the application needs.
func requireScope(app string, p *manifest.Provider, scope, why string) []Problem {
	if slices.Contains(p.WithDefaults().Scopes, scope) {
		return nil
	}
	return []Problem{problem("provider.scopes", "provider %q: %s needs the %s scope (%s); add %s to the provider's scopes", p.Name, app, scope, why, scope)}
}

// requireConfidential is the problem of a public client for an application
// that sends a client secret (why says how the application uses it).
func requireConfidential(p *manifest.Provider, why string) []Problem {
	if p.ClientType == nil || *p.ClientType != "public" {
		return nil
	}
	return []Problem{problem("provider.client_type", "provider %q: %s; make the provider client_type: confidential", p.Name, why)}
}
