package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/emulator/httpapi"
)

// Outpost config validation: OutpostSerializer.validate_config
// (authentik/outposts/api/outposts.py, version/2026.2.2) runs
// dacite.from_dict(OutpostConfig, config) and then
// timedelta_string_validator(parsed.refresh_interval). dacite (1.9.2, as
// pinned in uv.lock) checks fields in dataclass order, ignores unknown keys,
// takes defaults for missing ones and raises on the first value whose type
// does not match: "Failed to validate config: wrong value type for field
// "<f>" - should be "<type>" instead of value "<str(value)>" of type
// "<type(value).__name__>"".

// pyVal is a JSON value decoded the way Python's json module decodes it,
// keeping object key order (needed to render dicts as str() does).
type pyVal = any

type pyDict struct {
	keys []string
	vals map[string]pyVal
}

// pyInt and pyFloatVal are JSON numbers: Python decodes "1" as int and
// "1.0"/"1e3" as float.
type pyInt string
type pyFloatVal float64

func decodePy(raw []byte) (pyVal, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return decodePyValue(d)
}

func decodePyValue(d *json.Decoder) (pyVal, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := &pyDict{vals: map[string]pyVal{}}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodePyValue(d)
				if err != nil {
					return nil, err
				}
				if _, dup := m.vals[k]; !dup {
					m.keys = append(m.keys, k)
				}
				m.vals[k] = v
			}
			_, err := d.Token()
			return m, err
		case '[':
			l := []pyVal{}
			for d.More() {
				v, err := decodePyValue(d)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := d.Token()
			return l, err
		}
	case json.Number:
		if strings.ContainsAny(string(t), ".eE") {
			f, _ := strconv.ParseFloat(string(t), 64)
			return pyFloatVal(f), nil
		}
		return pyInt(t), nil
	}
	return tok, nil // string, bool, nil
}

// pyTypeName is type(v).__name__.
func pyTypeName(v pyVal) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case string:
		return "str"
	case bool:
		return "bool"
	case pyInt:
		return "int"
	case pyFloatVal:
		return "float"
	case []pyVal:
		return "list"
	case *pyDict:
		return "dict"
	}
	return fmt.Sprintf("%T", v)
}

// pyStr is Python's str(v); pyRepr is repr(v).
func pyStr(v pyVal) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyRepr(v)
}

