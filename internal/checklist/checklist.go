// Package checklist is the vocabulary of a check's result: items with a
// status. It imports nothing of the project, so the renderer can print a
// checklist without depending on the package that runs the checks (and
// talks to authentik).
package checklist

import "slices"

// Status of one checklist item.
type Status string

const (
	Pass Status = "ok"
	Warn Status = "warn"
	Fail Status = "FAIL"
	// Info is an item that neither passes nor fails: something the check
	// could not look at, said out loud rather than passed over.
	Info Status = "info"
)

// Item is one line of the checklist.
type Item struct {
	Name   string
	Status Status
	Detail string
}

// Failed reports whether any item failed.
func Failed(items []Item) bool {
	return slices.ContainsFunc(items, func(i Item) bool { return i.Status == Fail })
}
