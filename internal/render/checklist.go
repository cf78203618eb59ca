package render

import (
	"io"

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
