package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// resp is what every API handler returns: a status and a JSON body
// (nil body means no body, as for 204).
type Resp struct {
	Status int
	Body   any // JSON-encoded unless rawBody
	Hdr    http.Header
}

func Detail(status int, msg string) Resp {
	return Resp{Status: status, Body: map[string]any{"detail": msg}}
}

// serverError is Django's plain 500 page, for requests that crash authentik.
func ServerError() Resp {
	return Resp{Status: http.StatusInternalServerError, Body: RawBody("<h1>Server Error (500)</h1>"),
		Hdr: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
}

func NotFound() Resp { return Detail(404, "Not found.") }

// noMatch is the 404 of a well-formed but unknown id: "No <Model> matches the given query."
func NoMatch(model string) Resp {
	return Detail(404, fmt.Sprintf("No %s matches the given query.", model))
}

func FieldError(field, msg string) Resp {
	return Resp{Status: 400, Body: map[string]any{field: []string{msg}}}
}

func NonFieldError(msg string) Resp {
	return Resp{Status: 400, Body: map[string]any{"non_field_errors": []string{msg}}}
}

const (
	MsgRequired = "This field is required."
	MsgNull     = "This field may not be null."
	msgBlank    = "This field may not be blank."
)

// form is a parsed request body with DRF-style field validation. Errors are
// collected per field; ok() says whether any occurred.
type Form struct {
	Raw     map[string]json.RawMessage
	Partial bool // PATCH: nothing is required
	Errs    map[string]any
	crashed bool // a validator raised an uncaught exception: authentik answers 500
}

// parseForm decodes a request body as a JSON object. An empty body is an
// empty object (DRF sees an empty QueryDict).
func ParseForm(body []byte, partial bool) (*Form, *Resp) {
	f := &Form{Raw: map[string]json.RawMessage{}, Partial: partial, Errs: map[string]any{}}
	if len(bytes.TrimSpace(body)) == 0 {
		return f, nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		r := Detail(400, "JSON parse error - "+err.Error())
		return nil, &r
	}
	if _, isObj := v.(map[string]any); !isObj {
		r := NonFieldError(fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", PyType(body)))
		return nil, &r
	}
	if err := json.Unmarshal(body, &f.Raw); err != nil {
		r := Detail(400, "JSON parse error - "+err.Error())
		return nil, &r
	}
	return f, nil
}

func (f *Form) Ok() bool { return len(f.Errs) == 0 }

func (f *Form) Result() Resp {
	if f.crashed {
		return ServerError()
	}
	return Resp{Status: 400, Body: f.Errs}
}

// crash records that validating k raised an exception DRF does not turn
// into a 400 (e.g. OverflowError), so the request ends in a 500.
func (f *Form) Crash(k string) {
	f.crashed = true
	f.Errs[k] = []string{"server error"}
}

func (f *Form) Fail(k, msg string) {
	if _, seen := f.Errs[k]; !seen {
		f.Errs[k] = []string{msg}
	}
}

func (f *Form) Has(k string) bool { _, ok := f.Raw[k]; return ok }

func (f *Form) IsNull(k string) bool {
	return f.Has(k) && string(bytes.TrimSpace(f.Raw[k])) == "null"
}

// take checks presence and null-ness. It returns true when the value is
// present and non-null, and records "required"/"null" errors.
func (f *Form) Take(k string, required, nullable bool) bool {
	if !f.Has(k) {
		if required && !f.Partial {
			f.Fail(k, MsgRequired)
		}
		return false
	}
	if f.IsNull(k) {
		if !nullable {
			f.Fail(k, MsgNull)
		}
		return false
	}
	return true
}

// pyType names a JSON value's Python type, as DRF messages do.
func PyType(raw json.RawMessage) string {
	s := bytes.TrimSpace(raw)
	if len(s) == 0 {
		return "NoneType"
	}
	switch s[0] {
	case '"':
		return "str"
	case '[':
		return "list"
	case '{':
		return "dict"
	case 't', 'f':
		return "bool"
	case 'n':
		return "NoneType"
	}
	if bytes.ContainsAny(s, ".eE") {
		return "float"
	}
	return "int"
}

// scalarString decodes a JSON string or number the way DRF's CharField does.
func ScalarString(raw json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, true
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), true
	}
	return "", false
}

