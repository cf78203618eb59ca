package plan

import (
	"fmt"
)

// FieldsContaining names, as "kind key: field", every field the plan
// would write whose value contains s anywhere (nested lists and maps
// included, and JSON text in its escaped form, as annotate finds a
// sensitive variable's value). An empty s matches nothing.
//
// It lets the caller refuse a plan that would copy a credential, such as
// the API token read through a declared variable, into authentik, where
// end users may see it.
func (p *Plan) FieldsContaining(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, c := range p.Changes {
		if c.Action == Delete {
			continue
		}
		for _, f := range c.Fields {
			if showsAny(f.After, []string{s}) {
				out = append(out, fmt.Sprintf("%s %q: %s", c.Kind, c.Key, f.Field))
			}
		}
	}
	return out
}
