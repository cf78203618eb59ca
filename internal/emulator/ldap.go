package emulator

import (
	"github.com/provision/provision/internal/emulator/httpapi"
	"github.com/provision/provision/internal/emulator/store"
)

// LDAP provider, as authentik/providers/ldap/{models.py,api.py}. An
// LDAPProvider is a BackchannelProvider (is_backchannel=True).

var ldapAccessModes = []string{"direct", "cached"}

// ldapProviderFields are LDAPProviderSerializer's own fields with the model
// defaults; filters as LDAPProviderFilter.Meta.fields.
var ldapProviderFields = []fieldDef{
	{name: "base_dn", typ: ftString, def: "DC=ldap,DC=goauthentik,DC=io", filter: "iexact"},
	{name: "certificate", typ: ftKeypair},
	{name: "tls_server_name", typ: ftString, blank: true, def: "", filter: "iexact"},
	{name: "uid_start_number", typ: ftInt32, def: int64(2000), filter: "iexact"},
	{name: "gid_start_number", typ: ftInt32, def: int64(4000), filter: "iexact"},
	{name: "search_mode", typ: ftChoice, choices: ldapAccessModes, def: "direct"},
	{name: "bind_mode", typ: ftChoice, choices: ldapAccessModes, def: "direct"},
	{name: "mfa_support", typ: ftBool, def: true},
}

var ldapProviderKind = newLDAPProviderKind()

func newLDAPProviderKind() *kindDef[*store.Provider] {
	k := providerKind("ldapprovider", "LDAPProvider", "providers/ldap/", ldapProviderFields)
	base := k.render
	k.render = func(e *Emulator, c *httpapi.Call, p *store.Provider) map[string]any {
		m := base(e, c, p)
		m["outpost_set"] = e.st.OutpostSet(p.PK)
		return m
	}
	k.list = httpapi.ListSpec{
		Filters: []httpapi.FilterSpec{
			httpapi.IExact("name__iexact", "name"),
			httpapi.IExact("authorization_flow__slug__iexact", "_authorization_flow_slug"),
			httpapi.IExact("certificate__kp_uuid__iexact", "certificate"),
			httpapi.IExact("certificate__name__iexact", "_certificate_name"),
			// LDAPProviderFilter.filter_application__isnull:
			// Q(backchannel_application__isnull=v) | Q(application__isnull=v)
			{Param: "application__isnull", Match: func(o httpapi.Getter, v []string) bool {
				b, err := httpapi.ParseBool(v[0])
				if err != nil {
					return true
				}
				return (o("assigned_application_slug") == "") == b || (o("assigned_backchannel_application_slug") == "") == b
			}},
		},
		SearchFields: []string{"name"},
		Order:        []string{"name"},
	}
	k.listExtra = func(e *Emulator, p *store.Provider, m map[string]any) {
		for _, f := range e.st.Flows {
			if f.PK == p.AuthorizationFlow {
				m["_authorization_flow_slug"] = f.Slug
			}
		}
		if kp, _ := p.Attrs["certificate"].(string); kp != "" {
			if c := e.st.KeypairByPK(kp); c != nil {
				m["_certificate_name"] = c.Name
			}
		}
	}
	return k
}
