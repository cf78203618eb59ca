package plan

import "github.com/provision/provision/internal/manifest"

// LDAPDetail is a live LDAP provider's own fields. Its bind and unbind
// flows are the provider's authorization and invalidation flows.
type LDAPDetail struct {
	BaseDN         string
	SearchMode     string
	BindMode       string
	MFASupport     bool
	UIDStartNumber int32
	GIDStartNumber int32
	Certificate    string // key pair uuid; "" when none
}

// LDAPSpec is what an LDAP provider write sends of its own fields.
type LDAPSpec struct {
	BaseDN         *string
	SearchMode     *string
	BindMode       *string
	MFASupport     *bool
	UIDStartNumber *int32
	GIDStartNumber *int32
	Certificate    *string // key pair uuid; "" sends null
}

// LDAP returns the provider's LDAP fields (zero when not read or not LDAP).
func (p *Provider) LDAP() *LDAPDetail { return detail[LDAPDetail](p) }

var ldapType = &providerType{
	diff: func(c *computer, f *fields, p *manifest.Provider, l *Provider, spec *ProviderSpec) {
		d := detail[LDAPDetail](l)
		s := &LDAPSpec{}
		spec.Detail = s
		s.BaseDN = f.str("base_dn", p.BaseDN, d.BaseDN)
		s.SearchMode = f.str("search_mode", p.SearchMode, d.SearchMode)
		s.BindMode = f.str("bind_mode", p.BindMode, d.BindMode)
		s.MFASupport = f.boolean("mfa_support", p.MFASupport, d.MFASupport)
		s.UIDStartNumber = scalar(f, "uid_start_number", p.UIDStartNumber, d.UIDStartNumber, false)
		s.GIDStartNumber = scalar(f, "gid_start_number", p.GIDStartNumber, d.GIDStartNumber, false)
		s.Certificate = c.certificateField(f, spec, p, d.Certificate)
	},
}
