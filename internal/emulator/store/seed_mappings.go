package store

import "github.com/provision/provision/internal/emulator/httpapi"

// MappingType is one PropertyMapping subclass as the base serializer
// renders it (component, verbose names, meta_model_name).
type MappingType struct {
	Component, Verbose, VerbosePlural, Model string
}

// OtherMapping is a stored mapping of a type only seeded and listed.
// Source property mappings of the OAuth, SAML and LDAP types are served
// by the generic layer over this table (sources.go): Attrs holds name,
// Expression and managed (a string or nil).
type OtherMapping struct {
	PK    string
	Attrs map[string]any
	Typ   *MappingType
}

func (m *OtherMapping) Name() string { return httpapi.FmtVal(m.Attrs["name"]) }

func (m *OtherMapping) Expression() string { return httpapi.FmtVal(m.Attrs["expression"]) }

func (m *OtherMapping) Managed() *string {
	if s, ok := m.Attrs["managed"].(string); ok {
		return &s
	}
	return nil
}
