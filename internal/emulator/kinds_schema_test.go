package emulator

import (
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator/contract"
)

// The generic kinds' field tables must say what authentik's schema.yml says
// about each request field: present, required, enum values, nullable, and
// whether "" is allowed (minLength: 1).
func TestKindFieldsMatchSchema(t *testing.T) {
	t.Parallel()
	v, err := contract.Load()
	require.NoError(t, err)
	providerBase := []string{"name", "authentication_flow", "authorization_flow", "invalidation_flow", "property_mappings"}
	for _, tc := range []struct {
		schema string
		fields []fieldDef
		base   []string // fields read by readBase
	}{
		{"SAMLProviderRequest", samlProviderFields, providerBase},
		{"LDAPProviderRequest", ldapProviderFields, providerBase},
		{"SAMLPropertyMappingRequest", samlMappingFields, []string{"name", "managed"}},
		{"BlueprintInstanceRequest", blueprintFields, []string{"context"}},
	} {
		t.Run(tc.schema, func(t *testing.T) {
			s := v.Schema(tc.schema)
			require.NotNil(t, s)
			var want, got []string
			for name := range s.Properties {
				want = append(want, name)
			}
			got = append(got, tc.base...)
			for _, fd := range tc.fields {
				got = append(got, fd.name)
			}
			sort.Strings(want)
			sort.Strings(got)
			assert.Equal(t, want, got, "request fields")
			for _, fd := range tc.fields {
				p := s.Properties[fd.name].Value
				assert.Equal(t, slices.Contains(s.Required, fd.name), fd.required, "%s required", fd.name)
				if fd.typ == ftChoice {
					var enum []string
					for _, e := range p.Enum {
						enum = append(enum, e.(string))
					}
					for _, sub := range append(p.AllOf, p.OneOf...) {
						for _, e := range sub.Value.Enum {
							enum = append(enum, e.(string))
						}
					}
					assert.ElementsMatch(t, enum, fd.choices, "%s enum", fd.name)
				}
				nullable := fd.typ == ftNullString || fd.typ == ftKeypair || fd.typ == ftSAMLMapping
				assert.Equal(t, p.Nullable, nullable, "%s nullable", fd.name)
				if p.Type.Is("string") && p.Enum == nil && p.Format != "uuid" && !nullable {
					assert.Equal(t, p.MinLength == 1, !fd.blank, "%s minLength", fd.name)
				}
			}
		})
	}
}
