package manifest

import (
	"fmt"
	"strings"

	"github.com/provision/provision/internal/pyexpr"
)

// ScopeMapping is a custom OAuth2 scope mapping: a Python expression whose
// returned dict authentik adds to the claims when a client asks for
// ScopeName. OAuth2 providers' scopes may name it. authentik's own
// (managed) mappings are never modified or deleted.
type ScopeMapping struct {
	Name        string  `yaml:"name"`
	State       State   `yaml:"state"`
	ScopeName   string  `yaml:"scope_name"`
	Description *string `yaml:"description"`
	Expression  string  `yaml:"expression"`
	Src         Source  `yaml:"-"`
}

// ManagedScopeMappingPrefix starts the name of every scope mapping
// authentik ships ("authentik default OAuth Mapping: OpenID 'openid'").
const ManagedScopeMappingPrefix = "authentik default OAuth Mapping"

func validateScopeMappings(v *validation) {
	seen := map[string]Position{}
	seenScope := map[string]*ScopeMapping{}
	for i := range v.m.ScopeMappings {
		s := &v.m.ScopeMappings[i]
		if s.Name == "" {
			v.ds.add(s.Src.Pos, "scope mapping: name is required")
			continue
		}
		dup(&v.ds, seen, s.Name, s.Src.Pos, "scope mapping")
		checkState(&v.ds, s.State, s.Src)
		if strings.HasPrefix(s.Name, ManagedScopeMappingPrefix) {
			v.ds.add(s.Src.At("name"), fmt.Sprintf("scope mapping %q: names starting with %q are authentik's own managed mappings, which provision never modifies or deletes; give yours another name", s.Name, ManagedScopeMappingPrefix))
		}
		if s.State.IsAbsent() {
			continue
		}
		switch {
		case s.ScopeName == "":
			v.ds.add(s.Src.Pos, fmt.Sprintf("scope mapping %q: scope_name is required (the scope clients ask for)", s.Name))
		case strings.Contains(s.ScopeName, " "):
			// authentik's no_space validator (providers/oauth2/api/scopes.py)
			// rejects spaces only.
			v.ds.add(s.Src.At("scope_name"), fmt.Sprintf("scope mapping %q: scope_name %q cannot contain spaces", s.Name, s.ScopeName))
		case s.ScopeName == "openid" || s.ScopeName == "profile" || s.ScopeName == "email" || s.ScopeName == "offline_access" || s.ScopeName == "entitlements":
			// authentik's managed mapping wins the scope name; this one
			// would never be used by a provider's scopes list.
			v.ds.add(s.Src.At("scope_name"), fmt.Sprintf("scope mapping %q: scope %q is served by authentik's managed mapping, which provision picks for it; use another scope name", s.Name, s.ScopeName))
		}
		if other, ok := seenScope[s.ScopeName]; ok && s.ScopeName != "" {
			v.ds.add(s.Src.At("scope_name"), fmt.Sprintf("scope mapping %q: scope %q is already declared by scope mapping %q (%s); a provider's scopes could not tell them apart", s.Name, s.ScopeName, other.Name, other.Src.At("scope_name")))
		} else {
			seenScope[s.ScopeName] = s
		}
		if strings.TrimSpace(s.Expression) == "" {
			v.ds.add(s.Src.Pos, fmt.Sprintf("scope mapping %q: expression is required (Python returning a dict of claims, e.g. return {\"roles\": [group.name for group in request.user.groups.all()]})", s.Name))
		} else if err := pyexpr.CheckExpression(strings.TrimSpace(s.Expression)); err != nil {
			// authentik compiles expressions on save; the same checks
			// here refuse the common syntax errors before any write.
			where := ""
			if err.Line > 1 {
				where = fmt.Sprintf(" (line %d of the expression)", err.Line-1)
			}
			v.ds.add(s.Src.At("expression"), fmt.Sprintf("scope mapping %q: expression does not compile, so authentik would refuse it: %s%s", s.Name, err.Msg, where))
		}
		v.scopes[s.ScopeName] = true
	}
}
