package contract

import (
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Kinds of Violation.
const (
	KindRequest  = "request"
	KindResponse = "response"
)

// Violation is one exchange that breaks the contract.
type Violation struct {
	Operation string // operationId, e.g. core_applications_create; "" for unknown routes
	Method    string
	Path      string // URL path
	Status    int    // status of the response
	Kind      string // KindRequest or KindResponse
	Err       error  // the kin-openapi validation error
}

// Error describes the violation by operation and failing fields, e.g.
//
//	core_applications_list response 200 (GET /api/v3/core/applications/): field "results/0/slug": property "slug" is missing
func (v Violation) Error() string {
	op := v.Operation
	if op == "" {
		op = "(unknown operation)"
	}
	return fmt.Sprintf("%s %s %d (%s %s): %s", op, v.Kind, v.Status, v.Method, v.Path, Describe(v.Err))
}

// String is Error.
func (v Violation) String() string { return v.Error() }

// Unwrap returns the underlying validation error.
func (v Violation) Unwrap() error { return v.Err }

// maxProblems bounds how many failing fields one message lists.
const maxProblems = 10

// Describe renders a kin-openapi validation error compactly, one
// `field "json/pointer": reason` per failing value, without the schema dumps
// kin-openapi's own messages carry.
func Describe(err error) string {
	if err == nil {
		return "<nil>"
	}
	var parts []string
	collect(err, "", &parts)
	if len(parts) == 0 {
		return err.Error()
	}
	if len(parts) > maxProblems {
		parts = append(parts[:maxProblems], fmt.Sprintf("and %d more", len(parts)-maxProblems))
	}
	return strings.Join(parts, "; ")
}

// collect appends a description of each leaf problem within err. prefix
// says where (request body, parameter) the problem lies.
func collect(err error, prefix string, parts *[]string) {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, sub := range e {
			collect(sub, prefix, parts)
		}
	case *openapi3filter.RequestError:
		if e.Err == nil || !hasSchemaError(e.Err) {
			*parts = append(*parts, prefix+e.Error()) // names the parameter or body itself
			return
		}
		switch {
		case e.Parameter != nil:
			prefix += fmt.Sprintf("parameter %q in %s: ", e.Parameter.Name, e.Parameter.In)
		case e.RequestBody != nil:
			prefix += "body: "
		}
		collect(e.Err, prefix, parts)
	case *openapi3filter.ResponseError:
		if e.Err == nil || !hasSchemaError(e.Err) {
			*parts = append(*parts, prefix+e.Error())
			return
		}
		collect(e.Err, prefix, parts)
	case *openapi3.SchemaError:
		// allOf/oneOf/anyOf failures carry the failures of their branches.
		// drf-spectacular wraps every $ref'd enum in a one-branch allOf, so
		// an allOf failure is just its branches' failures; for oneOf/anyOf
		// each branch's failures are listed in brackets.
		if e.Origin != nil && hasSchemaError(e.Origin) {
			if e.SchemaField == "allOf" {
				collect(e.Origin, prefix, parts)
				return
			}
			var branches []string
			collect(e.Origin, "", &branches)
			*parts = append(*parts, prefix+schemaProblem(e)+" ["+strings.Join(branches, " | ")+"]")
			return
		}
		*parts = append(*parts, prefix+schemaProblem(e))
	default:
		if u, ok := err.(interface{ Unwrap() []error }); ok {
			for _, sub := range u.Unwrap() {
				collect(sub, prefix, parts)
			}
			return
		}
		if sub := errors.Unwrap(err); sub != nil && hasSchemaError(sub) {
			collect(sub, prefix, parts)
			return
		}
		*parts = append(*parts, prefix+err.Error())
	}
}

func hasSchemaError(err error) bool {
	var se *openapi3.SchemaError
	var me openapi3.MultiError
	return errors.As(err, &se) || errors.As(err, &me)
}

// schemaProblem renders one schema failure with its JSON pointer and, for
// short scalar values, the offending value.
func schemaProblem(e *openapi3.SchemaError) string {
	field := strings.Join(e.JSONPointer(), "/")
	reason := e.Reason
	if reason == "" {
		reason = fmt.Sprintf("does not match %q", e.SchemaField)
	}
	var value string
	switch x := e.Value.(type) {
	case string:
		if len(x) <= 80 {
			value = fmt.Sprintf(" (got %q)", x)
		}
	case bool, float64, int, int64:
		value = fmt.Sprintf(" (got %v)", x)
	case nil:
		if e.SchemaField == "nullable" {
			value = " (got null)"
		}
	}
	if e.SchemaField == "required" {
		value = "" // the value is the parent object
	}
	if field == "" {
		return reason + value
	}
	return fmt.Sprintf("field %q: %s%s", field, reason, value)
}
