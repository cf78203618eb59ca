package render

import (
	"io"

	"github.com/provision/provision/internal/check"
)

// Checklist writes one line per check item: a mark, the name, the detail.
func Checklist(w io.Writer, items []check.Item, color bool) error {
	tw := &textWriter{w: w, color: color}
	for _, it := range items {
		mark, col := "✓", green
		switch it.Status {
		case check.Warn:
			mark, col = "!", yellow
		case check.Fail:
			mark, col = "✗", red
		case check.Info:
			mark, col = "·", bold
		}
		tw.printf("  %s%s%s %-42s %s\n", tw.c(col), mark, tw.c(reset), it.Name, it.Detail)
	}
	return tw.err
}
