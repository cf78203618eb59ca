// Package render formats what provision shows and writes: plans as text or
// JSON, apply progress. It makes no decisions and does no network I/O.
package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/plan"
)

// Sensitive is printed instead of a secret value.
const Sensitive = "(sensitive)"

// TextOptions control the human plan output.
type TextOptions struct {
	// Color adds ANSI colours to the action symbols.
	Color bool
}

const (
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	red    = "\x1b[31m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// Text writes a plan the way Terraform does: one block per change with
// "+" create, "~" update (before -> after) and "-" delete, then a summary.
func Text(w io.Writer, p *plan.Plan, o TextOptions) error {
	tw := &textWriter{w: w, color: o.Color}
	if !p.HasChanges() {
		tw.printf("%sNo changes.%s authentik matches the manifest.\n", tw.c(bold), tw.c(reset))
		notPrunedText(tw, p.Ownership)
		keptText(tw, p.Kept)
		warningsText(tw, p.Warnings)
		outputsText(tw, p) // standard output is printed at each apply
		return tw.err
	}
	tw.printf("provision will perform the following actions:\n")
	for _, c := range p.Changes {
		tw.printf("\n")
		sym, col, verb := symbol(c.Action)
		if c.MovedFrom != "" {
			verb = fmt.Sprintf("renamed from %q, in place", c.MovedFrom)
		}
		tw.printf("  %s# %s will be %s%s", tw.c(bold), objectLabel(c.Kind, c.Key), verb, tw.c(reset))
		if c.Source != "" {
			tw.printf(" (%s)", c.Source)
		}
		tw.printf("\n")
		for _, n := range c.Notes {
			tw.printf("  # (%s)\n", n)
		}
		for _, w := range c.Warnings {
			tw.printf("  %s# warning: %s%s\n", tw.c(bold), w, tw.c(reset))
		}
		if c.Action == plan.Delete {
			tw.printf("  %s%s%s %s\n", tw.c(col), sym, tw.c(reset), objectLabel(c.Kind, c.Key))
			continue
		}
		if c.MovedFrom != "" {
			tw.printf("  %s%s%s %s %q -> %q {\n", tw.c(col), sym, tw.c(reset), c.Kind, c.MovedFrom, c.Key)
		} else {
			tw.printf("  %s%s%s %s {\n", tw.c(col), sym, tw.c(reset), objectLabel(c.Kind, c.Key))
		}
		width := 0
		for _, f := range c.Fields {
			width = max(width, len(f.Field))
		}
		for _, f := range c.Fields {
			fsym, fcol := "~", yellow
			if c.Action == plan.Create || f.Before == nil {
				fsym, fcol = "+", green
			}
			if f.RunsOnServer && !f.Sensitive {
				tw.codeField(fsym, fcol, f.Field, width, f)
				continue
			}
			tw.printf("      %s%s%s %-*s = %s\n", tw.c(fcol), fsym, tw.c(reset), width, f.Field, fieldValue(f, c.Action == plan.Create))
		}
		tw.printf("    }\n")
	}
	ownershipText(tw, p.Ownership)
	notPrunedText(tw, p.Ownership)
	keptText(tw, p.Kept)
	warningsText(tw, p.Warnings)
	outputsText(tw, p)
	add, change, destroy := p.Summary()
	tw.printf("\n%sPlan:%s %d to add, %d to change, %d to destroy.\n", tw.c(bold), tw.c(reset), add, change, destroy)
	return tw.err
}

func symbol(a plan.Action) (sym, color, verb string) {
	switch a {
	case plan.Create:
		return "+", green, "created"
	case plan.Delete:
		return "-", red, "destroyed"
	}
	return "~", yellow, "updated in place"
}

func fieldValue(f plan.FieldChange, create bool) string {
	if f.Sensitive {
		if create || f.Before == nil {
			return Sensitive
		}
		return Sensitive + " -> " + Sensitive
	}
	if create || f.Before == nil {
		return Value(f.After)
	}
	if f.BeforeSensitive {
		return Sensitive + " -> " + Value(f.After)
	}
	return Value(f.Before) + " -> " + Value(f.After)
}

// Value formats a display value: strings quoted, lists in brackets.
func Value(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(t)
	case bool:
		return strconv.FormatBool(t)
	case []string:
		q := make([]string, len(t))
		for i, s := range t {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return fmt.Sprint(v)
}

type textWriter struct {
	w     io.Writer
	color bool
	err   error
}

func (t *textWriter) c(code string) string {
	if !t.color {
		return ""
	}
	return code
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, format, args...)
}

// DestroyWarnings repeats what the plan's destroys lose (their warnings),
// for the apply prompt: the last thing read before answering yes.
func DestroyWarnings(w io.Writer, p *plan.Plan) error {
	tw := &textWriter{w: w}
	first := true
	for _, c := range p.Changes {
		if c.Action != plan.Delete || len(c.Warnings) == 0 {
			continue
		}
		if first {
			tw.printf("\nWarning: what the destroys lose:\n")
			first = false
		}
		for _, x := range c.Warnings {
			tw.printf("  - %s: %s\n", objectLabel(c.Kind, c.Key), x)
		}
	}
	return tw.err
}

// objectLabel names an object in a plan line: its kind and quoted key, or
// the kind alone for a singleton, whose key is the kind's own name
// (system settings, not system settings "system settings").
func objectLabel(kind plan.Kind, key string) string {
	if key == kind.String() {
		return kind.String()
	}
	return fmt.Sprintf("%s %q", kind, key)
}
