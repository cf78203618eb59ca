package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/provision/provision/internal/manifest"
)

// secretKeyWords mark a free-form key (group attributes, outpost config)
// whose live value, read from authentik, is treated as a secret read from
// authentik: password, token, secret, key. What the manifest writes there
// is shown (the pull request shows it anyway); masking a literal by its
// key's name would only hide it from the reviewer.
var secretKeyWords = []string{"password", "passwd", "token", "secret", "key", "credential"}

// freeFormPrefixes are the fields whose sub-keys the manifest author names.
var freeFormPrefixes = []string{"attributes.", "config."}

// annotate marks the plan's fields after they are computed, by the field
// classes of manifest.ClassOf (the one table, for every kind):
//   - server code (an expression) runs on the server: flagged, shown whole;
//   - a value showing a sensitive variable's value is masked as a field,
//     except in fields shown whole (server code, public fields such as
//     redirect URIs), where a manifest cannot put one (substitution refuses
//     it) and only the real secret's text is masked where it appears, by
//     value (the redactor), never the field;
//   - the live value of a free-form key that looks secret is hidden
//     (BeforeSensitive); the manifest's own value is shown.
func annotate(p *Plan, m *manifest.Manifest) {
	values := m.SensitiveValues()
	for i := range p.Changes {
		c := &p.Changes[i]
		for j := range c.Fields {
			f := &c.Fields[j]
			class := manifest.ClassOf(f.Field)
			if class == manifest.ServerCode {
				f.RunsOnServer = true
			}
			if f.Sensitive || class != manifest.Ordinary {
				continue
			}
			if showsAny(f.Before, values) || showsAny(f.After, values) {
				f.Sensitive = true
				continue
			}
			if f.Before != nil && secretKey(f.Field, f.Before) {
				f.BeforeSensitive = true
			}
		}
	}
}

// secretKey reports whether a free-form field (attributes.x, config.x)
// names a key that looks secret, or holds an object with such a key at any
// depth (values are JSON text for objects and lists).
func secretKey(field string, values ...any) bool {
	for _, prefix := range freeFormPrefixes {
		if rest, ok := strings.CutPrefix(field, prefix); ok {
			if looksSecret(rest) {
				return true
			}
			for _, v := range values {
				s, ok := v.(string)
				if !ok || !(strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")) {
					continue
				}
				var decoded any
				if json.Unmarshal([]byte(s), &decoded) == nil && nestedSecretKey(decoded) {
					return true
				}
			}
		}
	}
	return false
}

func nestedSecretKey(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if looksSecret(k) || nestedSecretKey(x) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if nestedSecretKey(x) {
				return true
			}
		}
	}
	return false
}

// SecretLooking reports whether a free-form key, or any key inside its
// value, looks like it holds a secret (password, token, secret, key,
// credential): plans show such a field as (sensitive), and export leaves it
// out.
func SecretLooking(key string, value any) bool {
	return looksSecret(key) || nestedSecretKey(NormalizeJSON(value))
}

func looksSecret(key string) bool {
	k := strings.ToLower(key)
	for _, w := range secretKeyWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// showsAny reports whether a display value contains one of the values.
func showsAny(v any, values []string) bool {
	if v == nil || len(values) == 0 {
		return false
	}
	s := fmt.Sprint(v)
	for _, x := range values {
		if x == "" {
			continue
		}
		// Objects and lists are shown as JSON text, where the value
		// appears escaped ("\"", "\\", "\u003c").
		for _, form := range []string{x, jsonEscaped(x, true), jsonEscaped(x, false)} {
			if strings.Contains(s, form) {
				return true
			}
		}
	}
	return false
}

// jsonEscaped is s as it appears inside a JSON string.
func jsonEscaped(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	if enc.Encode(s) != nil {
		return s
	}
	out := bytes.TrimSpace(b.Bytes())
	return string(out[1 : len(out)-1])
}

// RunsOnServer reports whether the change sets code that runs on the
// authentik server.
func (c *Change) RunsOnServer() bool {
	for _, f := range c.Fields {
		if f.RunsOnServer {
			return true
		}
	}
	return false
}
