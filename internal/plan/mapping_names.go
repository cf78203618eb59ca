package plan

import (
	"strconv"

	"github.com/provision/provision/internal/manifest"
)

// Property mapping names are unique across every mapping type in authentik
// (one PropertyMapping table: authentik/core/models.py, name unique=True),
// and a fresh install already has managed mappings of types provision
// never manages (LDAP and Kerberos source, RAC, SCIM, Google Workspace,
// Entra). A new mapping's name is therefore checked against
// propertymappings/all/, read as KindAnyMapping; this file is the whole of
// that check.

// KindAnyMapping is every property mapping of every type, only read: its
// names, for the uniqueness check.
const KindAnyMapping Kind = "any property mapping"

// AnyMapping is a live property mapping of any type.
type AnyMapping struct {
	PK      string
	Name    string
	Type    string // authentik's verbose name, e.g. "LDAP Source Property Mapping"
	Managed string // "" when not managed
}

// mappingNameTaken fails a new mapping whose name another mapping of any
// type already has, naming that mapping and its type; what is the
// mapping's own kind, for the message ("scope mapping"). It reports
// whether the name is taken.
func (c *computer) mappingNameTaken(what, name string, at manifest.Position) bool {
	for _, m := range c.live.AnyMappings {
		if m.Name != name {
			continue
		}
		managed := ""
		if m.Managed != "" {
			managed = ", managed by authentik as " + plain(m.Managed)
		}
		c.fail(at, "%s %q: authentik already has a %s named %q%s, and property mapping names are unique across every mapping type; rename the entry", what, name, plain(m.Type), m.Name, managed)
		return true
	}
	return false
}

// plain is s as is when it prints plainly, else quoted with its control
// characters escaped (server text in a message).
func plain(s string) string {
	if q := strconv.Quote(s); q[1:len(q)-1] != s {
		return q
	}
	return s
}
