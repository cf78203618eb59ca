package render

import (
	"encoding/json"
	"io"
	"strings"

	"github.com/provision/provision/internal/checklist"
)

// ChecklistSide is one half of a check: the items of one side ("authentik"
// or "client").
type ChecklistSide struct {
	Side  string
	Items []checklist.Item
}

type jsonCheck struct {
	App    string          `json:"app"`
	Failed bool            `json:"failed"`
	Items  []jsonCheckItem `json:"items"`
}

type jsonCheckItem struct {
	Side   string `json:"side"`
	Name   string `json:"name"`
	Status string `json:"status"` // ok, warn, fail or info
	Detail string `json:"detail"`
}

// ChecklistJSON writes every item of every side with its status, and
// whether the check failed, for a pipeline to gate on.
func ChecklistJSON(w io.Writer, app string, sides []ChecklistSide) error {
	out := jsonCheck{App: app, Items: []jsonCheckItem{}}
	for _, s := range sides {
		for _, it := range s.Items {
			out.Items = append(out.Items, jsonCheckItem{Side: s.Side, Name: it.Name, Status: strings.ToLower(string(it.Status)), Detail: it.Detail})
		}
		out.Failed = out.Failed || checklist.Failed(s.Items)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
