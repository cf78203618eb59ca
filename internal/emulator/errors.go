package emulator

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
type resp struct {
	status int
	body   any // JSON-encoded unless rawBody
	hdr    http.Header
}

func detail(status int, msg string) resp {
	return resp{status: status, body: map[string]any{"detail": msg}}
}

// serverError is Django's plain 500 page, for requests that crash authentik.
func serverError() resp {
	return resp{status: http.StatusInternalServerError, body: rawBody("<h1>Server Error (500)</h1>"),
		hdr: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
}

func notFound() resp { return detail(404, "Not found.") }

// noMatch is the 404 of a well-formed but unknown id: "No <Model> matches the given query."
func noMatch(model string) resp {
	return detail(404, fmt.Sprintf("No %s matches the given query.", model))
}

func fieldError(field, msg string) resp {
	return resp{status: 400, body: map[string]any{field: []string{msg}}}
}

func nonFieldError(msg string) resp {
	return resp{status: 400, body: map[string]any{"non_field_errors": []string{msg}}}
}

const (
	msgRequired = "This field is required."
	msgNull     = "This field may not be null."
	msgBlank    = "This field may not be blank."
)

// form is a parsed request body with DRF-style field validation. Errors are
// collected per field; ok() says whether any occurred.
type form struct {
	raw     map[string]json.RawMessage
	partial bool // PATCH: nothing is required
	errs    map[string]any
	crashed bool // a validator raised an uncaught exception: authentik answers 500
}

// parseForm decodes a request body as a JSON object. An empty body is an
// empty object (DRF sees an empty QueryDict).
func parseForm(body []byte, partial bool) (*form, *resp) {
	f := &form{raw: map[string]json.RawMessage{}, partial: partial, errs: map[string]any{}}
	if len(bytes.TrimSpace(body)) == 0 {
		return f, nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		r := detail(400, "JSON parse error - "+err.Error())
		return nil, &r
	}
	if _, isObj := v.(map[string]any); !isObj {
		r := nonFieldError(fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyType(body)))
		return nil, &r
	}
	if err := json.Unmarshal(body, &f.raw); err != nil {
		r := detail(400, "JSON parse error - "+err.Error())
		return nil, &r
	}
	return f, nil
}

func (f *form) ok() bool { return len(f.errs) == 0 }

func (f *form) result() resp {
	if f.crashed {
		return serverError()
	}
	return resp{status: 400, body: f.errs}
}

// crash records that validating k raised an exception DRF does not turn
// into a 400 (e.g. OverflowError), so the request ends in a 500.
func (f *form) crash(k string) {
	f.crashed = true
	f.errs[k] = []string{"server error"}
}

func (f *form) fail(k, msg string) {
	if _, seen := f.errs[k]; !seen {
		f.errs[k] = []string{msg}
	}
}

func (f *form) has(k string) bool { _, ok := f.raw[k]; return ok }

func (f *form) isNull(k string) bool {
	return f.has(k) && string(bytes.TrimSpace(f.raw[k])) == "null"
}

// take checks presence and null-ness. It returns true when the value is
// present and non-null, and records "required"/"null" errors.
func (f *form) take(k string, required, nullable bool) bool {
	if !f.has(k) {
		if required && !f.partial {
			f.fail(k, msgRequired)
		}
		return false
	}
	if f.isNull(k) {
		if !nullable {
			f.fail(k, msgNull)
		}
		return false
	}
	return true
}

