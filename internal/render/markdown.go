package render

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/provision/provision/internal/plan"
)

// Markdown writes the plan as a compact pull-request comment (GitHub
// flavoured): a heading with the summary, a table of the changes, then one
// collapsible <details> block per change with its fields as a diff.
// Secrets are masked as in Text.
func Markdown(w io.Writer, p *plan.Plan) error {
	tw := &textWriter{w: w}
	if !p.HasChanges() {
		tw.printf("### provision plan: no changes\n\nauthentik matches the manifest.\n")
		keptMarkdown(tw, p.Kept)
		warningsMarkdown(tw, p.Warnings)
		outputsMarkdown(tw, p)
		return tw.err
	}
	add, change, destroy := p.Summary()
	tw.printf("### provision plan: %d to add, %d to change, %d to destroy\n\n", add, change, destroy)
	tw.printf("| | kind | key | action | fields | source |\n|---|---|---|---|---|---|\n")
	for _, c := range p.Changes {
		sym, _, _ := symbol(c.Action)
		key := cell(c.Key)
		if c.MovedFrom != "" {
			key = cell(c.MovedFrom) + " → " + key
		}
		tw.printf("| `%s` | %s | %s | %s | %d | %s |\n", sym, cell(c.Kind.String()), key, c.Action, len(c.Fields), cell(c.Source))
	}
	for _, c := range p.Changes {
		sym, _, verb := symbol(c.Action)
		if c.MovedFrom != "" {
			verb = "renamed from <b>" + html.EscapeString(c.MovedFrom) + "</b>, in place"
		}
		tw.printf("\n<details><summary><code>%s</code> %s <b>%s</b> will be %s</summary>\n\n",
			sym, html.EscapeString(c.Kind.String()), html.EscapeString(c.Key), verb)
		var lines []string
		for _, n := range c.Notes {
			lines = append(lines, "# "+n)
		}
		for _, w := range c.Warnings {
			lines = append(lines, "! warning: "+w)
		}
		if c.Action == plan.Delete {
			lines = append(lines, fmt.Sprintf("- %s", objectLabel(c.Kind, c.Key)))
		}
		for _, f := range c.Fields {
			if f.RunsOnServer && !f.Sensitive {
				lines = append(lines, codeDiffLines(f)...)
				continue
			}
			lines = append(lines, diffLines(f, c.Action == plan.Create)...)
		}
		body := strings.Join(lines, "\n")
		fence := codeFence(body)
		tw.printf("%sdiff\n%s\n%s\n\n</details>\n", fence, body, fence)
	}
	ownershipMarkdown(tw, p.Ownership)
	notPrunedMarkdown(tw, p.Ownership)
	keptMarkdown(tw, p.Kept)
	warningsMarkdown(tw, p.Warnings)
	outputsMarkdown(tw, p)
	return tw.err
}

// diffLines is one field as diff lines: "+ f = after", or "- f = before"
// then "+ f = after".
func diffLines(f plan.FieldChange, create bool) []string {
	show := func(v any) string {
		if f.Sensitive {
			return Sensitive
		}
		return Value(v)
	}
	if create || f.Before == nil {
		return []string{fmt.Sprintf("+ %s = %s", f.Field, show(f.After))}
	}
	before := show(f.Before)
	if f.BeforeSensitive {
		before = Sensitive
	}
	return []string{
		fmt.Sprintf("- %s = %s", f.Field, before),
		fmt.Sprintf("+ %s = %s", f.Field, show(f.After)),
	}
}

// codeDiffLines is a code field shown whole, as in the text plan: a
// comment marking it as code that runs on the server, then every line of
// it prefixed "+", "-" or " " as a line diff.
func codeDiffLines(f plan.FieldChange) []string {
	lines := []string{fmt.Sprintf("# %s: %s", f.Field, ServerCodeNote)}
	for _, l := range CodeDiff(f.Before, f.After) {
		lines = append(lines, string(l.Op)+" "+l.Text)
	}
	return lines
}

// cell escapes text for a table cell: no pipes, newlines or HTML.
func cell(s string) string {
	s = html.EscapeString(s)
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// codeFence is a backtick fence longer than any backtick run in body.
func codeFence(body string) string {
	longest, run := 0, 0
	for _, r := range body {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}
