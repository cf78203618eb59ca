package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// toMap renders a response struct as a generic JSON object: what
// json.Marshal then a decode with UseNumber would give (strings, bools,
// json.Number, nil, []any, map[string]any), built directly by walking the
// value. The round trip was most of the CPU of a list page. Values it does
// not know (json.Marshaler implementations, floats, non-string map keys)
// still take the round trip, so the result is the same either way: the
// package's tests set verifyToMap, so every object any emulator test
// renders is checked against the round trip.
func ToMap(v any) map[string]any {
	m, ok := toValue(reflect.ValueOf(v)).(map[string]any)
	if !ok {
		panic(fmt.Errorf("emulator: render %T: not an object", v))
	}
	if VerifyToMap {
		if want := ToMapJSON(v); !reflect.DeepEqual(m, want) {
			panic(fmt.Errorf("emulator: toMap(%T) = %#v, JSON round trip gives %#v", v, m, want))
		}
	}
	return m
}

// verifyToMap makes toMap check its result against the JSON round trip
// (set by the package's tests).
var VerifyToMap bool

var (
	marshalerType = reflect.TypeFor[json.Marshaler]()
	RawType       = reflect.TypeFor[json.RawMessage]()
	numberType    = reflect.TypeFor[json.Number]()
)

// jsonField is one encoded field of a struct type.
type jsonField struct {
	index     []int
	Name      string
	omitEmpty bool
}

var structFields sync.Map // reflect.Type -> []jsonField

// fieldsOf lists a struct type's JSON fields, embedded structs flattened
// (the outer field wins on a name clash, as encoding/json's dominant field
// rule gives for the emulator's types).
func fieldsOf(t reflect.Type) []jsonField {
	if f, ok := structFields.Load(t); ok {
		return f.([]jsonField)
	}
	var out []jsonField
	seen := map[string]bool{}
	var walk func(t reflect.Type, index []int)
	var embedded []func()
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), index...), i)
			if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
				embedded = append(embedded, func() { walk(sf.Type, idx) })
				continue
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			out = append(out, jsonField{index: idx, Name: name, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
		}
	}
	walk(t, nil)
	for len(embedded) > 0 {
		next := embedded
		embedded = nil
		for _, f := range next {
			f()
		}
	}
	structFields.Store(t, out)
	return out
}

func toValue(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	t := v.Type()
	if t == RawType {
		if v.Len() == 0 {
			return nil
		}
		return roundTrip(v.Interface())
	}
	if t == numberType {
		if v.String() == "" {
			return json.Number("0") // as encoding/json writes it
		}
		return json.Number(v.String())
	}
	if t.Implements(marshalerType) || (t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(marshalerType)) {
		return roundTrip(v.Interface())
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return toValue(v.Elem())
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return json.Number(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return json.Number(strconv.FormatUint(v.Uint(), 10))
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return roundTrip(v.Interface()) // base64
		}
		fallthrough
	case reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = toValue(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		if t.Key().Kind() != reflect.String {
			return roundTrip(v.Interface())
		}
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			out[it.Key().String()] = toValue(it.Value())
		}
		return out
	case reflect.Struct:
		fs := fieldsOf(t)
		out := make(map[string]any, len(fs))
		for _, f := range fs {
			fv := v.FieldByIndex(f.index)
			if f.omitEmpty && isEmptyValue(fv) {
				continue
			}
			out[f.Name] = toValue(fv)
		}
		return out
	}
	return roundTrip(v.Interface())
}

// isEmptyValue is encoding/json's omitempty test.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// roundTrip is the JSON encoding of v decoded back with UseNumber.
func roundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Errorf("emulator: render %T: %w", v, err))
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		panic(fmt.Errorf("emulator: re-decode %T: %w", v, err))
	}
	return out
}

// toMapJSON renders a response struct as a generic JSON object by a JSON
// round trip; toMap (tomap.go) gives the same result without one.
func ToMapJSON(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Errorf("emulator: render %T: %w", v, err))
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		panic(fmt.Errorf("emulator: re-decode %T: %w", v, err))
	}
	return m
}
