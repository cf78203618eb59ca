package manifest

import "fmt"

// TypeLDAP is an LDAP provider, served by an LDAP outpost.
const TypeLDAP = "ldap"

// LDAPFields are the LDAP provider's own fields. authentik's API names the
// bind flow authorization_flow and the unbind flow invalidation_flow; the
// manifest may use either spelling, but only one.
type LDAPFields struct {
	BaseDN         *string `yaml:"base_dn"`
	BindFlow       *string `yaml:"bind_flow"`
	UnbindFlow     *string `yaml:"unbind_flow"`
	SearchMode     *string `yaml:"search_mode"`
	BindMode       *string `yaml:"bind_mode"`
	MFASupport     *bool   `yaml:"mfa_support"`
	UIDStartNumber *int32  `yaml:"uid_start_number"`
	GIDStartNumber *int32  `yaml:"gid_start_number"`
}

// The flows authentik's LDAP provider wizard selects.
const (
	DefaultLDAPBindFlow   = "default-authentication-flow"
	DefaultLDAPUnbindFlow = "default-invalidation-flow"
	DefaultLDAPMode       = "cached"
)

var ldapType = &ProviderType{
	Name:    TypeLDAP,
	Label:   "LDAP",
	Fields:  []any{LDAPFields{}, TLSFields{}},
	Outpost: "ldap",
	Defaults: func(p *Provider) {
		// bind_flow/unbind_flow are the API's authorization/invalidation flows.
		if p.BindFlow != nil {
			p.AuthorizationFlow, p.BindFlow = p.BindFlow, nil
		}
		if p.UnbindFlow != nil {
			p.InvalidationFlow, p.UnbindFlow = p.UnbindFlow, nil
		}
		defaultFlows(p, DefaultLDAPBindFlow, DefaultLDAPUnbindFlow)
		// The form's radio buttons default to cached search and bind
		// (the model's default is direct).
		if p.SearchMode == nil {
			p.SearchMode = ptr(DefaultLDAPMode)
		}
		if p.BindMode == nil {
			p.BindMode = ptr(DefaultLDAPMode)
		}
	},
	Validate: func(ds *Diagnostics, p *Provider) {
		for _, pair := range [][2]string{{"bind_flow", "authorization_flow"}, {"unbind_flow", "invalidation_flow"}} {
			if p.Src.Has(pair[0]) && p.Src.Has(pair[1]) {
				ds.add(p.Src.At(pair[0]), fmt.Sprintf("provider %q: %s and %s are the same field (authentik's API calls it %s); keep one", p.Name, pair[0], pair[1], pair[1]))
			}
		}
		for _, f := range []struct {
			key string
			v   *string
		}{{"bind_flow", p.BindFlow}, {"unbind_flow", p.UnbindFlow}} {
			if f.v != nil && !slugRE.MatchString(*f.v) {
				ds.add(p.Src.At(f.key), fmt.Sprintf("provider %q: %s must be a flow slug, got %q", p.Name, f.key, *f.v))
			}
		}
		checkEnum(ds, "search_mode", p.SearchMode, p.Src)
		checkEnum(ds, "bind_mode", p.BindMode, p.Src)
		if p.BaseDN != nil && !dnRE.MatchString(*p.BaseDN) {
			ds.add(p.Src.At("base_dn"), fmt.Sprintf("provider %q: base_dn %q is not a distinguished name, e.g. \"DC=ldap,DC=goauthentik,DC=io\"", p.Name, *p.BaseDN))
		}
		for _, f := range []struct {
			key string
			v   *int32
		}{{"uid_start_number", p.UIDStartNumber}, {"gid_start_number", p.GIDStartNumber}} {
			if f.v != nil && *f.v < 0 {
				ds.add(p.Src.At(f.key), fmt.Sprintf("provider %q: %s cannot be negative", p.Name, f.key))
			}
		}
	},
}
