package kinds

import (
	"fmt"
	"slices"
	"strings"
)

// Custom OAuth2 scope mappings (authentik/providers/oauth2/api/scopes.py
// ScopeMappingSerializer): a Python expression whose returned dict
// authentik adds to the claims when a client asks for scope_name. OAuth2
// providers' scopes name them by scope_name. authentik's own (managed)
// mappings are never modified or deleted.
var scopeMapping = &Kind{
	Name:     "scope mapping",
	Section:  "scope_mappings",
	Path:     "propertymappings/provider/scope/",
	Model:    "authentik_providers_oauth2.scopemapping",
	Schema:   "ScopeMappingRequest",
	Key:      "name",
	PK:       "pk",
	Omit:     []string{"managed"},
	Managed:  "managed",
	Code:     []string{"expression"},
	Python:   []string{"expression"},
	Unique:   []string{"scope_name"},
	Defaults: map[string]any{"description": ""},
	Check:    checkScopeMapping,
	Docs: map[string]string{
		"name":        "Mapping name, its key. Names starting with \"authentik default OAuth Mapping\" are reserved.",
		"scope_name":  "The scope clients ask for (one word, no spaces); providers' scopes name it.",
		"description": "Shown to the user on the consent screen.",
		"expression":  "Python expression returning a dict of claims, e.g. return {\"roles\": [g.name for g in request.user.groups.all()]}.",
	},
	Doc: "A custom OAuth2 scope mapping: Python returning the claims a scope adds.",
}

// ManagedScopeMappingPrefix starts the name of every scope mapping
// authentik ships ("authentik default OAuth Mapping: OpenID 'openid'").
const ManagedScopeMappingPrefix = "authentik default OAuth Mapping"

// managedScopes are the scopes authentik's managed mappings serve: a
// provider's scopes pick those, so a custom mapping would never be used.
var managedScopes = []string{"openid", "profile", "email", "offline_access", "entitlements"}

func checkScopeMapping(key string, fields map[string]any, absent bool) []Problem {
	var out []Problem
	if strings.HasPrefix(key, ManagedScopeMappingPrefix) {
		out = append(out, Problem{"name", fmt.Sprintf("names starting with %q are authentik's own managed mappings, which provision never modifies or deletes; give yours another name", ManagedScopeMappingPrefix)})
	}
	if absent {
		return out
	}
	scope, _ := fields["scope_name"].(string)
	switch {
	case scope == "":
		out = append(out, Problem{"", "scope_name is required (the scope clients ask for)"})
	case strings.Contains(scope, " "):
		// authentik's no_space validator (providers/oauth2/api/scopes.py)
		// rejects spaces only.
		out = append(out, Problem{"scope_name", fmt.Sprintf("scope_name %q cannot contain spaces", scope)})
	case slices.Contains(managedScopes, scope):
		out = append(out, Problem{"scope_name", fmt.Sprintf("scope %q is served by authentik's managed mapping, which provision picks for it; use another scope name", scope)})
	}
	if expr, _ := fields["expression"].(string); strings.TrimSpace(expr) == "" {
		out = append(out, Problem{"", `expression is required (Python returning a dict of claims, e.g. return {"roles": [group.name for group in request.user.groups.all()]})`})
	}
	return out
}

func init() { Register(scopeMapping) }
