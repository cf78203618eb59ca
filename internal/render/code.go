package render

import (
	"strings"

	"github.com/provision/provision/internal/plan"
)

// ServerCodeNote heads a field whose value is code that authentik runs.
const ServerCodeNote = "code that runs on the authentik server: review every line"

// CodeLine is one line of a code field's diff: Op is ' ' (unchanged),
// '-' (removed) or '+' (added).
type CodeLine struct {
	Op   byte
	Text string
}

// CodeDiff diffs two versions of a code field line by line (longest common
// subsequence), so a plan shows the whole text, every change in place.
// before is nil on create.
func CodeDiff(before, after any) []CodeLine {
	a, b := codeLines(before), codeLines(after)
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []CodeLine
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out = append(out, CodeLine{' ', a[i]})
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, CodeLine{'-', a[i]}) // removals first, as diff shows them
			i++
		default:
			out = append(out, CodeLine{'+', b[j]})
			j++
		}
	}
	return out
}

func codeLines(v any) []string {
	s, ok := v.(string)
	if !ok || s == "" {
		return nil
	}
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

// codeField writes a code field whole, as a heredoc with a line diff:
//
//	~ expression = <<-EOT  # code that runs on the authentik server: review every line
//	      return {
//	    -     "a": 1,
//	    +     "a": 2,
//	      }
//	  EOT
func (t *textWriter) codeField(sym, col, name string, width int, f plan.FieldChange) {
	t.printf("      %s%s%s %-*s = <<-EOT  %s# %s%s\n", t.c(col), sym, t.c(reset), width, name, t.c(bold), ServerCodeNote, t.c(reset))
	for _, l := range CodeDiff(f.Before, f.After) {
		switch l.Op {
		case '+':
			t.printf("          %s+%s %s\n", t.c(green), t.c(reset), l.Text)
		case '-':
			t.printf("          %s-%s %s\n", t.c(red), t.c(reset), l.Text)
		default:
			t.printf("            %s\n", l.Text)
		}
	}
	t.printf("        EOT\n")
}
