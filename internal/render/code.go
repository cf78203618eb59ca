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

// maxDiffCells bounds the longest-common-subsequence table (lines before
// times lines after, once common leading and trailing lines are set
// aside): past it the differing middle is shown as all removed, then all
// added. Every line is still shown; memory stays linear in the text (a
// hostile expression of 100,000 lines would otherwise need 10^10 cells).
const maxDiffCells = 1 << 20

// CodeDiff diffs two versions of a code field line by line (longest common
// subsequence), so a plan shows the whole text, every change in place.
// before is nil on create.
func CodeDiff(before, after any) []CodeLine {
	a, b := codeLines(before), codeLines(after)
	var head, tail []CodeLine
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		head = append(head, CodeLine{' ', a[0]})
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		tail = append(tail, CodeLine{' ', a[len(a)-1]})
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	out := head
	if (len(a)+1)*(len(b)+1) > maxDiffCells {
		for _, l := range a {
			out = append(out, CodeLine{'-', l})
		}
		for _, l := range b {
			out = append(out, CodeLine{'+', l})
		}
	} else {
		out = append(out, lcsDiff(a, b)...)
	}
	for i := len(tail) - 1; i >= 0; i-- {
		out = append(out, tail[i])
	}
	return out
}

// lcsDiff is the line diff of a and b by longest common subsequence.
func lcsDiff(a, b []string) []CodeLine {
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