// str reads a CharField (whitespace trimmed).
func (f *Form) Str(k string, required, allowBlank bool, dst *string) bool {
	if !f.Take(k, required, false) {
		return false
	}
	s, ok := ScalarString(f.Raw[k])
	if !ok {
		f.Fail(k, "Not a valid string.")
		return false
	}
	s = strings.TrimSpace(s)
	if s == "" && !allowBlank {
		f.Fail(k, msgBlank)
		return false
	}
	*dst = s
	return true
}

// nullStr reads a nullable CharField.
func (f *Form) NullStr(k string, dst **string) bool {
	if f.IsNull(k) {
		*dst = nil
		return true
	}
	var s string
	if !f.Str(k, false, true, &s) {
		return false
	}
	*dst = &s
	return true
}

func (f *Form) Boolean(k string, dst *bool) bool {
	if !f.Take(k, false, false) {
		return false
	}
	var b bool
	if err := json.Unmarshal(f.Raw[k], &b); err == nil {
		*dst = b
		return true
	}
	if s, ok := ScalarString(f.Raw[k]); ok {
		switch strings.ToLower(s) {
		case "true", "1", "yes", "on", "y", "t":
			*dst = true
			return true
		case "false", "0", "no", "off", "n", "f":
			*dst = false
			return true
		}
	}
	f.Fail(k, "Must be a valid boolean.")
	return false
}

func (f *Form) Integer(k string, required bool, min, max int64, dst *int) bool {
	if !f.Take(k, required, false) {
		return false
	}
	n, msg := drfInteger(f.Raw[k])
	if msg != "" {
		f.Fail(k, msg)
		return false
	}
	if n.Cmp(big.NewInt(min)) < 0 {
		f.Fail(k, fmt.Sprintf("Ensure this value is greater than or equal to %d.", min))
		return false
	}
	if n.Cmp(big.NewInt(max)) > 0 {
		f.Fail(k, fmt.Sprintf("Ensure this value is less than or equal to %d.", max))
		return false
	}
	*dst = int(n.Int64())
	return true
}

func (f *Form) Choice(k string, required bool, choices []string, dst *string) bool {
	if !f.Take(k, required, false) {
		return false
	}
	s, ok := ScalarString(f.Raw[k])
	if !ok || !slices.Contains(choices, s) {
		f.Fail(k, fmt.Sprintf("%q is not a valid choice.", DisplayValue(f.Raw[k])))
		return false
	}
	*dst = s
	return true
}

func DisplayValue(raw json.RawMessage) string {
	if s, ok := ScalarString(raw); ok {
		return s
	}
	return string(raw)
}

func invalidPK(v string) string { return fmt.Sprintf("Invalid pk %q - object does not exist.", v) }

func incorrectType(raw json.RawMessage) string {
	return fmt.Sprintf("Incorrect type. Expected pk value, received %s.", PyType(raw))
}

// uuidRef reads a PrimaryKeyRelatedField to an object with a uuid pk.
// exists returns the canonical pk of the object or "".
func (f *Form) UUIDRef(k string, required, nullable bool, exists func(string) string, dst **string) bool {
	if f.IsNull(k) && nullable {
		*dst = nil
		return true
	}
	if !f.Take(k, required, nullable) {
		return false
	}
	v, ok := f.UUIDItem(f.Raw[k], exists)
	if !ok {
		f.Errs[k] = []string{v}
		return false
	}
	*dst = &v
	return true
}

