package manifest

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Shape errors: a value whose YAML shape its field cannot take (a plain
// value where a list is expected, a list where a mapping is, "maybe" for
// true or false). yaml.v3 reports them in Go terms ("cannot unmarshal !!str
// into manifest.RedirectURI") at the start of the enclosing line; this file
// reports them in manifest terms, at the value itself, before the decode.
//
// The translation is keyed by field path, not by Go type, so a section
// decoded generically (without a Go struct per field) can use the same
// table: ShapeMessage takes the path, what the field expects and the node.
//
// A path is the chain of YAML keys from the root, "[]" for a list item and
// "*" for any key of a mapping whose keys are names (outputs, variables):
// "providers[].redirect_uris[]", "applications[].outputs.*".

// ShapeHint says, for one field path, what shape the field takes, and how
// to write a value the admin gave in the wrong shape.
type ShapeHint struct {
	// Want completes "<key>: ...", e.g. "each item is {url: …, matching_mode: …}".
	Want string
	// Fix, when set, turns the plain value given into a corrected line
	// ("write: - url: https://…"); it is not called for sensitive values.
	Fix func(got string) string
	// Example is shown when Fix is not (a list or mapping given, or a
	// sensitive value).
	Example string
}

// shapeHints are the fields whose generic description is not enough.
var shapeHints = map[string]ShapeHint{
	"providers[].redirect_uris[]": {
		Want: "each item is {url: …, matching_mode: strict|regex}",
		Fix:  func(got string) string { return "- url: " + got },
	},
	"providers[].redirect_uris": {
		Want: "a list of {url: …, matching_mode: strict|regex} items",
		Fix:  func(got string) string { return "redirect_uris: [{url: " + got + "}]" },
	},
	"applications[].access.groups": {
		Want:    "a list of group names",
		Example: "groups: [Wiki Users]",
		Fix:     func(got string) string { return "groups: [" + got + "]" },
	},
	"applications[].access": {
		Want: "a mapping with groups: [group names] (who may use the application)",
		Fix:  func(got string) string { return "access: {groups: [" + got + "]}" },
	},
	"applications[].outputs": {
		Want: "a mapping of output names (a preset, such as grafana or oidc) to their settings, e.g. grafana: {url: …, file: grafana.env}",
	},
	"applications[].outputs.*": {
		Want: "each output is a name with its settings indented under it, e.g. grafana: {url: …, file: grafana.env}",
	},
	"variables.*": {
		Want: "each variable is a name with its settings, e.g. APP_URL: {description: …} ({} is enough)",
		Fix:  func(string) string { return "NAME: {}" },
	},
}

// RegisterShapeHint adds the description of a field path's shape, for
// sections decoded generically. It panics on a path already described.
func RegisterShapeHint(path string, h ShapeHint) {
	if _, ok := shapeHints[path]; ok {
		panic("manifest: shape hint registered twice: " + path)
	}
	shapeHints[path] = h
}

// Shape is what a field takes, in manifest terms.
type Shape int

const (
	ShapeAny Shape = iota
	ShapeText
	ShapeBool
	ShapeInt
	ShapeNumber
	ShapeList    // a YAML sequence
	ShapeMapping // a YAML mapping (fields, or names to values)
)

// shapeOf maps a Go type to its shape.
func shapeOf(t reflect.Type) Shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return ShapeText
	case reflect.Bool:
		return ShapeBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return ShapeInt
	case reflect.Float32, reflect.Float64:
		return ShapeNumber
	case reflect.Slice, reflect.Array:
		return ShapeList
	case reflect.Map, reflect.Struct:
		return ShapeMapping
	}
	return ShapeAny
}

// describe says in words what a value of shape s looks like.
func (s Shape) describe() string {
	switch s {
	case ShapeText:
		return "a single value"
	case ShapeBool:
		return "true or false"
	case ShapeInt:
		return "a whole number"
	case ShapeNumber:
		return "a number"
	case ShapeList:
		return "a list"
	case ShapeMapping:
		return "a mapping of keys to values"
	}
	return "a value"
}

// ShapeMessage is the message for node n, found where the field at path
// (whose YAML key is key) expects a value of shape want. sensitive hides
// the value given. The message names the field, what it takes (from the
// hint table when the path has one) and what was given, and how to write
// it when that is known; it never names a Go type.
func ShapeMessage(path, key string, want Shape, n *yaml.Node, sensitive bool) string {
	got := gotOf(n, sensitive)
	h, ok := shapeHints[path]
	if !ok {
		h = genericHint(key, want)
	}
	msg := fmt.Sprintf("%s: %s, not %s", key, h.Want, got)
	switch {
	case h.Fix != nil && n.Kind == yaml.ScalarNode && !sensitive && n.Value != "":
		msg += "; write: " + h.Fix(n.Value)
	case h.Example != "":
		msg += "; e.g. " + h.Example
	}
	return msg
}

