package manifest

import "maps"

// EnumValues returns the values the offline checks accept for each enum
// field, keyed by field name ("outpost type" for an outpost's type), from
// authentik's schema.yml (internal/apischema). The JSON Schema uses them.
func EnumValues() map[string][]string {
	out := make(map[string][]string, len(enumValues))
	for k, v := range enumValues {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// OutpostConfigKinds returns the outpost config keys authentik reads and
// the shape each needs: "string", "string or null", "bool", "int",
// "duration", "map", "map or null" or "list".
func OutpostConfigKinds() map[string]string { return maps.Clone(outpostConfigKinds) }