// uuidItem resolves one related uuid; on failure it returns the message.
// PrimaryKeyRelatedField does queryset.get(pk=value): a string that Django's
// UUIDField cannot parse raises its ValidationError ("“abc” is not a valid
// UUID."), an integer is read as UUID(int=n) and so is simply not found.
func (f *Form) UUIDItem(raw json.RawMessage, exists func(string) string) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		if PyType(raw) == "int" {
			return invalidPK(string(raw)), false
		}
		return incorrectType(raw), false
	}
	canon, ok := pyUUID(s)
	if !ok {
		return fmt.Sprintf("“%s” is not a valid UUID.", s), false
	}
	pk := exists(canon)
	if pk == "" {
		return invalidPK(s), false
	}
	return pk, true
}

// pyUUID parses s as Python's uuid.UUID(hex=s) does (optional "urn:" and
// "uuid:", braces, hyphens anywhere) and returns the canonical form.
func pyUUID(s string) (string, bool) {
	h := strings.ReplaceAll(strings.ReplaceAll(s, "urn:", ""), "uuid:", "")
	h = strings.ReplaceAll(strings.Trim(h, "{}"), "-", "")
	if len(h) != 32 {
		return "", false
	}
	for _, c := range h {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return "", false
		}
	}
	h = strings.ToLower(h)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], true
}

// intItem resolves one related integer pk; on failure it returns the message.
func (f *Form) intItem(raw json.RawMessage, exists func(int32) bool) (int32, string) {
	s, ok := ScalarString(raw)
	if !ok || PyType(raw) == "float" {
		return 0, incorrectType(raw)
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || !exists(int32(n)) {
		return 0, invalidPK(s)
	}
	return int32(n), ""
}

func (f *Form) IntRef(k string, required, nullable bool, exists func(int32) bool, dst **int32) bool {
	if f.IsNull(k) && nullable {
		*dst = nil
		return true
	}
	if !f.Take(k, required, nullable) {
		return false
	}
	n, msg := f.intItem(f.Raw[k], exists)
	if msg != "" {
		f.Errs[k] = []string{msg}
		return false
	}
	*dst = &n
	return true
}

// list splits a JSON list field; it records DRF's "Expected a list" error.
func (f *Form) List(k string, required, allowEmpty bool) ([]json.RawMessage, bool) {
	if !f.Take(k, required, false) {
		return nil, false
	}
	var items []json.RawMessage
	if err := json.Unmarshal(f.Raw[k], &items); err != nil {
		f.Fail(k, fmt.Sprintf("Expected a list of items but got type %q.", PyType(f.Raw[k])))
		return nil, false
	}
	if len(items) == 0 && !allowEmpty {
		f.Fail(k, "This list may not be empty.")
		return nil, false
	}
	return items, true
}

func (f *Form) UUIDList(k string, required bool, exists func(string) string, dst *[]string) bool {
	items, ok := f.List(k, required, true)
	if !ok {
		return false
	}
	out := []string{}
	for _, it := range items {
		v, ok := f.UUIDItem(it, exists)
		if !ok {
			f.Errs[k] = []string{v}
			return false
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	*dst = out
	return true
}

func (f *Form) IntList(k string, required, allowEmpty bool, exists func(int32) bool, dst *[]int32) bool {
	items, ok := f.List(k, required, allowEmpty)
	if !ok {
		return false
	}
	out := []int32{}
	for _, it := range items {
		n, msg := f.intItem(it, exists)
		if msg != "" {
			f.Errs[k] = []string{msg}
			return false
		}
		dup := false
		for _, o := range out {
			dup = dup || o == n
		}
		if !dup {
			out = append(out, n)
		}
	}
	*dst = out
	return true
}

// object reads a JSONDictField (authentik/core/api/utils.py: a JSONField
// with the is_dict validator); the value is kept verbatim.
func (f *Form) Object(k string, required bool, dst *json.RawMessage) bool {
	if !f.Take(k, required, false) {
		return false
	}
	if PyType(f.Raw[k]) != "dict" {
		f.Fail(k, "Value must be a dictionary, and not have any duplicate keys.")
		return false
	}
	*dst = append(json.RawMessage(nil), f.Raw[k]...)
	return true
}
