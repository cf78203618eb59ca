package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"
)

// encodeJSON is json.Marshal for response bodies, byte for byte (sorted
// object keys, HTML-safe escaping), with a fast path for the generic values
// handlers build (map[string]any, slices, strings, bools, json.Number,
// ints, nil). Anything else goes through json.Marshal. encoding/json's
// reflection over map[string]any was half the CPU of a list page. In the
// package's tests every body is also checked against json.Marshal
// (verifyToMap).
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := appendJSON(&buf, v); err != nil {
		return nil, err
	}
	out := buf.Bytes()
	if VerifyToMap {
		want, err := json.Marshal(v)
		if err != nil || !bytes.Equal(out, want) {
			panic(fmt.Errorf("emulator: encodeJSON differs from json.Marshal (%v):\n%s\n%s", err, out, want))
		}
	}
	return out, nil
}

func appendJSON(buf *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case string:
		appendString(buf, x)
	case bool:
		buf.WriteString(strconv.FormatBool(x))
	case json.Number:
		if x == "" {
			buf.WriteByte('0')
			return nil
		}
		if !json.Valid([]byte(x)) {
			return marshalInto(buf, v)
		}
		buf.WriteString(string(x))
	case int:
		buf.WriteString(strconv.Itoa(x))
	case map[string]any:
		if x == nil {
			buf.WriteString("null")
			return nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			appendString(buf, k)
			buf.WriteByte(':')
			if err := appendJSON(buf, x[k]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case []any:
		return appendArray(buf, x)
	case []map[string]any:
		return appendArray(buf, x)
	default:
		return marshalInto(buf, v)
	}
	return nil
}

// appendArray writes a slice as a JSON array (null when nil).
func appendArray[T any](buf *bytes.Buffer, xs []T) error {
	if xs == nil {
		buf.WriteString("null")
		return nil
	}
	buf.WriteByte('[')
	for i, e := range xs {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := appendJSON(buf, e); err != nil {
			return err
		}
	}
	buf.WriteByte(']')
	return nil
}

func marshalInto(buf *bytes.Buffer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}

// appendString writes s as encoding/json does; strings that need any
// escaping beyond quotes and backslashes take json.Marshal.
func appendString(buf *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '<' || c == '>' || c == '&' || c == '"' || c == '\\' {
			b, _ := json.Marshal(s)
			buf.Write(b)
			return
		}
	}
	buf.WriteByte('"')
	buf.WriteString(s)
	buf.WriteByte('"')
}