func pyRepr(v pyVal) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case pyInt:
		return string(x)
	case pyFloatVal:
		return pyFloatRepr(float64(x))
	case string:
		return pyStrRepr(x)
	case []pyVal:
		parts := make([]string, len(x))
		for i, it := range x {
			parts[i] = pyRepr(it)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *pyDict:
		parts := make([]string, len(x.keys))
		for i, k := range x.keys {
			parts[i] = pyStrRepr(k) + ": " + pyRepr(x.vals[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// pyFloatRepr is float.__repr__: shortest round-trip digits, positional
// for exponents -4..15, otherwise 1e+16 style.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		return fmt.Sprintf("%se%s%02d", mant, sign, exp)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// pyStrRepr is str.__repr__ for printable text: single quotes unless the
// string holds a single quote and no double quote.
func pyStrRepr(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	var b strings.Builder
	b.WriteString(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case string(r) == q:
			b.WriteString(`\` + q)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString(q)
	return b.String()
}

// pyCheck is dacite's is_instance for one annotation; name is how dacite
// prints the annotation (_name: __name__, or str() for unions).
type pyCheck struct {
	name string
	ok   func(pyVal) bool
}

func isStr(v pyVal) bool { _, ok := v.(string); return ok }
func isInt(v pyVal) bool { // bool is a subclass of int
	switch v.(type) {
	case pyInt, bool:
		return true
	}
	return false
}
func isBool(v pyVal) bool { _, ok := v.(bool); return ok }

func dictOf(val func(pyVal) bool) func(pyVal) bool {
	return func(v pyVal) bool {
		d, ok := v.(*pyDict)
		if !ok {
			return false
		}
		for _, k := range d.keys {
			if !val(d.vals[k]) {
				return false
			}
		}
		return true
	}
}

func listOf(item func(pyVal) bool) func(pyVal) bool {
	return func(v pyVal) bool {
		l, ok := v.([]pyVal)
		if !ok {
			return false
		}
		for _, it := range l {
			if !item(it) {
				return false
			}
		}
		return true
	}
}

func orNone(f func(pyVal) bool) func(pyVal) bool {
	return func(v pyVal) bool { return v == nil || f(v) }
}

func anyVal(pyVal) bool { return true }

// outpostConfigFields is the OutpostConfig dataclass
// (authentik/outposts/models.py), in declaration order.
var outpostConfigFields = []struct {
	name  string
	check pyCheck
}{
	{"authentik_host", pyCheck{"str", isStr}},
	{"authentik_host_insecure", pyCheck{"bool", isBool}},
	{"authentik_host_browser", pyCheck{"str", isStr}},
	{"log_level", pyCheck{"str", isStr}},
	{"object_naming_template", pyCheck{"str", isStr}},
	{"refresh_interval", pyCheck{"str", isStr}},
	{"container_image", pyCheck{"str | None", orNone(isStr)}},
	{"docker_network", pyCheck{"str | None", orNone(isStr)}},
	{"docker_map_ports", pyCheck{"bool", isBool}},
	{"docker_labels", pyCheck{"dict[str, str] | None", orNone(dictOf(isStr))}},
	{"kubernetes_replicas", pyCheck{"int", isInt}},
	{"kubernetes_namespace", pyCheck{"str", isStr}},
	{"kubernetes_ingress_annotations", pyCheck{"dict", dictOf(isStr)}},
	{"kubernetes_ingress_secret_name", pyCheck{"str", isStr}},
	{"kubernetes_ingress_class_name", pyCheck{"str | None", orNone(isStr)}},
	{"kubernetes_ingress_path_type", pyCheck{"str | None", orNone(isStr)}},
	{"kubernetes_httproute_annotations", pyCheck{"dict", dictOf(isStr)}},
	{"kubernetes_httproute_parent_refs", pyCheck{"list", listOf(dictOf(isStr))}},
	{"kubernetes_service_type", pyCheck{"str", isStr}},
	{"kubernetes_disabled_components", pyCheck{"list", listOf(isStr)}},
	{"kubernetes_image_pull_secrets", pyCheck{"list", listOf(isStr)}},
	{"kubernetes_json_patches", pyCheck{"dict[str, list[dict[str, typing.Any]]] | None",
		orNone(dictOf(listOf(dictOf(anyVal))))}},
}

// outpostConfigError validates an outpost config object. It returns the
// 400 message for the config field, or crash when authentik would raise an
// uncaught exception (a refresh_interval that overflows timedelta).
func outpostConfigError(raw json.RawMessage) (msg string, crash bool) {
	v, err := decodePy(raw)
	if err != nil {
		return "", false // parseForm already accepted the body
	}
	cfg, ok := v.(*pyDict)
	if !ok {
		return "Value must be a dictionary, and not have any duplicate keys.", false
	}
	for _, fld := range outpostConfigFields {
		val, present := cfg.vals[fld.name]
		if present && !fld.check.ok(val) {
			return fmt.Sprintf(`Failed to validate config: wrong value type for field "%s" - should be "%s" instead of value "%s" of type "%s"`,
				fld.name, fld.check.name, pyStr(val), pyTypeName(val)), false
		}
	}
	interval := "minutes=5"
	if s, ok := cfg.vals["refresh_interval"].(string); ok {
		interval = s
	}
	return httpapi.DurationError(interval)
}

// checkOutpostConfig records outpostConfigError on the form.
func checkOutpostConfig(f *httpapi.Form, raw json.RawMessage) {
	msg, crash := outpostConfigError(raw)
	switch {
	case crash:
		f.Crash("config")
	case msg != "":
		f.Fail("config", msg)
	}
}
