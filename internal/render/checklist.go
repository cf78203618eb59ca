package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/provision/provision/internal/checklist"
)

// Checklist writes one line per check item: a mark, the name, the detail.
func Checklist(w io.Writer, items []checklist.Item, color bool) error {
	tw := &textWriter{w: w, color: color}
	for _, it := range items {
		mark, col := "✓", green
		switch it.Status {
		case checklist.Warn:
			mark, col = "!", yellow
		case checklist.Fail:
			mark, col = "✗", red
		case checklist.Info:
			mark, col = "·", bold
		}
		tw.printf("  %s%s%s %-42s %s\n", tw.c(col), mark, tw.c(reset), it.Name, it.Detail)
	}
	return tw.err
}

// Check is one check's result, for its text (CheckText) and JSON
// (CheckJSON) views.
type Check struct {
	Slug string
	// Header is the text view's first line.
	Header    string
	Authentik []checklist.Item
	// Client is the client app's half; ClientSide is false when there is
	// none to probe (SAML, LDAP: configured by hand). ClientURLs are the
	// addresses probed.
	Client     []checklist.Item
	ClientSide bool
	ClientURLs []string
}

// Failed reports whether an item of either half failed.
func (c Check) Failed() bool { return checklist.Failed(c.Authentik) || checklist.Failed(c.Client) }

// CheckJSON writes both halves of the check as JSON.
func CheckJSON(w io.Writer, c Check) error {
	sides := []ChecklistSide{{Side: "authentik", Items: c.Authentik}}
	if c.ClientSide {
		sides = append(sides, ChecklistSide{Side: "client", Items: c.Client})
	}
	return ChecklistJSON(w, c.Slug, sides)
}

// CheckText writes both halves of the check as text.
func CheckText(w io.Writer, c Check, color bool) error {
	fmt.Fprintln(w, c.Header)
	if err := Checklist(w, c.Authentik, color); err != nil {
		return err
	}
	if !c.ClientSide {
		return nil
	}
	var where []string
	for _, u := range c.ClientURLs {
		where = append(where, " at "+u)
	}
	fmt.Fprintf(w, "The client app%s (public endpoints, no credentials):\n", strings.Join(where, ","))
	return Checklist(w, c.Client, color)
}
