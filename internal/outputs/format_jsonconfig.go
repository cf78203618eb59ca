package outputs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// jsonConfigFormat merges provision's settings into an application's own
// JSON config file (Immich's IMMICH_CONFIG_FILE): each setting's key is a
// dotted path ("oauth.clientId"), objects on the way are created, and every
// other key of the file is kept, in its place. A Var marked Literal is
// written as the JSON literal it holds (true, 30000, null), others as
// strings. Parse flattens the file's scalars back to dotted keys, literals
// as their JSON text, so that settings compare as strings.
type jsonConfigFormat struct{}

func (jsonConfigFormat) Name() string { return "json-config" }

func (jsonConfigFormat) CheckValue(key, value string) error {
	for _, part := range strings.Split(key, ".") {
		if part == "" {
			return fmt.Errorf("%q is not a dotted path of JSON keys", key)
		}
	}
	if !utf8.ValidString(value) {
		return fmt.Errorf("the value of %s is not valid UTF-8", key)
	}
	return nil
}

func (jsonConfigFormat) Check(secretName, namespace string) []Problem {
	return metaOnlyForSecret(secretName, namespace)
}

func (jsonConfigFormat) Parse(data []byte) (map[string]string, error) {
	obj, err := decodeConfig(data)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	flatten("", obj, out)
	return out, nil
}

func (jsonConfigFormat) Render(existing []byte, vars []Var, _ Meta) ([]byte, bool, error) {
	obj, err := decodeConfig(existing)
	if err != nil {
		return nil, false, fmt.Errorf("%w; provision does not merge into it", err)
	}
	for _, v := range vars {
		var val any = v.Value
		if v.Literal {
			if !json.Valid([]byte(v.Value)) {
				return nil, false, fmt.Errorf("%s: %q is not a JSON literal", v.Key, v.Value)
			}
			val = json.RawMessage(v.Value)
		}
		if err := obj.set(strings.Split(v.Key, "."), val); err != nil {
			return nil, false, err
		}
	}
	var b bytes.Buffer
	encodeConfig(&b, obj, "")
	b.WriteByte('\n')
	return b.Bytes(), !bytes.Equal(b.Bytes(), existing), nil
}

// jobject is a JSON object that keeps its keys' order.
type jobject struct {
	keys []string
	vals map[string]any
}

func newJObject() *jobject { return &jobject{vals: map[string]any{}} }

// set puts val at path, creating the objects on the way.
func (o *jobject) set(path []string, val any) error {
	cur := o
	for i, k := range path[:len(path)-1] {
		next, ok := cur.vals[k]
		if !ok {
			n := newJObject()
			cur.keys = append(cur.keys, k)
			cur.vals[k] = n
			cur = n
			continue
		}
		n, isObj := next.(*jobject)
		if !isObj {
			return fmt.Errorf("%s is not a JSON object in the file, so %s cannot be set; fix the file", strings.Join(path[:i+1], "."), strings.Join(path, "."))
		}
		cur = n
	}
	last := path[len(path)-1]
	if _, ok := cur.vals[last]; !ok {
		cur.keys = append(cur.keys, last)
	}
	cur.vals[last] = val
	return nil
}

// decodeConfig reads a JSON object, keeping key order (empty: a new one).
func decodeConfig(data []byte) (*jobject, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return newJObject(), nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeJSON(dec)
	if err != nil {
		return nil, errors.New("it is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("it holds more than one JSON value")
	}
	obj, ok := v.(*jobject)
	if !ok {
		return nil, errors.New("it is not a JSON object")
	}
	return obj, nil
}

func decodeJSON(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := newJObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeJSON(dec)
				if err != nil {
					return nil, err
				}
				if _, dup := o.vals[k]; !dup {
					o.keys = append(o.keys, k)
				}
				o.vals[k] = v
			}
			_, err := dec.Token()
			return o, err
		case '[':
			var a []any
			for dec.More() {
				v, err := decodeJSON(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		return t, nil // string, json.Number, bool, nil
	}
}

// encodeConfig writes v indented by two spaces per level.
func encodeConfig(b *bytes.Buffer, v any, indent string) {
	switch t := v.(type) {
	case *jobject:
		if len(t.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, k := range t.keys {
			b.WriteString(indent + "  ")
			writeJSONString(b, k)
			b.WriteString(": ")
			encodeConfig(b, t.vals[k], indent+"  ")
			if i < len(t.keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case []any:
		if len(t) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, e := range t {
			b.WriteString(indent + "  ")
			encodeConfig(b, e, indent+"  ")
			if i < len(t)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	case string:
		writeJSONString(b, t)
	case json.Number:
		b.WriteString(t.String())
	case json.RawMessage:
		b.Write(bytes.TrimSpace(t))
	case bool:
		fmt.Fprintf(b, "%t", t)
	case nil:
		b.WriteString("null")
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	var sb bytes.Buffer
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Write(bytes.TrimSuffix(sb.Bytes(), []byte("\n")))
}

// flatten puts o's scalars into out by dotted path.
func flatten(prefix string, o *jobject, out map[string]string) {
	for _, k := range o.keys {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		switch t := o.vals[k].(type) {
		case *jobject:
			flatten(path, t, out)
		case string:
			out[path] = t
		case json.Number:
			out[path] = t.String()
		case bool:
			out[path] = fmt.Sprintf("%t", t)
		case nil:
			out[path] = "null"
		}
	}
}