// pyType names a JSON value's Python type, as DRF messages do.
func pyType(raw json.RawMessage) string {
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
func scalarString(raw json.RawMessage) (string, bool) {
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
func (f *form) str(k string, required, allowBlank bool, dst *string) bool {
	if !f.take(k, required, false) {
		return false
	}
	s, ok := scalarString(f.raw[k])
	if !ok {
		f.fail(k, "Not a valid string.")
		return false
	}
	s = strings.TrimSpace(s)
	if s == "" && !allowBlank {
		f.fail(k, msgBlank)
		return false
	}
	*dst = s
	return true
}

// nullStr reads a nullable CharField.
func (f *form) nullStr(k string, dst **string) bool {
	if f.isNull(k) {
		*dst = nil
		return true
	}
	var s string
	if !f.str(k, false, true, &s) {
		return false
	}
	*dst = &s
	return true
}

func (f *form) boolean(k string, dst *bool) bool {
	if !f.take(k, false, false) {
		return false
	}
	var b bool
	if err := json.Unmarshal(f.raw[k], &b); err == nil {
		*dst = b
		return true
	}
	if s, ok := scalarString(f.raw[k]); ok {
		switch strings.ToLower(s) {
		case "true", "1", "yes", "on", "y", "t":
			*dst = true
			return true
		case "false", "0", "no", "off", "n", "f":
			*dst = false
			return true
		}
	}
	f.fail(k, "Must be a valid boolean.")
	return false
}

func (f *form) integer(k string, required bool, min, max int64, dst *int) bool {
	if !f.take(k, required, false) {
		return false
	}
	n, msg := drfInteger(f.raw[k])
	if msg != "" {
		f.fail(k, msg)
		return false
	}
	if n.Cmp(big.NewInt(min)) < 0 {
		f.fail(k, fmt.Sprintf("Ensure this value is greater than or equal to %d.", min))
		return false
	}
	if n.Cmp(big.NewInt(max)) > 0 {
		f.fail(k, fmt.Sprintf("Ensure this value is less than or equal to %d.", max))
		return false
	}
	*dst = int(n.Int64())
	return true
}

func (f *form) choice(k string, required bool, choices []string, dst *string) bool {
	if !f.take(k, required, false) {
		return false
	}
	s, ok := scalarString(f.raw[k])
	if !ok || !slices.Contains(choices, s) {
		f.fail(k, fmt.Sprintf("%q is not a valid choice.", displayValue(f.raw[k])))
		return false
	}
	*dst = s
	return true
}

func displayValue(raw json.RawMessage) string {
	if s, ok := scalarString(raw); ok {
		return s
	}
	return string(raw)
}

func invalidPK(v string) string { return fmt.Sprintf("Invalid pk %q - object does not exist.", v) }

func incorrectType(raw json.RawMessage) string {
	return fmt.Sprintf("Incorrect type. Expected pk value, received %s.", pyType(raw))
}

// uuidRef reads a PrimaryKeyRelatedField to an object with a uuid pk.
// exists returns the canonical pk of the object or "".
func (f *form) uuidRef(k string, required, nullable bool, exists func(string) string, dst **string) bool {
	if f.isNull(k) && nullable {
		*dst = nil
		return true
	}
	if !f.take(k, required, nullable) {
		return false
	}
	v, ok := f.uuidItem(f.raw[k], exists)
	if !ok {
		f.errs[k] = []string{v}
		return false
	}
	*dst = &v
	return true
}

// uuidItem resolves one related uuid; on failure it returns the message.
// PrimaryKeyRelatedField does queryset.get(pk=value): a string that Django's
// UUIDField cannot parse raises its ValidationError ("“abc” is not a valid
// UUID."), an integer is read as UUID(int=n) and so is simply not found.
func (f *form) uuidItem(raw json.RawMessage, exists func(string) string) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		if pyType(raw) == "int" {
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
func (f *form) intItem(raw json.RawMessage, exists func(int32) bool) (int32, string) {
	s, ok := scalarString(raw)
	if !ok || pyType(raw) == "float" {
		return 0, incorrectType(raw)
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || !exists(int32(n)) {
		return 0, invalidPK(s)
	}
	return int32(n), ""
}

func (f *form) intRef(k string, required, nullable bool, exists func(int32) bool, dst **int32) bool {
	if f.isNull(k) && nullable {
		*dst = nil
		return true
	}
	if !f.take(k, required, nullable) {
		return false
	}
	n, msg := f.intItem(f.raw[k], exists)
	if msg != "" {
		f.errs[k] = []string{msg}
		return false
	}
	*dst = &n
	return true
}

// list splits a JSON list field; it records DRF's "Expected a list" error.
func (f *form) list(k string, required, allowEmpty bool) ([]json.RawMessage, bool) {
	if !f.take(k, required, false) {
		return nil, false
	}
	var items []json.RawMessage
	if err := json.Unmarshal(f.raw[k], &items); err != nil {
		f.fail(k, fmt.Sprintf("Expected a list of items but got type %q.", pyType(f.raw[k])))
		return nil, false
	}
	if len(items) == 0 && !allowEmpty {
		f.fail(k, "This list may not be empty.")
		return nil, false
	}
	return items, true
}

func (f *form) uuidList(k string, required bool, exists func(string) string, dst *[]string) bool {
	items, ok := f.list(k, required, true)
	if !ok {
		return false
	}
	out := []string{}
	for _, it := range items {
		v, ok := f.uuidItem(it, exists)
		if !ok {
			f.errs[k] = []string{v}
			return false
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	*dst = out
	return true
}

func (f *form) intList(k string, required, allowEmpty bool, exists func(int32) bool, dst *[]int32) bool {
	items, ok := f.list(k, required, allowEmpty)
	if !ok {
		return false
	}
	out := []int32{}
	for _, it := range items {
		n, msg := f.intItem(it, exists)
		if msg != "" {
			f.errs[k] = []string{msg}
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
func (f *form) object(k string, required bool, dst *json.RawMessage) bool {
	if !f.take(k, required, false) {
		return false
	}
	if pyType(f.raw[k]) != "dict" {
		f.fail(k, "Value must be a dictionary, and not have any duplicate keys.")
		return false
	}
	*dst = append(json.RawMessage(nil), f.raw[k]...)
	return true
}
