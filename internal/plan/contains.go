package plan

import (
	"fmt"
	"strings"
)

// FieldsContaining names, as "kind key: field", every field the plan
// would write whose value contains s anywhere (nested lists and maps
// included). An empty s matches nothing.
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
			if containsString(f.After, s) {
				out = append(out, fmt.Sprintf("%s %q: %s", c.Kind, c.Key, f.Field))
			}
		}
	}
	return out
}

func containsString(v any, s string) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, s)
	case []string:
		for _, e := range v {
			if strings.Contains(e, s) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if containsString(e, s) {
				return true
			}
		}
	case map[string]any:
		for k, e := range v {
			if strings.Contains(k, s) || containsString(e, s) {
				return true
			}
		}
	case map[string]string:
		for k, e := range v {
			if strings.Contains(k, s) || strings.Contains(e, s) {
				return true
			}
		}
	case fmt.Stringer:
		return strings.Contains(v.String(), s)
	}
	return false
}
