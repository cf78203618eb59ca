package manifest

import (
	"reflect"
	"regexp"

	"gopkg.in/yaml.v3"

	"github.com/provision/provision/internal/kinds"
)

// Placeholders (validate --offline, see Offline): a declared ${NAME} is
// left as written and type-checked. Where a string goes, any text with
// placeholders is a string. Where a bool or a number goes, a value that
// is one whole ${NAME} is accepted as a value of that type, given later;
// text around it could never be one, and is reported.

// wholeRef is a value that is one ${NAME} and nothing else.
var wholeRef = regexp.MustCompile(`^\$\{[A-Za-z_][A-Za-z0-9_]*\}$`)

// placeholderShape checks placeholder scalar n against the Go type t. A
// whole ${NAME} where a bool or number goes is given the type's zero value
// so the manifest decodes; the checks that follow drop what they say
// about its line (Derived).
func (sc *scope) placeholderShape(n *yaml.Node, t reflect.Type) bool {
	if n.Decode(reflect.New(t).Interface()) == nil {
		return true // a string, or a type that takes any text
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
	default:
		return false
	}
	if !wholeRef.MatchString(n.Value) {
		return false
	}
	zero, err := yaml.Marshal(reflect.Zero(t).Interface())
	if err != nil {
		return false
	}
	was := *n
	n.Value, n.Tag, n.Style = string(trimNewline(zero)), "", 0
	if n.Decode(reflect.New(t).Interface()) != nil {
		*n = was
		return false
	}
	return true
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	return b
}

// fieldValue is fieldValue for a field of a kind's entry, accepting a
// whole placeholder as a value of a scalar field's type.
func (sc *scope) fieldValue(f kinds.Field, n *yaml.Node) (any, string) {
	m := n
	if m.Kind == yaml.AliasNode && m.Alias != nil {
		m = m.Alias
	}
	if sc.placeholders[m] && m.Kind == yaml.ScalarNode && wholeRef.MatchString(m.Value) {
		switch f.Type {
		case kinds.Bool:
			return false, ""
		case kinds.Int:
			return int64(0), ""
		case kinds.Number:
			return 0.0, ""
		case kinds.String, kinds.Ref:
			return m.Value, ""
		}
	}
	return fieldValue(f, n, sc.isSensitive(n))
}