func genericHint(key string, want Shape) ShapeHint {
	switch want {
	case ShapeList:
		return ShapeHint{Want: "expected a list", Example: key + ": [a, b]", Fix: func(got string) string { return key + ": [" + got + "]" }}
	case ShapeMapping:
		return ShapeHint{Want: "expected a mapping of keys to values, indented under " + key + ":"}
	}
	return ShapeHint{Want: "expected " + want.describe()}
}

// gotOf says what the admin wrote, in words.
func gotOf(n *yaml.Node, sensitive bool) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		if sensitive {
			return "(sensitive)"
		}
		return strconv.Quote(shorten(n.Value))
	}
	return "this value"
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}

// checkShapes reports every value under n whose shape Go type t cannot
// take, at the value's own position, and whether it found any. Unknown
// keys are checkKeys' business and are skipped here; so is null, which
// every field takes (as "not declared").
func (sc *scope) checkShapes(n *yaml.Node, t reflect.Type, path, key string, diags *Diagnostics) bool {
	// Aliases are followed, so a document of nested aliases could make
	// the walk exponential: it stops after a bounded number of values
	// and leaves the rest to the decoder, which refuses excessive aliasing.
	if sc.shapeVisits++; sc.shapeVisits > maxShapeVisits {
		return false
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := shapeOf(t)
	bad := func() bool {
		_, sensitive := sc.sensitiveNodes[n]
		diags.add(pos(sc.file, n), ShapeMessage(path, key, want, n, sensitive))
		return true
	}
	if n.Kind == yaml.ScalarNode && sc.placeholders[n] {
		if want == ShapeAny || want != ShapeList && want != ShapeMapping && sc.placeholderShape(n, t) {
			return false
		}
		return bad()
	}
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || sc.unresolved[n]) {
		return false
	}
	switch want {
	case ShapeAny:
		return false
	case ShapeList:
		if n.Kind != yaml.SequenceNode {
			return bad()
		}
		found := false
		for _, c := range n.Content {
			found = sc.checkShapes(c, t.Elem(), path+"[]", key, diags) || found
		}
		return found
	case ShapeMapping:
		if n.Kind != yaml.MappingNode {
			return bad()
		}
		if t.Kind() == reflect.Map {
			return sc.checkMapShapes(n, t, path, key, diags)
		}
		return sc.checkStructShapes(n, t, path, diags)
	}
	if n.Kind != yaml.ScalarNode {
		return bad()
	}
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		return bad()
	}
	return false
}

// maxShapeVisits bounds the values checkShapes looks at in one document.
const maxShapeVisits = 200_000

// checkStructShapes checks the known fields of a mapping decoded into struct t.
func (sc *scope) checkStructShapes(n *yaml.Node, t reflect.Type, path string, diags *Diagnostics) bool {
	fields := yamlFields(t)
	inline := inlineMap(t)
	found := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		ft, ok := fields[k]
		if !ok {
			if inline == nil {
				continue
			}
			ft = inline.Elem()
		}
		found = sc.checkShapes(v, ft, joinPath(path, k), k, diags) || found
	}
	return found
}

// checkMapShapes checks the values of a mapping of names (outputs,
// variables). A key that is a field of the values' type, given a plain
// value, is an entry's setting indented one level too shallow: that is
// said instead of the shape.
func (sc *scope) checkMapShapes(n *yaml.Node, t reflect.Type, path, key string, diags *Diagnostics) bool {
	elem := t.Elem()
	for elem.Kind() == reflect.Pointer {
		elem = elem.Elem()
	}
	var fields map[string]reflect.Type
	if elem.Kind() == reflect.Struct {
		fields = yamlFields(elem)
	}
	found := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, isField := fields[k.Value]; isField && v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
			diags.add(pos(sc.file, k), misindentedSetting(n, i, key, k.Value))
			found = true
			continue
		}
		found = sc.checkShapes(v, t.Elem(), path+".*", k.Value, diags) || found
	}
	return found
}

// misindentedSetting is the message for a setting (file:) written as a
// name of the mapping key (outputs:) instead of under one of its entries.
func misindentedSetting(n *yaml.Node, i int, section, field string) string {
	msg := fmt.Sprintf("%s: %q is a setting of an entry, not a name of one; indent it under the entry it belongs to", section, field)
	for j := i - 2; j >= 0; j -= 2 {
		prev, val := n.Content[j], n.Content[j+1]
		if val.Kind == yaml.ScalarNode && val.Tag == "!!null" {
			return fmt.Sprintf("%s: %q is a setting of an entry, not a name of one; indent it under %q (line %d)", section, field, prev.Value+":", prev.Line)
		}
		if val.Kind == yaml.MappingNode {
			break
		}
	}
	return msg
}

// inlineMap returns the type of struct t's inline map field (keys it does
// not name itself go there), or nil.
func inlineMap(t reflect.Type) reflect.Type {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if _, opts, _ := strings.Cut(f.Tag.Get("yaml"), ","); opts == "inline" && f.Type.Kind() == reflect.Map {
			return f.Type
		}
	}
	return nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
