package manifest

import (
	"reflect"
	"strings"
)

// YAMLKey is one key a manifest struct reads, inline structs flattened.
type YAMLKey struct {
	Key   string
	Field reflect.StructField
	// Owner is the struct declaring the field (an inline struct's type
	// for its keys).
	Owner reflect.Type
}

// YAMLKeys lists the keys of struct type t in declaration order, as the
// loader reads them: the yaml tag's name (the field's name in lower case
// when it has none), "-" and unexported fields skipped, inline structs
// flattened. An inline map (an output's preset options) adds no key here:
// its keys are another registry's.
func YAMLKeys(t reflect.Type) []YAMLKey {
	var out []YAMLKey
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if opts == "inline" {
			if f.Type.Kind() == reflect.Struct {
				out = append(out, YAMLKeys(f.Type)...)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, YAMLKey{Key: name, Field: f, Owner: t})
	}
	return out
}
